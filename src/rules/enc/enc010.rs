//! ENC010 log-group-not-kms: a CloudWatch log group without `kms_key_id`. Log data is
//! always encrypted by CloudWatch Logs, but only a customer-managed key lets the
//! organisation control and audit who can read logs, which often hold personal data
//! and secrets by accident.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for g in &inv.log_groups {
        match &g.kms_key {
            Tri::Known(k) => ctx.pass(
                &g.meta,
                format!("log group is encrypted with KMS key {}", key_label(k)),
            ),
            Tri::Unknown(gap) => ctx.unknown(&g.meta, format!("kms_key_id is {gap}")),
            Tri::Absent => ctx.fail(
                &g.meta,
                "log group has no kms_key_id, so only CloudWatch Logs' service-owned keys protect it; set kms_key_id to a customer-managed key whose policy allows the logs service principal",
            ),
        }
    }
}
