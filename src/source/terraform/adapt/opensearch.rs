//! OpenSearch and Elasticsearch domains: encryption at rest, endpoint HTTPS
//! enforcement, endpoint TLS policy and node-to-node encryption.

use super::kms::key_attr;
use super::RootAdapter;
use crate::model::opensearch::OpenSearchDomain;
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for rtype in ["aws_opensearch_domain", "aws_elasticsearch_domain"] {
        for d in ctx.of_type(rtype) {
            let (encrypt_at_rest, kms_key) = match d.body.nested(&["encrypt_at_rest"]) {
                Tri::Known(Some(b)) => (b.bool("enabled"), key_attr(ctx, b, "kms_key_id")),
                Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent),
                Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap)),
            };
            let (enforce_https, tls_security_policy) =
                match d.body.nested(&["domain_endpoint_options"]) {
                    // The provider's schema default: a written block without
                    // `enforce_https` sends `true`.
                    Tri::Known(Some(o)) => (
                        o.bool("enforce_https").or_default_value(true),
                        o.str("tls_security_policy"),
                    ),
                    Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap)),
                    Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent),
                };
            let node_to_node = d
                .body
                .in_block(&["node_to_node_encryption"], |n| n.bool("enabled"));
            inv.opensearch_domains.push(OpenSearchDomain {
                meta: ctx.meta(d, Some("domain_name")),
                encrypt_at_rest,
                kms_key,
                enforce_https,
                tls_security_policy,
                node_to_node,
            });
        }
    }
}
