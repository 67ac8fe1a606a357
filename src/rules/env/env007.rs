//! ENV007 env-unattributed: resources whose environment cannot be resolved, reported
//! once per root with counts. This is coverage evidence: the other environment rules
//! cannot judge what is not attributed.

use super::roots;
use crate::model::Inventory;
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for (scope, (rep, members)) in roots(inv.metas().into_iter()) {
        let total = members.len();
        let missing: Vec<&str> = members
            .iter()
            .filter(|m| super::env_of(m).is_none())
            .map(|m| m.address.as_str())
            .collect();
        let ambiguous = members
            .iter()
            .filter(|m| {
                m.environment
                    .as_ref()
                    .is_some_and(|e| !e.conflicts.is_empty())
            })
            .count();
        if missing.is_empty() {
            ctx.pass(
                &rep,
                format!("all {total} resources of {scope} have an environment"),
            );
        } else {
            let sample: Vec<&str> = missing.iter().take(3).copied().collect();
            ctx.fail(
                &rep,
                format!(
                    "{} of {total} resources of {scope} have no environment ({ambiguous} ambiguous), e.g. {}; tag them (Environment = ...) or map their paths in .soc2scan.toml",
                    missing.len(),
                    sample.join(", ")
                ),
            );
        }
    }
}
