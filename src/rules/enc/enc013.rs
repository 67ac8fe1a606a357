//! ENC013 redshift-not-encrypted: a Redshift cluster without `encrypted = true`.
//!
//! The default changed with AWS provider v6 (true; Redshift also encrypts new clusters
//! by default since 2025), while v5 and earlier send `encrypted = false`. The scanner
//! does not know which provider version applies, so an unset `encrypted` fails with a
//! message that says so: setting it makes the configuration mean the same under every
//! provider.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for c in &inv.redshift_clusters {
        match c.encrypted {
            Tri::Known(true) => {
                let key = match &c.kms_key {
                    Tri::Known(k) => format!(" with key {}", key_label(k)),
                    _ => String::new(),
                };
                ctx.pass(&c.meta, format!("cluster is encrypted at rest{key}"));
            }
            Tri::Unknown(gap) => ctx.unknown(&c.meta, format!("encrypted is {gap}")),
            Tri::Known(false) => ctx.fail(
                &c.meta,
                "cluster is not encrypted at rest (encrypted = false); set encrypted = true, preferably with a customer-managed kms_key_id",
            ),
            Tri::Absent => ctx.fail(
                &c.meta,
                "cluster is not explicitly encrypted: encrypted is not set, and AWS provider v5 and earlier create it unencrypted (v6+ defaults to true); set encrypted = true, preferably with a customer-managed kms_key_id",
            ),
        }
    }
}
