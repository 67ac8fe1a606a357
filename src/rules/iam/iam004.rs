//! IAM004 iam-passrole-wildcard: an identity policy allows `iam:PassRole` on every role.
//! Whoever holds it can hand any role, the most privileged included, to a service
//! (EC2, Lambda, ECS, CloudFormation, ...) and act with that role's permissions.
//!
//! Counted: any `Allow` that covers `iam:PassRole` (`iam:PassRole`, `iam:Pass*`,
//! `iam:*`, `*`, or a `NotAction` that does not exclude it) whose resources reach every
//! role: `*` (or `arn:aws:*:*:*:*`), `NotResource`, or an IAM pattern for every role
//! (`arn:aws:iam::*:role/*`, `arn:aws:iam::123456789012:role/*`). A path
//! (`role/service-role/*`) or named roles pass. An `iam:PassedToService` condition
//! still fails: it limits which service receives the role, not which role, so an
//! administrator role can still be passed to that service; the message mentions it.

use super::iam001::{judge_statements, show_actions, show_resources};
use crate::model::policy::{all3, any3};
use crate::model::policy::{PList, ResourceScope, Statement};
use crate::model::Inventory;
use crate::rules::Ctx;

/// Does one resource pattern reach every role? `None` when an unknown part decides.
fn item_reaches_every_role(list: &PList, index: usize) -> Option<bool> {
    let item = list.items.get(index)?.clone();
    let service = item
        .text_or_shape()
        .and_then(|t| t.split(':').nth(2))
        .map(str::to_ascii_lowercase);
    let one = PList {
        items: vec![item],
        unknown_list: false,
    };
    match one.resource_scope()? {
        ResourceScope::Any => Some(true),
        ResourceScope::AllOfType => Some(service.as_deref() == Some("iam")),
        ResourceScope::Specific => Some(false),
    }
}

/// Do the statement's resources reach every role?
fn reaches_every_role(s: &Statement) -> Option<bool> {
    match (&s.resource, &s.not_resource) {
        // An unknown part of the list may reach every role.
        (Some(list), None) => any3(
            (0..list.items.len())
                .map(|i| item_reaches_every_role(list, i))
                .chain(list.unknown_list.then_some(None)),
        ),
        _ => s.applies_to_any_resource(),
    }
}

fn matches(s: &Statement) -> Option<bool> {
    all3([s.grants_action("iam:PassRole"), reaches_every_role(s)])
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let out = judge_statements(
        inv,
        |doc| doc.statements_where(matches),
        |r, s| {
            let limited = if s.condition_values("iam:PassedToService").is_empty() {
                ""
            } else {
                " (iam:PassedToService limits the receiving service, not which role is passed)"
            };
            format!(
                    "{r} allows iam:PassRole on every role ({} on {}){limited}: list the role ARNs that may be passed",
                    show_actions(s),
                    show_resources(s)
                )
        },
        "might allow iam:PassRole on every role",
        "no statement allows iam:PassRole on every role",
    );
    out.report(ctx);
}
