//! ENV001 env-cross-trust: a role in one environment trusts principals of another.
//! Production trusting non-production is the worst direction: whoever controls the
//! lesser environment can act in production.

use super::{allowed_aws_principals, cross_env, env_of, Crossing};
use crate::finding::Severity;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for role in &inv.iam_roles {
        let Some(own) = env_of(&role.meta) else {
            continue;
        };
        let doc = match &role.trust_policy {
            Tri::Known(d) => d,
            Tri::Unknown(gap) => {
                ctx.unknown(&role.meta, format!("the trust policy is {gap}"));
                continue;
            }
            Tri::Absent => continue,
        };
        let (principals, unknown) = allowed_aws_principals(doc);
        let accounts: Vec<&str> = principals
            .iter()
            .filter_map(|p| super::account_of(p))
            .collect();
        match cross_env(
            ctx.settings,
            own,
            &accounts,
            unknown.then_some(role.meta.wording.gap),
        ) {
            Crossing::Other {
                account,
                env,
                production,
            } => {
                let severity = if own.production && !production {
                    Severity::Critical
                } else {
                    Severity::High
                };
                ctx.fail_with_severity(
                    &role.meta,
                    severity,
                    format!(
                        "role in {} ({}) trusts account {account} of {env}; give each environment its own roles",
                        own.name, own.because
                    ),
                );
            }
            Crossing::Same => ctx.pass(
                &role.meta,
                format!(
                    "role in {} trusts only principals of its own environment",
                    own.name
                ),
            ),
            Crossing::Unknown(why) => ctx.unknown(&role.meta, why),
        }
    }
}
