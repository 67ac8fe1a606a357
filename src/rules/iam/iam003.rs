//! IAM003 iam-not-action-allow: an identity policy `Allow`s with `NotAction` or
//! `NotResource`. Both grant by exclusion: everything except the listed actions
//! (including actions AWS adds later), or every resource except the listed ones. A
//! reviewer cannot see what is granted, and the grant grows on its own.
//!
//! Only `Allow` counts: `Deny` with `NotAction` is the recommended way to write "deny
//! everything except" guardrails (for example outside approved regions). A statement
//! whose effect is unknown is unknown.

use super::iam001::{judge_statements, show_actions, show_resources};
use crate::model::policy::all3;
use crate::model::policy::Statement;
use crate::model::Inventory;
use crate::rules::Ctx;

fn matches(s: &Statement) -> Option<bool> {
    all3([
        s.is_allow(),
        Some(s.not_action.is_some() || s.not_resource.is_some()),
    ])
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let out = judge_statements(
        inv,
        |doc| doc.statements_where(matches),
        |r, s| {
            let what = match (s.not_action.is_some(), s.not_resource.is_some()) {
                (true, true) => "every action and resource except those listed",
                (true, false) => "every action except those listed",
                _ => "every resource except those listed",
            };
            format!(
                "{r} allows {what} ({} on {}): list the allowed actions and resources instead",
                show_actions(s),
                show_resources(s)
            )
        },
        "might allow with NotAction or NotResource",
        "no Allow statement uses NotAction or NotResource",
    );
    out.report(ctx);
}
