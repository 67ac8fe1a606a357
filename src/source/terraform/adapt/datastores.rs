//! Managed data stores: DynamoDB, EFS, SQS, SNS, CloudWatch Logs, Secrets Manager and
//! Kinesis. Each keeps what says whether and with which key its data is encrypted at
//! rest; unset arguments stay absent so rules apply the provider's documented default.

use super::kms::key_attr;
use super::resource_policy::{policies_of, Splits, SECRET, SNS, SQS};
use super::RootAdapter;
use crate::model::datastores::{
    DynamoReplica, DynamoTable, EfsFileSystem, FirehoseStream, KinesisStream, LogGroup, Secret,
    SnsTopic, SqsQueue,
};
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    dynamodb(ctx, inv);
    for r in ctx.of_type("aws_efs_file_system") {
        inv.efs_file_systems.push(EfsFileSystem {
            meta: ctx.meta(r, Some("creation_token")),
            encrypted: r.body.bool("encrypted"),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
        });
    }
    let splits = Splits::collect(ctx, &SQS);
    let queues: Vec<_> = ctx.of_type("aws_sqs_queue").collect();
    for r in queues {
        inv.sqs_queues.push(SqsQueue {
            meta: ctx.meta(r, Some("name")),
            kms_key: key_attr(ctx, &r.body, "kms_master_key_id"),
            sqs_managed_sse: r.body.bool("sqs_managed_sse_enabled"),
            policies: policies_of(ctx, r, &splits),
        });
    }
    let splits = Splits::collect(ctx, &SNS);
    let topics: Vec<_> = ctx.of_type("aws_sns_topic").collect();
    for r in topics {
        inv.sns_topics.push(SnsTopic {
            meta: ctx.meta(r, Some("name")),
            kms_key: key_attr(ctx, &r.body, "kms_master_key_id"),
            policies: policies_of(ctx, r, &splits),
        });
    }
    for r in ctx.of_type("aws_cloudwatch_log_group") {
        inv.log_groups.push(LogGroup {
            meta: ctx.meta(r, Some("name")),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
        });
    }
    let splits = Splits::collect(ctx, &SECRET);
    let secrets: Vec<_> = ctx.of_type("aws_secretsmanager_secret").collect();
    for r in secrets {
        inv.secrets.push(Secret {
            meta: ctx.meta(r, Some("name")),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
            policies: policies_of(ctx, r, &splits),
        });
    }
    for r in ctx.of_type("aws_kinesis_stream") {
        inv.kinesis_streams.push(KinesisStream {
            meta: ctx.meta(r, Some("name")),
            encryption_type: r.body.str("encryption_type"),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
        });
    }
    for r in ctx.of_type("aws_kinesis_firehose_delivery_stream") {
        let kinesis_source = match r.body.nested(&["kinesis_source_configuration"]) {
            Tri::Known(Some(_)) => Tri::Known(true),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Known(None) | Tri::Absent => Tri::Known(false),
        };
        let (sse_enabled, key_type, kms_key) = match r.body.nested(&["server_side_encryption"]) {
            Tri::Known(Some(sse)) => (
                sse.bool("enabled"),
                sse.str("key_type"),
                key_attr(ctx, sse, "key_arn"),
            ),
            Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap), Tri::Unknown(gap)),
            Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent, Tri::Absent),
        };
        inv.firehose_streams.push(FirehoseStream {
            meta: ctx.meta(r, Some("name")),
            kinesis_source,
            sse_enabled,
            key_type,
            kms_key,
        });
    }
}

/// Tables with their inline `server_side_encryption` and `replica` blocks, and the
/// separate `aws_dynamodb_table_replica` resource (always encrypted, with its own key
/// or the region's `aws/dynamodb`).
fn dynamodb(ctx: &RootAdapter, inv: &mut Inventory) {
    for r in ctx.of_type("aws_dynamodb_table") {
        let (sse_enabled, kms_key) = match r.body.nested(&["server_side_encryption"]) {
            Tri::Known(Some(b)) => (b.bool("enabled"), key_attr(ctx, b, "kms_key_arn")),
            Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent),
            Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap)),
        };
        let replicas = r
            .body
            .blocks("replica")
            .map(|b| DynamoReplica {
                region: b.body.str("region_name"),
                kms_key: key_attr(ctx, &b.body, "kms_key_arn"),
            })
            .collect();
        inv.dynamo_tables.push(DynamoTable {
            meta: ctx.meta(r, Some("name")),
            sse_enabled,
            kms_key,
            replicas,
            replicas_unknown: r.body.unknown_blocks.contains("replica"),
        });
    }
    for r in ctx.of_type("aws_dynamodb_table_replica") {
        inv.dynamo_tables.push(DynamoTable {
            meta: ctx.meta(r, None),
            sse_enabled: Tri::Known(true),
            kms_key: key_attr(ctx, &r.body, "kms_key_arn"),
            replicas: Vec::new(),
            replicas_unknown: false,
        });
    }
}
