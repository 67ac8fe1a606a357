//! RES001 s3-versioning-off-confidential: a bucket holding confidential or restricted
//! data without versioning. Without versioning, an overwrite or delete (a bug, a
//! mistaken sync, ransomware with stolen credentials) destroys the only copy of an
//! object; with it, earlier versions stay recoverable.
//!
//! In scope: buckets classified `confidential` or `restricted` (tags, configured path
//! globs or the configured default; see the classification settings). Other buckets
//! get no result: RULES.md scopes the control to protected data, and versioning every
//! bucket (build caches, temporary exports) would cost storage without serving C1.2 or
//! CC9.1; a pass there would claim evidence for data the control does not cover.
//!
//! `Enabled` passes. `Suspended` fails (new writes overwrite in place again, even
//! though old versions are kept), as does a bucket on which versioning was never
//! configured (no `aws_s3_bucket_versioning` and no inline `versioning` block). A
//! status that is not known before apply, a versioning resource that names a bucket
//! not known before apply, or a failed GetBucketVersioning gives unknown. One result
//! per bucket.

use crate::model::s3::{judged_for, BucketSetting};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::Versioning) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        let Some(class) = b
            .meta
            .classification
            .as_ref()
            .filter(|c| c.level.is_sensitive())
        else {
            continue;
        };
        let scope = format!(
            "bucket classified {} ({})",
            class.level.as_str(),
            class.because
        );
        match &b.versioning {
            Tri::Known(s) if s == "Enabled" => {
                ctx.pass(&b.meta, format!("versioning is enabled on the {scope}"));
            }
            Tri::Known(s) if s == "Suspended" => ctx.fail(
                &b.meta,
                format!("versioning is suspended on the {scope}: new writes overwrite and deletes remove objects without a recoverable version; set versioning_configuration {{ status = \"Enabled\" }}"),
            ),
            Tri::Known(s) if s == "Disabled" => ctx.fail(
                &b.meta,
                format!("versioning is disabled on the {scope} (status \"Disabled\"): overwrites and deletes cannot be undone; set versioning_configuration {{ status = \"Enabled\" }}"),
            ),
            Tri::Known(other) => ctx.unknown(
                &b.meta,
                format!("the versioning status {other:?} of the {scope} is not one this version knows"),
            ),
            Tri::Absent => ctx.fail(
                &b.meta,
                format!("versioning was never enabled on the {scope}: overwrites and deletes cannot be undone; add an aws_s3_bucket_versioning with status = \"Enabled\""),
            ),
            Tri::Unknown(_) => {
                let why = b.meta.wording.versioning_unknown;
                ctx.unknown(
                    &b.meta,
                    format!("whether versioning is enabled on the {scope} cannot be judged: {why}"),
                );
            }
        }
    }
}
