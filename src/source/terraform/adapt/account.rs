//! Account-wide settings written in Terraform: `aws_s3_account_public_access_block`,
//! the same fact the live sweep reads from S3 Control (IAM013 judges a bucket by its
//! own block and its account's).

use super::RootAdapter;
use crate::model::account::S3AccountPublicAccessBlock;
use crate::model::s3::PublicAccessBlock;
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for r in ctx.of_type("aws_s3_account_public_access_block") {
        let block = PublicAccessBlock {
            block_public_acls: r.body.bool("block_public_acls"),
            block_public_policy: r.body.bool("block_public_policy"),
            ignore_public_acls: r.body.bool("ignore_public_acls"),
            restrict_public_buckets: r.body.bool("restrict_public_buckets"),
            configured_by: r.address.clone(),
        };
        inv.s3_account_public_access_blocks
            .push(S3AccountPublicAccessBlock {
                meta: ctx.meta(r, Some("account_id")),
                block: Tri::Known(Some(block)),
            });
    }
}
