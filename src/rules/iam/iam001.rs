//! IAM001 iam-full-admin: an identity policy allows every action on every resource, or
//! a role, user or group gets the AWS-managed `AdministratorAccess` policy. Either one
//! makes the principal an account administrator, which no least-privilege design needs
//! outside break-glass access.
//!
//! This file also holds the identity-policy walk IAM001–IAM005 share: one result per
//! resource address (a Terraform role with several `inline_policy` blocks, or with
//! `managed_policy_arns`, is one resource), whatever the number of documents on it.

use crate::model::iam::{PolicyAttachment, Principal};
use crate::model::policy::{PList, PStr, Statement, StatementMatch, StatementRef};
use crate::model::value::HOLE;
use crate::model::{Inventory, Meta, PolicyDocument, Tri};
use crate::rules::Ctx;
use std::collections::HashMap;

/// What a rule concluded about one document (or one attachment).
pub(super) enum Verdict {
    Fail(String),
    Unknown(String),
    Pass(String),
}

/// Why a part of a policy is not known, in the words of its source: Terraform values
/// unknown before apply, or an AWS answer that could not be read.
pub(super) fn unknown_because(meta: &Meta) -> &'static str {
    meta.wording.unknown
}

/// Collects verdicts and reports one result per resource address, in first-seen order:
/// fail if any verdict fails (naming every failing document), else unknown if any is
/// unknown, else pass. Fingerprints are per (rule, address, file), so two results for
/// one address would collide; and an auditor wants one answer per resource.
pub(super) struct PerResource<'a> {
    entries: Vec<(&'a Meta, Vec<Verdict>)>,
    /// Positions in `entries` by address: a linear search made large estates quadratic.
    by_address: HashMap<&'a str, Vec<usize>>,
}

impl<'a> PerResource<'a> {
    pub(super) fn new() -> PerResource<'a> {
        PerResource {
            entries: Vec::new(),
            by_address: HashMap::new(),
        }
    }

    pub(super) fn add(&mut self, meta: &'a Meta, verdict: Verdict) {
        let same = self.by_address.entry(meta.address.as_str()).or_default();
        match same
            .iter()
            .find(|&&i| self.entries[i].0.origin == meta.origin)
        {
            Some(&i) => self.entries[i].1.push(verdict),
            None => {
                same.push(self.entries.len());
                self.entries.push((meta, vec![verdict]));
            }
        }
    }

    pub(super) fn report(self, ctx: &mut Ctx) {
        for (meta, verdicts) in self.entries {
            let pick = |want: fn(&Verdict) -> Option<&String>| -> Vec<&String> {
                let mut out: Vec<&String> = Vec::new();
                for m in verdicts.iter().filter_map(want) {
                    if !out.contains(&m) {
                        out.push(m);
                    }
                }
                out
            };
            let fails = pick(|v| match v {
                Verdict::Fail(m) => Some(m),
                _ => None,
            });
            let unknowns = pick(|v| match v {
                Verdict::Unknown(m) => Some(m),
                _ => None,
            });
            let passes = pick(|v| match v {
                Verdict::Pass(m) => Some(m),
                _ => None,
            });
            let join = |v: Vec<&String>| {
                v.into_iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if !fails.is_empty() {
                ctx.fail(meta, join(fails));
            } else if !unknowns.is_empty() {
                ctx.unknown(meta, join(unknowns));
            } else {
                ctx.pass(meta, join(passes));
            }
        }
    }
}

/// Judge every identity policy's document with `judge` and add the verdicts to `out`.
/// Documents inside another resource (a Terraform role's `inline_policy` blocks) are
/// named in the message so the reader finds the right block. Unknown documents are
/// unknown; absent ones (no document to judge) get no verdict.
pub(super) fn judge_identity_policies<'a>(
    inv: &'a Inventory,
    out: &mut PerResource<'a>,
    judge: impl Fn(&PolicyDocument, &Meta) -> Verdict,
) {
    // By address, not a list searched per policy: an estate has thousands of roles.
    let mut block_counter: HashMap<&str, usize> = HashMap::new();
    for p in &inv.identity_policies {
        let label = if p.inline && p.meta.kind == "aws_iam_role" {
            let n = block_counter.entry(&p.meta.address).or_default();
            *n += 1;
            Some(format!("inline_policy block #{n}"))
        } else {
            None
        };
        let verdict = match &p.document {
            Tri::Known(doc) => judge(doc, &p.meta),
            Tri::Unknown(_) => Verdict::Unknown(format!(
                "the policy document is {}",
                unknown_because(&p.meta)
            )),
            Tri::Absent => continue,
        };
        let verdict = match label {
            Some(l) => match verdict {
                Verdict::Fail(m) => Verdict::Fail(format!("{l}: {m}")),
                Verdict::Unknown(m) => Verdict::Unknown(format!("{l}: {m}")),
                Verdict::Pass(m) => Verdict::Pass(m),
            },
            None => verdict,
        };
        out.add(&p.meta, verdict);
    }
}

