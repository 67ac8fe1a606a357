//! Read-only by construction: every client the sweep builds carries [`ReadOnlyGuard`],
//! which refuses, before anything is serialized or sent, any operation that is not in
//! [`ALLOWED`]. A mistake in a collector (or a future collector calling a write by
//! accident) then fails as a refused call, never as a change to the account.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use thiserror::Error;

/// The operations the sweep may send, as `(service, operation)` with the names the
/// SDK puts in the operation's [`Metadata`]. Everything here reads; nothing here
/// creates, changes or deletes.
pub const ALLOWED: &[(&str, &str)] = &[
    ("STS", "GetCallerIdentity"),
    ("S3", "ListBuckets"),
    ("S3", "GetBucketLocation"),
    ("S3", "GetBucketEncryption"),
    ("S3", "GetBucketPolicy"),
    ("S3", "GetBucketPolicyStatus"),
    ("S3", "GetPublicAccessBlock"),
    ("S3", "GetBucketVersioning"),
    ("S3", "GetBucketAcl"),
    ("S3", "GetBucketTagging"),
    // `--state-from-backend`: the Terraform state object the root's S3 backend names.
    ("S3", "GetObject"),
    ("S3Control", "GetPublicAccessBlock"),
    ("KMS", "ListKeys"),
    ("KMS", "ListAliases"),
    ("KMS", "DescribeKey"),
    ("KMS", "GetKeyRotationStatus"),
    ("KMS", "GetKeyPolicy"),
    ("KMS", "ListResourceTags"),
    ("IAM", "GetAccountAuthorizationDetails"),
    ("IAM", "ListAccessKeys"),
    ("IAM", "GetAccessKeyLastUsed"),
    // GenerateCredentialReport is the one non-Get/List/Describe call. It changes no
    // resource, policy or identity: it asks IAM to (re)build the account's
    // credential report, a read-only snapshot that GetCredentialReport then returns.
    // IAM offers no other way to read the report, and the report is the only API
    // answer for the root user's access keys (IAM010) and for which users have a
    // console password (IAM011). AWS's own read-only `SecurityAudit` policy grants it.
    ("IAM", "GenerateCredentialReport"),
    ("IAM", "GetCredentialReport"),
    ("RDS", "DescribeDBInstances"),
    ("RDS", "DescribeDBClusters"),
    ("RDS", "DescribeDBParameterGroups"),
    ("RDS", "DescribeDBClusterParameterGroups"),
    ("RDS", "DescribeDBParameters"),
    ("RDS", "DescribeDBClusterParameters"),
    ("ElasticLoadBalancingv2", "DescribeLoadBalancers"),
    ("ElasticLoadBalancingv2", "DescribeListeners"),
    ("ElasticLoadBalancingv2", "DescribeTags"),
    ("ElasticLoadBalancing", "DescribeLoadBalancers"),
    ("ElasticLoadBalancing", "DescribeLoadBalancerPolicies"),
    ("ElasticLoadBalancing", "DescribeTags"),
    ("CloudFront", "ListDistributions"),
    ("CloudFront", "ListTagsForResource"),
    ("DynamoDB", "ListTables"),
    ("DynamoDB", "DescribeTable"),
    ("DynamoDB", "ListTagsOfResource"),
    ("SQS", "ListQueues"),
    ("SQS", "GetQueueAttributes"),
    ("SQS", "ListQueueTags"),
    ("SNS", "ListTopics"),
    ("SNS", "GetTopicAttributes"),
    ("SNS", "ListTagsForResource"),
    ("EC2", "DescribeRegions"),
    ("EC2", "GetEbsEncryptionByDefault"),
    ("EC2", "DescribeVolumes"),
    ("Organizations", "ListAccounts"),
    ("Organizations", "ListAccountsForParent"),
    ("Organizations", "ListOrganizationalUnitsForParent"),
];

/// Whether the guard lets `service`'s `operation` through.
/// Service names are compared without case, spaces or punctuation: the SDKs name
/// some services differently in different places (`ElasticLoadBalancingv2`,
/// `Elastic Load Balancing v2`).
pub fn is_allowed(service: &str, operation: &str) -> bool {
    let key = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let service = key(service);
    ALLOWED
        .iter()
        .any(|(s, o)| key(s) == service && *o == operation)
}

/// Why the guard stopped a call.
#[derive(Debug, Error)]
pub enum Refused {
    #[error("soc2scan is read-only: refused to send {service}:{operation}, which is not in its allowlist of read operations")]
    NotAllowed { service: String, operation: String },
    #[error(
        "soc2scan is read-only: refused to send an operation whose name the SDK did not provide"
    )]
    Unnamed,
}

/// The interceptor attached to every client of the sweep. It also counts the calls it
/// let through (operations, not retry attempts).
#[derive(Clone, Debug, Default)]
pub struct ReadOnlyGuard {
    calls: Arc<AtomicU64>,
}

impl ReadOnlyGuard {
    pub fn new() -> ReadOnlyGuard {
        ReadOnlyGuard::default()
    }

    /// Operations allowed so far by this guard and its clones.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "soc2scan::ReadOnlyGuard"
    }

    /// Runs after every runtime plugin has put the operation's [`Metadata`] in the
    /// bag (client-level `read_before_execution` runs before that), and before the
    /// request is serialized: a refusal here sends nothing, and is not retried.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err(Box::new(Refused::Unnamed));
        };
        if !is_allowed(meta.service(), meta.name()) {
            return Err(Box::new(Refused::NotAllowed {
                service: meta.service().to_string(),
                operation: meta.name().to_string(),
            }));
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowlist_only_reads() {
        for (service, op) in ALLOWED {
            let reads = ["Get", "List", "Describe"]
                .iter()
                .any(|p| op.starts_with(p));
            assert!(
                reads || (*service, *op) == ("IAM", "GenerateCredentialReport"),
                "{service}:{op} is not a read"
            );
        }
        assert!(!is_allowed("S3", "CreateBucket"));
        assert!(!is_allowed("S3", "PutBucketPolicy"));
        assert!(is_allowed("Elastic Load Balancing v2", "DescribeListeners"));
        assert!(!is_allowed("Elastic Load Balancing v2", "CreateListener"));
    }
}
