//! IAM: everything GetAccountAuthorizationDetails returns (users, groups, roles with
//! trust policies, customer-managed and inline policies, attachments), each user's
//! access keys with their last use, and the credential report.
//!
//! IAM is global: resources carry the region `global`; calls go to the home region's
//! endpoint (IAM has one per partition).

use super::ctx::{ops, partition, Read, SweepState, GLOBAL};
use super::Tuning;
use crate::model::account::{CredentialReport, CredentialReportRow, IamAccessKey, ReportAccessKey};
use crate::model::iam::{IamGroup, IamRole, IamUser, IdentityPolicy, PolicyAttachment, Principal};
use crate::model::{Gap, Inventory, Tri};
use aws_sdk_iam::types::{AttachedPolicy, EntityType, PolicyDetail, ReportStateType, Tag};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use futures_util::future::join_all;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const SVC: &str = "iam";
const DETAILS: &str = "GetAccountAuthorizationDetails";

pub async fn collect(ctx: &SweepState, tuning: &Tuning) -> Inventory {
    let home = ctx.home_region().to_string();
    let client = ctx.clients.iam(&home);
    let mut inv = Inventory::default();
    let (details, report) = tokio::join!(
        authorization_details(ctx, &client, &home),
        credential_report(ctx, &client, &home, tuning.credential_report_wait),
    );
    if let Some(report) = report {
        inv.credential_reports.push(report);
    }
    let Some(d) = details else {
        return inv;
    };

    let mut attachments: Vec<(String, Principal, String)> = Vec::new();
    let mut note = |principal_arn: &str, who: &Principal, list: &[AttachedPolicy]| {
        for a in list {
            if let Some(arn) = a.policy_arn() {
                attachments.push((principal_arn.to_string(), who.clone(), arn.to_string()));
            }
        }
    };
    for u in &d.users {
        note(&u.arn, &Principal::User(u.name.clone()), &u.attached);
    }
    for g in &d.groups {
        note(&g.arn, &Principal::Group(g.name.clone()), &g.attached);
    }
    for r in &d.roles {
        note(&r.arn, &Principal::Role(r.name.clone()), &r.attached);
    }

    // Customer-managed policies, with the principals they are attached to.
    let managed_arns: Vec<&str> = d.policies.iter().map(|p| p.arn.as_str()).collect();
    for p in &d.policies {
        let attached_to = attachments
            .iter()
            .filter(|(_, _, arn)| *arn == p.arn)
            .map(|(_, who, _)| who.clone())
            .collect();
        inv.identity_policies.push(IdentityPolicy {
            meta: ctx.meta(
                "aws_iam_policy",
                &p.arn,
                Some(&p.name),
                GLOBAL,
                ops(SVC, &[DETAILS]),
            ),
            document: match &p.document {
                Some(text) => super::s3::parse_policy(ctx, text, &p.arn, DETAILS),
                None => Tri::Unknown(Gap::NotCollected),
            },
            attached_to,
            inline: false,
        });
    }
    // Attachments of policies defined elsewhere (AWS-managed), as Terraform models
    // attachments of policies it does not define.
    for (principal_arn, who, policy_arn) in &attachments {
        if managed_arns.contains(&policy_arn.as_str()) {
            continue;
        }
        let kind = match who {
            Principal::User(_) => "aws_iam_user_policy_attachment",
            Principal::Group(_) => "aws_iam_group_policy_attachment",
            Principal::Role(_) => "aws_iam_role_policy_attachment",
        };
        let address = format!("{principal_arn}#attached/{policy_arn}");
        let mut meta = ctx.meta(kind, &address, None, GLOBAL, ops(SVC, &[DETAILS]));
        meta.arn = None;
        meta.name = policy_arn.rsplit('/').next().map(str::to_owned);
        inv.policy_attachments.push(PolicyAttachment {
            meta,
            policy_arn: Tri::Known(policy_arn.clone()),
            policy_name: None,
            attached_to: Tri::Known(who.clone()),
        });
    }
    // Inline policies.
    let inline_sets = d
        .users
        .iter()
        .map(|u| {
            (
                &u.arn,
                Principal::User(u.name.clone()),
                &u.inline,
                "aws_iam_user_policy",
            )
        })
        .chain(d.groups.iter().map(|g| {
            (
                &g.arn,
                Principal::Group(g.name.clone()),
                &g.inline,
                "aws_iam_group_policy",
            )
        }))
        .chain(d.roles.iter().map(|r| {
            (
                &r.arn,
                Principal::Role(r.name.clone()),
                &r.inline,
                "aws_iam_role_policy",
            )
        }));
    for (owner_arn, who, list, kind) in inline_sets {
        for (name, text) in list {
            let address = inline_address(owner_arn, name);
            let mut meta = ctx.meta(kind, &address, Some(name), GLOBAL, ops(SVC, &[DETAILS]));
            meta.arn = None;
            inv.identity_policies.push(IdentityPolicy {
                meta,
                document: match text {
                    Some(text) => super::s3::parse_policy(ctx, text, &address, DETAILS),
                    None => Tri::Unknown(Gap::NotCollected),
                },
                attached_to: vec![who.clone()],
                inline: true,
            });
        }
    }
    for r in &d.roles {
        let mut meta = ctx.meta(
            "aws_iam_role",
            &r.arn,
            Some(&r.name),
            GLOBAL,
            ops(SVC, &[DETAILS]),
        );
        meta.tags = r.tags.clone();
        inv.iam_roles.push(IamRole {
            meta,
            trust_policy: match &r.trust {
                Some(text) => super::s3::parse_policy(ctx, text, &r.arn, DETAILS),
                None => Tri::Absent,
            },
        });
    }
    for g in &d.groups {
        let meta = ctx.meta(
            "aws_iam_group",
            &g.arn,
            Some(&g.name),
            GLOBAL,
            ops(SVC, &[DETAILS]),
        );
        inv.iam_groups.push(IamGroup { meta });
    }
    for u in &d.users {
        let mut meta = ctx.meta(
            "aws_iam_user",
            &u.arn,
            Some(&u.name),
            GLOBAL,
            ops(SVC, &[DETAILS]),
        );
        meta.tags = u.tags.clone();
        let mut direct: Vec<String> = u
            .inline
            .iter()
            .map(|(name, _)| inline_address(&u.arn, name))
            .collect();
        direct.extend(
            u.attached
                .iter()
                .filter_map(|a| a.policy_arn().map(str::to_owned)),
        );
        inv.iam_users.push(IamUser {
            meta,
            direct_policies: direct,
        });
    }

    let keys = join_all(d.users.iter().map(|u| access_keys(ctx, &client, &home, u))).await;
    inv.iam_access_keys = keys.into_iter().flatten().collect();

    inv.identity_policies
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.policy_attachments
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.iam_roles
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.iam_users
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.iam_groups
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.iam_access_keys
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

/// An inline policy has no ARN: it is named by its owner's ARN and its name.
fn inline_address(owner_arn: &str, name: &str) -> String {
    format!("{owner_arn}#inline-policy/{name}")
}

/// A principal as GetAccountAuthorizationDetails describes it.
struct Entity {
    name: String,
    arn: String,
    /// Inline policies: name and document (URL-encoded JSON).
    inline: Vec<(String, Option<String>)>,
    attached: Vec<AttachedPolicy>,
    tags: BTreeMap<String, String>,
    /// Roles only: the trust policy.
    trust: Option<String>,
}

struct ManagedPolicy {
    name: String,
    arn: String,
    /// The default version's document.
    document: Option<String>,
}

#[derive(Default)]
struct Details {
    users: Vec<Entity>,
    groups: Vec<Entity>,
    roles: Vec<Entity>,
    policies: Vec<ManagedPolicy>,
}

fn inline(list: &[PolicyDetail]) -> Vec<(String, Option<String>)> {
    list.iter()
        .filter_map(|p| {
            p.policy_name()
                .map(|n| (n.to_string(), p.policy_document().map(str::to_owned)))
        })
        .collect()
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// All pages of GetAccountAuthorizationDetails, without AWS-managed policies (their
/// documents are AWS's; attachments of them are kept). `None` after a gap.
async fn authorization_details(
    ctx: &SweepState,
    client: &aws_sdk_iam::Client,
    home: &str,
) -> Option<Details> {
    let mut d = Details::default();
    let mut marker: Option<String> = None;
    loop {
        let req = client
            .get_account_authorization_details()
            .set_filter(Some(vec![
                EntityType::User,
                EntityType::Group,
                EntityType::Role,
                EntityType::LocalManagedPolicy,
            ]))
            .set_marker(marker.clone());
        let out = match ctx.call(SVC, req.send()).await {
            Ok(out) => out,
            Err(f) => {
                ctx.gap(
                    SVC,
                    home,
                    DETAILS,
                    "the account",
                    &f,
                    "every IAM user, group, role and policy",
                );
                return None;
            }
        };
        for u in out.user_detail_list() {
            if let (Some(name), Some(arn)) = (u.user_name(), u.arn()) {
                d.users.push(Entity {
                    name: name.to_string(),
                    arn: arn.to_string(),
                    inline: inline(u.user_policy_list()),
                    attached: u.attached_managed_policies().to_vec(),
                    tags: tag_map(u.tags()),
                    trust: None,
                });
            }
        }
        for g in out.group_detail_list() {
            if let (Some(name), Some(arn)) = (g.group_name(), g.arn()) {
                d.groups.push(Entity {
                    name: name.to_string(),
                    arn: arn.to_string(),
                    inline: inline(g.group_policy_list()),
                    attached: g.attached_managed_policies().to_vec(),
                    tags: BTreeMap::new(),
                    trust: None,
                });
            }
        }
        for r in out.role_detail_list() {
            if let (Some(name), Some(arn)) = (r.role_name(), r.arn()) {
                d.roles.push(Entity {
                    name: name.to_string(),
                    arn: arn.to_string(),
                    inline: inline(r.role_policy_list()),
                    attached: r.attached_managed_policies().to_vec(),
                    tags: tag_map(r.tags()),
                    trust: r.assume_role_policy_document().map(str::to_owned),
                });
            }
        }
        for p in out.policies() {
            if let Some(arn) = p.arn() {
                // The name is the ARN's last segment when the answer leaves it out.
                let name = p
                    .policy_name()
                    .or_else(|| arn.rsplit('/').next())
                    .unwrap_or(arn);
                d.policies.push(ManagedPolicy {
                    name: name.to_string(),
                    arn: arn.to_string(),
                    document: p
                        .policy_version_list()
                        .iter()
                        .find(|v| v.is_default_version())
                        .and_then(|v| v.document())
                        .map(str::to_owned),
                });
            }
        }
        marker = out.marker().map(str::to_owned);
        if !out.is_truncated() || marker.is_none() {
            return Some(d);
        }
    }
}

fn rfc3339(t: Option<&DateTime>) -> Tri<String> {
    match t.map(|t| t.fmt(Format::DateTime)) {
        Some(Ok(s)) => Tri::Known(s),
        Some(Err(_)) => Tri::Unknown(Gap::NotCollected),
        None => Tri::Absent,
    }
}

/// A user's access keys with their last use. A gap leaves that user's keys out
/// (ListAccessKeys) or their last use unknown (GetAccessKeyLastUsed).
async fn access_keys(
    ctx: &SweepState,
    client: &aws_sdk_iam::Client,
    home: &str,
    user: &Entity,
) -> Vec<IamAccessKey> {
    let target = format!("user {}", user.arn);
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let req = client
            .list_access_keys()
            .user_name(&user.name)
            .set_marker(marker.clone());
        match ctx
            .read(
                SVC,
                home,
                "ListAccessKeys",
                &target,
                &[],
                "the user's access keys",
                req.send(),
            )
            .await
        {
            Read::Found(out) => {
                listed.extend(out.access_key_metadata().iter().cloned());
                marker = out.marker().map(str::to_owned);
                if !out.is_truncated() || marker.is_none() {
                    break;
                }
            }
            Read::Absent | Read::Failed => return Vec::new(),
        }
    }
    join_all(listed.iter().filter_map(|k| {
        let id = k.access_key_id()?.to_string();
        Some(async move {
            let last = ctx
                .read(
                    SVC,
                    home,
                    "GetAccessKeyLastUsed",
                    &format!("access key {id} of {}", user.arn),
                    &[],
                    "when the key was last used",
                    client.get_access_key_last_used().access_key_id(&id).send(),
                )
                .await;
            let (last_used, used_op) = match last {
                Read::Found(out) => (
                    rfc3339(out.access_key_last_used().and_then(|l| l.last_used_date())),
                    true,
                ),
                Read::Absent | Read::Failed => (Tri::Unknown(Gap::NotCollected), false),
            };
            let address = format!("{}#access-key/{id}", user.arn);
            let operation = if used_op {
                ops(SVC, &["ListAccessKeys", "GetAccessKeyLastUsed"])
            } else {
                ops(SVC, &["ListAccessKeys"])
            };
            let mut meta = ctx.meta("aws_iam_access_key", &address, Some(&id), GLOBAL, operation);
            meta.arn = None;
            meta.tags = user.tags.clone();
            IamAccessKey {
                meta,
                user: user.name.clone(),
                access_key_id: id,
                active: match k.status() {
                    Some(s) => Tri::Known(s.as_str() == "Active"),
                    None => Tri::Unknown(Gap::NotCollected),
                },
                created: rfc3339(k.create_date()),
                last_used,
            }
        })
    }))
    .await
}

/// Asks IAM to generate the credential report, waits for it (bounded), reads and
/// parses it. `None` only when the account id is unknown; a failure gives a report
/// whose rows are unknown, so rules that need it say "unknown".
async fn credential_report(
    ctx: &SweepState,
    client: &aws_sdk_iam::Client,
    home: &str,
    wait: Duration,
) -> Option<CredentialReport> {
    let account = ctx.account.clone()?;
    let address = format!("arn:{}:iam::{account}:credential-report", partition(home));
    let target = format!("account {account}");
    let what = "the credential report (root access keys, console users without MFA)";
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    let mut generated = false;
    loop {
        match ctx
            .read(
                SVC,
                home,
                "GenerateCredentialReport",
                &target,
                &[],
                what,
                client.generate_credential_report().send(),
            )
            .await
        {
            Read::Found(out) if out.state() == Some(&ReportStateType::Complete) => {
                generated = true;
                break;
            }
            Read::Found(_) if started.elapsed() < wait => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Read::Found(_) => {
                ctx.gap(
                    SVC,
                    home,
                    "GenerateCredentialReport",
                    &target,
                    &super::ctx::Failure::new(
                        "ReportNotReady",
                        format!("the report was not complete after {}s", wait.as_secs()),
                    ),
                    what,
                );
                break;
            }
            Read::Absent | Read::Failed => break,
        }
    }
    let rows = if generated {
        match ctx
            .read(
                SVC,
                home,
                "GetCredentialReport",
                &target,
                &[],
                what,
                client.get_credential_report().send(),
            )
            .await
        {
            Read::Found(out) => match out.content() {
                Some(blob) => match parse_report(&String::from_utf8_lossy(blob.as_ref())) {
                    Ok(rows) => Tri::Known(rows),
                    Err(e) => {
                        ctx.gap(
                            SVC,
                            home,
                            "GetCredentialReport",
                            &target,
                            &super::ctx::Failure::new("MalformedResponse", e),
                            what,
                        );
                        Tri::Unknown(Gap::NotCollected)
                    }
                },
                None => Tri::Unknown(Gap::NotCollected),
            },
            Read::Absent | Read::Failed => Tri::Unknown(Gap::NotCollected),
        }
    } else {
        Tri::Unknown(Gap::NotCollected)
    };
    let used: &[&str] = if rows.is_known() {
        &["GenerateCredentialReport", "GetCredentialReport"]
    } else {
        &["GenerateCredentialReport"]
    };
    let mut meta = ctx.meta(
        "aws_iam_credential_report",
        &address,
        Some(&account),
        GLOBAL,
        ops(SVC, used),
    );
    meta.arn = None;
    Some(CredentialReport { meta, rows })
}

/// Splits one CSV line, honouring double quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Parses the credential report CSV by column name. IAM user names may contain
/// commas and the report does not quote them: a row with `2k` fields too many has a
/// user name (and so an ARN) with `k` commas each.
fn parse_report(csv: &str) -> Result<Vec<CredentialReportRow>, String> {
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(lines.next().ok_or("the report is empty")?);
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(_), Some(_)) = (col("user"), col("arn")) else {
        return Err("the report has no user and arn columns".into());
    };
    let mut rows = Vec::new();
    for line in lines {
        let mut f = csv_fields(line);
        if f.len() > header.len() && (f.len() - header.len()).is_multiple_of(2) {
            let k = (f.len() - header.len()) / 2;
            let user = f[..=k].join(",");
            let arn = f[k + 1..=2 * k + 1].join(",");
            f.splice(..=2 * k + 1, [user, arn]);
        }
        if f.len() < header.len() {
            return Err(format!(
                "a row has {} fields, the header {}",
                f.len(),
                header.len()
            ));
        }
        let get = |name: &str| col(name).and_then(|i| f.get(i)).map(String::as_str);
        let flag = |name: &str| match get(name) {
            Some("true") => Tri::Known(true),
            Some("false") => Tri::Known(false),
            _ => Tri::Unknown(Gap::NotCollected),
        };
        let date = |name: &str| match get(name) {
            Some(s) if s.starts_with(|c: char| c.is_ascii_digit()) => Tri::Known(s.to_string()),
            Some(_) => Tri::Absent,
            None => Tri::Unknown(Gap::NotCollected),
        };
        let user = get("user").unwrap_or_default().to_string();
        let mut access_keys = Vec::new();
        for n in 1..=2 {
            let active = flag(&format!("access_key_{n}_active"));
            let last_rotated = date(&format!("access_key_{n}_last_rotated"));
            if active == Tri::Known(true) || last_rotated.is_known() {
                access_keys.push(ReportAccessKey {
                    active,
                    last_rotated,
                    last_used: date(&format!("access_key_{n}_last_used_date")),
                });
            }
        }
        rows.push(CredentialReportRow {
            root: user == "<root_account>",
            arn: get("arn").unwrap_or_default().to_string(),
            password_enabled: flag("password_enabled"),
            mfa_active: flag("mfa_active"),
            access_keys,
            user,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    #[test]
    fn report_rows_with_root_and_a_user_whose_name_has_commas() {
        let csv = format!(
            "{HEADER}\n\
             <root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
             a,b,arn:aws:iam::123456789012:user/a,b,2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let rows = parse_report(&csv).expect("parses");
        assert_eq!(rows.len(), 2);
        assert!(rows[0].root);
        assert_eq!(rows[0].password_enabled, Tri::Unknown(Gap::NotCollected));
        assert_eq!(rows[0].access_keys.len(), 1);
        assert_eq!(rows[0].access_keys[0].active, Tri::Known(true));
        assert_eq!(rows[0].access_keys[0].last_used, Tri::Absent);
        assert_eq!(rows[1].user, "a,b");
        assert_eq!(rows[1].arn, "arn:aws:iam::123456789012:user/a,b");
        assert_eq!(rows[1].password_enabled, Tri::Known(true));
        assert_eq!(rows[1].mfa_active, Tri::Known(false));
        assert!(rows[1].access_keys.is_empty());
    }

    #[test]
    fn a_report_without_columns_is_an_error() {
        assert!(parse_report("").is_err());
        assert!(parse_report("x,y\n1,2").is_err());
    }
}
