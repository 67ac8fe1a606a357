//! S3: buckets with their encryption, policy, public access block, versioning, ACL
//! and tags, and the account-level public access block.
//!
//! Buckets are listed once (the list is global) and described in their own region;
//! only buckets in the swept regions are kept, so the scope a sweep records is the
//! scope it saw.

use super::ctx::{ops, partition, Read, SweepState};
use crate::diagnostic::Diagnostic;
use crate::model::account::S3AccountPublicAccessBlock;
use crate::model::s3::{
    BucketAcl, BucketEncryption, BucketPolicy, KeyRef, PublicAccessBlock, S3Bucket, SseAlgorithm,
};
use crate::model::{Gap, Inventory, PolicyDocument, Tri};
use futures_util::future::join_all;
use futures_util::StreamExt;
use std::collections::BTreeMap;

const SVC: &str = "s3";

/// Errors S3 answers for settings that were never configured: absent, not a gap.
const NO_ENCRYPTION: &[&str] = &["ServerSideEncryptionConfigurationNotFoundError"];
const NO_POLICY: &[&str] = &["NoSuchBucketPolicy"];
const NO_PUBLIC_ACCESS_BLOCK: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];
const NO_TAGS: &[&str] = &["NoSuchTagSet"];

/// A bucket as listed.
struct Listed {
    name: String,
    arn: String,
    region: String,
}

/// Buckets described at once; each sends six reads, which the per-service
/// semaphore bounds further.
const BUCKETS_IN_FLIGHT: usize = 32;

pub async fn collect(ctx: &SweepState) -> Inventory {
    let mut inv = Inventory::default();
    let home = ctx.home_region().to_string();
    account_public_access_block(ctx, &home, &mut inv).await;

    let Some(listed) = list(ctx, &home).await else {
        return inv;
    };
    let in_scope: Vec<Listed> = listed
        .into_iter()
        .filter(|b| ctx.regions.contains(&b.region))
        .collect();
    // One client per region, shared by its buckets, and a bounded number of buckets
    // in flight: an account with tens of thousands of buckets must not hold a client
    // and six pending requests for each at once.
    let mut clients: BTreeMap<String, aws_sdk_s3::Client> = BTreeMap::new();
    for b in &in_scope {
        if !clients.contains_key(&b.region) {
            clients.insert(b.region.clone(), ctx.clients.s3(&b.region));
        }
    }
    let mut buckets: Vec<S3Bucket> = futures_util::stream::iter(in_scope)
        .map(|b: Listed| {
            let client = clients
                .get(&b.region)
                .cloned()
                .unwrap_or_else(|| ctx.clients.s3(&b.region));
            async move { describe(ctx, &client, &b).await }
        })
        .buffer_unordered(BUCKETS_IN_FLIGHT)
        .collect()
        .await;
    buckets.sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.s3_buckets = buckets;
    inv
}

/// ListBuckets, then each bucket's region (from the listing when S3 gives it, else
/// GetBucketLocation). `None` when the listing failed.
async fn list(ctx: &SweepState, home: &str) -> Option<Vec<Listed>> {
    let client = ctx.clients.s3(home);
    let mut names: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = client
            .list_buckets()
            .set_continuation_token(token.clone())
            .max_buckets(1000);
        match ctx.call(SVC, req.send()).await {
            Ok(out) => {
                for b in out.buckets() {
                    if let Some(name) = b.name() {
                        names.push((
                            name.to_string(),
                            b.bucket_region().map(str::to_owned),
                            b.bucket_arn().map(str::to_owned),
                        ));
                    }
                }
                token = out.continuation_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Err(f) => {
                ctx.gap(SVC, home, "ListBuckets", "the account", &f, "every bucket");
                return None;
            }
        }
    }
    let located = join_all(names.into_iter().map(|(name, region, arn)| {
        let client = &client;
        async move {
            let region = match region {
                Some(r) if !r.is_empty() => r,
                _ => {
                    let req = client.get_bucket_location().bucket(&name);
                    match ctx.call(SVC, req.send()).await {
                        Ok(out) => location_region(
                            out.location_constraint().map(|c| c.as_str()).unwrap_or(""),
                        ),
                        Err(f) => {
                            ctx.gap(
                                SVC,
                                home,
                                "GetBucketLocation",
                                &format!("bucket {name}"),
                                &f,
                                "the bucket's region, so the bucket was not described",
                            );
                            return None;
                        }
                    }
                }
            };
            let arn = arn.unwrap_or_else(|| format!("arn:{}:s3:::{name}", partition(&region)));
            Some(Listed { name, arn, region })
        }
    }))
    .await;
    Some(located.into_iter().flatten().collect())
}