/// One verdict per identity policy over the statements `select` finds in it, worded
/// as [`verdict_of`] does: the whole of IAM001 to IAM004 but their own words.
pub(super) fn judge_statements<'a>(
    inv: &'a Inventory,
    select: impl Fn(&PolicyDocument) -> StatementMatch,
    describe: impl Fn(&StatementRef, &Statement) -> String,
    might: &str,
    pass: &str,
) -> PerResource<'a> {
    let mut out = PerResource::new();
    judge_identity_policies(inv, &mut out, |doc, meta| {
        verdict_of(doc, meta, &select(doc), &describe, might, pass)
    });
    out
}

/// A verdict from a [`StatementMatch`]: fail naming the certain statements (each
/// described by `describe`), unknown naming those that might match, else pass.
pub(super) fn verdict_of(
    doc: &PolicyDocument,
    meta: &Meta,
    m: &StatementMatch,
    describe: impl Fn(&StatementRef, &Statement) -> String,
    might: &str,
    pass: &str,
) -> Verdict {
    let statement = |r: &StatementRef| doc.statements.get(r.index);
    if !m.certain.is_empty() {
        let parts: Vec<String> = m
            .certain
            .iter()
            .filter_map(|r| statement(r).map(|s| describe(r, s)))
            .collect();
        return Verdict::Fail(parts.join("; "));
    }
    let because = unknown_because(meta);
    if !m.possible.is_empty() {
        let refs: Vec<String> = m.possible.iter().map(ToString::to_string).collect();
        return Verdict::Unknown(format!(
            "{} {might}: parts of {} are {because}",
            refs.join(", "),
            if refs.len() == 1 { "it" } else { "them" },
        ));
    }
    if m.unread_statements {
        return Verdict::Unknown(format!(
            "some statements are {because}, and one of them {might}"
        ));
    }
    Verdict::Pass(pass.to_string())
}

/// One policy string as written: the literal, or the template shape with `${…}` for
/// its unknown parts.
fn show_item(s: &PStr) -> String {
    match s.text_or_shape() {
        Some(t) => format!("{:?}", t.replace(HOLE, "${…}")),
        None => "${…}".to_string(),
    }
}

/// A list element as written: `"*"`, or `["s3:GetObject", "s3:PutObject"]`.
pub(super) fn show_list(list: &PList) -> String {
    let mut items: Vec<String> = list.items.iter().map(show_item).collect();
    if list.unknown_list {
        items.push("(more not known)".to_string());
    }
    match items.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", items.join(", ")),
    }
}

/// `Action "*"` / `NotAction [...]` of a statement, as written.
pub(super) fn show_actions(s: &Statement) -> String {
    match (&s.action, &s.not_action) {
        (Some(a), _) => format!("Action {}", show_list(a)),
        (None, Some(n)) => format!("NotAction {}", show_list(n)),
        (None, None) => "no Action".to_string(),
    }
}

/// `Resource "*"` / `NotResource [...]` of a statement, as written.
pub(super) fn show_resources(s: &Statement) -> String {
    match (&s.resource, &s.not_resource) {
        (Some(r), _) => format!("Resource {}", show_list(r)),
        (None, Some(n)) => format!("NotResource {}", show_list(n)),
        (None, None) => "no Resource".to_string(),
    }
}

/// `arn:<partition>:iam::aws:policy/AdministratorAccess` in any partition.
fn is_administrator_access(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    matches!(
        (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next()
        ),
        (Some("arn"), Some(p), Some("iam"), Some(""), Some("aws"), Some("policy/AdministratorAccess"))
            if p.starts_with("aws")
    )
}

