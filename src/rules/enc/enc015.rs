//! ENC015 kinesis-stream-not-encrypted: a Kinesis data stream whose records are stored
//! unencrypted. `encryption_type` defaults to `NONE`; `KMS` with any key passes.
//!
//! Kinesis Data Firehose delivery streams buffer records at rest too: without
//! `server_side_encryption { enabled = true }` they fail; an AWS-owned key passes and
//! says so (like an AWS-managed key on a data stream). A delivery stream that reads
//! from a Kinesis data stream keeps no data at rest (AWS: the data stays in the source
//! stream, which this rule judges), so it passes.

use crate::model::datastores::FirehoseStream;
use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for s in &inv.kinesis_streams {
        match &s.encryption_type {
            Tri::Known(t) if t == "KMS" => {
                let key = match &s.kms_key {
                    Tri::Known(k) => key_label(k).to_string(),
                    Tri::Unknown(gap) => format!("a key {gap}"),
                    Tri::Absent => "no kms_key_id (required with KMS)".to_string(),
                };
                ctx.pass(&s.meta, format!("stream is encrypted with KMS ({key})"));
            }
            Tri::Unknown(gap) => ctx.unknown(&s.meta, format!("encryption_type is {gap}")),
            Tri::Known(t) => ctx.fail(
                &s.meta,
                format!("stream stores records unencrypted (encryption_type = {t:?}); set encryption_type = \"KMS\" with kms_key_id"),
            ),
            Tri::Absent => ctx.fail(
                &s.meta,
                "stream stores records unencrypted (encryption_type is not set and defaults to NONE); set encryption_type = \"KMS\" with kms_key_id",
            ),
        }
    }
    for f in &inv.firehose_streams {
        firehose(f, ctx);
    }
}

fn firehose(f: &FirehoseStream, ctx: &mut Ctx) {
    const FIX: &str = "set server_side_encryption { enabled = true, key_type = \"CUSTOMER_MANAGED_CMK\", key_arn = ... }";
    match (&f.kinesis_source, &f.sse_enabled) {
        (Tri::Known(true), _) => ctx.pass(
            &f.meta,
            "delivery stream reads from a Kinesis data stream and keeps no data at rest; the source stream's encryption applies",
        ),
        (Tri::Unknown(_), _) | (_, Tri::Unknown(_)) => ctx.unknown(
            &f.meta,
            format!("whether the delivery stream encrypts records at rest is {gap}", gap = f.meta.wording.gap),
        ),
        (_, Tri::Known(true)) => {
            let key = match (&f.key_type, &f.kms_key) {
                (Tri::Known(t), Tri::Known(k)) if t == "CUSTOMER_MANAGED_CMK" => {
                    format!("customer-managed key {}", key_label(k))
                }
                (Tri::Known(t), _) if t == "CUSTOMER_MANAGED_CMK" => {
                    format!("a customer-managed key {gap}", gap = f.meta.wording.gap)
                }
                (Tri::Unknown(gap), _) => format!("a key type {gap}"),
                _ => "an AWS-owned key (key_type AWS_OWNED_CMK, the default)".to_string(),
            };
            ctx.pass(&f.meta, format!("delivery stream encrypts records at rest with {key}"))
        }
        (_, Tri::Known(false)) => ctx.fail(
            &f.meta,
            format!("delivery stream buffers records unencrypted (server_side_encryption.enabled = false); {FIX}"),
        ),
        (_, Tri::Absent) => ctx.fail(
            &f.meta,
            format!("delivery stream buffers records unencrypted (no server_side_encryption block; encryption is off unless enabled); {FIX}"),
        ),
    }
}
