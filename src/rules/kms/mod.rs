//! Key management (CC6.1, C1.2, CC9.1).

pub mod kms001;
pub mod kms002;
pub mod kms003;
pub mod kms004;
pub mod kms005;

use crate::model::{Meta, Origin};

/// Why a key policy is unknown, in its source's terms (KMS002 and KMS003 both judge it).
fn unknown_policy_reason(meta: &Meta) -> &'static str {
    match meta.origin {
        Origin::Terraform { .. } => "it depends on values not known before apply, or an aws_kms_key_policy names a key that is not known before apply",
        Origin::Aws { .. } => "GetKeyPolicy failed or its answer did not parse",
    }
}
