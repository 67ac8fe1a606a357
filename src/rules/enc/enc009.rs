//! ENC009 sns-topic-not-encrypted: a topic without `kms_master_key_id` stores
//! messages (until delivered) unencrypted; SNS has no default encryption. Any key,
//! including the AWS-managed `alias/aws/sns`, passes.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for t in &inv.sns_topics {
        match &t.kms_key {
            Tri::Known(k) => ctx.pass(
                &t.meta,
                format!("topic is encrypted with kms_master_key_id {}", key_label(k)),
            ),
            Tri::Unknown(gap) => ctx.unknown(&t.meta, format!("kms_master_key_id is {gap}")),
            Tri::Absent => ctx.fail(
                &t.meta,
                "topic is not encrypted at rest (no kms_master_key_id); set kms_master_key_id to a KMS key, preferably customer-managed",
            ),
        }
    }
}
