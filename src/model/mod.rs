//! The typed inventory every source fills and every rule reads.
//!
//! Grown by resource kind, never by source: a rule does not know whether a value came
//! from HCL or from an AWS API.

pub mod account;
pub mod apigw;
mod attr;
pub mod cloudfront;
pub mod datastores;
pub mod db_tls;
pub mod ec2;
pub mod elasticache_tls;
pub mod envlinks;
pub mod iam;
pub mod kms;
pub mod lb;
mod meta;
pub mod msk;
pub mod opensearch_tls;
pub mod policy;
pub mod rds;
pub mod resource_policy;
pub mod s3;
pub mod value;

pub use attr::Tri;
pub use meta::{
    arn_account, Classification, ClassificationSource, Environment, Location, Meta, ModuleCall,
    Origin,
};
pub use policy::PolicyDocument;
pub use value::Value;

use serde::Serialize;

/// Everything the sources saw, typed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Inventory {
    pub s3_buckets: Vec<s3::S3Bucket>,
    pub kms_keys: Vec<kms::KmsKey>,
    pub identity_policies: Vec<iam::IdentityPolicy>,
    pub policy_attachments: Vec<iam::PolicyAttachment>,
    pub iam_roles: Vec<iam::IamRole>,
    pub iam_users: Vec<iam::IamUser>,
    pub iam_groups: Vec<iam::IamGroup>,
    pub lb_listeners: Vec<lb::LbListener>,
    pub cloudfront_distributions: Vec<cloudfront::CloudFrontDistribution>,
    pub apigw_domains: Vec<apigw::ApiGatewayDomain>,
    pub msk_clusters: Vec<msk::MskCluster>,
    pub db_transit: Vec<db_tls::DbTransit>,
    pub redshift_transit: Vec<db_tls::RedshiftTransit>,
    pub elasticache_transit: Vec<elasticache_tls::ElastiCacheTransit>,
    pub opensearch_transit: Vec<opensearch_tls::OpenSearchTransit>,
    pub db_instances: Vec<rds::DbInstance>,
    pub db_parameter_groups: Vec<rds::DbParameterGroup>,
    pub ebs_volumes: Vec<ec2::EbsVolume>,
    pub ebs_default_encryption: Vec<ec2::EbsDefaultEncryption>,
    pub dynamo_tables: Vec<datastores::DynamoTable>,
    pub efs_file_systems: Vec<datastores::EfsFileSystem>,
    pub sqs_queues: Vec<datastores::SqsQueue>,
    pub sns_topics: Vec<datastores::SnsTopic>,
    pub log_groups: Vec<datastores::LogGroup>,
    pub secrets: Vec<datastores::Secret>,
    pub elasticache_groups: Vec<datastores::ElastiCacheGroup>,
    pub redshift_clusters: Vec<datastores::RedshiftCluster>,
    pub opensearch_domains: Vec<datastores::OpenSearchDomain>,
    pub kinesis_streams: Vec<datastores::KinesisStream>,
    pub firehose_streams: Vec<datastores::FirehoseStream>,
    pub provider_configs: Vec<envlinks::ProviderConfig>,
    pub external_refs: Vec<envlinks::ExternalRefs>,
    pub network_links: Vec<envlinks::NetworkLink>,
    pub s3_account_public_access_blocks: Vec<account::S3AccountPublicAccessBlock>,
    pub iam_access_keys: Vec<account::IamAccessKey>,
    pub credential_reports: Vec<account::CredentialReport>,
    pub ecr_repositories: Vec<resource_policy::EcrRepository>,
    pub lambda_functions: Vec<resource_policy::LambdaFunction>,
    pub detached_resource_policies: Vec<resource_policy::DetachedResourcePolicy>,
}

