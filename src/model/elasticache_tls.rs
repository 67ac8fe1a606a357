//! ElastiCache transit encryption. The at-rest side of the same resources lives in
//! `datastores::ElastiCacheGroup`; this type carries only what TLS009 judges, for
//! replication groups, standalone clusters and serverless caches alike.

use super::{Meta, Tri};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheKind {
    /// `aws_elasticache_replication_group`.
    ReplicationGroup,
    /// `aws_elasticache_cluster` that is not a member of a replication group.
    Cluster,
    /// `aws_elasticache_serverless_cache`: TLS is always required.
    Serverless,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElastiCacheTransit {
    pub meta: Meta,
    pub kind: CacheKind,
    /// `redis`, `valkey`, `memcached`.
    pub engine: Tri<String>,
    /// `transit_encryption_enabled`; absent means the provider default `false`.
    pub transit_encryption_enabled: Tri<bool>,
    /// `transit_encryption_mode`: `required`, or `preferred` (plaintext still
    /// accepted, for migrations). Absent means `required` once transit encryption is on.
    pub transit_encryption_mode: Tri<String>,
}
