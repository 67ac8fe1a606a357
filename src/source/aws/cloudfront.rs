//! CloudFront distributions (global): viewer protocol policies, custom origins and the
//! viewer certificate, all from ListDistributions' summaries, and tags.

use super::ctx::{key_value_tags, ops, Read, SweepState, GLOBAL};
use crate::model::cloudfront::{CacheBehavior, CloudFrontDistribution, CustomOrigin, Origin};
use crate::model::{Inventory, Tri};
use aws_sdk_cloudfront::types::DistributionSummary;
use futures_util::future::join_all;

const SVC: &str = "cloudfront";

pub async fn collect(ctx: &SweepState) -> Inventory {
    let home = ctx.home_region().to_string();
    let client = ctx.clients.cloudfront(&home);
    let mut inv = Inventory::default();
    let Some(summaries) = ctx
        .pages(
            SVC,
            &home,
            "ListDistributions",
            "the account",
            "every CloudFront distribution",
            |marker| client.list_distributions().set_marker(marker).send(),
            |o| match o.distribution_list() {
                Some(l) => (
                    l.items().to_vec(),
                    if l.is_truncated() {
                        l.next_marker().map(str::to_owned)
                    } else {
                        None
                    },
                ),
                None => (Vec::new(), None),
            },
        )
        .await
    else {
        return inv;
    };
    let mut out = join_all(summaries.iter().map(|d| describe(ctx, &client, &home, d))).await;
    out.sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.cloudfront_distributions = out;
    inv
}

async fn describe(
    ctx: &SweepState,
    client: &aws_sdk_cloudfront::Client,
    home: &str,
    d: &DistributionSummary,
) -> CloudFrontDistribution {
    let tags = match ctx
        .read(
            SVC,
            home,
            "ListTagsForResource",
            &format!("distribution {}", d.arn()),
            &[],
            "tags (classification and environment from tags)",
            client.list_tags_for_resource().resource(d.arn()).send(),
        )
        .await
    {
        Read::Found(out) => Some(key_value_tags(
            out.tags()
                .map(|t| t.items())
                .unwrap_or_default()
                .iter()
                .map(|t| (Some(t.key()), t.value())),
        )),
        Read::Absent | Read::Failed => None,
    };
    let used: &[&str] = if tags.is_some() {
        &["ListDistributions", "ListTagsForResource"]
    } else {
        &["ListDistributions"]
    };
    let mut meta = ctx.meta(
        "aws_cloudfront_distribution",
        d.arn(),
        Some(d.id()),
        GLOBAL,
        ops(SVC, used),
    );
    meta.tags = tags.unwrap_or_default();

    let mut behaviors = Vec::new();
    if let Some(b) = d.default_cache_behavior() {
        behaviors.push(CacheBehavior {
            path: "default".into(),
            viewer_protocol_policy: Tri::Known(b.viewer_protocol_policy().as_str().to_string()),
        });
    }
    if let Some(list) = d.cache_behaviors() {
        for b in list.items() {
            behaviors.push(CacheBehavior {
                path: b.path_pattern().to_string(),
                viewer_protocol_policy: Tri::Known(b.viewer_protocol_policy().as_str().to_string()),
            });
        }
    }
    let origins = d
        .origins()
        .map(|o| o.items())
        .unwrap_or_default()
        .iter()
        .map(|o| Origin {
            id: Tri::Known(o.id().to_string()),
            custom: o.custom_origin_config().map(|c| CustomOrigin {
                protocol_policy: Tri::Known(c.origin_protocol_policy().as_str().to_string()),
                ssl_protocols: match c.origin_ssl_protocols() {
                    Some(p) => {
                        Tri::Known(p.items().iter().map(|s| s.as_str().to_string()).collect())
                    }
                    None => Tri::Absent,
                },
            }),
        })
        .collect();
    let aliases = match d.aliases().map(|a| a.items()) {
        Some(items) if !items.is_empty() => Tri::Known(items.to_vec()),
        _ => Tri::Absent,
    };
    let cert = d.viewer_certificate();
    CloudFrontDistribution {
        meta,
        behaviors,
        behaviors_incomplete: false,
        origins,
        origins_incomplete: false,
        aliases,
        minimum_protocol_version: match cert.and_then(|c| c.minimum_protocol_version()) {
            Some(v) => Tri::Known(v.as_str().to_string()),
            None => Tri::Absent,
        },
        default_certificate: match cert.and_then(|c| c.cloud_front_default_certificate()) {
            Some(b) => Tri::Known(b),
            None => Tri::Absent,
        },
    }
}
