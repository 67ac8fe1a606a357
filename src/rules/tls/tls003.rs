//! TLS003 lb-listener-weak-tls-policy: an HTTPS/TLS listener (or a classic ELB
//! HTTPS/SSL listener) whose security policy accepts protocols older than TLS 1.2.
//!
//! Policies are judged against the reviewed table in `rules/data/tls-policies.toml`;
//! a name not in the table is unknown. No `ssl_policy` fails as not enforced in
//! configuration: the API (and so Terraform) applies `ELBSecurityPolicy-2016-08`
//! (TLS 1.0), while the console has preselected TLS 1.2+ policies since 2023. A classic ELB takes its policy
//! from an SSL negotiation policy attached to the listener's port; with none attached
//! AWS applies the same default; a custom negotiation policy is judged by the
//! `Protocol-*` attributes it enables.

use super::policies::{self, PolicyTable, Verdict};
use crate::model::lb::LbListener;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// Recommended in messages: TLS 1.2 and 1.3, available in every region.
const RECOMMENDED: &str = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
/// Classic ELBs do not offer TLS 1.3 policies.
const RECOMMENDED_CLASSIC: &str = "ELBSecurityPolicy-TLS-1-2-2017-01";
/// `Protocol-*` attributes of a classic custom policy that enable a protocol older
/// than TLS 1.2.
const OLD_PROTOCOLS: &[&str] = &[
    "Protocol-SSLv2",
    "Protocol-SSLv3",
    "Protocol-TLSv1",
    "Protocol-TLSv1.1",
];

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for l in &inv.lb_listeners {
        let port = l.port_label();
        let protocol = if l.classic {
            match &l.protocol {
                Tri::Known(p) => p.to_ascii_uppercase(),
                Tri::Unknown(_) | Tri::Absent => {
                    ctx.unknown(
                        &l.meta,
                        format!(
                            "classic ELB listener on {port}: its protocol is {gap}, so whether a TLS policy applies cannot be decided"
                        , gap = l.meta.wording.gap),
                    );
                    continue;
                }
            }
        } else {
            match l.served_protocol() {
                Ok(p) => p,
                Err(why) => {
                    undecided_protocol(l, &why, ctx);
                    continue;
                }
            }
        };
        if !matches!(protocol.as_str(), "HTTPS" | "TLS" | "SSL") {
            continue;
        }
        let what = if l.classic {
            format!("classic ELB {protocol} listener on {port}")
        } else {
            format!("{protocol} listener on {port}")
        };
        let Some(table) = policies::table_or_unknown(ctx, &l.meta, &what, |t| &t.elb) else {
            continue;
        };
        judge(l, &what, table, ctx);
    }
}

fn judge(l: &LbListener, what: &str, table: &PolicyTable, ctx: &mut Ctx) {
    let recommended = if l.classic {
        RECOMMENDED_CLASSIC
    } else {
        RECOMMENDED
    };
    if let Some(protocols) = &l.custom_protocols {
        let old: Vec<&str> = protocols
            .iter()
            .map(String::as_str)
            .filter(|p| OLD_PROTOCOLS.contains(p))
            .collect();
        let name = l
            .ssl_policy
            .known()
            .map(String::as_str)
            .unwrap_or("custom policy");
        if old.is_empty() {
            ctx.pass(
                &l.meta,
                format!("{what} uses the custom SSL negotiation policy {name}, which enables no protocol older than TLS 1.2"),
            );
        } else {
            ctx.fail(
                &l.meta,
                format!(
                    "{what} uses the custom SSL negotiation policy {name}, which enables {}; \
                     reference {recommended} instead (Reference-Security-Policy)",
                    old.join(", ")
                ),
            );
        }
        return;
    }
    let (name, defaulted) = match &l.ssl_policy {
        Tri::Known(p) => (p.as_str(), false),
        Tri::Absent => (table.default.as_str(), true),
        Tri::Unknown(gap) => {
            ctx.unknown(&l.meta, format!("{what}: its TLS security policy is {gap}"));
            return;
        }
    };
    let named = if defaulted {
        format!(
            "sets no TLS security policy, so TLS 1.2 is not enforced in configuration: the API \
             default is {name} (the console's differs)"
        )
    } else {
        format!("uses {name}")
    };
    let fix = if l.classic {
        format!("attach an SSL negotiation policy referencing {recommended}")
    } else {
        format!("set ssl_policy = \"{recommended}\" or another TLS 1.2+ policy")
    };
    match table.judge(name) {
        Verdict::Strong(oldest) => ctx.pass(
            &l.meta,
            format!("{what} {named}, which accepts nothing older than {oldest}"),
        ),
        Verdict::WeakProtocol(oldest) => ctx.fail(
            &l.meta,
            format!("{what} {named}, which accepts {oldest}; {fix}"),
        ),
        Verdict::WeakCiphers => ctx.fail(
            &l.meta,
            format!("{what} {named}, which keeps weak cipher suites; {fix}"),
        ),
        Verdict::Unlisted => ctx.unknown(
            &l.meta,
            format!(
                "{what} {named}, which is not in the reviewed ELB policy table \
                 (rules/data/tls-policies.toml); check its protocols at {}",
                table.source()
            ),
        ),
    }
}

/// The protocol depends on values not known before apply: a strong policy is strong
/// whatever the protocol turns out to be; anything else cannot be decided.
fn undecided_protocol(l: &LbListener, why: &str, ctx: &mut Ctx) {
    if let (Tri::Known(name), Ok(t)) = (&l.ssl_policy, policies::tables()) {
        if let Verdict::Strong(oldest) = t.elb.judge(name) {
            ctx.pass(
                &l.meta,
                format!(
                    "listener on {} uses {name}, which accepts nothing older than {oldest}",
                    l.port_label()
                ),
            );
            return;
        }
    }
    ctx.unknown(
        &l.meta,
        format!("{why}, so whether a TLS security policy applies cannot be decided"),
    );
}
