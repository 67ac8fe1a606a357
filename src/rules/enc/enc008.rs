//! ENC008 sqs-queue-not-encrypted: a queue that neither names a KMS key
//! (`kms_master_key_id`, SSE-KMS) nor enables SSE-SQS (`sqs_managed_sse_enabled`).
//!
//! SQS has enabled SSE-SQS on queues created through its API since October 2022 when
//! neither is given, much like S3's default encryption; the finding for a queue that
//! says nothing is then about explicit, reviewable configuration (and queues created
//! earlier), and the message says so. `sqs_managed_sse_enabled = false` without a key
//! is plainly unencrypted.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for q in &inv.sqs_queues {
        match (&q.kms_key, &q.sqs_managed_sse) {
            (Tri::Known(k), _) => ctx.pass(
                &q.meta,
                format!("queue is encrypted with SSE-KMS (kms_master_key_id {})", key_label(k)),
            ),
            (_, Tri::Known(true)) => ctx.pass(
                &q.meta,
                "queue is encrypted with SSE-SQS (sqs_managed_sse_enabled = true)",
            ),
            (Tri::Unknown(gap), _) => ctx.unknown(&q.meta, format!("kms_master_key_id is {gap}")),
            (_, Tri::Unknown(gap)) => ctx.unknown(&q.meta, format!("sqs_managed_sse_enabled is {gap}")),
            (Tri::Absent, Tri::Known(false)) => ctx.fail(
                &q.meta,
                "queue stores messages unencrypted: sqs_managed_sse_enabled = false and no kms_master_key_id; set kms_master_key_id or sqs_managed_sse_enabled = true",
            ),
            (Tri::Absent, Tri::Absent) => ctx.fail(
                &q.meta,
                "queue does not configure encryption at rest; SQS applies SSE-SQS to queues created since October 2022, but the choice is not recorded in configuration (and older queues are unencrypted); set kms_master_key_id or sqs_managed_sse_enabled = true",
            ),
        }
    }
}