fn principal_text(who: &Tri<Principal>, meta: &Meta) -> String {
    match who {
        Tri::Known(Principal::Role(n)) => format!("role {n}"),
        Tri::Known(Principal::User(n)) => format!("user {n}"),
        Tri::Known(Principal::Group(n)) => format!("group {n}"),
        _ => format!("a principal that is {}", unknown_because(meta)),
    }
}

/// One attachment resource's verdict for one policy ARN, naming every principal it
/// attaches to (`aws_iam_policy_attachment` lists several; a role's
/// `managed_policy_arns` lists several ARNs for one principal).
fn attachment_verdict(first: &PolicyAttachment, to: &[String]) -> Option<Verdict> {
    let to = to.join(", ");
    match &first.policy_arn {
        Tri::Known(arn) if is_administrator_access(arn) => Some(Verdict::Fail(format!(
            "attaches the AWS-managed AdministratorAccess policy ({arn}) to {to}: full administrator access; attach a policy scoped to the job instead"
        ))),
        Tri::Known(arn) => Some(Verdict::Pass(format!(
            "attaches {arn}, not AdministratorAccess"
        ))),
        // Whatever the unknown partition or account, a policy of another name is not
        // AdministratorAccess.
        Tri::Unknown(_)
            if first
                .policy_name
                .as_deref()
                .is_some_and(|n| n != "AdministratorAccess") =>
        {
            Some(Verdict::Pass(format!(
                "attaches policy {}, not AdministratorAccess (its ARN is {})",
                first.policy_name.as_deref().unwrap_or_default(),
                unknown_because(&first.meta)
            )))
        }
        Tri::Unknown(_) => Some(Verdict::Unknown(format!(
            "the attached policy's ARN is {}; it could be AdministratorAccess",
            unknown_because(&first.meta)
        ))),
        Tri::Absent => None,
    }
}

/// Attachments grouped by resource and policy ARN, principals in order, once each.
fn attachment_groups(inv: &Inventory) -> Vec<(&PolicyAttachment, Vec<String>)> {
    let mut groups: Vec<(&PolicyAttachment, Vec<String>)> = Vec::new();
    // Groups by address, so that finding an attachment's group does not search them
    // all: an account has thousands of attachments.
    let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
    for a in &inv.policy_attachments {
        let who = principal_text(&a.attached_to, &a.meta);
        let candidates = by_address.entry(a.meta.address.as_str()).or_default();
        let same = candidates.iter().copied().find(|&i| {
            let g = groups[i].0;
            g.meta.origin == a.meta.origin && g.policy_arn == a.policy_arn
        });
        match same.and_then(|i| groups.get_mut(i)) {
            Some((_, list)) => {
                if !list.contains(&who) {
                    list.push(who);
                }
            }
            None => {
                candidates.push(groups.len());
                groups.push((a, vec![who]));
            }
        }
    }
    groups
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut out = judge_statements(
        inv,
        |doc| doc.grants_full_admin(),
        |r, s| {
            format!(
                "{r} allows every action on every resource ({} on {}): full administrator access",
                show_actions(s),
                show_resources(s)
            )
        },
        "might allow every action on every resource",
        "no statement allows every action on every resource",
    );
    for (a, to) in attachment_groups(inv) {
        if let Some(v) = attachment_verdict(a, &to) {
            out.add(&a.meta, v);
        }
    }
    out.report(ctx);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_access_in_every_partition() {
        assert!(is_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ));
        assert!(is_administrator_access(
            "arn:aws-cn:iam::aws:policy/AdministratorAccess"
        ));
        assert!(is_administrator_access(
            "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::123456789012:policy/AdministratorAccess"
        ));
        assert!(!is_administrator_access("AdministratorAccess"));
        assert!(!is_administrator_access(""));
    }

    #[test]
    fn lists_show_as_written() {
        let l = PList {
            items: vec![
                PStr::Lit("s3:*".into()),
                PStr::Unknown {
                    refs: vec![],
                    shape: Some(format!("arn:aws:s3:::{HOLE}/*")),
                    unresolved: true,
                },
            ],
            unknown_list: false,
        };
        assert_eq!(show_list(&l), r#"["s3:*", "arn:aws:s3:::${…}/*"]"#);
        let one = PList {
            items: vec![PStr::Lit("*".into())],
            unknown_list: false,
        };
        assert_eq!(show_list(&one), r#""*""#);
    }
}
