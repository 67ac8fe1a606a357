//! IAM007 iam-trust-external-no-externalid: a role's trust policy lets principals of an
//! account outside the organisation assume it without an `sts:ExternalId` condition.
//! Third parties that assume roles in their customers' accounts (monitoring, backup,
//! CI vendors) act for many customers; without an ExternalId any of those customers can
//! make the vendor assume *your* role (the confused-deputy problem). This is vendor
//! access, so it maps to CC9.2 as well as CC6.1/CC6.3.
//!
//! Which accounts are the organisation's own: `accounts.organisation`, the accounts of
//! configured environments, and the accounts the scanned source deploys to (live: the
//! swept account and the role's own account; Terraform: `allowed_account_ids` and
//! `assume_role` ARNs of the root's aws providers). The deploying account
//! (`data.aws_caller_identity`) and principals managed in the same configuration
//! (`aws_iam_role.x.arn`) are own too. Any other account is external when the
//! organisation is configured or the deploying account is known; when neither is, the
//! rule cannot tell an external account from the role's own and says unknown (never a
//! silent pass).
//!
//! With an ExternalId required, an external account passes, except: a vendor listed in
//! `[[accounts.trusted]]` with an `external-id` must be required to present exactly
//! that id; and once any vendor is listed, an external account that is not listed
//! fails (the list is then the organisation's reviewed vendor inventory). Public trust
//! (`Principal "*"`) is IAM006's; service and federated principals are not accounts.

use super::iam001::{unknown_because, PerResource, Verdict};
use crate::model::arn_account;
use crate::model::policy::{PrincipalRef, Statement};
use crate::model::{Inventory, Meta, PolicyDocument, Scope, Tri};
use crate::rules::Ctx;
use crate::rules::RuleSettings;
use std::collections::BTreeSet;

/// What is known about the accounts that belong to the organisation, for one role.
struct Own {
    accounts: BTreeSet<String>,
    /// `accounts.organisation` or environment accounts are configured.
    configured: bool,
    /// The account(s) the role is deployed to are known.
    deploy_known: bool,
}

fn own_accounts(inv: &Inventory, role: &Meta, settings: &RuleSettings) -> Own {
    let mut accounts: BTreeSet<String> = settings.org_accounts.clone();
    for e in &settings.environments {
        accounts.extend(e.accounts.iter().cloned());
    }
    let configured = !accounts.is_empty();
    let mut deploy = BTreeSet::new();
    match role.origin.scope() {
        Scope::Account { account, .. } => {
            deploy.extend(account.map(str::to_owned));
            if let Some(a) = role.arn.as_deref().and_then(arn_account) {
                deploy.insert(a.to_string());
            }
        }
        Scope::Root(root) => {
            for p in &inv.provider_configs {
                if p.meta.origin.scope() != Scope::Root(root) {
                    continue;
                }
                if let Tri::Known(ids) = &p.allowed_account_ids {
                    deploy.extend(ids.iter().cloned());
                }
                if let Tri::Known(arns) = &p.assume_role_arns {
                    deploy.extend(
                        arns.iter()
                            .filter_map(|a| arn_account(a))
                            .map(str::to_owned),
                    );
                }
            }
        }
    }
    let deploy_known = !deploy.is_empty();
    accounts.extend(deploy);
    Own {
        accounts,
        configured,
        deploy_known,
    }
}

/// The outcome for one principal of one statement.
enum Judged {
    Fine,
    Fail(String),
    Unknown(String),
}

/// The literal `sts:ExternalId` values a statement requires.
fn external_id_values(s: &Statement) -> (Vec<&str>, bool) {
    let mut lits = Vec::new();
    let mut unknown = s.conditions_unknown;
    for (_, values) in s.condition_values("sts:ExternalId") {
        unknown |= values.unknown_list;
        for v in &values.items {
            match v.lit() {
                Some(l) => lits.push(l),
                None => unknown = true,
            }
        }
    }
    (lits, unknown)
}

