//! SQS queues and SNS topics of one region: their encryption at rest, resource
//! policy (the `Policy` attribute of the same GetQueueAttributes/GetTopicAttributes
//! answer), and tags.

use super::ctx::{key_ref, key_value_tags, ops, Read, SweepState};
use crate::model::datastores::{SnsTopic, SqsQueue};
use crate::model::resource_policy::ResourcePolicy;
use crate::model::{Gap, Inventory, Tri};
use aws_sdk_sqs::types::QueueAttributeName;
use futures_util::future::join_all;

pub async fn collect_sqs(ctx: &SweepState, region: &str) -> Inventory {
    const SVC: &str = "sqs";
    let client = ctx.clients.sqs(region);
    let mut inv = Inventory::default();
    let Some(urls) = ctx
        .pages(
            SVC,
            region,
            "ListQueues",
            "the region",
            "every SQS queue",
            |token| {
                client
                    .list_queues()
                    .max_results(1000)
                    .set_next_token(token)
                    .send()
            },
            |o| (o.queue_urls().to_vec(), o.next_token().map(str::to_owned)),
        )
        .await
    else {
        return inv;
    };
    let queues = join_all(urls.iter().map(|url| {
        let client = &client;
        async move {
            let target = format!("queue {url}");
            let (attrs, tags) = tokio::join!(
                ctx.read(
                    SVC,
                    region,
                    "GetQueueAttributes",
                    &target,
                    &[],
                    "the queue's encryption (the queue is left out)",
                    client
                        .get_queue_attributes()
                        .queue_url(url)
                        .attribute_names(QueueAttributeName::All)
                        .send(),
                ),
                ctx.read(
                    SVC,
                    region,
                    "ListQueueTags",
                    &target,
                    &[],
                    "tags (classification and environment from tags)",
                    client.list_queue_tags().queue_url(url).send(),
                ),
            );
            let Read::Found(attrs) = attrs else {
                return None;
            };
            let a = attrs.attributes()?;
            let arn = a.get(&QueueAttributeName::QueueArn)?;
            let name = arn.rsplit(':').next();
            let tags = match tags {
                Read::Found(t) => Some(key_value_tags(
                    t.tags()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (Some(k.as_str()), Some(v.as_str()))),
                )),
                Read::Absent | Read::Failed => None,
            };
            let used: &[&str] = if tags.is_some() {
                &["ListQueues", "GetQueueAttributes", "ListQueueTags"]
            } else {
                &["ListQueues", "GetQueueAttributes"]
            };
            let mut meta = ctx.meta("aws_sqs_queue", arn, name, region, ops(SVC, used));
            meta.tags = tags.unwrap_or_default();
            Some(SqsQueue {
                meta,
                kms_key: key_ref(
                    a.get(&QueueAttributeName::KmsMasterKeyId)
                        .map(String::as_str),
                ),
                sqs_managed_sse: match a
                    .get(&QueueAttributeName::SqsManagedSseEnabled)
                    .map(String::as_str)
                {
                    Some("true") => Tri::Known(true),
                    Some("false") => Tri::Known(false),
                    Some(_) => Tri::Unknown(Gap::NotCollected),
                    None => Tri::Absent,
                },
                policies: policy_of(
                    ctx,
                    a.get(&QueueAttributeName::Policy).map(String::as_str),
                    arn,
                    "GetQueueAttributes",
                ),
            })
        }
    }))
    .await;
    inv.sqs_queues = queues.into_iter().flatten().collect();
    inv.sqs_queues
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

pub async fn collect_sns(ctx: &SweepState, region: &str) -> Inventory {
    const SVC: &str = "sns";
    let client = ctx.clients.sns(region);
    let mut inv = Inventory::default();
    let Some(arns) = ctx
        .pages(
            SVC,
            region,
            "ListTopics",
            "the region",
            "every SNS topic",
            |token| client.list_topics().set_next_token(token).send(),
            |o| {
                (
                    o.topics()
                        .iter()
                        .filter_map(|t| t.topic_arn().map(str::to_owned))
                        .collect::<Vec<_>>(),
                    o.next_token().map(str::to_owned),
                )
            },
        )
        .await
    else {
        return inv;
    };
    let topics = join_all(arns.iter().map(|arn| {
        let client = &client;
        async move {
            let target = format!("topic {arn}");
            let (attrs, tags) = tokio::join!(
                ctx.read(
                    SVC,
                    region,
                    "GetTopicAttributes",
                    &target,
                    &[],
                    "the topic's encryption (the topic is left out)",
                    client.get_topic_attributes().topic_arn(arn).send(),
                ),
                ctx.read(
                    SVC,
                    region,
                    "ListTagsForResource",
                    &target,
                    &[],
                    "tags (classification and environment from tags)",
                    client.list_tags_for_resource().resource_arn(arn).send(),
                ),
            );
            let Read::Found(attrs) = attrs else {
                return None;
            };
            let tags = match tags {
                Read::Found(t) => Some(key_value_tags(
                    t.tags().iter().map(|t| (Some(t.key()), Some(t.value()))),
                )),
                Read::Absent | Read::Failed => None,
            };
            let used: &[&str] = if tags.is_some() {
                &["ListTopics", "GetTopicAttributes", "ListTagsForResource"]
            } else {
                &["ListTopics", "GetTopicAttributes"]
            };
            let mut meta = ctx.meta(
                "aws_sns_topic",
                arn,
                arn.rsplit(':').next(),
                region,
                ops(SVC, used),
            );
            meta.tags = tags.unwrap_or_default();
            Some(SnsTopic {
                meta,
                kms_key: key_ref(
                    attrs
                        .attributes()
                        .and_then(|a| a.get("KmsMasterKeyId"))
                        .map(String::as_str),
                ),
                policies: policy_of(
                    ctx,
                    attrs
                        .attributes()
                        .and_then(|a| a.get("Policy"))
                        .map(String::as_str),
                    arn,
                    "GetTopicAttributes",
                ),
            })
        }
    }))
    .await;
    inv.sns_topics = topics.into_iter().flatten().collect();
    inv.sns_topics
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

/// The resource policy an attribute answer carries: none attached is an empty list.
fn policy_of(
    ctx: &SweepState,
    text: Option<&str>,
    arn: &str,
    operation: &str,
) -> Tri<Vec<ResourcePolicy>> {
    match text.filter(|t| !t.trim().is_empty()) {
        Some(text) => Tri::Known(vec![ResourcePolicy {
            document: super::s3::parse_policy(ctx, text, arn, operation),
            configured_by: arn.to_string(),
        }]),
        None => Tri::Known(Vec::new()),
    }
}
