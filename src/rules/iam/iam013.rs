//! IAM013 s3-public-access-block-off: neither the bucket's own public access block nor
//! its account's sets all four flags (`block_public_acls`, `block_public_policy`,
//! `ignore_public_acls`, `restrict_public_buckets`). The block is the guard rail that
//! keeps one mistaken policy or ACL from publishing a bucket; without it, every
//! future change to the bucket's policy is one review away from a data leak.
//!
//! The account's block is `aws_s3_account_public_access_block` in the same Terraform
//! root, or S3 Control's answer for the swept account. When the bucket's own block
//! does not settle it: in Terraform a root without the account resource counts as
//! "no account block" (the configuration must show the control); live, an account
//! block that could not be read gives unknown. Flags unknown before apply give
//! unknown unless the other block sets all four.

use crate::model::s3::{judged_for, BucketSetting};
use crate::model::s3::{PublicAccessBlock, S3Bucket};
use crate::model::{Inventory, Missing, Tri};
use crate::rules::Ctx;

/// What is known about a block: all four flags on, not (with why), or unknown.
pub(super) enum BlockState {
    AllOn(String),
    Off(String),
    Unknown(String),
}

/// The account-level blocks that apply to `bucket` (usually zero or one).
pub(super) fn account_blocks<'a>(
    inv: &'a Inventory,
    bucket: &S3Bucket,
) -> Vec<&'a crate::model::account::S3AccountPublicAccessBlock> {
    inv.s3_account_public_access_blocks
        .iter()
        .filter(|a| a.meta.origin.same_account(&bucket.meta.origin))
        .collect()
}

/// The flags of `block` that are not known to be true, as `name = false`,
/// `name not set` or `name not known before apply`.
fn gaps(block: &PublicAccessBlock) -> Vec<String> {
    [
        ("block_public_acls", &block.block_public_acls),
        ("block_public_policy", &block.block_public_policy),
        ("ignore_public_acls", &block.ignore_public_acls),
        ("restrict_public_buckets", &block.restrict_public_buckets),
    ]
    .into_iter()
    .filter_map(|(name, v)| match v {
        Tri::Known(true) => None,
        Tri::Known(false) => Some(format!("{name} = false")),
        Tri::Absent => Some(format!("{name} not set (false)")),
        Tri::Unknown(gap) => Some(format!("{name} {gap}")),
    })
    .collect()
}

fn state_of(block: &Tri<Option<PublicAccessBlock>>, whose: &str, missing: &str) -> BlockState {
    match block {
        Tri::Known(Some(b)) => match b.all_on() {
            Some(true) => BlockState::AllOn(format!(
                "{whose} public access block ({}) sets all four flags",
                b.configured_by
            )),
            Some(false) => BlockState::Off(format!(
                "{whose} public access block ({}) has {}",
                b.configured_by,
                gaps(b).join(", ")
            )),
            None => BlockState::Unknown(format!(
                "{whose} public access block ({}) has {}",
                b.configured_by,
                gaps(b).join(", ")
            )),
        },
        Tri::Known(None) | Tri::Absent => BlockState::Off(missing.to_string()),
        Tri::Unknown(_) => {
            BlockState::Unknown(format!("{whose} public access block could not be read"))
        }
    }
}

/// The bucket's own block.
pub(super) fn bucket_state(b: &S3Bucket) -> BlockState {
    state_of(
        &b.public_access_block,
        "the bucket's",
        b.meta.wording.no_bucket_block,
    )
}

/// The account's block, as far as it applies to `b`.
pub(super) fn account_state(inv: &Inventory, b: &S3Bucket) -> BlockState {
    let blocks = account_blocks(inv, b);
    let mut states: Vec<BlockState> = blocks
        .iter()
        .map(|a| {
            state_of(
                &a.block,
                "the account's",
                "the account has no public access block",
            )
        })
        .collect();
    if let Some(i) = states
        .iter()
        .position(|s| matches!(s, BlockState::AllOn(_)))
    {
        return states.swap_remove(i);
    }
    if let Some(s) = states.iter().find_map(|s| match s {
        BlockState::Unknown(why) => Some(why.clone()),
        _ => None,
    }) {
        return BlockState::Unknown(s);
    }
    if let Some(s) = states.into_iter().next() {
        return s;
    }
    match b.meta.wording.no_account_block {
        Missing::Off(why) => BlockState::Off(why.to_string()),
        Missing::Unknown(why) => BlockState::Unknown(why.to_string()),
    }
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::PublicAccessBlock) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        let bucket = bucket_state(b);
        let account = account_state(inv, b);
        match (bucket, account) {
            (BlockState::AllOn(why), _) | (_, BlockState::AllOn(why)) => ctx.pass(&b.meta, why),
            (BlockState::Off(own), BlockState::Off(acct)) => {
                let default = if b.public_access_block == Tri::Known(None) {
                    b.meta.wording.bucket_block_default_note
                } else {
                    ""
                };
                ctx.fail(
                    &b.meta,
                    format!(
                        "public access is not blocked: {own}, and {acct}{default}; add a public access block with all four flags true"
                    ),
                );
            }
            (BlockState::Unknown(own), BlockState::Unknown(acct)) => {
                ctx.unknown(&b.meta, format!("{own}, and {acct}"))
            }
            (BlockState::Unknown(why), BlockState::Off(other))
            | (BlockState::Off(other), BlockState::Unknown(why)) => {
                ctx.unknown(&b.meta, format!("{other}, and {why}"))
            }
        }
    }
}
