//! KMS001 kms-rotation-off: a customer-managed symmetric encryption key without
//! automatic rotation, or rotating less often than yearly. Rotation limits how much
//! data one key version protects and bounds the exposure of a leaked version.
//!
//! Keys KMS cannot rotate automatically get no result: asymmetric and HMAC keys,
//! imported key material, keys in custom key stores. Neither do AWS-managed keys
//! (rotated yearly by AWS) nor multi-Region replicas whose primary is in the
//! inventory: a replica shares its primary's rotation and the primary carries the
//! result. A replica whose primary is elsewhere is unknown.

use crate::model::kms::{KeySource, KmsKey};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// The longest acceptable rotation period: yearly, which is also the period KMS uses
/// when `rotation_period_in_days` is absent.
const MAX_PERIOD_DAYS: f64 = 365.0;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    // The policy of a key declared elsewhere says nothing of its rotation.
    for k in super::customer_keys(inv).filter(|k| k.is_declared_here()) {
        match &k.source {
            Tri::Known(KeySource::Kms) => {}
            Tri::Known(KeySource::External | KeySource::CustomKeyStore) => continue,
            Tri::Known(KeySource::Replica(primary)) => {
                match primary {
                    Tri::Known(p) if inv.kms_keys.iter().any(|o| o.is_named_by(p)) => {}
                    Tri::Known(p) => ctx.unknown(
                        &k.meta,
                        format!("replica key rotates with its primary {p}, which is not in the scanned configuration"),
                    ),
                    _ => ctx.unknown(
                        &k.meta,
                        format!("replica key rotates with its primary, and primary_key_arn is {gap}", gap = k.meta.wording.gap),
                    ),
                }
                continue;
            }
            Tri::Unknown(_) | Tri::Absent => {
                ctx.unknown(
                    &k.meta,
                    format!("custom_key_store_id is {gap}, and keys in custom key stores cannot rotate automatically", gap = k.meta.wording.gap),
                );
                continue;
            }
        }
        match k.is_symmetric_encryption() {
            Some(true) => judge(k, ctx),
            Some(false) => {}
            None => ctx.unknown(
                &k.meta,
                format!("customer_master_key_spec or key_usage is {gap}, and only symmetric encryption keys rotate", gap = k.meta.wording.gap),
            ),
        }
    }
}

fn judge(k: &KmsKey, ctx: &mut Ctx) {
    match k.rotation_enabled.truth(false) {
        None => ctx.unknown(&k.meta, format!("enable_key_rotation is {gap}", gap = k.meta.wording.gap)),
        Some(false) => {
            let why = if k.rotation_enabled.is_absent() {
                "enable_key_rotation is not set and defaults to false"
            } else {
                "enable_key_rotation = false"
            };
            ctx.fail(
                &k.meta,
                format!("symmetric key does not rotate automatically: {why}; set enable_key_rotation = true"),
            );
        }
        Some(true) => match k.rotation_period_days {
            Tri::Unknown(gap) => ctx.unknown(
                &k.meta,
                format!("rotation is enabled but rotation_period_in_days is {gap}"),
            ),
            Tri::Known(days) if days > MAX_PERIOD_DAYS => ctx.fail(
                &k.meta,
                format!("key rotates only every {days} days (rotation_period_in_days); set it to 365 or less"),
            ),
            Tri::Known(days) => ctx.pass(
                &k.meta,
                format!("automatic rotation is enabled every {days} days"),
            ),
            Tri::Absent => ctx.pass(
                &k.meta,
                "automatic rotation is enabled (every 365 days, the default period)",
            ),
        },
    }
}
