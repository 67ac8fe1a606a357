//! TLS007 apigw-domain-weak-tls: an API Gateway custom domain name whose security
//! policy accepts TLS 1.0 (`TLS_1_0`). `TLS_1_2` and the enhanced `SecurityPolicy_*`
//! policies pass. A domain without a policy fails: AWS documents `TLS_1_0` as the
//! default of edge-optimized and Regional custom domains, so TLS 1.2 is not enforced
//! in configuration (see the default in `rules/data/tls-policies.toml`).

use super::policies::{self, Verdict};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.apigw_domains {
        let Some(table) = policies::table_or_unknown(ctx, &d.meta, "", |t| &t.apigateway) else {
            continue;
        };
        let (name, named) = match &d.security_policy {
            Tri::Known(p) => (p.as_str(), format!("security policy {p}")),
            Tri::Absent => (
                table.default.as_str(),
                format!(
                    "no security_policy: TLS 1.2 is not enforced in configuration, and AWS documents {} as the default for edge-optimized and Regional custom domains",
                    table.default
                ),
            ),
            Tri::Unknown(gap) => {
                ctx.unknown(
                    &d.meta,
                    format!("the domain's security_policy is {gap}"),
                );
                continue;
            }
        };
        match table.judge(name) {
            Verdict::Strong(oldest) => {
                ctx.pass(&d.meta, format!("{named}: clients need {oldest} or later"))
            }
            Verdict::WeakProtocol(oldest) => ctx.fail(
                &d.meta,
                format!(
                    "{named} accepts {oldest}; set security_policy = \"TLS_1_2\" (or an enhanced \
                     SecurityPolicy_TLS13_* policy)"
                ),
            ),
            Verdict::WeakCiphers => ctx.fail(
                &d.meta,
                format!("{named} keeps weak cipher suites; set security_policy = \"TLS_1_2\""),
            ),
            Verdict::Unlisted => ctx.unknown(
                &d.meta,
                format!(
                    "{named} is not in the reviewed API Gateway policy table \
                     (rules/data/tls-policies.toml); check it at {}",
                    table.source()
                ),
            ),
        }
    }
}
