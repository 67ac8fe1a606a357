//! TLS009 elasticache-transit-off: an ElastiCache replication group or standalone
//! cluster that accepts unencrypted connections: transit encryption off (the provider
//! default), or on in `preferred` mode, which still accepts plaintext while clients
//! migrate. Serverless caches always require TLS and pass.

use crate::model::elasticache::Transit;
use crate::model::{Inventory, Meta, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for g in &inv.elasticache_groups {
        judge(&g.meta, "replication group", &g.transit, ctx);
    }
    for c in &inv.elasticache_clusters {
        judge(&c.meta, "cluster", &c.transit, ctx);
    }
    for s in &inv.serverless_caches {
        ctx.pass(&s.meta, "serverless caches always require TLS");
    }
}

fn judge(meta: &Meta, what: &str, transit: &Transit, ctx: &mut Ctx) {
    match (&transit.enabled, &transit.mode) {
        (Tri::Known(true), Tri::Known(mode)) if mode.eq_ignore_ascii_case("preferred") => ctx.fail(
            meta,
            format!(
                "the {what} encrypts in transit in preferred mode, which still accepts \
                 plaintext connections; set transit_encryption_mode = \"required\" once \
                 clients use TLS"
            ),
        ),
        (Tri::Known(true), Tri::Unknown(gap)) => ctx.unknown(
            meta,
            format!("the {what}'s transit_encryption_mode is {gap}"),
        ),
        (Tri::Known(true), _) => ctx.pass(
            meta,
            format!("the {what} requires TLS from clients (transit_encryption_enabled = true)"),
        ),
        (Tri::Known(false), _) => ctx.fail(
            meta,
            format!("the {what} sets transit_encryption_enabled = false, so clients connect in plaintext; set it to true"),
        ),
        (Tri::Absent, _) => ctx.fail(
            meta,
            format!(
                "the {what} does not set transit_encryption_enabled (default false), so \
                 clients connect in plaintext; set transit_encryption_enabled = true"
            ),
        ),
        (Tri::Unknown(gap), _) => ctx.unknown(
            meta,
            format!("the {what}'s transit_encryption_enabled is {gap}"),
        ),
    }
}
