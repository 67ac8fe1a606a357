//! ENV003 env-mixed-root: one Terraform root module (one state, one apply) holds
//! resources of several environments, so a change to one environment's resources is
//! planned and applied together with another's.

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
            1 => ctx.pass(&rep, format!("{scope} holds resources of one environment ({})", envs.iter().next().copied().unwrap_or_default())),
            _ => ctx.fail(
                &rep,
                format!(
                    "{scope} holds resources of several environments ({}); split it so each environment has its own state and apply",
                    envs.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
}
