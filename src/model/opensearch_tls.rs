//! OpenSearch / Elasticsearch domain transport security. The at-rest side of the same
//! resources lives in `datastores::OpenSearchDomain`; this type carries only what
//! TLS010 judges.

use super::{Meta, Tri};
use serde::Serialize;

/// `aws_opensearch_domain` / `aws_elasticsearch_domain`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenSearchTransit {
    pub meta: Meta,
    /// `domain_endpoint_options.enforce_https`. The provider sends `true` when the
    /// block is written without it; absent means no block, and the service default
    /// (HTTP accepted) applies.
    pub enforce_https: Tri<bool>,
    /// `domain_endpoint_options.tls_security_policy`; absent means the service default.
    pub tls_security_policy: Tri<String>,
    /// `node_to_node_encryption.enabled`; absent (no block) means `false`.
    pub node_to_node: Tri<bool>,
}
