//! EBS storage in all its Terraform forms: `aws_ebs_volume`, the root and extra
//! block devices of `aws_instance` / `aws_spot_instance_request` /
//! `aws_launch_configuration`, and the EBS mappings of `aws_launch_template`; plus
//! `aws_ebs_encryption_by_default`.
//!
//! Every device becomes one `EbsVolume` carrying its resource's `Meta`, so a finding
//! points at the resource and the message names the device. A device that no block
//! configures is still created (the root volume from the AMI) and is recorded as
//! implicit, with the provider default.

use super::RootAdapter;
use crate::model::ec2::{EbsDefaultEncryption, EbsVolume};
use crate::model::{Gap, Inventory, Meta, Tri};
use crate::source::terraform::resource::{Body, TfResource};

/// Resources whose schema has `root_block_device` and `ebs_block_device` blocks.
const INSTANCE_LIKE: &[&str] = &[
    "aws_instance",
    "aws_spot_instance_request",
    "aws_launch_configuration",
];

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for r in ctx.of_type("aws_ebs_volume") {
        inv.ebs_volumes.push(EbsVolume {
            meta: ctx.meta(r, None),
            device: "volume".to_string(),
            encrypted: r.body.bool("encrypted"),
            from_snapshot: !r.body.value("snapshot_id").is_absent(),
            implicit: false,
        });
    }
    for rtype in INSTANCE_LIKE {
        for r in ctx.of_type(rtype) {
            instance_devices(ctx.meta(r, None), r, &mut inv.ebs_volumes);
        }
    }
    for r in ctx.of_type("aws_launch_template") {
        template_devices(ctx.meta(r, None), r, &mut inv.ebs_volumes);
    }
    for r in ctx.of_type("aws_ebs_encryption_by_default") {
        inv.ebs_default_encryption.push(EbsDefaultEncryption {
            meta: ctx.meta(r, None),
            enabled: r.body.bool("enabled"),
        });
    }
}

fn device(meta: &Meta, device: String, body: &Body, encrypted: Tri<bool>) -> EbsVolume {
    EbsVolume {
        meta: meta.clone(),
        device,
        encrypted,
        from_snapshot: !body.value("snapshot_id").is_absent(),
        implicit: false,
    }
}

fn unknown_device(meta: &Meta, what: &str) -> EbsVolume {
    EbsVolume {
        meta: meta.clone(),
        device: format!("{what} (dynamic block over values not known before apply)"),
        encrypted: Tri::Unknown(Gap::BeforeApply),
        from_snapshot: false,
        implicit: false,
    }
}

fn device_name(body: &Body) -> String {
    match body.str("device_name") {
        Tri::Known(n) => n,
        _ => "(device name not known)".to_string(),
    }
}

fn instance_devices(meta: Meta, r: &TfResource, out: &mut Vec<EbsVolume>) {
    match r.body.block("root_block_device") {
        Tri::Known(Some(b)) => out.push(device(
            &meta,
            "root_block_device".to_string(),
            &b.body,
            b.body.bool("encrypted"),
        )),
        Tri::Unknown(_) => out.push(unknown_device(&meta, "root_block_device")),
        Tri::Known(None) | Tri::Absent => out.push(EbsVolume {
            meta: meta.clone(),
            device: "root volume (no root_block_device block)".to_string(),
            encrypted: Tri::Absent,
            from_snapshot: false,
            implicit: true,
        }),
    }
    for b in r.body.blocks("ebs_block_device") {
        out.push(device(
            &meta,
            format!("ebs_block_device {}", device_name(&b.body)),
            &b.body,
            b.body.bool("encrypted"),
        ));
    }
    if r.body.unknown_blocks.contains("ebs_block_device") {
        out.push(unknown_device(&meta, "ebs_block_device"));
    }
}

/// Launch templates: each `block_device_mappings` with an `ebs` block. Mappings
/// without one are instance store or `no_device`. A template that maps no EBS device
/// leaves the root volume to the AMI's mapping, unencrypted unless the AMI's snapshot
/// is.
fn template_devices(meta: Meta, r: &TfResource, out: &mut Vec<EbsVolume>) {
    let before = out.len();
    for m in r.body.blocks("block_device_mappings") {
        let what = format!("block_device_mappings {}", device_name(&m.body));
        match m.body.block("ebs") {
            Tri::Known(Some(ebs)) => out.push(device(
                &meta,
                what,
                &ebs.body,
                template_bool(&ebs.body, "encrypted"),
            )),
            Tri::Unknown(_) => out.push(unknown_device(&meta, &what)),
            Tri::Known(None) | Tri::Absent => {}
        }
    }
    if r.body.unknown_blocks.contains("block_device_mappings") {
        out.push(unknown_device(&meta, "block_device_mappings"));
    }
    if out.len() == before {
        out.push(EbsVolume {
            meta,
            device: "root volume (no EBS block_device_mappings; the AMI's mapping applies)"
                .to_string(),
            encrypted: Tri::Absent,
            from_snapshot: false,
            implicit: true,
        });
    }
}

/// The launch template's `ebs.encrypted` is a string (`"true"`, `"false"`, or `""`
/// for unset).
fn template_bool(body: &Body, name: &str) -> Tri<bool> {
    match body.str(name) {
        Tri::Known(s) if s.is_empty() => Tri::Absent,
        _ => body.bool(name),
    }
}
