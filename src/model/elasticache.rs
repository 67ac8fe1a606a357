//! ElastiCache: replication groups, standalone cache clusters (members of a
//! replication group take its settings and are not listed) and serverless caches.

use super::s3::KeyRef;
use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    elasticache_groups: ElastiCacheGroup,
    elasticache_clusters: CacheCluster,
    serverless_caches: ServerlessCache,
}

/// `aws_elasticache_replication_group`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElastiCacheGroup {
    pub meta: Meta,
    /// `redis` when absent; `valkey` changes the at-rest default.
    pub engine: Tri<String>,
    /// `at_rest_encryption_enabled`: absent means `false` for Redis, `true` for Valkey.
    pub at_rest_encryption: Tri<bool>,
    pub kms_key: Tri<KeyRef>,
    pub transit: Transit,
}

impl ElastiCacheGroup {
    /// Whether data at rest is encrypted, with the provider's engine-dependent default;
    /// `None` when that cannot be known.
    pub fn at_rest_encrypted(&self) -> Option<bool> {
        match (&self.at_rest_encryption, &self.engine) {
            (Tri::Known(b), _) => Some(*b),
            (Tri::Unknown(_), _) | (Tri::Absent, Tri::Unknown(_)) => None,
            (Tri::Absent, Tri::Known(engine)) => Some(engine.eq_ignore_ascii_case("valkey")),
            (Tri::Absent, Tri::Absent) => Some(false),
        }
    }
}

/// `aws_elasticache_cluster` that is not a member of a replication group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheCluster {
    pub meta: Meta,
    /// `redis`, `valkey`, `memcached`.
    pub engine: Tri<String>,
    pub transit: Transit,
}

/// `aws_elasticache_serverless_cache`: TLS is always required.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerlessCache {
    pub meta: Meta,
    pub engine: Tri<String>,
}

/// Encryption in transit of a replication group or a standalone cluster.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transit {
    /// `transit_encryption_enabled`; absent means the provider default `false`.
    pub enabled: Tri<bool>,
    /// `transit_encryption_mode`: `required`, or `preferred` (plaintext still
    /// accepted, for migrations). Absent means `required` once transit encryption is
    /// on; standalone clusters have no mode.
    pub mode: Tri<String>,
}
