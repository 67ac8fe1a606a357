//! S3 buckets with their split configuration resources (provider v4+) and legacy
//! inline blocks merged into one `S3Bucket`.
//!
//! A split resource whose `bucket` cannot be resolved could belong to any bucket of
//! the root; buckets that lack that setting then get `Unknown` for it rather than a
//! failure the configuration may not deserve. A split resource whose bucket is
//! certainly not declared here (a data source, a literal name of no bucket here, or
//! any bucket of a root that declares none) is judged on its own address, for the
//! setting it configures, with the other split resources of the same bucket.

use super::kms::key_attr;
use super::{without_module_path, Parent, RootAdapter, Target};
use crate::model::s3::{
    BucketAcl, BucketEncryption, BucketPolicy, BucketSetting, Elsewhere, KeyRef, PublicAccessBlock,
    S3Bucket, SseAlgorithm,
};
use crate::model::{Gap, Inventory, Tri, Value};
use crate::source::terraform::resource::{Body, TfResource};
use std::collections::{BTreeMap, BTreeSet};

const BUCKET: &[&str] = &["aws_s3_bucket"];

/// The split resource types and the setting each configures.
const SPLIT_TYPES: &[(&str, BucketSetting)] = &[
    (
        "aws_s3_bucket_server_side_encryption_configuration",
        BucketSetting::Encryption,
    ),
    ("aws_s3_bucket_policy", BucketSetting::Policy),
    (
        "aws_s3_bucket_public_access_block",
        BucketSetting::PublicAccessBlock,
    ),
    ("aws_s3_bucket_acl", BucketSetting::Acl),
    ("aws_s3_bucket_versioning", BucketSetting::Versioning),
];

/// The split resources that configure one bucket, by setting.
#[derive(Default)]
struct Splits<'a>(BTreeMap<BucketSetting, Vec<&'a TfResource>>);

