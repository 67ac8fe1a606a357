//! RES002 rds-deletion-protection-off: a production or classified database that can be
//! deleted by a single API call or a `terraform destroy`. Deletion protection makes
//! deletion a two-step, reviewable change.
//!
//! In scope: resources whose resolved environment is production (configuration,
//! `Environment`/`env`/`stage` tags such as `prod`/`production`/`prd`, or a path
//! segment; also when that resolution is ambiguous, since the rule protects), and
//! resources classified confidential or restricted. Others get no result. An Aurora
//! member instance is protected by its cluster: no result when the cluster is in the
//! inventory (the cluster carries it), unknown when it is not.

use crate::model::rds::DbInstance;
use crate::model::{Inventory, Tri};
use crate::rules::db::own_setting_decides;
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.db_instances {
        let Some(scope) = scope(d) else {
            continue;
        };
        let own = own_setting_decides(
            inv,
            d,
            ctx,
            |c| {
                format!("{scope} instance belongs to cluster {c}, which is not in the scanned configuration; deletion protection is the cluster's")
            },
            |gap| {
                format!("{scope} instance: cluster_identifier is {gap}, so whether deletion protection is its own or a cluster's cannot be judged")
            },
        );
        if !own {
            continue;
        }
        let what = if d.cluster { "cluster" } else { "instance" };
        match d.deletion_protection {
            Tri::Known(true) => ctx.pass(
                &d.meta,
                format!("{scope} {what} has deletion_protection = true"),
            ),
            Tri::Unknown(gap) => ctx.unknown(
                &d.meta,
                format!("{scope} {what}: deletion_protection is {gap}"),
            ),
            Tri::Known(false) | Tri::Absent => {
                let why = if d.deletion_protection.is_absent() {
                    "deletion_protection is not set and defaults to false"
                } else {
                    "deletion_protection = false"
                };
                ctx.fail(
                    &d.meta,
                    format!("{scope} {what} can be deleted without a prior change: {why}; set deletion_protection = true"),
                );
            }
        }
    }
}

/// Why the database is in scope, for messages; `None` when it is not.
fn scope(d: &DbInstance) -> Option<String> {
    if let Some(env) = d.meta.environment.as_ref().filter(|e| e.production) {
        return Some(format!("production ({})", env.because));
    }
    d.meta
        .classification
        .as_ref()
        .filter(|c| c.level.is_sensitive())
        .map(|c| format!("{} ({})", c.level.as_str(), c.because))
}
