//! IAM012 s3-bucket-public-policy: a bucket readable or writable by anyone, through
//! its bucket policy (an `Allow` to `Principal "*"` with no condition that pins the
//! caller to an organisation, account, network or source) or its ACL (`public-read`,
//! `public-read-write`, `authenticated-read`, or a grant to the AllUsers or
//! AuthenticatedUsers group). A `Deny` to everyone is not a grant.
//!
//! The public access block decides what such a grant does: `restrict_public_buckets`
//! (bucket or account) confines a public policy to the owner's account and AWS
//! services, and `ignore_public_acls` makes S3 ignore public ACLs. A public grant
//! neutralised that way passes, and the message says so; when the neutralising flag is
//! unknown the result is unknown. `block_public_*` only refuse *new* public grants
//! (and an apply that adds one fails), so they neutralise nothing already in place.

use super::exposure::{join, Exposure};
use super::iam013::account_blocks;
use crate::model::s3::{BucketAcl, BucketSetting, PublicAccessBlock, S3Bucket};
use crate::model::{Gap, Inventory, Tri};
use crate::rules::Ctx;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
/// Canned ACLs that grant to AllUsers or AuthenticatedUsers (any AWS account).
const PUBLIC_CANNED: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in &inv.s3_buckets {
        if b.judged_for(BucketSetting::Policy) || b.judged_for(BucketSetting::Acl) {
            ctx.set_note(&b.meta, b.elsewhere_note());
            judge(inv, b, ctx);
        }
    }
}

/// Whether one flag is on in the bucket's block or an applicable account block:
/// `Some(true)` with where, `None` when it might be, `Some(false)` when not.
fn flag_on(
    inv: &Inventory,
    b: &S3Bucket,
    flag: fn(&PublicAccessBlock) -> &Tri<bool>,
) -> (Option<bool>, String) {
    let mut blocks: Vec<&Tri<Option<PublicAccessBlock>>> = vec![&b.public_access_block];
    blocks.extend(account_blocks(inv, b).into_iter().map(|a| &a.block));
    let mut unknown = None;
    for block in blocks {
        match block {
            Tri::Known(Some(p)) => match flag(p) {
                Tri::Known(true) => return (Some(true), p.configured_by.clone()),
                Tri::Unknown(_) => unknown = Some(p.configured_by.clone()),
                _ => {}
            },
            Tri::Unknown(_) => {
                unknown = Some("a public access block that could not be read".into())
            }
            _ => {}
        }
    }
    match unknown {
        Some(w) => (None, w),
        None => (Some(false), String::new()),
    }
}

/// Public grants of the ACL.
fn acl_exposure(acl: &Tri<Option<BucketAcl>>, who: &str, gap: Gap) -> Exposure {
    let mut e = Exposure::new(gap);
    match acl {
        Tri::Known(Some(a)) => {
            match &a.canned {
                Tri::Known(c) if PUBLIC_CANNED.contains(&c.as_str()) => e
                    .certain
                    .push(format!("canned ACL {c} ({})", a.configured_by)),
                Tri::Unknown(gap) => e
                    .possible
                    .push(format!("the canned ACL of {} is {gap}", a.configured_by)),
                _ => {}
            }
            for uri in &a.grantee_uris {
                if uri == ALL_USERS || uri == AUTHENTICATED_USERS {
                    let group = uri.rsplit('/').next().unwrap_or(uri);
                    e.certain
                        .push(format!("an ACL grant to {group} ({})", a.configured_by));
                }
            }
            if a.grants_unknown {
                e.possible
                    .push(format!("ACL grants of {} are {gap}", a.configured_by));
            }
        }
        Tri::Known(None) | Tri::Absent => {}
        Tri::Unknown(_) => e
            .possible
            .push(format!("the ACL of {who} could not be read")),
    }
    e
}

fn judge(inv: &Inventory, b: &S3Bucket, ctx: &mut Ctx) {
    let who = b
        .bucket
        .known()
        .cloned()
        .unwrap_or_else(|| b.meta.address.clone());
    let mut policy = Exposure::new(b.meta.wording.gap);
    match &b.policies {
        Tri::Known(list) => {
            for p in list {
                policy.add_document(&p.document, &p.configured_by);
            }
        }
        Tri::Unknown(gap) => policy.possible.push(format!(
            "a bucket policy whose bucket is {gap} may apply to it"
        )),
        Tri::Absent => {}
    }
    let acl = acl_exposure(&b.acl, &who, b.meta.wording.gap);

    let mut public = Vec::new();
    let mut maybe = Vec::new();
    let mut neutralised = Vec::new();
    for (exposure, flag, what) in [
        (
            &policy,
            (|p: &PublicAccessBlock| &p.restrict_public_buckets)
                as fn(&PublicAccessBlock) -> &Tri<bool>,
            "restrict_public_buckets",
        ),
        (
            &acl,
            |p: &PublicAccessBlock| &p.ignore_public_acls,
            "ignore_public_acls",
        ),
    ] {
        if exposure.verdict() == Some(false) {
            continue;
        }
        match flag_on(inv, b, flag) {
            (Some(true), by) => neutralised.push(format!(
                "{} (neutralised by {what} = true in {by})",
                join(&[exposure.certain.clone(), exposure.possible.clone()].concat())
            )),
            (None, by) => {
                maybe.extend(exposure.certain.iter().cloned());
                maybe.extend(exposure.possible.iter().cloned());
                maybe.push(format!("{what} in {by} is {}", b.meta.wording.gap));
            }
            (Some(false), _) => {
                public.extend(exposure.certain.iter().cloned());
                maybe.extend(exposure.possible.iter().cloned());
            }
        }
    }
    if !public.is_empty() {
        ctx.fail(
            &b.meta,
            format!(
                "bucket {who} is open to everyone through {}; remove the public grant or add a condition such as aws:PrincipalOrgID, and turn on the public access block",
                join(&public)
            ),
        );
    } else if !maybe.is_empty() {
        ctx.unknown(
            &b.meta,
            format!("bucket {who} may be public: {}", maybe.join("; ")),
        );
    } else if !neutralised.is_empty() {
        ctx.pass(
            &b.meta,
            format!(
                "bucket {who} has public grants that the public access block neutralises: {}",
                neutralised.join("; ")
            ),
        );
    } else {
        ctx.pass(
            &b.meta,
            format!("no bucket policy statement or ACL grant opens bucket {who} to everyone"),
        );
    }
}
