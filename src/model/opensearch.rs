//! OpenSearch and Elasticsearch domains (`aws_opensearch_domain`,
//! `aws_elasticsearch_domain`): encryption at rest and transport security.

use super::s3::KeyRef;
use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    opensearch_domains: OpenSearchDomain,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenSearchDomain {
    pub meta: Meta,
    /// `encrypt_at_rest.enabled`: absent (no block) means `false`.
    pub encrypt_at_rest: Tri<bool>,
    pub kms_key: Tri<KeyRef>,
    /// `domain_endpoint_options.enforce_https`. The provider sends `true` when the
    /// block is written without it; absent means no block, and the service default
    /// (HTTP accepted) applies.
    pub enforce_https: Tri<bool>,
    /// `domain_endpoint_options.tls_security_policy`; absent means the service default.
    pub tls_security_policy: Tri<String>,
    /// `node_to_node_encryption.enabled`; absent (no block) means `false`.
    pub node_to_node: Tri<bool>,
}
