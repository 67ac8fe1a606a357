//! IAM008 iam-user-direct-policy: an IAM user with inline policies or managed
//! policies attached to the user itself. Permissions granted per user drift apart,
//! are hard to review and are forgotten when people change roles; granting through
//! groups (or roles people assume) keeps access role-based, which CC6.3 asks for.
//!
//! A user without direct policies is unknown when the same root (or account) holds a
//! user policy or user policy attachment whose user cannot be resolved before apply:
//! it may be this user's.

use super::exposure::{join, same_scope};
use crate::model::iam::IamUser;
use crate::model::{Inventory, Meta};
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
        .filter(|m| same_scope(&u.meta.origin, &m.origin))
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
                "user {who} has no policies of its own, but the user of {} is not known before apply and may be this one",
                join(&maybe)
            ),
        );
    }
}
