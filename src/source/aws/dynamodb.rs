//! DynamoDB tables of one region: server-side encryption and its key, replicas in
//! regions this sweep does not cover, and tags.

use super::ctx::{key_ref, key_value_tags, ops, Read, SweepState};
use crate::model::datastores::{DynamoReplica, DynamoTable};
use crate::model::{Inventory, Tri};
use aws_sdk_dynamodb::types::{SseStatus, SseType};
use futures_util::future::join_all;

const SVC: &str = "dynamodb";

pub async fn collect(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.dynamodb(region);
    let mut inv = Inventory::default();
    let Some(names) = ctx
        .pages(
            SVC,
            region,
            "ListTables",
            "the region",
            "every DynamoDB table",
            |start| {
                client
                    .list_tables()
                    .set_exclusive_start_table_name(start)
                    .send()
            },
            |o| {
                (
                    o.table_names().to_vec(),
                    o.last_evaluated_table_name().map(str::to_owned),
                )
            },
        )
        .await
    else {
        return inv;
    };
    let tables = join_all(names.iter().map(|name| {
        let client = &client;
        async move {
            let target = format!("table {name}");
            let Read::Found(out) = ctx
                .read(
                    SVC,
                    region,
                    "DescribeTable",
                    &target,
                    &[],
                    "the table's encryption (the table is left out)",
                    client.describe_table().table_name(name).send(),
                )
                .await
            else {
                return None;
            };
            let t = out.table()?;
            let arn = t.table_arn()?.to_string();
            let tags = ctx
                .pages(
                    SVC,
                    region,
                    "ListTagsOfResource",
                    &target,
                    "tags (classification and environment from tags)",
                    |token| {
                        client
                            .list_tags_of_resource()
                            .resource_arn(&arn)
                            .set_next_token(token)
                            .send()
                    },
                    |o| {
                        (
                            o.tags()
                                .iter()
                                .map(|t| (t.key().to_string(), t.value().to_string()))
                                .collect::<Vec<_>>(),
                            o.next_token().map(str::to_owned),
                        )
                    },
                )
                .await;
            let used: &[&str] = if tags.is_some() {
                &["ListTables", "DescribeTable", "ListTagsOfResource"]
            } else {
                &["ListTables", "DescribeTable"]
            };
            let mut meta = ctx.meta(
                "aws_dynamodb_table",
                &arn,
                Some(name),
                region,
                ops(SVC, used),
            );
            meta.tags = key_value_tags(
                tags.unwrap_or_default()
                    .iter()
                    .map(|(k, v)| (Some(k.as_str()), Some(v.as_str()))),
            );
            let sse = t.sse_description();
            let kms = sse.is_some_and(|s| {
                s.status() == Some(&SseStatus::Enabled) && s.sse_type() == Some(&SseType::Kms)
            });
            Some(DynamoTable {
                meta,
                // No SSE description: the table uses the AWS-owned key.
                sse_enabled: Tri::Known(kms),
                kms_key: if kms {
                    key_ref(sse.and_then(|s| s.kms_master_key_arn()))
                } else {
                    Tri::Absent
                },
                replicas: t
                    .replicas()
                    .iter()
                    .filter(|r| {
                        r.region_name()
                            .is_some_and(|n| !ctx.regions.iter().any(|s| s == n))
                    })
                    .map(|r| DynamoReplica {
                        region: super::ctx::opt(r.region_name()),
                        kms_key: key_ref(r.kms_master_key_id()),
                    })
                    .collect(),
                replicas_unknown: false,
            })
        }
    }))
    .await;
    inv.dynamo_tables = tables.into_iter().flatten().collect();
    inv.dynamo_tables
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}
