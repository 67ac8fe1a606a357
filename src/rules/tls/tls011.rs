//! TLS011 msk-plaintext: an MSK cluster whose brokers accept plaintext clients
//! (`client_broker` `PLAINTEXT` or `TLS_PLAINTEXT`) or replicate between themselves in
//! cleartext (`in_cluster = false`).
//!
//! An unset `in_cluster` passes: the MSK API, CloudFormation and the provider all
//! document `true`. An unset `client_broker` fails as not enforced in configuration:
//! the MSK API reference documents `TLS_PLAINTEXT` as its default while CloudFormation
//! and the provider document `TLS`, so the sources disagree (see `rules/TLS011.toml`).

use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for c in &inv.msk_clusters {
        let mut gaps = Vec::new();
        let mut undecided = Vec::new();
        match &c.client_broker {
            Tri::Known(v) if v == "TLS" => {}
            Tri::Absent => gaps.push(
                "client_broker is not set, so TLS-only client connections are not enforced in \
                 configuration (the MSK API reference documents TLS_PLAINTEXT as the default, \
                 CloudFormation and the provider TLS)"
                    .to_string(),
            ),
            Tri::Known(v) if v == "TLS_PLAINTEXT" => gaps
                .push("client_broker = TLS_PLAINTEXT also accepts plaintext clients".to_string()),
            Tri::Known(v) if v == "PLAINTEXT" => {
                gaps.push("client_broker = PLAINTEXT accepts only plaintext clients".to_string())
            }
            Tri::Known(v) => undecided.push(format!("client_broker {v:?} is not a known setting")),
            Tri::Unknown(gap) => undecided.push(format!("client_broker is {gap}")),
        }
        match &c.in_cluster {
            Tri::Known(true) | Tri::Absent => {}
            Tri::Known(false) => gaps.push(
                "in_cluster = false lets brokers replicate to each other in cleartext".to_string(),
            ),
            Tri::Unknown(gap) => undecided.push(format!("in_cluster is {gap}")),
        }
        if !gaps.is_empty() {
            ctx.fail(
                &c.meta,
                format!(
                    "{}; set encryption_in_transit {{ client_broker = \"TLS\", in_cluster = true }}",
                    gaps.join("; ")
                ),
            );
        } else if !undecided.is_empty() {
            ctx.unknown(&c.meta, undecided.join("; "));
        } else {
            ctx.pass(
                &c.meta,
                "brokers accept only TLS clients and encrypt replication between them",
            );
        }
    }
}
