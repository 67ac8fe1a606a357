//! EBS volumes and the block devices of instances and launch templates.

use super::{Inventory, Meta, Origin, Tri};
use serde::Serialize;

kinds! {
    ebs_volumes: EbsVolume,
    ebs_default_encryption: EbsDefaultEncryption,
}

/// Anything that creates EBS storage: a volume, an instance's root or extra block
/// device, a launch template mapping. Devices of one instance share its `Meta`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EbsVolume {
    pub meta: Meta,
    /// `volume`, `root_block_device`, `ebs_block_device /dev/sdf`, ...
    pub device: String,
    pub encrypted: Tri<bool>,
    /// A volume created from a snapshot inherits the snapshot's encryption.
    pub from_snapshot: bool,
    /// No block configures the device and the provider default applies: the root
    /// volume of an instance without `root_block_device`, or of a launch template
    /// without EBS mappings (created from the AMI's mapping, unencrypted by default).
    pub implicit: bool,
}

/// `aws_ebs_encryption_by_default`, or the live per-region setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EbsDefaultEncryption {
    pub meta: Meta,
    /// Absent means the provider default, `true`.
    pub enabled: Tri<bool>,
}

/// Where EBS encryption by default applies: one account and region. A Terraform root
/// is taken as one account and region (its default provider); live resources carry
/// theirs.
pub fn ebs_scope(meta: &Meta) -> String {
    match &meta.origin {
        Origin::Terraform { root, .. } => format!("Terraform root \"{root}\""),
        Origin::Aws {
            account, region, ..
        } => format!(
            "account {} region {region}",
            account.as_deref().unwrap_or("(unknown)")
        ),
    }
}

/// EBS encryption by default where a resource lives.
pub enum DefaultEncryption<'a> {
    /// Enabled by this resource (or live setting).
    On(&'a EbsDefaultEncryption),
    /// Explicitly disabled by this resource, or never configured (`None`).
    Off(Option<&'a EbsDefaultEncryption>),
    /// Configured with a value not known before apply.
    Unknown(&'a EbsDefaultEncryption),
}

/// The EBS encryption by default that applies to `meta`'s scope (see [`ebs_scope`]).
pub fn default_encryption<'a>(inv: &'a Inventory, meta: &Meta) -> DefaultEncryption<'a> {
    let scope = ebs_scope(meta);
    let here: Vec<&EbsDefaultEncryption> = inv
        .ebs_default_encryption
        .iter()
        .filter(|d| ebs_scope(&d.meta) == scope)
        .collect();
    if let Some(on) = here.iter().find(|d| d.enabled.truth(true) == Some(true)) {
        DefaultEncryption::On(on)
    } else if let Some(unknown) = here.iter().find(|d| d.enabled.is_unknown()) {
        DefaultEncryption::Unknown(unknown)
    } else {
        DefaultEncryption::Off(here.first().copied())
    }
}
