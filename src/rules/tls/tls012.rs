//! TLS012 redshift-tls-not-required: a Redshift cluster whose parameter group does not
//! set `require_ssl = true`.
//!
//! AWS default groups differ by family: `default.redshift-1.0` has `require_ssl =
//! false`; `default.redshift-2.0`, the default for clusters created or restored since
//! 10 January 2025, has `true`, and so do custom groups of the `redshift-2.0` family
//! that leave it unset (documented defaults; sources in `rules/TLS012.toml`). A
//! cluster that names no group gets one or the other depending on when it was
//! created: a default that changed over time is not a control, so it fails as not
//! enforced in configuration.

use crate::model::parameter_group::ParameterGroup;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

const FIX: &str =
    "name a parameter group with parameter { name = \"require_ssl\" value = \"true\" }";

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for c in &inv.redshift_clusters {
        let group = match &c.parameter_group {
            Tri::Known(g) => g,
            Tri::Unknown(_) | Tri::Absent => {
                ctx.unknown(
                    &c.meta,
                    format!("the cluster's parameter group is {gap}, so whether it sets require_ssl cannot be decided", gap = c.meta.wording.gap),
                );
                continue;
            }
        };
        match group {
            ParameterGroup::Default(None) => ctx.fail(
                &c.meta,
                format!(
                    "names no parameter group, so TLS is not enforced in configuration: AWS \
                     changed the default group on 10 January 2025 (default.redshift-2.0, \
                     require_ssl = true, for clusters created since; default.redshift-1.0, \
                     require_ssl = false, before); {FIX}"
                ),
            ),
            ParameterGroup::Default(Some(name)) => match default_require_ssl(name) {
                Some(true) => ctx.pass(
                    &c.meta,
                    format!("uses {name}, whose require_ssl is true: clients must connect with TLS"),
                ),
                Some(false) => ctx.fail(
                    &c.meta,
                    format!("uses {name}, whose require_ssl is false, so clients may connect without TLS; {FIX}"),
                ),
                None => ctx.unknown(
                    &c.meta,
                    format!("uses the AWS default group {name}, whose require_ssl this rule does not know; {FIX}"),
                ),
            },
            ParameterGroup::External(name) => ctx.unknown(
                &c.meta,
                format!("uses parameter group {name}, which is not defined in the scanned configuration, so whether it sets require_ssl cannot be decided"),
            ),
            ParameterGroup::Managed(g) => match g.value("require_ssl") {
                Tri::Known(v) if v.eq_ignore_ascii_case("true") => ctx.pass(
                    &c.meta,
                    format!("parameter group {} sets require_ssl = true: clients must connect with TLS", g.address),
                ),
                Tri::Known(v) => ctx.fail(
                    &c.meta,
                    format!(
                        "parameter group {} sets require_ssl = {v}, so clients may connect without TLS; set it to true",
                        g.address
                    ),
                ),
                Tri::Unknown(gap) => ctx.unknown(
                    &c.meta,
                    format!("whether parameter group {} sets require_ssl is {gap}", g.address),
                ),
                Tri::Absent => {
                    let family = g.family.known().map(String::as_str);
                    match family.and_then(|f| default_require_ssl(&format!("default.{f}"))) {
                        Some(true) => ctx.pass(
                            &c.meta,
                            format!(
                                "parameter group {} leaves require_ssl at the {} default, true",
                                g.address,
                                family.unwrap_or_default()
                            ),
                        ),
                        Some(false) => ctx.fail(
                            &c.meta,
                            format!(
                                "parameter group {} does not set require_ssl, whose {} default is \
                                 false, so clients may connect without TLS; add parameter {{ name = \
                                 \"require_ssl\" value = \"true\" }}",
                                g.address,
                                family.unwrap_or_default()
                            ),
                        ),
                        None => ctx.unknown(
                            &c.meta,
                            format!(
                                "parameter group {} does not set require_ssl and its family (so the \
                                 default) is not known; {FIX}",
                                g.address
                            ),
                        ),
                    }
                }
            },
        }
    }
}

/// `require_ssl` of the AWS default parameter group of a family.
fn default_require_ssl(group: &str) -> Option<bool> {
    match group {
        "default.redshift-1.0" => Some(false),
        "default.redshift-2.0" => Some(true),
        _ => None,
    }
}
