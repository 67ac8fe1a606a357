//! IAM008 iam-user-direct-policy: an IAM user with inline policies or managed
//! policies attached to the user itself. Permissions granted per user drift apart,
//! are hard to review and are forgotten when people change roles; granting through
//! groups (or roles people assume) keeps access role-based, which CC6.3 asks for.
//!
//! A user without direct policies is unknown when the same root (or account) holds a
//! user policy or user policy attachment whose user cannot be resolved before apply:
//! it may be this user's.
//!
//! A policy given directly to a user that is not declared in the scanned
//! configuration (created by another stack, or by hand) fails on the policy or
//! attachment itself: the direct grant is the finding, whoever the user is.

use super::exposure::join;
use crate::model::iam::{IamUser, Principal};
use crate::model::{Inventory, Meta, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let unresolved: Vec<&Meta> = inv
        .identity_policies
        .iter()
        .filter(|p| p.inline && p.attached_to.is_empty() && p.meta.kind == "aws_iam_user_policy")
        .map(|p| &p.meta)
        .chain(
            inv.policy_attachments
                .iter()
                .filter(|a| {
                    a.attached_to.is_unknown() && a.meta.kind == "aws_iam_user_policy_attachment"
                })
                .map(|a| &a.meta),
        )
        .collect();
    for u in &inv.iam_users {
        judge(u, &unresolved, ctx);
    }
    undeclared_users(inv, ctx);
}

/// Policies and attachments that name a user no `IamUser` of their scope is.
fn undeclared_users(inv: &Inventory, ctx: &mut Ctx) {
    let declared = |name: &str, m: &Meta| {
        inv.iam_users.iter().any(|u| {
            m.origin.same_account(&u.meta.origin)
                && (u.meta.name.as_deref() == Some(name) || u.meta.address == name)
        })
    };
    let policies = inv
        .identity_policies
        .iter()
        .flat_map(|p| p.attached_to.iter().map(move |who| (&p.meta, who)));
    let attachments = inv
        .policy_attachments
        .iter()
        .filter_map(|a| match &a.attached_to {
            Tri::Known(who) => Some((&a.meta, who)),
            _ => None,
        });
    let mut seen: Vec<&str> = Vec::new();
    for (meta, who) in policies.chain(attachments) {
        let Principal::User(name) = who else { continue };
        if declared(name, meta) || seen.contains(&meta.address.as_str()) {
            continue;
        }
        seen.push(&meta.address);
        ctx.fail(
            meta,
            format!(
                "gives a policy directly to user {name}, which is not declared in the scanned configuration; grant permissions through a group or a role instead"
            ),
        );
    }
}

fn judge(u: &IamUser, unresolved: &[&Meta], ctx: &mut Ctx) {
    let who = u.meta.name.as_deref().unwrap_or(&u.meta.address);
    if !u.direct_policies.is_empty() {
        let n = u.direct_policies.len();
        let noun = if n == 1 { "policy" } else { "policies" };
        ctx.fail(
            &u.meta,
            format!(
                "user {who} has {n} {noun} attached directly ({}); grant permissions through a group or a role instead",
                join(&u.direct_policies)
            ),
        );
        return;
    }
    let maybe: Vec<String> = unresolved
        .iter()
        .filter(|m| m.origin.same_account(&u.meta.origin))
        .map(|m| m.address.clone())
        .collect();
    if maybe.is_empty() {
        ctx.pass(
            &u.meta,
            format!("user {who} has no inline or directly attached policies"),
        );
    } else {
        ctx.unknown(
            &u.meta,
            format!(
                "user {who} has no policies of its own, but the user of {} is {gap} and may be this one",
                join(&maybe)
            , gap = u.meta.wording.gap),
        );
    }
}
