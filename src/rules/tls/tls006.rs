//! TLS006 cloudfront-origin-plaintext: CloudFront reaches a custom origin over HTTP
//! (`origin_protocol_policy` `http-only`, or `match-viewer`, which uses HTTP whenever
//! the viewer does), or allows SSLv3, TLS 1.0 or TLS 1.1 towards it
//! (`origin_ssl_protocols`). One result per distribution, naming the origins.
//!
//! Origins without `custom_origin_config` (S3 REST origins, VPC origins) are not
//! judged: CloudFront chooses the protocol for them.

use crate::model::cloudfront::CustomOrigin;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

const OLD_PROTOCOLS: &[&str] = &["SSLv3", "TLSv1", "TLSv1.1"];

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.cloudfront_distributions {
        let mut problems = Vec::new();
        let mut undecided = Vec::new();
        let mut custom = 0;
        for o in &d.origins {
            let Some(c) = &o.custom else { continue };
            custom += 1;
            let id = match &o.id {
                Tri::Known(id) => format!("origin {id}"),
                Tri::Unknown(_) | Tri::Absent => "an origin whose id is not known".to_string(),
            };
            judge(&id, c, &mut problems, &mut undecided);
        }
        if !problems.is_empty() {
            ctx.fail(
                &d.meta,
                format!(
                    "{}; set origin_protocol_policy = \"https-only\" and origin_ssl_protocols = \
                     [\"TLSv1.2\"]",
                    problems.join("; ")
                ),
            );
        } else if !undecided.is_empty() {
            ctx.unknown(
                &d.meta,
                format!("{} {gap}", undecided.join("; "), gap = d.meta.wording.gap),
            );
        } else if d.origins_incomplete {
            ctx.unknown(
                &d.meta,
                format!(
                    "some origins come from a dynamic block over values {gap}, so \
                 how CloudFront reaches them cannot be decided",
                    gap = d.meta.wording.gap
                ),
            );
        } else if custom == 0 {
            ctx.pass(
                &d.meta,
                "no custom origins: CloudFront chooses the protocol for its S3 and VPC origins",
            );
        } else {
            ctx.pass(
                &d.meta,
                if custom == 1 {
                    "CloudFront reaches its custom origin over HTTPS with TLS 1.2 or later"
                        .to_string()
                } else {
                    format!(
                        "CloudFront reaches all {custom} custom origins over HTTPS with TLS 1.2 \
                         or later"
                    )
                },
            );
        }
    }
}

fn judge(id: &str, c: &CustomOrigin, problems: &mut Vec<String>, undecided: &mut Vec<String>) {
    match &c.protocol_policy {
        Tri::Known(p) if p == "http-only" => {
            // Never TLS: the protocol list does not matter.
            problems.push(format!("{id} is reached over plain HTTP (http-only)"));
            return;
        }
        Tri::Known(p) if p == "match-viewer" => problems.push(format!(
            "{id} uses match-viewer, which sends HTTP to the origin whenever the viewer uses HTTP"
        )),
        Tri::Known(_) => {}
        Tri::Unknown(_) | Tri::Absent => undecided.push(format!("{id}: origin_protocol_policy is")),
    }
    match &c.ssl_protocols {
        Tri::Known(list) => {
            let old: Vec<&str> = list
                .iter()
                .map(String::as_str)
                .filter(|p| OLD_PROTOCOLS.contains(p))
                .collect();
            if !old.is_empty() {
                problems.push(format!(
                    "{id} allows {} (origin_ssl_protocols)",
                    old.join(", ")
                ));
            }
        }
        Tri::Unknown(_) | Tri::Absent => undecided.push(format!("{id}: origin_ssl_protocols are")),
    }
}
