//! ElastiCache transit encryption: replication groups, standalone clusters (members
//! of a replication group are left to the group) and serverless caches.

use super::Ctx;
use crate::model::elasticache_tls::{CacheKind, ElastiCacheTransit};
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut Ctx, inv: &mut Inventory) {
    for g in ctx.of_type("aws_elasticache_replication_group") {
        inv.elasticache_transit.push(ElastiCacheTransit {
            meta: ctx.meta(g, Some("replication_group_id")),
            kind: CacheKind::ReplicationGroup,
            engine: g.body.str("engine"),
            transit_encryption_enabled: g.body.bool("transit_encryption_enabled"),
            transit_encryption_mode: g.body.str("transit_encryption_mode"),
        });
    }
    for c in ctx.of_type("aws_elasticache_cluster") {
        // A member node takes its settings from the replication group, which is judged
        // on its own (or, when not in this configuration, where it is managed).
        if !c.body.value("replication_group_id").is_absent() {
            continue;
        }
        inv.elasticache_transit.push(ElastiCacheTransit {
            meta: ctx.meta(c, Some("cluster_id")),
            kind: CacheKind::Cluster,
            engine: c.body.str("engine"),
            transit_encryption_enabled: c.body.bool("transit_encryption_enabled"),
            transit_encryption_mode: Tri::Absent,
        });
    }
    for s in ctx.of_type("aws_elasticache_serverless_cache") {
        inv.elasticache_transit.push(ElastiCacheTransit {
            meta: ctx.meta(s, Some("name")),
            kind: CacheKind::Serverless,
            engine: s.body.str("engine"),
            transit_encryption_enabled: Tri::Known(true),
            transit_encryption_mode: Tri::Known("required".to_string()),
        });
    }
}
