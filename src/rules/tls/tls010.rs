//! TLS010 opensearch-https-off: an OpenSearch or Elasticsearch domain that accepts HTTP,
//! accepts TLS older than 1.2 on its HTTPS endpoint, or sends data between nodes
//! unencrypted. One result per domain naming every gap.
//!
//! Without a `domain_endpoint_options` block HTTPS and the TLS policy are not enforced
//! in configuration (the service accepts HTTP; its default policy,
//! `Policy-Min-TLS-1-0-2019-07`, accepts TLS 1.0), which fails. A written block
//! without `enforce_https` passes that part: the provider documents `true` as its
//! default and sends it (source in `rules/TLS010.toml`).

use super::policies::{self, Verdict};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.opensearch_domains {
        let mut gaps = Vec::new();
        let mut undecided = Vec::new();
        match &d.enforce_https {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                gaps.push("enforce_https = false lets clients use plain HTTP".to_string())
            }
            Tri::Absent => gaps.push(
                "no domain_endpoint_options, so HTTPS is not enforced in configuration (the \
                 endpoint accepts plain HTTP)"
                    .to_string(),
            ),
            Tri::Unknown(_) => undecided.push("enforce_https"),
        }
        let Some(table) = policies::table_or_unknown(ctx, &d.meta, "", |t| &t.opensearch) else {
            continue;
        };
        let (name, named) = match &d.tls_security_policy {
            Tri::Known(p) => (Some(p.as_str()), format!("tls_security_policy {p}")),
            Tri::Absent => (
                Some(table.default.as_str()),
                format!(
                    "no tls_security_policy, so TLS 1.2 is not enforced in \
                     configuration: the service default {}",
                    table.default
                ),
            ),
            Tri::Unknown(_) => (None, String::new()),
        };
        match name.map(|n| table.judge(n)) {
            None => undecided.push("tls_security_policy"),
            Some(Verdict::Strong(_)) => {}
            Some(Verdict::WeakProtocol(oldest)) => gaps.push(format!("{named} accepts {oldest}")),
            Some(Verdict::WeakCiphers) => gaps.push(format!("{named} keeps weak cipher suites")),
            Some(Verdict::Unlisted) => {
                undecided.push("tls_security_policy (not in the reviewed table)")
            }
        }
        match &d.node_to_node {
            Tri::Known(true) => {}
            Tri::Known(false) | Tri::Absent => {
                gaps.push("node-to-node encryption is off".to_string())
            }
            Tri::Unknown(_) => undecided.push("node_to_node_encryption"),
        }
        if !gaps.is_empty() {
            ctx.fail(
                &d.meta,
                format!(
                    "{}; set domain_endpoint_options {{ enforce_https = true, tls_security_policy = \
                     \"Policy-Min-TLS-1-2-PFS-2023-10\" }} and node_to_node_encryption {{ enabled = true }}",
                    gaps.join("; ")
                ),
            );
        } else if !undecided.is_empty() {
            ctx.unknown(
                &d.meta,
                format!("{} {gap}", undecided.join(", "), gap = d.meta.wording.gap),
            );
        } else {
            ctx.pass(
                &d.meta,
                "HTTPS is enforced with a TLS 1.2+ policy and nodes encrypt traffic between them",
            );
        }
    }
}
