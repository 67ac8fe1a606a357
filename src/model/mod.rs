//! The typed inventory every source fills and every rule reads.
//!
//! Grown by resource kind, never by source: a rule does not know whether a value came
//! from HCL or from an AWS API.

pub mod account;
pub mod apigw;
mod attr;
pub mod cloudfront;
pub mod datastores;
pub mod ec2;
pub mod elasticache;
pub mod envlinks;
pub mod iam;
pub mod kms;
pub mod lb;
mod meta;
pub mod msk;
pub mod opensearch;
pub mod parameter_group;
pub mod policy;
pub mod rds;
pub mod redshift;
pub mod resource_policy;
pub mod s3;
pub mod value;

pub use attr::{Gap, Tri};
pub use meta::{
    arn_account, Classification, ClassificationSource, Environment, Location, ManagedBy, Meta,
    Missing, ModuleCall, Origin, Scope, Wording,
};
pub use policy::PolicyDocument;
pub use value::Value;

use serde::Serialize;

/// Declares the inventory's kinds once: each `field: Type` becomes a `Vec<Type>` field
/// of [`Inventory`], and every pass over all kinds (`metas`, `metas_mut`, `extend`) is
/// generated from the same list, so a new kind is one line here and cannot be missed
/// by any of them. Kinds are listed in the order `metas` returns them.
macro_rules! inventory {
    ($($(#[$doc:meta])* $field:ident: $kind:ty,)*) => {
        /// Everything the sources saw, typed.
        #[derive(Clone, Debug, Default, Serialize)]
        pub struct Inventory {
            $($(#[$doc])* pub $field: Vec<$kind>,)*
            /// AWS accounts the run's Terraform is known to manage, with how that is
            /// known (set by `scan::link`): DRIFT002 looks for unmanaged resources in
            /// these accounts only.
            #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
            pub terraform_accounts: std::collections::BTreeMap<String, String>,
        }

        impl Inventory {
            /// Every resource's `Meta`, for passes that enrich all resources alike
            /// (classification, environment).
            pub fn metas_mut(&mut self) -> Vec<&mut Meta> {
                let mut out: Vec<&mut Meta> = Vec::new();
                $(out.extend(self.$field.iter_mut().map(|r| &mut r.meta));)*
                out
            }

            /// Every resource's `Meta`, read-only (rules that judge roots or accounts).
            pub fn metas(&self) -> Vec<&Meta> {
                let mut out: Vec<&Meta> = Vec::new();
                $(out.extend(self.$field.iter().map(|r| &r.meta));)*
                out
            }

            /// Append another source's inventory (Terraform roots, AWS regions).
            pub fn extend(&mut self, other: Inventory) {
                $(self.$field.extend(other.$field);)*
                self.terraform_accounts.extend(other.terraform_accounts);
            }
        }
    };
}

inventory! {
    s3_buckets: s3::S3Bucket,
    kms_keys: kms::KmsKey,
    identity_policies: iam::IdentityPolicy,
    policy_attachments: iam::PolicyAttachment,
    iam_roles: iam::IamRole,
    iam_users: iam::IamUser,
    iam_groups: iam::IamGroup,
    lb_listeners: lb::LbListener,
    cloudfront_distributions: cloudfront::CloudFrontDistribution,
    apigw_domains: apigw::ApiGatewayDomain,
    msk_clusters: msk::MskCluster,
    db_instances: rds::DbInstance,
    db_parameter_groups: rds::DbParameterGroup,
    ebs_volumes: ec2::EbsVolume,
    ebs_default_encryption: ec2::EbsDefaultEncryption,
    dynamo_tables: datastores::DynamoTable,
    efs_file_systems: datastores::EfsFileSystem,
    sqs_queues: datastores::SqsQueue,
    sns_topics: datastores::SnsTopic,
    log_groups: datastores::LogGroup,
    secrets: datastores::Secret,
    elasticache_groups: elasticache::ElastiCacheGroup,
    elasticache_clusters: elasticache::CacheCluster,
    serverless_caches: elasticache::ServerlessCache,
    redshift_clusters: redshift::RedshiftCluster,
    opensearch_domains: opensearch::OpenSearchDomain,
    kinesis_streams: datastores::KinesisStream,
    firehose_streams: datastores::FirehoseStream,
    provider_configs: envlinks::ProviderConfig,
    external_refs: envlinks::ExternalRefs,
    network_links: envlinks::NetworkLink,
    s3_account_public_access_blocks: account::S3AccountPublicAccessBlock,
    iam_access_keys: account::IamAccessKey,
    credential_reports: account::CredentialReport,
    ecr_repositories: resource_policy::EcrRepository,
    lambda_functions: resource_policy::LambdaFunction,
    detached_resource_policies: resource_policy::DetachedResourcePolicy,
}
