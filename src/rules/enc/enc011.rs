//! ENC011 secret-not-cmk: a Secrets Manager secret encrypted with the AWS-managed
//! `aws/secretsmanager` key (no `kms_key_id`, or that alias). Its key policy cannot be
//! changed, so anyone in the account allowed to call Secrets Manager can decrypt, and
//! the secret cannot be shared across accounts.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for s in &inv.secrets {
        match &s.kms_key {
            Tri::Known(k) if k.is_aws_managed_alias() => ctx.fail(
                &s.meta,
                format!("secret uses the AWS-managed key {}; set kms_key_id to a customer-managed key", key_label(k)),
            ),
            Tri::Known(k) => ctx.pass(
                &s.meta,
                format!("secret is encrypted with customer-managed key {}", key_label(k)),
            ),
            Tri::Unknown(gap) => ctx.unknown(
                &s.meta,
                format!("whether kms_key_id names a customer-managed key is {gap}"),
            ),
            Tri::Absent => ctx.fail(
                &s.meta,
                "secret uses the AWS-managed aws/secretsmanager key (no kms_key_id); set kms_key_id to a customer-managed key",
            ),
        }
    }
}
