//! ENC007 efs-not-encrypted: an EFS file system whose data at rest is not encrypted.
//! `encrypted` defaults to false and can only be chosen at creation.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for fs in &inv.efs_file_systems {
        match fs.encrypted {
            Tri::Known(true) => {
                let key = match &fs.kms_key {
                    Tri::Known(k) => format!("key {}", key_label(k)),
                    _ => "the AWS-managed aws/elasticfilesystem key".to_string(),
                };
                ctx.pass(
                    &fs.meta,
                    format!("file system is encrypted at rest with {key}"),
                );
            }
            Tri::Unknown(gap) => ctx.unknown(&fs.meta, format!("encrypted is {gap}")),
            Tri::Known(false) | Tri::Absent => {
                let why = if fs.encrypted.is_absent() {
                    "encrypted is not set and defaults to false"
                } else {
                    "encrypted = false"
                };
                let key = if fs.kms_key.is_known() {
                    " (kms_key_id alone does not enable encryption)"
                } else {
                    ""
                };
                ctx.fail(
                    &fs.meta,
                    format!("file system is not encrypted at rest: {why}{key}; set encrypted = true (an existing file system must be recreated and its data copied)"),
                );
            }
        }
    }
}