impl Inventory {
    /// Every resource's `Meta`, for passes that enrich all resources alike
    /// (classification, environment). Lists every field so a new kind cannot be missed.
    pub fn metas_mut(&mut self) -> Vec<&mut Meta> {
        let Inventory {
            s3_buckets,
            kms_keys,
            identity_policies,
            policy_attachments,
            iam_roles,
            iam_users,
            iam_groups,
            lb_listeners,
            cloudfront_distributions,
            apigw_domains,
            msk_clusters,
            db_transit,
            redshift_transit,
            elasticache_transit,
            opensearch_transit,
            db_instances,
            db_parameter_groups,
            ebs_volumes,
            ebs_default_encryption,
            dynamo_tables,
            efs_file_systems,
            sqs_queues,
            sns_topics,
            log_groups,
            secrets,
            elasticache_groups,
            redshift_clusters,
            opensearch_domains,
            kinesis_streams,
            firehose_streams,
            provider_configs,
            external_refs,
            network_links,
            s3_account_public_access_blocks,
            iam_access_keys,
            credential_reports,
            ecr_repositories,
            lambda_functions,
            detached_resource_policies,
        } = self;
        let mut out: Vec<&mut Meta> = Vec::new();
        out.extend(s3_buckets.iter_mut().map(|r| &mut r.meta));
        out.extend(kms_keys.iter_mut().map(|r| &mut r.meta));
        out.extend(identity_policies.iter_mut().map(|r| &mut r.meta));
        out.extend(policy_attachments.iter_mut().map(|r| &mut r.meta));
        out.extend(iam_roles.iter_mut().map(|r| &mut r.meta));
        out.extend(iam_users.iter_mut().map(|r| &mut r.meta));
        out.extend(iam_groups.iter_mut().map(|r| &mut r.meta));
        out.extend(lb_listeners.iter_mut().map(|r| &mut r.meta));
        out.extend(cloudfront_distributions.iter_mut().map(|r| &mut r.meta));
        out.extend(apigw_domains.iter_mut().map(|r| &mut r.meta));
        out.extend(msk_clusters.iter_mut().map(|r| &mut r.meta));
        out.extend(db_transit.iter_mut().map(|r| &mut r.meta));
        out.extend(redshift_transit.iter_mut().map(|r| &mut r.meta));
        out.extend(elasticache_transit.iter_mut().map(|r| &mut r.meta));
        out.extend(opensearch_transit.iter_mut().map(|r| &mut r.meta));
        out.extend(db_instances.iter_mut().map(|r| &mut r.meta));
        out.extend(db_parameter_groups.iter_mut().map(|r| &mut r.meta));
        out.extend(ebs_volumes.iter_mut().map(|r| &mut r.meta));
        out.extend(ebs_default_encryption.iter_mut().map(|r| &mut r.meta));
        out.extend(dynamo_tables.iter_mut().map(|r| &mut r.meta));
        out.extend(efs_file_systems.iter_mut().map(|r| &mut r.meta));
        out.extend(sqs_queues.iter_mut().map(|r| &mut r.meta));
        out.extend(sns_topics.iter_mut().map(|r| &mut r.meta));
        out.extend(log_groups.iter_mut().map(|r| &mut r.meta));
        out.extend(secrets.iter_mut().map(|r| &mut r.meta));
        out.extend(elasticache_groups.iter_mut().map(|r| &mut r.meta));
        out.extend(redshift_clusters.iter_mut().map(|r| &mut r.meta));
        out.extend(opensearch_domains.iter_mut().map(|r| &mut r.meta));
        out.extend(kinesis_streams.iter_mut().map(|r| &mut r.meta));
        out.extend(firehose_streams.iter_mut().map(|r| &mut r.meta));
        out.extend(provider_configs.iter_mut().map(|r| &mut r.meta));
        out.extend(external_refs.iter_mut().map(|r| &mut r.meta));
        out.extend(network_links.iter_mut().map(|r| &mut r.meta));
        out.extend(
            s3_account_public_access_blocks
                .iter_mut()
                .map(|r| &mut r.meta),
        );
        out.extend(iam_access_keys.iter_mut().map(|r| &mut r.meta));
        out.extend(credential_reports.iter_mut().map(|r| &mut r.meta));
        out.extend(ecr_repositories.iter_mut().map(|r| &mut r.meta));
        out.extend(lambda_functions.iter_mut().map(|r| &mut r.meta));
        out.extend(detached_resource_policies.iter_mut().map(|r| &mut r.meta));
        out
    }

    /// Every resource's `Meta`, read-only (rules that judge roots or accounts).
    pub fn metas(&self) -> Vec<&Meta> {
        let Inventory {
            s3_buckets,
            kms_keys,
            identity_policies,
            policy_attachments,
            iam_roles,
            iam_users,
            iam_groups,
            lb_listeners,
            cloudfront_distributions,
            apigw_domains,
            msk_clusters,
            db_transit,
            redshift_transit,
            elasticache_transit,
            opensearch_transit,
            db_instances,
            db_parameter_groups,
            ebs_volumes,
            ebs_default_encryption,
            dynamo_tables,
            efs_file_systems,
            sqs_queues,
            sns_topics,
            log_groups,
            secrets,
            elasticache_groups,
            redshift_clusters,
            opensearch_domains,
            kinesis_streams,
            firehose_streams,
            provider_configs,
            external_refs,
            network_links,
            s3_account_public_access_blocks,
            iam_access_keys,
            credential_reports,
            ecr_repositories,
            lambda_functions,
            detached_resource_policies,
        } = self;
        let mut out: Vec<&Meta> = Vec::new();
        out.extend(s3_buckets.iter().map(|r| &r.meta));
        out.extend(kms_keys.iter().map(|r| &r.meta));
        out.extend(identity_policies.iter().map(|r| &r.meta));
        out.extend(policy_attachments.iter().map(|r| &r.meta));
        out.extend(iam_roles.iter().map(|r| &r.meta));
        out.extend(iam_users.iter().map(|r| &r.meta));
        out.extend(iam_groups.iter().map(|r| &r.meta));
        out.extend(lb_listeners.iter().map(|r| &r.meta));
        out.extend(cloudfront_distributions.iter().map(|r| &r.meta));
        out.extend(apigw_domains.iter().map(|r| &r.meta));
        out.extend(msk_clusters.iter().map(|r| &r.meta));
        out.extend(db_transit.iter().map(|r| &r.meta));
        out.extend(redshift_transit.iter().map(|r| &r.meta));
        out.extend(elasticache_transit.iter().map(|r| &r.meta));
        out.extend(opensearch_transit.iter().map(|r| &r.meta));
        out.extend(db_instances.iter().map(|r| &r.meta));
        out.extend(db_parameter_groups.iter().map(|r| &r.meta));
        out.extend(ebs_volumes.iter().map(|r| &r.meta));
        out.extend(ebs_default_encryption.iter().map(|r| &r.meta));
        out.extend(dynamo_tables.iter().map(|r| &r.meta));
        out.extend(efs_file_systems.iter().map(|r| &r.meta));
        out.extend(sqs_queues.iter().map(|r| &r.meta));
        out.extend(sns_topics.iter().map(|r| &r.meta));
        out.extend(log_groups.iter().map(|r| &r.meta));
        out.extend(secrets.iter().map(|r| &r.meta));
        out.extend(elasticache_groups.iter().map(|r| &r.meta));
        out.extend(redshift_clusters.iter().map(|r| &r.meta));
        out.extend(opensearch_domains.iter().map(|r| &r.meta));
        out.extend(kinesis_streams.iter().map(|r| &r.meta));
        out.extend(firehose_streams.iter().map(|r| &r.meta));
        out.extend(provider_configs.iter().map(|r| &r.meta));
        out.extend(external_refs.iter().map(|r| &r.meta));
        out.extend(network_links.iter().map(|r| &r.meta));
        out.extend(s3_account_public_access_blocks.iter().map(|r| &r.meta));
        out.extend(iam_access_keys.iter().map(|r| &r.meta));
        out.extend(credential_reports.iter().map(|r| &r.meta));
        out.extend(ecr_repositories.iter().map(|r| &r.meta));
        out.extend(lambda_functions.iter().map(|r| &r.meta));
        out.extend(detached_resource_policies.iter().map(|r| &r.meta));
        out
    }