fn vendor_name(settings: &RuleSettings, id: &str) -> String {
    match settings.trusted_account_names.get(id) {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

/// Judge one account named by an `Allow` of `sts:AssumeRole`.
fn judge_account(
    s: &Statement,
    id: &str,
    principal: &str,
    own: &Own,
    settings: &RuleSettings,
    because: &str,
) -> Judged {
    if own.accounts.contains(id) {
        return Judged::Fine;
    }
    let external_id = s.requires_external_id();
    let shown = if principal == id {
        format!("account {id}")
    } else {
        format!("account {id} ({principal})")
    };
    if let Some(expected) = settings.trusted_accounts.get(id) {
        let name = vendor_name(settings, id);
        return match external_id {
            Some(false) => Judged::Fail(format!(
                "trusts vendor account {name} without an sts:ExternalId condition: require the ExternalId the vendor issued"
            )),
            None => Judged::Unknown(format!(
                "trusts vendor account {name}, and whether an sts:ExternalId is required is {because}"
            )),
            Some(true) => match expected {
                None => Judged::Fine,
                Some(want) => {
                    let (values, unknown) = external_id_values(s);
                    if values.iter().any(|v| v == want) {
                        Judged::Fine
                    } else if unknown {
                        Judged::Unknown(format!(
                            "trusts vendor account {name} with an sts:ExternalId whose value is {because}, so it cannot be compared with the configured external-id"
                        ))
                    } else {
                        Judged::Fail(format!(
                            "trusts vendor account {name} with an sts:ExternalId that is not the external-id configured for it in accounts.trusted"
                        ))
                    }
                }
            },
        };
    }
    let external = own.configured || own.deploy_known;
    let unlisted = !settings.trusted_accounts.is_empty();
    match external_id {
        Some(true) if unlisted && external => Judged::Fail(format!(
            "trusts {shown}, which is neither the organisation's nor a vendor listed in accounts.trusted: review the vendor and list it, or remove the trust"
        )),
        Some(true) if unlisted => Judged::Unknown(format!(
            "trusts {shown}, which is not listed in accounts.trusted, and whether it is the organisation's own cannot be told: configure accounts.organisation"
        )),
        Some(true) => Judged::Fine,
        Some(false) if external => Judged::Fail(format!(
            "trusts {shown}, outside the organisation, without an sts:ExternalId condition: require the ExternalId the third party issued, or list the account in accounts.organisation if it is yours"
        )),
        Some(false) => Judged::Unknown(format!(
            "trusts {shown} without an sts:ExternalId condition, and whether that account is the organisation's own cannot be told: configure accounts.organisation"
        )),
        None => Judged::Unknown(format!(
            "trusts {shown}, and whether an sts:ExternalId is required is {because}"
        )),
    }
}

/// Judge one principal of a statement.
fn judge_principal(
    s: &Statement,
    p: &PrincipalRef,
    own: &Own,
    settings: &RuleSettings,
    because: &str,
) -> Judged {
    match p {
        PrincipalRef::Account { id, principal } => {
            judge_account(s, id, principal, own, settings, because)
        }
        // The deploying account, and principals this configuration manages.
        PrincipalRef::CurrentAccount { .. } | PrincipalRef::Managed { .. } => Judged::Fine,
        // Public trust is IAM006's; services, identity providers and ids that name no
        // account (a deleted role's unique id) are not account trust.
        PrincipalRef::Everyone
        | PrincipalRef::Service { .. }
        | PrincipalRef::Federated { .. }
        | PrincipalRef::CanonicalUser { .. }
        | PrincipalRef::Other { .. } => Judged::Fine,
        PrincipalRef::Unknown { kind, .. } => {
            let aws = kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case("AWS"));
            if !aws {
                return Judged::Fine;
            }
            match s.requires_external_id() {
                Some(true) if settings.trusted_accounts.is_empty() => Judged::Fine,
                _ => Judged::Unknown(format!(
                    "trusts an AWS principal that is {because}; it may be an outside account without an sts:ExternalId"
                )),
            }
        }
    }
}

fn judge(doc: &PolicyDocument, meta: &Meta, own: &Own, settings: &RuleSettings) -> Verdict {
    let because = unknown_because(meta);
    let mut fails = Vec::new();
    let mut unknowns = Vec::new();
    let mut named_accounts = false;
    for (i, s) in doc.statements.iter().enumerate() {
        let r = crate::model::policy::StatementRef::new(i, s);
        let allow = s.is_allow();
        let assume = s.grants_action("sts:AssumeRole");
        if allow == Some(false) || assume == Some(false) {
            continue;
        }
        let certain = allow == Some(true) && assume == Some(true);
        for p in s.principal_accounts() {
            named_accounts |= matches!(p, PrincipalRef::Account { .. });
            match judge_principal(s, &p, own, settings, because) {
                Judged::Fine => {}
                Judged::Fail(m) if certain => fails.push(format!("{r} {m}")),
                Judged::Fail(m) => unknowns.push(format!(
                    "{r} may allow sts:AssumeRole (its effect or action is {because}) and {m}"
                )),
                Judged::Unknown(m) => unknowns.push(format!("{r} {m}")),
            }
        }
    }
    if !fails.is_empty() {
        return Verdict::Fail(fails.join("; "));
    }
    if doc.statements_unknown {
        unknowns.push(format!(
            "some statements are {because} and may trust an outside account"
        ));
    }
    if !unknowns.is_empty() {
        return Verdict::Unknown(unknowns.join("; "));
    }
    Verdict::Pass(if named_accounts {
        "every trusted account is the organisation's own or must present an sts:ExternalId"
            .to_string()
    } else {
        "the trust policy names no outside AWS account".to_string()
    })
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut out = PerResource::new();
    for role in &inv.iam_roles {
        let verdict = match &role.trust_policy {
            Tri::Known(doc) => {
                let own = own_accounts(inv, &role.meta, ctx.settings);
                judge(doc, &role.meta, &own, ctx.settings)
            }
            Tri::Unknown(_) => Verdict::Unknown(format!(
                "the trust policy is {}",
                unknown_because(&role.meta)
            )),
            Tri::Absent => Verdict::Unknown(
                "no trust policy was read, so which accounts can assume the role is not known"
                    .to_string(),
            ),
        };
        out.add(&role.meta, verdict);
    }
    out.report(ctx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::model::iam::IamRole;
    use crate::model::{Origin, Wording};
    use std::collections::BTreeMap;

    /// Live roles know their own account from their ARN and the swept account.
    #[test]
    fn live_roles_know_their_account() {
        let meta = |name: &str| Meta {
            address: format!("arn:aws:iam::111111111111:role/{name}"),
            kind: "aws_iam_role".into(),
            arn: Some(format!("arn:aws:iam::111111111111:role/{name}")),
            name: Some(name.into()),
            tags: BTreeMap::new(),
            classification: None,
            environment: None,
            origin: Origin::Aws {
                account: Some("111111111111".into()),
                region: "global".into(),
                operation: "iam:GetAccountAuthorizationDetails".into(),
            },
            managed_by: None,
            wording: &Wording::LIVE,
        };
        let trust = |account: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{"AWS":"arn:aws:iam::{account}:root"}}}}]}}"#
            );
            Tri::Known(PolicyDocument::from_api_text(&text).expect("valid trust policy"))
        };
        let inv = Inventory {
            iam_roles: vec![
                IamRole {
                    meta: meta("self"),
                    trust_policy: trust("111111111111"),
                },
                IamRole {
                    meta: meta("vendor"),
                    trust_policy: trust("999999999999"),
                },
            ],
            ..Inventory::default()
        };
        let settings = RuleSettings::default();
        let rule = crate::catalogue::find("IAM007").expect("IAM007 metadata");
        let mut ctx = Ctx::new(&settings, rule);
        check(&inv, &mut ctx);
        let statuses: Vec<(String, Status)> = ctx
            .into_results()
            .into_iter()
            .map(|f| (f.resource, f.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                (
                    "arn:aws:iam::111111111111:role/self".to_string(),
                    Status::Pass
                ),
                (
                    "arn:aws:iam::111111111111:role/vendor".to_string(),
                    Status::Fail
                ),
            ]
        );
    }
}
