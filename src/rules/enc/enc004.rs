//! ENC004 ebs-volume-not-encrypted: an EBS volume, instance block device or launch
//! template mapping that is not encrypted at rest. `encrypted` defaults to false, and
//! an instance without `root_block_device` still gets an unencrypted root volume from
//! the AMI. EBS encryption by default, enabled in the same root (one account and
//! region), encrypts every new volume whatever the device says, so it passes them.
//!
//! One result per device; devices of one instance share its resource line and are
//! told apart by the message. A volume created from a snapshot inherits the
//! snapshot's encryption, which the configuration does not show: unknown unless the
//! device or the default encrypts it.

use crate::model::ec2::{default_encryption, DefaultEncryption, EbsVolume};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for v in &inv.ebs_volumes {
        let dev = &v.device;
        if v.encrypted == Tri::Known(true) {
            ctx.pass(&v.meta, format!("{dev} is encrypted (encrypted = true)"));
            continue;
        }
        match default_encryption(inv, &v.meta) {
            DefaultEncryption::On(d) => {
                ctx.pass(
                    &v.meta,
                    format!("{dev} is encrypted because EBS encryption by default is enabled in this root ({})", d.meta.address),
                );
                continue;
            }
            DefaultEncryption::Unknown(d) => {
                ctx.unknown(
                    &v.meta,
                    format!("{dev} does not set encrypted = true, and whether EBS encryption by default ({}) is enabled is {gap}", d.meta.address, gap = v.meta.wording.gap),
                );
                continue;
            }
            DefaultEncryption::Off(_) => {}
        }
        if v.encrypted.is_unknown() {
            ctx.unknown(
                &v.meta,
                format!("{dev}: encrypted is {gap}", gap = v.meta.wording.gap),
            );
        } else if v.from_snapshot {
            ctx.unknown(
                &v.meta,
                format!("{dev} is created from a snapshot and inherits its encryption, which the configuration does not show; set encrypted = true or enable aws_ebs_encryption_by_default"),
            );
        } else {
            ctx.fail(&v.meta, failure(v));
        }
    }
}

fn failure(v: &EbsVolume) -> String {
    let dev = &v.device;
    let why = if v.implicit {
        "the provider creates it unencrypted unless the AMI's snapshot is encrypted"
    } else if v.encrypted.is_absent() {
        "encrypted is not set and defaults to false"
    } else {
        "encrypted = false"
    };
    let fix = match (v.meta.kind.as_str(), v.implicit) {
        ("aws_launch_template", true) => {
            "add block_device_mappings for the root device with ebs { encrypted = \"true\" }"
        }
        ("aws_launch_template", false) => "set encrypted = \"true\" in its ebs block",
        ("aws_ebs_volume", _) => "set encrypted = true",
        (_, true) => "add root_block_device { encrypted = true }",
        (_, false) => "set encrypted = true on the device",
    };
    format!("{dev} is not encrypted: {why}; {fix}, or enable aws_ebs_encryption_by_default in this root")
}
