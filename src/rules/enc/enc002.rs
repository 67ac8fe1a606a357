//! ENC002 s3-bucket-confidential-not-cmk: a bucket holding confidential or restricted
//! data (or any bucket, with `require-cmk`) must encrypt with a customer-managed KMS
//! key, so that access to the data also needs access to a key the organisation
//! controls, audits and can revoke. The AWS-managed `aws/s3` key and SSE-S3 give no
//! such separate control.
//!
//! Buckets that receive S3 server access logs, ELB or CloudFront logs are exempt:
//! those services deliver only to SSE-S3 buckets. Unclassified buckets are not
//! evaluated unless `require-cmk` is set.

use crate::model::kms::key_label;
use crate::model::s3::{judged_for, BucketSetting};
use crate::model::s3::{S3Bucket, SseAlgorithm};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::Encryption) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        let Some(scope) = scope(b, ctx.settings.require_cmk) else {
            continue;
        };
        if let Some(why) = &b.log_destination_for {
            ctx.pass(
                &b.meta,
                format!("exempt from a customer-managed key: {why}, and that log delivery supports only SSE-S3 destination buckets"),
            );
            continue;
        }
        let enc = match &b.encryption {
            Tri::Known(Some(enc)) => enc,
            Tri::Known(None) | Tri::Absent => {
                ctx.fail(
                    &b.meta,
                    format!("the {scope} has no default encryption configuration, so S3 uses SSE-S3; configure sse_algorithm = \"aws:kms\" with a customer-managed kms_master_key_id"),
                );
                continue;
            }
            Tri::Unknown(gap) => {
                ctx.unknown(
                    &b.meta,
                    format!("default encryption of the {scope} depends on values {gap}"),
                );
                continue;
            }
        };
        let algorithm = match &enc.algorithm {
            Tri::Known(a) => a,
            Tri::Unknown(_) | Tri::Absent => {
                ctx.unknown(
                    &b.meta,
                    format!(
                        "sse_algorithm of the {scope} ({}) is {gap}",
                        enc.configured_by,
                        gap = b.meta.wording.gap
                    ),
                );
                continue;
            }
        };
        let name = match algorithm {
            SseAlgorithm::SseKms => "SSE-KMS",
            SseAlgorithm::DsseKms => "DSSE-KMS",
            SseAlgorithm::SseS3 => {
                ctx.fail(
                    &b.meta,
                    format!("the {scope} uses SSE-S3 (AES256) in {}; use sse_algorithm = \"aws:kms\" with a customer-managed kms_master_key_id", enc.configured_by),
                );
                continue;
            }
            SseAlgorithm::Other(s) => {
                ctx.unknown(
                    &b.meta,
                    format!("the {scope} uses sse_algorithm {s:?} ({}), which this version does not recognise", enc.configured_by),
                );
                continue;
            }
        };
        match &enc.kms_key {
            Tri::Absent => ctx.fail(
                &b.meta,
                format!("the {scope} uses {name} with the AWS-managed aws/s3 key (no kms_master_key_id in {}); set kms_master_key_id to a customer-managed key", enc.configured_by),
            ),
            Tri::Known(k) if k.is_aws_managed_alias() => ctx.fail(
                &b.meta,
                format!("the {scope} uses {name} with the AWS-managed key {} ({}); set kms_master_key_id to a customer-managed key", key_label(k), enc.configured_by),
            ),
            Tri::Known(k) => ctx.pass(
                &b.meta,
                format!("the {scope} uses {name} with customer-managed key {} ({})", key_label(k), enc.configured_by),
            ),
            Tri::Unknown(gap) => ctx.unknown(
                &b.meta,
                format!("the {scope} uses {name}, but whether kms_master_key_id names a customer-managed key is {gap} ({})", enc.configured_by),
            ),
        }
    }
}

/// Why the bucket is in scope, for the message; `None` when it is not evaluated.
fn scope(b: &S3Bucket, require_cmk: bool) -> Option<String> {
    match &b.meta.classification {
        Some(c) if c.level.is_sensitive() => Some(format!(
            "bucket classified {} ({})",
            c.level.as_str(),
            c.because
        )),
        _ if require_cmk => Some("bucket (require-cmk is set)".to_string()),
        _ => None,
    }
}
