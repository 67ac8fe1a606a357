//! TLS004 cloudfront-viewer-allows-http: a CloudFront cache behaviour that serves
//! viewers over plain HTTP (`viewer_protocol_policy = "allow-all"`). One result per
//! distribution, naming every offending behaviour.

use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.cloudfront_distributions {
        let mut allow_all = Vec::new();
        let mut undecided = Vec::new();
        for b in &d.behaviors {
            match &b.viewer_protocol_policy {
                Tri::Known(p) if p == "allow-all" => allow_all.push(b.path.as_str()),
                Tri::Known(_) => {}
                Tri::Unknown(_) | Tri::Absent => undecided.push(b.path.as_str()),
            }
        }
        if !allow_all.is_empty() {
            ctx.fail(
                &d.meta,
                format!(
                    "cache behaviour{} {} allow{} plain HTTP (viewer_protocol_policy = \
                     \"allow-all\"); set viewer_protocol_policy = \"redirect-to-https\" or \
                     \"https-only\"",
                    plural(allow_all.len()),
                    allow_all.join(", "),
                    if allow_all.len() == 1 { "s" } else { "" }
                ),
            );
        } else if !undecided.is_empty() {
            ctx.unknown(
                &d.meta,
                format!(
                    "the viewer protocol policy of cache behaviour{} {} is {gap}",
                    plural(undecided.len()),
                    undecided.join(", "),
                    gap = d.meta.wording.gap
                ),
            );
        } else if d.behaviors_incomplete {
            ctx.unknown(
                &d.meta,
                format!("some cache behaviours come from a dynamic block over values {gap}, so whether any allows plain HTTP cannot be decided", gap = d.meta.wording.gap),
            );
        } else if d.behaviors.len() == 1 {
            ctx.pass(
                &d.meta,
                "its only cache behaviour requires HTTPS (redirect-to-https or https-only)",
            );
        } else {
            ctx.pass(
                &d.meta,
                format!(
                    "all {} cache behaviours require HTTPS (redirect-to-https or https-only)",
                    d.behaviors.len()
                ),
            );
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
