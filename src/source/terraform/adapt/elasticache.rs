//! ElastiCache: replication groups (encryption at rest and in transit), standalone
//! clusters (members of a replication group are left to the group) and serverless
//! caches.

use super::kms::key_attr;
use super::{RootAdapter, Target};
use crate::model::elasticache::{CacheCluster, ElastiCacheGroup, ServerlessCache, Transit};
use crate::model::{Gap, Inventory, Meta, Tri};
use crate::source::terraform::resource::TfResource;

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for g in ctx.of_type("aws_elasticache_replication_group") {
        let meta = ctx.meta(g, Some("replication_group_id"));
        let group = if g.body.value("global_replication_group_id").is_absent() {
            settings(ctx, meta, g)
        } else {
            match global_primary(ctx, g) {
                Some(primary) => settings(ctx, meta, primary),
                None => ElastiCacheGroup {
                    meta,
                    engine: Tri::Unknown(Gap::BeforeApply),
                    at_rest_encryption: Tri::Unknown(Gap::BeforeApply),
                    kms_key: Tri::Unknown(Gap::BeforeApply),
                    transit: Transit {
                        enabled: Tri::Unknown(Gap::BeforeApply),
                        mode: Tri::Unknown(Gap::BeforeApply),
                    },
                },
            }
        };
        inv.elasticache_groups.push(group);
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

/// A replication group's encryption settings, read from `from`: the group itself, or
/// the primary of the global datastore it joins.
fn settings(ctx: &RootAdapter, meta: Meta, from: &TfResource) -> ElastiCacheGroup {
    ElastiCacheGroup {
        meta,
        engine: from.body.str("engine"),
        at_rest_encryption: from.body.bool("at_rest_encryption_enabled"),
        kms_key: key_attr(ctx, &from.body, "kms_key_id"),
        transit: Transit {
            enabled: from.body.bool("transit_encryption_enabled"),
            mode: from.body.str("transit_encryption_mode"),
        },
    }
}

/// The primary group of the global datastore a secondary joins
/// (`global_replication_group_id`), when both are in this configuration. A secondary
/// inherits encryption at rest and in transit from the datastore, and the provider
/// does not even send its own settings: they are not defaults to apply. Without the
/// primary they cannot be known.
fn global_primary<'a>(ctx: &RootAdapter<'a>, g: &TfResource) -> Option<&'a TfResource> {
    let global = match ctx.target(
        g.body.get("global_replication_group_id"),
        &["aws_elasticache_global_replication_group"],
        "global_replication_group_id",
    ) {
        Target::Resource(r) => r,
        _ => return None,
    };
    match ctx.target(
        global.body.get("primary_replication_group_id"),
        &["aws_elasticache_replication_group"],
        "replication_group_id",
    ) {
        Target::Resource(primary) => Some(primary),
        _ => None,
    }
}
