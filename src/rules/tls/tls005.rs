//! TLS005 cloudfront-weak-tls: viewers can negotiate a protocol older than TLS 1.2, or
//! cipher suites weaker than the `TLSv1.2_2019` policy.
//!
//! With the `*.cloudfront.net` default certificate CloudFront applies `TLSv1`
//! whatever `minimum_protocol_version` says, so that fails too, with or without
//! aliases (with aliases the configuration cannot even serve them correctly); the fix
//! in both cases is an ACM certificate with a TLS 1.2 policy.

use super::policies::{self, Verdict};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

const RECOMMENDED: &str = "TLSv1.2_2021";

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.cloudfront_distributions {
        let aliases = match &d.aliases {
            Tri::Known(a) => a.clone(),
            Tri::Absent => Vec::new(),
            Tri::Unknown(gap) => vec![format!("(aliases {gap})")],
        };
        match &d.default_certificate {
            Tri::Known(true) => {
                if aliases.is_empty() {
                    ctx.fail(
                        &d.meta,
                        format!(
                            "uses the *.cloudfront.net default certificate, for which CloudFront \
                             always accepts TLSv1; serve a custom domain with an ACM certificate \
                             and minimum_protocol_version = \"{RECOMMENDED}\""
                        ),
                    );
                } else {
                    ctx.fail(
                        &d.meta,
                        format!(
                            "uses the *.cloudfront.net default certificate with aliases {}, so \
                             viewers get TLSv1 and a certificate that does not match; attach an \
                             ACM certificate with minimum_protocol_version = \"{RECOMMENDED}\"",
                            aliases.join(", ")
                        ),
                    );
                }
                continue;
            }
            Tri::Unknown(gap) => {
                ctx.unknown(
                    &d.meta,
                    format!("whether the distribution uses the *.cloudfront.net default certificate (always \
                     TLSv1) is {gap}"),
                );
                continue;
            }
            Tri::Known(false) | Tri::Absent => {}
        }
        let Some(table) = policies::table_or_unknown(ctx, &d.meta, "", |t| &t.cloudfront) else {
            continue;
        };
        let (name, named) = match &d.minimum_protocol_version {
            Tri::Known(v) => (v.as_str(), format!("minimum_protocol_version is {v}")),
            Tri::Absent => (
                table.default.as_str(),
                format!(
                    "minimum_protocol_version is not set, so TLS 1.2 is not enforced in \
                     configuration: the provider default is {}",
                    table.default
                ),
            ),
            Tri::Unknown(gap) => {
                ctx.unknown(
                    &d.meta,
                    format!("the viewer certificate's minimum_protocol_version is {gap}"),
                );
                continue;
            }
        };
        let fix = format!(
            "set minimum_protocol_version = \"{RECOMMENDED}\" (or TLSv1.2_2025, TLSv1.3_2025)"
        );
        match table.judge(name) {
            Verdict::Strong(oldest) => ctx.pass(
                &d.meta,
                format!("{named}: viewers need {oldest} or later with modern cipher suites"),
            ),
            Verdict::WeakProtocol(oldest) => ctx.fail(
                &d.meta,
                format!("{named}, which accepts {oldest} from viewers; {fix}"),
            ),
            Verdict::WeakCiphers => ctx.fail(
                &d.meta,
                format!("{named}, which keeps CBC and SHA-1 cipher suites older policies dropped; {fix}"),
            ),
            Verdict::Unlisted => ctx.unknown(
                &d.meta,
                format!(
                    "{named}, which is not in the reviewed CloudFront policy table \
                     (rules/data/tls-policies.toml); check it at {}",
                    table.source()
                ),
            ),
        }
    }
}
