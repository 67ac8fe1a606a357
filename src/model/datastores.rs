//! Managed data stores whose encryption at rest the ENC rules judge: DynamoDB, EFS,
//! SQS, SNS, CloudWatch Logs, Secrets Manager and Kinesis. (ElastiCache, Redshift and
//! OpenSearch, which other rules judge too, have modules of their own.)
//!
//! `kms_key` fields keep the key as written ([`KeyRef`]); absent means the service's
//! default key (AWS-owned or the AWS-managed `aws/<service>` key, per service).

use super::resource_policy::ResourcePolicy;
use super::s3::KeyRef;
use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    dynamo_tables: DynamoTable,
    efs_file_systems: EfsFileSystem,
    sqs_queues: SqsQueue,
    sns_topics: SnsTopic,
    log_groups: LogGroup,
    secrets: Secret,
    kinesis_streams: KinesisStream,
    firehose_streams: FirehoseStream,
}

/// `aws_dynamodb_table` (or a `aws_dynamodb_table_replica`, whose encryption is
/// always on, with its own key).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DynamoTable {
    pub meta: Meta,
    /// `server_side_encryption.enabled`: absent or false means the AWS-owned key.
    pub sse_enabled: Tri<bool>,
    /// `kms_key_arn`: absent with SSE enabled means the AWS-managed `aws/dynamodb` key.
    pub kms_key: Tri<KeyRef>,
    /// Global table replicas declared inline (`replica` blocks), each with its own key.
    pub replicas: Vec<DynamoReplica>,
    /// A `dynamic "replica"` block over unknown values: more replicas may exist.
    pub replicas_unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DynamoReplica {
    pub region: Tri<String>,
    /// Absent means the AWS-managed `aws/dynamodb` key of the replica's region.
    pub kms_key: Tri<KeyRef>,
}

/// `aws_efs_file_system`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EfsFileSystem {
    pub meta: Meta,
    /// Absent means the provider default, `false`.
    pub encrypted: Tri<bool>,
    pub kms_key: Tri<KeyRef>,
}

/// `aws_sqs_queue`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SqsQueue {
    pub meta: Meta,
    /// `kms_master_key_id`: SSE-KMS.
    pub kms_key: Tri<KeyRef>,
    /// `sqs_managed_sse_enabled`: SSE-SQS with SQS-owned keys.
    pub sqs_managed_sse: Tri<bool>,
    /// The queue policy (inline `policy`, `aws_sqs_queue_policy`; live: the `Policy`
    /// attribute). Empty when none is attached.
    pub policies: Tri<Vec<ResourcePolicy>>,
}

/// `aws_sns_topic`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnsTopic {
    pub meta: Meta,
    /// `kms_master_key_id`: absent means messages are stored unencrypted.
    pub kms_key: Tri<KeyRef>,
    /// The topic policy (inline `policy`, `aws_sns_topic_policy`; live: the `Policy`
    /// attribute). Empty when none is written: SNS then applies its default policy,
    /// which grants only the owning account.
    pub policies: Tri<Vec<ResourcePolicy>>,
}

/// `aws_cloudwatch_log_group`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogGroup {
    pub meta: Meta,
    /// `kms_key_id`: absent means CloudWatch Logs' own service-managed encryption.
    pub kms_key: Tri<KeyRef>,
}

/// `aws_secretsmanager_secret`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Secret {
    pub meta: Meta,
    /// `kms_key_id`: absent means the AWS-managed `aws/secretsmanager` key.
    pub kms_key: Tri<KeyRef>,
    /// The secret's resource policy (inline `policy`, `aws_secretsmanager_secret_policy`).
    pub policies: Tri<Vec<ResourcePolicy>>,
}

/// `aws_kinesis_firehose_delivery_stream`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirehoseStream {
    pub meta: Meta,
    /// Reads from a Kinesis data stream (`kinesis_source_configuration`): Firehose then
    /// keeps no data at rest, the source stream does.
    pub kinesis_source: Tri<bool>,
    /// `server_side_encryption.enabled`; absent (no block) means disabled.
    pub sse_enabled: Tri<bool>,
    /// `AWS_OWNED_CMK` (absent: the provider's default) or `CUSTOMER_MANAGED_CMK`.
    pub key_type: Tri<String>,
    pub kms_key: Tri<KeyRef>,
}

/// `aws_kinesis_stream`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KinesisStream {
    pub meta: Meta,
    /// `NONE` or `KMS`; absent means `NONE`.
    pub encryption_type: Tri<String>,
    pub kms_key: Tri<KeyRef>,
}
