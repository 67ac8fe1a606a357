//! ENC012 elasticache-at-rest-off: an ElastiCache replication group whose data at rest
//! (disk during sync, swap, backups in S3) is not encrypted. `at_rest_encryption_enabled`
//! defaults to false for the Redis engine (the default engine) and true for Valkey.

use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for g in &inv.elasticache_groups {
        match g.at_rest_encrypted() {
            Some(true) => {
                let how = if g.at_rest_encryption.is_absent() {
                    "by default for the Valkey engine"
                } else {
                    "at_rest_encryption_enabled = true"
                };
                ctx.pass(&g.meta, format!("replication group encrypts data at rest ({how})"));
            }
            None => ctx.unknown(
                &g.meta,
                if g.at_rest_encryption.is_unknown() {
                    format!("at_rest_encryption_enabled is {gap}", gap = g.meta.wording.gap)
                } else {
                    format!("at_rest_encryption_enabled is not set and its default depends on the engine, which is {gap}", gap = g.meta.wording.gap)
                },
            ),
            Some(false) => {
                let why = match (&g.at_rest_encryption, &g.engine) {
                    (Tri::Known(_), _) => "at_rest_encryption_enabled = false".to_string(),
                    (_, Tri::Known(e)) => format!("at_rest_encryption_enabled is not set and defaults to false for engine {e}"),
                    _ => "at_rest_encryption_enabled is not set and defaults to false for the default redis engine".to_string(),
                };
                ctx.fail(
                    &g.meta,
                    format!("replication group does not encrypt data at rest: {why}; set at_rest_encryption_enabled = true (requires replacing the group)"),
                );
            }
        }
    }
}
