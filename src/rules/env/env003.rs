//! ENV003 env-mixed-root: one Terraform root module (one state, one apply), or one
//! live AWS account, holds resources of several environments, so a change to one
//! environment's resources is planned and applied together with another's, and one
//! set of credentials reaches both.

use super::roots;
use crate::model::Inventory;
use crate::rules::Ctx;
use std::collections::BTreeSet;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for (scope, (rep, members)) in roots(inv.metas().into_iter()) {
        let envs: BTreeSet<&str> = members
            .iter()
            .filter_map(|m| super::env_of(m))
            .map(|e| e.name.as_str())
            .collect();
        match envs.len() {
            0 => {}
            1 => ctx.pass(
                &rep,
                format!(
                    "{scope} holds resources of one environment ({})",
                    envs.iter().next().copied().unwrap_or_default()
                ),
            ),
            _ => {
                // A root splits into roots; an account into accounts.
                let fix = if rep.kind == "aws_account" {
                    "give each environment its own AWS account"
                } else {
                    "split it so each environment has its own state and apply"
                };
                ctx.fail(
                    &rep,
                    format!(
                        "{scope} holds resources of several environments ({}); {fix}",
                        envs.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                )
            }
        }
    }
}