/// GetBucketLocation's answer: empty means us-east-1, `EU` is the old name of
/// eu-west-1.
fn location_region(constraint: &str) -> String {
    match constraint {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        other => other.to_string(),
    }
}

async fn describe(ctx: &SweepState, client: &aws_sdk_s3::Client, b: &Listed) -> S3Bucket {
    let target = format!("bucket {}", b.name);
    let (r, t) = (b.region.as_str(), target.as_str());
    let (encryption, policy, pab, versioning, acl, tagging) = tokio::join!(
        ctx.read(
            SVC,
            r,
            "GetBucketEncryption",
            t,
            NO_ENCRYPTION,
            "default encryption",
            client.get_bucket_encryption().bucket(&b.name).send(),
        ),
        ctx.read(
            SVC,
            r,
            "GetBucketPolicy",
            t,
            NO_POLICY,
            "bucket policy",
            client.get_bucket_policy().bucket(&b.name).send(),
        ),
        ctx.read(
            SVC,
            r,
            "GetPublicAccessBlock",
            t,
            NO_PUBLIC_ACCESS_BLOCK,
            "bucket public access block",
            client.get_public_access_block().bucket(&b.name).send(),
        ),
        ctx.read(
            SVC,
            r,
            "GetBucketVersioning",
            t,
            &[],
            "versioning status",
            client.get_bucket_versioning().bucket(&b.name).send(),
        ),
        ctx.read(
            SVC,
            r,
            "GetBucketAcl",
            t,
            &[],
            "bucket ACL",
            client.get_bucket_acl().bucket(&b.name).send(),
        ),
        ctx.read(
            SVC,
            r,
            "GetBucketTagging",
            t,
            NO_TAGS,
            "tags (classification and environment from tags)",
            client.get_bucket_tagging().bucket(&b.name).send(),
        ),
    );

    let encryption = match encryption {
        Read::Found(out) => Tri::Known(
            out.server_side_encryption_configuration()
                .and_then(|c| {
                    c.rules()
                        .iter()
                        .find_map(|r| r.apply_server_side_encryption_by_default())
                })
                .map(|d| BucketEncryption {
                    algorithm: Tri::Known(SseAlgorithm::parse(d.sse_algorithm().as_str())),
                    kms_key: match d.kms_master_key_id() {
                        Some(k) if !k.is_empty() => Tri::Known(KeyRef::Literal(k.to_string())),
                        _ => Tri::Absent,
                    },
                    configured_by: b.arn.clone(),
                }),
        ),
        Read::Absent => Tri::Known(None),
        Read::Failed => Tri::Unknown(Gap::NotCollected),
    };
    let policies = match policy {
        Read::Found(out) => match out.policy() {
            Some(text) => Tri::Known(vec![BucketPolicy {
                document: parse_policy(ctx, text, &b.arn, "GetBucketPolicy"),
                configured_by: b.arn.clone(),
            }]),
            None => Tri::Known(Vec::new()),
        },
        Read::Absent => Tri::Known(Vec::new()),
        Read::Failed => Tri::Unknown(Gap::NotCollected),
    };
    let public_access_block = match pab {
        Read::Found(out) => Tri::Known(
            out.public_access_block_configuration()
                .map(|c| flags(block_flags!(c), &b.arn)),
        ),
        Read::Absent => Tri::Known(None),
        Read::Failed => Tri::Unknown(Gap::NotCollected),
    };
    let versioning = match versioning {
        Read::Found(out) => match out.status() {
            Some(s) => Tri::Known(s.as_str().to_string()),
            None => Tri::Absent,
        },
        Read::Absent | Read::Failed => Tri::Unknown(Gap::NotCollected),
    };
    let acl = match acl {
        Read::Found(out) => {
            let mut grantee_uris: Vec<String> = out
                .grants()
                .iter()
                .filter_map(|g| g.grantee().and_then(|e| e.uri()).map(str::to_owned))
                .collect();
            grantee_uris.sort();
            grantee_uris.dedup();
            Tri::Known(Some(BucketAcl {
                canned: Tri::Absent,
                grantee_uris,
                grants_unknown: false,
                configured_by: b.arn.clone(),
            }))
        }
        Read::Absent | Read::Failed => Tri::Unknown(Gap::NotCollected),
    };
    let mut tags_ok = false;
    let tags: BTreeMap<String, String> = match tagging {
        Read::Found(out) => {
            tags_ok = true;
            out.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        }
        Read::Absent => {
            tags_ok = true;
            BTreeMap::new()
        }
        Read::Failed => BTreeMap::new(),
    };

    let mut used = vec!["ListBuckets"];
    for (op, ok) in [
        ("GetBucketEncryption", encryption.is_known()),
        ("GetBucketPolicy", policies.is_known()),
        ("GetPublicAccessBlock", public_access_block.is_known()),
        ("GetBucketVersioning", !versioning.is_unknown()),
        ("GetBucketAcl", acl.is_known()),
        ("GetBucketTagging", tags_ok),
    ] {
        if ok {
            used.push(op);
        }
    }
    let mut meta = ctx.meta(
        "aws_s3_bucket",
        &b.arn,
        Some(&b.name),
        &b.region,
        ops(SVC, &used),
    );
    meta.tags = tags;
    S3Bucket {
        meta,
        bucket: Tri::Known(b.name.clone()),
        encryption,
        policies,
        public_access_block,
        acl,
        versioning,
        log_destination_for: None,
        declared_elsewhere: None,
    }
}