impl<'a> Splits<'a> {
    fn of(&self, setting: BucketSetting) -> &[&'a TfResource] {
        self.0.get(&setting).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Settings merged from split resources (the last one of a kind wins, as on apply)
/// and, for a declared bucket, its legacy inline blocks.
struct Settings {
    encryption: Tri<Option<BucketEncryption>>,
    policies: Tri<Vec<BucketPolicy>>,
    public_access_block: Tri<Option<PublicAccessBlock>>,
    acl: Tri<Option<BucketAcl>>,
    versioning: Tri<String>,
}

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    let log_targets = log_targets(ctx);
    let buckets: Vec<&TfResource> = ctx.of_type("aws_s3_bucket").collect();
    let mut declared: BTreeMap<&str, Splits> = BTreeMap::new();
    let mut elsewhere: BTreeMap<String, Splits> = BTreeMap::new();
    // Settings that some split resource sets on a bucket we cannot identify.
    let mut unattributed: BTreeSet<BucketSetting> = BTreeSet::new();
    for &(rtype, setting) in SPLIT_TYPES {
        for r in ctx.of_type(rtype) {
            let splits =
                match ctx.parent(r, "bucket", BUCKET, "bucket", "bucket", !buckets.is_empty()) {
                    Parent::Declared(b) => declared.entry(b.address.as_str()).or_default(),
                    Parent::Elsewhere(name) => elsewhere.entry(name).or_default(),
                    Parent::Unattributed => {
                        unattributed.insert(setting);
                        continue;
                    }
                };
            splits.0.entry(setting).or_default().push(r);
        }
    }

    for (name, splits) in &elsewhere {
        let s = settings(ctx, None, splits, &BTreeSet::new());
        for &(_, setting) in SPLIT_TYPES {
            for r in splits.of(setting) {
                inv.s3_buckets.push(S3Bucket {
                    meta: ctx.meta(r, None),
                    bucket: Tri::Unknown(Gap::BeforeApply),
                    encryption: s.encryption.clone(),
                    policies: s.policies.clone(),
                    public_access_block: s.public_access_block.clone(),
                    acl: s.acl.clone(),
                    versioning: s.versioning.clone(),
                    log_destination_for: None,
                    declared_elsewhere: Some(Elsewhere {
                        bucket: name.clone(),
                        configures: setting,
                    }),
                });
            }
        }
    }

    for b in buckets {
        let meta = ctx.meta(b, Some("bucket"));
        let none = Splits::default();
        let splits = declared.get(b.address.as_str()).unwrap_or(&none);
        let Settings {
            encryption,
            policies,
            public_access_block,
            acl,
            versioning,
        } = settings(ctx, Some(b), splits, &unattributed);
        let log_destination_for = log_targets
            .iter()
            .find(|(addr, _)| addr == &b.address)
            .map(|(_, why)| why.clone())
            .or_else(|| {
                (b.body.str("acl").known().map(String::as_str) == Some("log-delivery-write"))
                    .then(|| "its ACL is log-delivery-write (S3 server access logs)".to_string())
            });

        inv.s3_buckets.push(S3Bucket {
            meta,
            bucket: b.body.str("bucket"),
            encryption,
            policies,
            public_access_block,
            acl,
            versioning,
            log_destination_for,
            declared_elsewhere: None,
        });
    }
}

/// The settings of one bucket: its split resources, else its legacy inline blocks
/// (`bucket`, when declared here), else none, or unknown when a split resource of
/// that kind configures a bucket that cannot be identified.
fn settings(
    ctx: &mut RootAdapter,
    bucket: Option<&TfResource>,
    splits: &Splits,
    unattributed: &BTreeSet<BucketSetting>,
) -> Settings {
    let open = |s: BucketSetting| unattributed.contains(&s);
    let encryption = match splits.of(BucketSetting::Encryption).last() {
        Some(split) => encryption_of(ctx, &split.body, &split.address),
        None => match bucket.map(|b| (b, b.body.block("server_side_encryption_configuration"))) {
            Some((b, Tri::Known(Some(block)))) => encryption_of(ctx, &block.body, &b.address),
            Some((_, Tri::Unknown(Gap::BeforeApply))) => Tri::Unknown(Gap::BeforeApply),
            _ if open(BucketSetting::Encryption) => Tri::Unknown(Gap::BeforeApply),
            _ => Tri::Known(None),
        },
    };

    let mut policy_list = Vec::new();
    if let Some(b) = bucket.filter(|b| b.body.get("policy").is_some_and(|v| !v.is_null())) {
        policy_list.push(BucketPolicy {
            document: ctx.policy(b, "policy"),
            configured_by: b.address.clone(),
        });
    }
    for p in splits.of(BucketSetting::Policy) {
        policy_list.push(BucketPolicy {
            document: ctx.policy(p, "policy"),
            configured_by: p.address.clone(),
        });
    }
    let policies = if policy_list.is_empty() && open(BucketSetting::Policy) {
        Tri::Unknown(Gap::BeforeApply)
    } else {
        Tri::Known(policy_list)
    };

    let public_access_block = match splits.of(BucketSetting::PublicAccessBlock).last() {
        Some(p) => Tri::Known(Some(PublicAccessBlock {
            block_public_acls: p.body.bool("block_public_acls"),
            block_public_policy: p.body.bool("block_public_policy"),
            ignore_public_acls: p.body.bool("ignore_public_acls"),
            restrict_public_buckets: p.body.bool("restrict_public_buckets"),
            configured_by: p.address.clone(),
        })),
        None if open(BucketSetting::PublicAccessBlock) => Tri::Unknown(Gap::BeforeApply),
        None => Tri::Known(None),
    };

    let acl = match (splits.of(BucketSetting::Acl).last(), bucket) {
        (Some(a), _) => Tri::Known(Some(acl_of_split(a))),
        (None, Some(b)) => inline_acl(b, open(BucketSetting::Acl)),
        (None, None) if open(BucketSetting::Acl) => Tri::Unknown(Gap::BeforeApply),
        (None, None) => Tri::Known(None),
    };

    let versioning = match splits.of(BucketSetting::Versioning).last() {
        Some(v) => v
            .body
            .in_block(&["versioning_configuration"], |cfg| cfg.str("status")),
        None => match bucket.map(|b| b.body.nested(&["versioning"])) {
            Some(Tri::Known(Some(cfg))) => match cfg.bool("enabled") {
                Tri::Known(true) => Tri::Known("Enabled".to_string()),
                Tri::Known(false) => Tri::Known("Suspended".to_string()),
                Tri::Unknown(gap) => Tri::Unknown(gap),
                Tri::Absent => Tri::Absent,
            },
            Some(Tri::Unknown(Gap::BeforeApply)) => Tri::Unknown(Gap::BeforeApply),
            _ if open(BucketSetting::Versioning) => Tri::Unknown(Gap::BeforeApply),
            _ => Tri::Absent,
        },
    };
    Settings {
        encryption,
        policies,
        public_access_block,
        acl,
        versioning,
    }
}

/// The legacy `acl` argument and `grant` blocks of a bucket.
fn inline_acl(b: &TfResource, open: bool) -> Tri<Option<BucketAcl>> {
    let canned = b.body.str("acl");
    let grants: Vec<_> = b.body.blocks("grant").collect();
    if canned.is_absent() && grants.is_empty() {
        return if open || b.body.unknown_blocks.contains("grant") {
            Tri::Unknown(Gap::BeforeApply)
        } else {
            Tri::Known(None)
        };
    }
    let mut uris = Vec::new();
    let mut unknown = b.body.unknown_blocks.contains("grant");
    for g in grants {
        match g.body.str("uri") {
            Tri::Known(u) => uris.push(u),
            Tri::Unknown(_) => unknown = true,
            Tri::Absent => {}
        }
    }
    Tri::Known(Some(BucketAcl {
        canned,
        grantee_uris: uris,
        grants_unknown: unknown,
        configured_by: b.address.clone(),
    }))
}

/// Read `rule { apply_server_side_encryption_by_default { ... } }` from a split
/// resource or the legacy inline block.
fn encryption_of(
    ctx: &RootAdapter,
    body: &Body,
    configured_by: &str,
) -> Tri<Option<BucketEncryption>> {
    let default = match body.nested(&["rule", "apply_server_side_encryption_by_default"]) {
        Tri::Known(Some(d)) => d,
        Tri::Known(None) | Tri::Absent => return Tri::Known(None),
        Tri::Unknown(gap) => return Tri::Unknown(gap),
    };
    // The shared reading resolves `data "aws_kms_alias"`/`data "aws_kms_key"` lookups
    // to the alias or id they name, as for every other encrypting resource.
    let kms_key = key_attr(ctx, default, "kms_master_key_id");
    Tri::Known(Some(BucketEncryption {
        algorithm: default
            .str("sse_algorithm")
            .map(|s| SseAlgorithm::parse(&s)),
        kms_key,
        configured_by: configured_by.to_string(),
    }))
}

/// A KMS key reference: a managed key (customer managed by construction) or a literal.
///
/// Data sources are never managed keys: `data.aws_kms_alias.x.arn` may well name
/// `alias/aws/s3`, an AWS-managed key. A value that depends only on a data source is
/// unknown here; [`key_attr`] resolves the lookups whose alias or id is known.
pub fn key_ref(v: &Value) -> Tri<KeyRef> {
    if let Some(s) = v.to_tf_string() {
        return if s.is_empty() {
            Tri::Absent
        } else {
            Tri::Known(KeyRef::Literal(s))
        };
    }
    let refs = v.refs();
    let managed = refs.iter().find(|r| {
        let local = without_module_path(r);
        [
            "aws_kms_key.",
            "aws_kms_alias.",
            "aws_kms_replica_key.",
            "aws_kms_external_key.",
        ]
        .iter()
        .any(|p| local.starts_with(p))
    });
    match managed {
        Some(r) => Tri::Known(KeyRef::Managed((*r).to_string())),
        None => Tri::Unknown(Gap::BeforeApply),
    }
}

fn acl_of_split(a: &TfResource) -> BucketAcl {
    let mut uris = Vec::new();
    let mut unknown = a.body.unknown_blocks.contains("access_control_policy");
    if let Tri::Known(Some(policy)) = a.body.nested(&["access_control_policy"]) {
        unknown |= policy.unknown_blocks.contains("grant");
        for g in policy.blocks("grant") {
            unknown |= g.body.unknown_blocks.contains("grantee");
            for grantee in g.body.blocks("grantee") {
                match grantee.body.str("uri") {
                    Tri::Known(u) => uris.push(u),
                    Tri::Unknown(_) => unknown = true,
                    Tri::Absent => {}
                }
            }
        }
    }
    BucketAcl {
        canned: a.body.str("acl"),
        grantee_uris: uris,
        grants_unknown: unknown,
        configured_by: a.address.clone(),
    }
}

/// Buckets that receive logs from AWS services which only support SSE-S3 targets:
/// S3 server access logs, ELB access logs, CloudFront standard logs.
fn log_targets(ctx: &RootAdapter) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |ctx: &RootAdapter, v: Option<&Value>, why: String| {
        if let Target::Resource(b) = ctx.target(v, BUCKET, "bucket") {
            out.push((b.address.clone(), why));
        }
    };
    for r in ctx.of_type("aws_s3_bucket_logging") {
        add(
            ctx,
            r.body.get("target_bucket"),
            format!("it receives S3 server access logs ({})", r.address),
        );
    }
    for r in ctx.of_type("aws_s3_bucket") {
        for l in r.body.blocks("logging") {
            add(
                ctx,
                l.body.get("target_bucket"),
                format!("it receives S3 server access logs ({})", r.address),
            );
        }
    }
    for t in ["aws_lb", "aws_alb", "aws_elb"] {
        for r in ctx.of_type(t) {
            for l in r.body.blocks("access_logs") {
                add(
                    ctx,
                    l.body.get("bucket"),
                    format!("it receives load balancer access logs ({})", r.address),
                );
            }
        }
    }
    for r in ctx.of_type("aws_cloudfront_distribution") {
        for l in r.body.blocks("logging_config") {
            // CloudFront takes the bucket domain name (`b.s3.amazonaws.com`).
            let v = l.body.get("bucket").map(|v| match v.to_tf_string() {
                Some(s) => Value::String(s.split(".s3").next().unwrap_or(&s).to_string()),
                None => v.clone(),
            });
            add(
                ctx,
                v.as_ref(),
                format!("it receives CloudFront standard logs ({})", r.address),
            );
        }
    }
    out
}
