//! ENC001 s3-bucket-no-explicit-encryption: the bucket's default encryption is not
//! written down. S3 applies SSE-S3 to new objects since January 2023 anyway, so this is
//! about auditable configuration, and the message says so.

use crate::model::s3::SseAlgorithm;
use crate::model::s3::{judged_for, BucketSetting};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::Encryption) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        match &b.encryption {
            Tri::Known(Some(enc)) => {
                let what = match &enc.algorithm {
                    Tri::Known(SseAlgorithm::SseS3) => "SSE-S3 (AES256)".to_string(),
                    Tri::Known(SseAlgorithm::SseKms) => "SSE-KMS".to_string(),
                    Tri::Known(SseAlgorithm::DsseKms) => "DSSE-KMS".to_string(),
                    Tri::Known(SseAlgorithm::Other(s)) => format!("algorithm {s:?}"),
                    Tri::Unknown(_) | Tri::Absent => {
                        format!("an algorithm that is {}", b.meta.wording.gap)
                    }
                };
                ctx.pass(&b.meta, format!("default encryption is configured explicitly ({what}) by {}", enc.configured_by));
            }
            Tri::Known(None) | Tri::Absent => ctx.fail(
                &b.meta,
                "bucket has no explicit default encryption configuration; S3 applies SSE-S3 to new objects since January 2023, but the choice is not recorded in configuration",
            ),
            Tri::Unknown(gap) => ctx.unknown(
                &b.meta,
                format!("whether the bucket has a default encryption configuration depends on values {gap}"),
            ),
        }
    }
}
