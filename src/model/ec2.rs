//! EBS volumes and the block devices of instances and launch templates.

use super::{Meta, Tri};
use serde::Serialize;

/// Anything that creates EBS storage: a volume, an instance's root or extra block
/// device, a launch template mapping.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EbsVolume {
    pub meta: Meta,
    /// `volume`, `root_block_device`, `ebs_block_device[/dev/sdf]`, ...
    pub device: String,
    pub encrypted: Tri<bool>,
    /// A volume created from a snapshot inherits the snapshot's encryption.
    pub from_snapshot: bool,
}

/// `aws_ebs_encryption_by_default`, or the live per-region setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EbsDefaultEncryption {
    pub meta: Meta,
    pub enabled: Tri<bool>,
}