    /// Append another source's inventory (Terraform roots, AWS regions).
    pub fn extend(&mut self, other: Inventory) {
        let Inventory {
            s3_buckets,
            kms_keys,
            identity_policies,
            policy_attachments,
            iam_roles,
            iam_users,
            iam_groups,
            lb_listeners,
            cloudfront_distributions,
            apigw_domains,
            msk_clusters,
            db_transit,
            redshift_transit,
            elasticache_transit,
            opensearch_transit,
            db_instances,
            db_parameter_groups,
            ebs_volumes,
            ebs_default_encryption,
            dynamo_tables,
            efs_file_systems,
            sqs_queues,
            sns_topics,
            log_groups,
            secrets,
            elasticache_groups,
            redshift_clusters,
            opensearch_domains,
            kinesis_streams,
            firehose_streams,
            provider_configs,
            external_refs,
            network_links,
            s3_account_public_access_blocks,
            iam_access_keys,
            credential_reports,
            ecr_repositories,
            lambda_functions,
            detached_resource_policies,
        } = other;
        self.s3_buckets.extend(s3_buckets);
        self.kms_keys.extend(kms_keys);
        self.identity_policies.extend(identity_policies);
        self.policy_attachments.extend(policy_attachments);
        self.iam_roles.extend(iam_roles);
        self.iam_users.extend(iam_users);
        self.iam_groups.extend(iam_groups);
        self.lb_listeners.extend(lb_listeners);
        self.cloudfront_distributions
            .extend(cloudfront_distributions);
        self.apigw_domains.extend(apigw_domains);
        self.msk_clusters.extend(msk_clusters);
        self.db_transit.extend(db_transit);
        self.redshift_transit.extend(redshift_transit);
        self.elasticache_transit.extend(elasticache_transit);
        self.opensearch_transit.extend(opensearch_transit);
        self.db_instances.extend(db_instances);
        self.db_parameter_groups.extend(db_parameter_groups);
        self.ebs_volumes.extend(ebs_volumes);
        self.ebs_default_encryption.extend(ebs_default_encryption);
        self.provider_configs.extend(provider_configs);
        self.external_refs.extend(external_refs);
        self.network_links.extend(network_links);
        self.s3_account_public_access_blocks
            .extend(s3_account_public_access_blocks);
        self.iam_access_keys.extend(iam_access_keys);
        self.credential_reports.extend(credential_reports);
        self.dynamo_tables.extend(dynamo_tables);
        self.efs_file_systems.extend(efs_file_systems);
        self.sqs_queues.extend(sqs_queues);
        self.sns_topics.extend(sns_topics);
        self.log_groups.extend(log_groups);
        self.secrets.extend(secrets);
        self.elasticache_groups.extend(elasticache_groups);
        self.redshift_clusters.extend(redshift_clusters);
        self.opensearch_domains.extend(opensearch_domains);
        self.kinesis_streams.extend(kinesis_streams);
        self.firehose_streams.extend(firehose_streams);
        self.ecr_repositories.extend(ecr_repositories);
        self.lambda_functions.extend(lambda_functions);
        self.detached_resource_policies
            .extend(detached_resource_policies);
    }
}
