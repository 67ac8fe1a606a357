//! Amazon MSK (managed Kafka) clusters.

use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    msk_clusters: MskCluster,
}

/// `aws_msk_cluster`: `encryption_info.encryption_in_transit`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MskCluster {
    pub meta: Meta,
    /// `TLS`, `TLS_PLAINTEXT` or `PLAINTEXT`; absent means the default `TLS`.
    pub client_broker: Tri<String>,
    /// Encryption between brokers; absent means the default `true`.
    pub in_cluster: Tri<bool>,
}