/// The four flags of a public access block in [`flags`]' order. A macro, not a
/// function: S3 (buckets) and S3 Control (the account) answer with two types of the
/// same shape.
macro_rules! block_flags {
    ($c:expr) => {
        [
            $c.block_public_acls(),
            $c.block_public_policy(),
            $c.ignore_public_acls(),
            $c.restrict_public_buckets(),
        ]
    };
}
use block_flags;

/// A public access block from the API's four optional flags (absent ones default
/// to false).
fn flags(f: [Option<bool>; 4], configured_by: &str) -> PublicAccessBlock {
    let t = |v: Option<bool>| match v {
        Some(b) => Tri::Known(b),
        None => Tri::Absent,
    };
    PublicAccessBlock {
        block_public_acls: t(f[0]),
        block_public_policy: t(f[1]),
        ignore_public_acls: t(f[2]),
        restrict_public_buckets: t(f[3]),
        configured_by: configured_by.to_string(),
    }
}

/// Parses a policy from an API answer; a document that does not parse is unknown,
/// with a diagnostic.
pub(super) fn parse_policy(
    ctx: &SweepState,
    text: &str,
    owner: &str,
    operation: &str,
) -> Tri<PolicyDocument> {
    match PolicyDocument::from_api_text(text) {
        Ok(doc) => Tri::Known(doc),
        Err(e) => {
            ctx.push(Diagnostic::error(
                "invalid-policy",
                format!("the policy {operation} returned for {owner} does not parse: {e}"),
            ));
            Tri::Unknown(Gap::NotCollected)
        }
    }
}

/// The account-wide block (S3 Control). Against AWS the account id is a host prefix;
/// with `--endpoint-url` the request goes to that endpoint as given (see
/// `ClientFactory::s3control`), so emulators decide IAM012/IAM013 too.
async fn account_public_access_block(ctx: &SweepState, home: &str, inv: &mut Inventory) {
    let Some(account) = ctx.account.clone() else {
        return;
    };
    let arn = format!("arn:{}:s3::{account}:account", partition(home));
    let operation = "GetPublicAccessBlock";
    let what = "the account-level S3 public access block";
    let block = {
        let client = ctx.clients.s3control(home);
        let req = client.get_public_access_block().account_id(&account);
        match ctx
            .read(
                "s3control",
                home,
                operation,
                &format!("account {account}"),
                NO_PUBLIC_ACCESS_BLOCK,
                what,
                req.send(),
            )
            .await
        {
            Read::Found(out) => Tri::Known(
                out.public_access_block_configuration()
                    .map(|c| flags(block_flags!(c), &arn)),
            ),
            Read::Absent => Tri::Known(None),
            Read::Failed => Tri::Unknown(Gap::NotCollected),
        }
    };
    let meta = ctx.meta(
        "aws_s3_account_public_access_block",
        &arn,
        Some(&account),
        super::ctx::GLOBAL,
        ops("s3control", &[operation]),
    );
    inv.s3_account_public_access_blocks
        .push(S3AccountPublicAccessBlock { meta, block });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_constraints_name_regions() {
        assert_eq!(location_region(""), "us-east-1");
        assert_eq!(location_region("EU"), "eu-west-1");
        assert_eq!(location_region("eu-central-1"), "eu-central-1");
    }
}
