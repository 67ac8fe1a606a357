//! CloudFront distributions (`aws_cloudfront_distribution`): cache behaviours, custom
//! origins and the viewer certificate, with `dynamic` blocks expanded by the
//! evaluator; a dynamic block over unknown values marks the list incomplete.

use super::RootAdapter;
use crate::model::cloudfront::{CacheBehavior, CloudFrontDistribution, CustomOrigin, Origin};
use crate::model::{Inventory, Tri};
use crate::source::terraform::resource::Body;

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for d in ctx.of_type("aws_cloudfront_distribution") {
        let body = &d.body;
        let mut behaviors = Vec::new();
        for b in body.blocks("default_cache_behavior") {
            behaviors.push(behavior(&b.body, "default".to_string()));
        }
        for b in body.blocks("ordered_cache_behavior") {
            let path = match b.body.str("path_pattern") {
                Tri::Known(p) => p,
                Tri::Unknown(_) | Tri::Absent => "?".to_string(),
            };
            behaviors.push(behavior(&b.body, path));
        }
        let origins = body
            .blocks("origin")
            .map(|o| Origin {
                id: o.body.str("origin_id"),
                custom: o
                    .body
                    .blocks("custom_origin_config")
                    .next()
                    .map(|c| CustomOrigin {
                        protocol_policy: c.body.str("origin_protocol_policy"),
                        ssl_protocols: c.body.str_list("origin_ssl_protocols"),
                    }),
            })
            .collect();
        let origins_incomplete = body.unknown_blocks.contains("origin")
            || body
                .blocks("origin")
                .any(|o| o.body.unknown_blocks.contains("custom_origin_config"));
        let (minimum_protocol_version, default_certificate) =
            match body.nested(&["viewer_certificate"]) {
                Tri::Known(Some(v)) => (
                    v.str("minimum_protocol_version"),
                    v.bool("cloudfront_default_certificate"),
                ),
                Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap)),
                Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent),
            };
        inv.cloudfront_distributions.push(CloudFrontDistribution {
            meta: ctx.meta(d, None),
            behaviors,
            behaviors_incomplete: body.unknown_blocks.contains("ordered_cache_behavior")
                || body.unknown_blocks.contains("default_cache_behavior"),
            origins,
            origins_incomplete,
            aliases: body.str_list("aliases"),
            minimum_protocol_version,
            default_certificate,
        });
    }
}

fn behavior(body: &Body, path: String) -> CacheBehavior {
    CacheBehavior {
        path,
        viewer_protocol_policy: body.str("viewer_protocol_policy"),
    }
}
