//! IAM005 iam-privilege-escalation: an identity policy grants a known path by which its
//! holder can give itself more permissions than the policy grants (create a new version
//! of its own policy, attach AdministratorAccess to itself, pass a privileged role to a
//! new Lambda function, ...). Such a policy is administrator access with extra steps.
//!
//! The paths are data (`rules/data/privilege-escalation.toml`) and the analyzer decides
//! whether a document grants one (`PolicyDocument::escalation_paths`): every action of
//! the path allowed on every resource of its type, not removed by an unconditional
//! `Deny`, and for `iam:PassRole` not limited by `iam:PassedToService` to other
//! services. A path that depends on unknown parts is unknown, as is a document with
//! unreadable statements in which no certain path was found.
//!
//! A path can also be split across the policies of one principal (`iam:PassRole` in
//! one, `lambda:CreateFunction` and `lambda:InvokeFunction` in another): each role and
//! user in the inventory is judged on the union of its known policies too, and fails
//! for a certain path that none of its policies completes alone. That failure is on
//! the role or user, naming the policies. Groups are principals like them: a path
//! split across a group's policies fails on the group.

use super::iam001::{judge_identity_policies, unknown_because, PerResource, Verdict};
use crate::model::iam::{IdentityPolicy, Principal};
use crate::model::policy::Escalation;
use crate::model::{Inventory, Meta, PolicyDocument, Scope, Tri};
use crate::rules::Ctx;
use std::collections::{BTreeMap, BTreeSet};

/// `Name [path-id] via statement "X", statement #2`, with the path's explanation when
/// `explain`.
fn describe(e: &Escalation, explain: bool) -> String {
    let refs: Vec<String> = e.statements().iter().map(|r| r.to_string()).collect();
    let mut out = format!("{} [{}] via {}", e.path.name, e.path.id, refs.join(", "));
    if explain {
        out.push_str(": ");
        out.push_str(&e.path.explanation);
    }
    out
}

/// At most `MAX_LISTED` descriptions, then how many more: a policy whose actions are
/// unknown might grant every path, and a message of 28 paths helps nobody.
const MAX_LISTED: usize = 3;

fn listed(items: Vec<String>) -> String {
    let more = items.len().saturating_sub(MAX_LISTED);
    let mut shown: Vec<String> = items.into_iter().take(MAX_LISTED).collect();
    if more > 0 {
        shown.push(format!("and {more} more"));
    }
    shown.join("; ")
}

fn judge(doc: &PolicyDocument, meta: &Meta) -> Verdict {
    let paths = match doc.escalation_paths() {
        Ok(p) => p,
        Err(defect) => {
            return Verdict::Unknown(format!(
                "the privilege-escalation catalogue could not be loaded: {defect}"
            ))
        }
    };
    let certain: Vec<String> = paths
        .iter()
        .filter(|e| e.certain)
        .map(|e| describe(e, true))
        .collect();
    if !certain.is_empty() {
        return Verdict::Fail(format!(
            "grants privilege escalation: {}; remove the actions or scope them to named resources",
            listed(certain)
        ));
    }
    let because = unknown_because(meta);
    let possible: Vec<String> = paths.iter().map(|e| describe(e, false)).collect();
    if !possible.is_empty() {
        return Verdict::Unknown(format!(
            "might grant privilege escalation, as parts of the policy are {because}: {}",
            listed(possible)
        ));
    }
    if doc.statements_unknown {
        return Verdict::Unknown(format!(
            "some statements are {because}; they might complete a privilege-escalation path"
        ));
    }
    Verdict::Pass("grants no known privilege-escalation path".to_string())
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut out = PerResource::new();
    judge_identity_policies(inv, &mut out, judge);
    out.report(ctx);
    split_across_policies(inv, ctx);
}

/// Roles, users and groups whose policies complete an escalation path only together.
fn split_across_policies(inv: &Inventory, ctx: &mut Ctx) {
    // Policies by principal, within one root module (Terraform) or account (live).
    let mut by_principal: BTreeMap<(String, (&str, &str)), Vec<&IdentityPolicy>> = BTreeMap::new();
    for p in &inv.identity_policies {
        for who in &p.attached_to {
            let key = match who {
                Principal::Role(n) => ("role", n.as_str()),
                Principal::User(n) => ("user", n.as_str()),
                Principal::Group(n) => ("group", n.as_str()),
            };
            by_principal
                .entry((scope_of(&p.meta), key))
                .or_default()
                .push(p);
        }
    }
    let owners = owners(inv);
    for ((scope, (kind, name)), policies) in by_principal {
        let known: Vec<(&IdentityPolicy, &PolicyDocument)> = policies
            .iter()
            .filter_map(|p| match &p.document {
                Tri::Known(d) => Some((*p, d)),
                _ => None,
            })
            .collect();
        if known.len() < 2 {
            continue;
        }
        let Some(owner) = owners.get(&(scope, kind, name)).copied() else {
            continue;
        };
        let who = format!("{kind} {name}");
        let alone: BTreeSet<&str> = known
            .iter()
            .filter_map(|(_, d)| d.escalation_paths().ok())
            .flatten()
            .filter(|e| e.certain)
            .map(|e| e.path.id.as_str())
            .collect();
        let union = PolicyDocument {
            statements: known
                .iter()
                .flat_map(|(_, d)| d.statements.iter().cloned())
                .collect(),
            statements_unknown: false,
        };
        let Ok(paths) = union.escalation_paths() else {
            continue;
        };
        let split: Vec<String> = paths
            .iter()
            .filter(|e| e.certain && !alone.contains(e.path.id.as_str()))
            .map(|e| format!("{} [{}]: {}", e.path.name, e.path.id, e.path.explanation))
            .collect();
        if split.is_empty() {
            continue;
        }
        let names: Vec<&str> = known.iter().map(|(p, _)| p.meta.address.as_str()).collect();
        ctx.fail(
            owner,
            format!(
                "{who}'s policies together grant privilege escalation that none grants alone: {}; policies: {}; split the permissions between principals or scope them to named resources",
                listed(split),
                names.join(", ")
            ),
        );
    }
}

/// The root module or account a resource belongs to.
fn scope_of(meta: &Meta) -> String {
    match meta.origin.scope() {
        Scope::Root(root) => format!("root {root}"),
        Scope::Account { account, .. } => format!("account {}", account.unwrap_or("?")),
    }
}

/// The role, user and group resources by scope, kind (`role`, `user`, `group`) and
/// name or address, the first in inventory order winning: built once, as a search
/// per principal was quadratic on an account of 20,000 roles.
fn owners(inv: &Inventory) -> BTreeMap<(String, &'static str, &str), &Meta> {
    let mut out = BTreeMap::new();
    let metas = inv
        .iam_roles
        .iter()
        .map(|r| ("role", &r.meta))
        .chain(inv.iam_users.iter().map(|u| ("user", &u.meta)))
        .chain(inv.iam_groups.iter().map(|g| ("group", &g.meta)));
    for (kind, m) in metas {
        let scope = scope_of(m);
        for name in m.name.as_deref().into_iter().chain([m.address.as_str()]) {
            out.entry((scope.clone(), kind, name)).or_insert(m);
        }
    }
    out
}
