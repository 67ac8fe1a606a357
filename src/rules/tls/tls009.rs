//! TLS009 elasticache-transit-off: an ElastiCache replication group or standalone
//! cluster that accepts unencrypted connections: transit encryption off (the provider
//! default), or on in `preferred` mode, which still accepts plaintext while clients
//! migrate. Serverless caches always require TLS and pass.

use crate::model::elasticache_tls::CacheKind;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for c in &inv.elasticache_transit {
        let what = match c.kind {
            CacheKind::ReplicationGroup => "replication group",
            CacheKind::Cluster => "cluster",
            CacheKind::Serverless => {
                ctx.pass(&c.meta, "serverless caches always require TLS");
                continue;
            }
        };
        match (&c.transit_encryption_enabled, &c.transit_encryption_mode) {
            (Tri::Known(true), Tri::Known(mode)) if mode.eq_ignore_ascii_case("preferred") => ctx.fail(
                &c.meta,
                format!(
                    "the {what} encrypts in transit in preferred mode, which still accepts \
                     plaintext connections; set transit_encryption_mode = \"required\" once \
                     clients use TLS"
                ),
            ),
            (Tri::Known(true), Tri::Unknown) => ctx.unknown(
                &c.meta,
                format!("the {what}'s transit_encryption_mode is not known before apply"),
            ),
            (Tri::Known(true), _) => ctx.pass(
                &c.meta,
                format!("the {what} requires TLS from clients (transit_encryption_enabled = true)"),
            ),
            (Tri::Known(false), _) => ctx.fail(
                &c.meta,
                format!("the {what} sets transit_encryption_enabled = false, so clients connect in plaintext; set it to true"),
            ),
            (Tri::Absent, _) => ctx.fail(
                &c.meta,
                format!(
                    "the {what} does not set transit_encryption_enabled (default false), so \
                     clients connect in plaintext; set transit_encryption_enabled = true"
                ),
            ),
            (Tri::Unknown, _) => ctx.unknown(
                &c.meta,
                format!("the {what}'s transit_encryption_enabled is not known before apply"),
            ),
        }
    }
}
