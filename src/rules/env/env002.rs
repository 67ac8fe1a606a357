//! ENV002 env-cross-reference: a resource in one environment names a resource of
//! another — a literal ARN in another environment's account, or a remote state whose
//! location names another environment.

use super::{account_of, accounts_configured, env_of, env_of_account};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for r in &inv.external_refs {
        let Some(own) = env_of(&r.meta) else {
            continue;
        };
        let mut other: Option<String> = None;
        let mut unknown: Option<String> = None;
        for arn in &r.arns {
            let Some(account) = account_of(arn) else {
                continue;
            };
            match env_of_account(ctx.settings, account) {
                Some((name, _)) if !name.eq_ignore_ascii_case(&own.name) => {
                    other.get_or_insert(format!("{arn} (account {account} of {name})"));
                }
                Some(_) => {}
                None if !accounts_configured(ctx.settings) => {
                    unknown.get_or_insert(format!(
                        "account {account} of {arn} is not mapped to an environment"
                    ));
                }
                None => {}
            }
        }
        for (name, location) in &r.remote_states {
            match location {
                Tri::Known(loc) => {
                    let named = loc
                        .split(['/', '-', '_', '.', ':'])
                        .filter_map(crate::environment::canonical)
                        .find(|(env, _)| !env.eq_ignore_ascii_case(&own.name));
                    if let Some((env, _)) = named {
                        other.get_or_insert(format!("remote state {name} at {loc} ({env})"));
                    }
                }
                _ => {
                    unknown
                        .get_or_insert(format!("the location of remote state {name} is not known"));
                }
            }
        }
        match (other, unknown) {
            (Some(what), _) => ctx.fail(
                &r.meta,
                format!("resource in {} references {what}; pass such values through configuration of its own environment", own.name),
            ),
            (None, Some(why)) => ctx.unknown(&r.meta, why),
            (None, None) => ctx.pass(&r.meta, format!("references stay within {}", own.name)),
        }
    }
}
