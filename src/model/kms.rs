//! KMS keys.

use super::{Meta, PolicyDocument, Tri};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KmsKey {
    pub meta: Meta,
    /// `customer_master_key_spec` / KeySpec: `SYMMETRIC_DEFAULT` when absent.
    pub key_spec: Tri<String>,
    /// `key_usage`: `ENCRYPT_DECRYPT` when absent.
    pub key_usage: Tri<String>,
    /// Customer managed (always for Terraform-managed keys); AWS-managed keys live only.
    pub customer_managed: Tri<bool>,
    pub rotation_enabled: Tri<bool>,
    pub rotation_period_days: Tri<f64>,
    pub deletion_window_days: Tri<f64>,
    pub policy: Tri<PolicyDocument>,
    /// Live key state (`Enabled`, `Disabled`, `PendingDeletion`, ...).
    pub key_state: Tri<String>,
}

impl KmsKey {
    /// Rotation applies to symmetric encryption keys only.
    pub fn is_symmetric_encryption(&self) -> Option<bool> {
        let spec = match &self.key_spec {
            Tri::Known(s) => s.as_str() == "SYMMETRIC_DEFAULT",
            Tri::Absent => true,
            Tri::Unknown => return None,
        };
        let usage = match &self.key_usage {
            Tri::Known(s) => s.as_str() == "ENCRYPT_DECRYPT",
            Tri::Absent => true,
            Tri::Unknown => return None,
        };
        Some(spec && usage)
    }
}
