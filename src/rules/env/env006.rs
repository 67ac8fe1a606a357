//! ENV006 env-provider-account-mismatch: the AWS provider of a root in one environment
//! assumes a role in, or allows, another environment's account; or a production root
//! does not pin `allowed_account_ids`, so a wrong credential applies it elsewhere.

use super::{account_of, env_of, env_of_account};
use crate::finding::Severity;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for p in &inv.provider_configs {
        let Some(own) = env_of(&p.meta) else {
            continue;
        };
        let mut named: Vec<String> = Vec::new();
        if let Tri::Known(arns) = &p.assume_role_arns {
            named.extend(
                arns.iter()
                    .filter_map(|a| account_of(a))
                    .map(str::to_string),
            );
        }
        if let Tri::Known(ids) = &p.allowed_account_ids {
            named.extend(ids.iter().cloned());
        }
        let foreign = named.iter().find_map(|a| {
            env_of_account(ctx.settings, a)
                .filter(|(name, _)| !name.eq_ignore_ascii_case(&own.name))
                .map(|(name, _)| format!("account {a} of {name}"))
        });
        if let Some(what) = foreign {
            ctx.fail(
                &p.meta,
                format!("{} of a {} root targets {what}", p.meta.address, own.name),
            );
        } else if p.assume_role_arns.is_unknown() || p.allowed_account_ids.is_unknown() {
            ctx.unknown(
                &p.meta,
                format!(
                    "the provider's role or allowed accounts are {gap}",
                    gap = p.meta.wording.gap
                ),
            );
        } else if own.production && p.allowed_account_ids.is_absent() {
            ctx.fail_with_severity(
                &p.meta,
                Severity::Low,
                "production root without allowed_account_ids: credentials for another account would apply it there; pin the production account",
            );
        } else {
            ctx.pass(
                &p.meta,
                format!("{} stays in {}'s accounts", p.meta.address, own.name),
            );
        }
    }
}
