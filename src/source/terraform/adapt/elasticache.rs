//! ElastiCache: replication groups (encryption at rest and in transit), standalone
//! clusters (members of a replication group are left to the group) and serverless
//! caches.

use super::kms::key_attr;
use super::RootAdapter;
use crate::model::elasticache::{CacheCluster, ElastiCacheGroup, ServerlessCache, Transit};
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for g in ctx.of_type("aws_elasticache_replication_group") {
        inv.elasticache_groups.push(ElastiCacheGroup {
            meta: ctx.meta(g, Some("replication_group_id")),
            engine: g.body.str("engine"),
            at_rest_encryption: g.body.bool("at_rest_encryption_enabled"),
            kms_key: key_attr(ctx, &g.body, "kms_key_id"),
            transit: Transit {
                enabled: g.body.bool("transit_encryption_enabled"),
                mode: g.body.str("transit_encryption_mode"),
            },
        });
    }
    for c in ctx.of_type("aws_elasticache_cluster") {
        // A member node takes its settings from the replication group, which is judged
        // on its own (or, when not in this configuration, where it is managed).
        if !c.body.value("replication_group_id").is_absent() {
            continue;
        }
        inv.elasticache_clusters.push(CacheCluster {
            meta: ctx.meta(c, Some("cluster_id")),
            engine: c.body.str("engine"),
            transit: Transit {
                enabled: c.body.bool("transit_encryption_enabled"),
                mode: Tri::Absent,
            },
        });
    }
    for s in ctx.of_type("aws_elasticache_serverless_cache") {
        inv.serverless_caches.push(ServerlessCache {
            meta: ctx.meta(s, Some("name")),
            engine: s.body.str("engine"),
        });
    }
}
