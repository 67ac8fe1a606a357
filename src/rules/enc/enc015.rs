//! ENC015 kinesis-stream-not-encrypted: a Kinesis data stream whose records are stored
//! unencrypted. `encryption_type` defaults to `NONE`; `KMS` with any key passes.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for s in &inv.kinesis_streams {
        match &s.encryption_type {
            Tri::Known(t) if t == "KMS" => {
                let key = match &s.kms_key {
                    Tri::Known(k) => key_label(k).to_string(),
                    Tri::Unknown => "a key not known before apply".to_string(),
                    Tri::Absent => "no kms_key_id (required with KMS)".to_string(),
                };
                ctx.pass(&s.meta, format!("stream is encrypted with KMS ({key})"));
            }
            Tri::Unknown => ctx.unknown(&s.meta, "encryption_type is not known before apply"),
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
}
