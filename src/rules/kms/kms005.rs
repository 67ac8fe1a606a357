//! KMS005 kms-key-pending-deletion-in-use: a KMS key that is disabled or scheduled
//! for deletion while a resource still encrypts with it. A disabled key makes every
//! read and write of that resource fail; once a key scheduled for deletion is
//! deleted, the data encrypted under it cannot be recovered by anyone. Either is an
//! outage, and the second a permanent loss of data the organisation must keep.
//!
//! The result is reported on the key (one per key), naming every resource that
//! encrypts with it: the key's state is what changed, and re-enabling it (or
//! cancelling the deletion) is the immediate fix, whoever owns the resources.
//!
//! Key states: live, DescribeKey's `KeyState` (`Disabled`, `PendingDeletion`,
//! `PendingReplicaDeletion` count); Terraform, `is_enabled = false` (a key cannot be
//! scheduled for deletion in Terraform). References are the `kms_key` of every
//! encrypting resource in the inventory: S3 default encryption, RDS instances and
//! clusters, DynamoDB tables and their replicas, EFS, SQS, SNS, CloudWatch Logs,
//! Secrets Manager, ElastiCache, Redshift, OpenSearch and Kinesis. A reference counts
//! when the resource actually encrypts with KMS (e.g. S3 with `aws:kms`, not
//! `AES256`; RDS with storage encryption on).
//!
//! Matching: a Terraform reference to a managed key (`aws_kms_key.k.arn`, also through
//! a managed `aws_kms_alias`) names that key in the same root module; a literal key
//! ARN names the key with that ARN in any source (a Terraform resource can point at a
//! live key); a bare key id or alias name only names a live key of the same account
//! and region as a live resource that uses it. A reference that is not known (before
//! apply, or a failed API call) in the same root or account, or a resource whose use
//! of KMS is not known, leaves a disabled key unknown rather than passing it.

use crate::model::kms::{key_label, KmsKey};
use crate::model::s3::{judged_for, BucketSetting, KeyRef, SseAlgorithm};
use crate::model::{Inventory, Meta, Scope, Tri};
use crate::rules::Ctx;
use std::collections::HashMap;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let uses = key_uses(inv);
    let index = UseIndex::new(&uses);
    // The policy of a key declared elsewhere says nothing of its state.
    for k in inv.kms_keys.iter().filter(|k| k.is_declared_here()) {
        judge(k, index.candidates(k).map(|i| &uses[i]), ctx);
    }
}

/// The uses a key may be named by, found without comparing every key with every use
/// (an estate has thousands of each, and that comparison made this rule quadratic):
/// a reference only names a key in its own scope, except a literal ARN, which names
/// the key (or alias) with that ARN wherever it is.
struct UseIndex<'a> {
    by_scope: HashMap<Scope<'a>, Vec<usize>>,
    by_arn: HashMap<&'a str, Vec<usize>>,
}

impl<'a> UseIndex<'a> {
    fn new(uses: &'a [KeyUse<'a>]) -> Self {
        let mut by_scope: HashMap<Scope<'a>, Vec<usize>> = HashMap::new();
        let mut by_arn: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, u) in uses.iter().enumerate() {
            by_scope.entry(u.user.origin.scope()).or_default().push(i);
            if let Tri::Known(KeyRef::Literal(s)) = u.key {
                if s.starts_with("arn:") {
                    by_arn.entry(s.as_str()).or_default().push(i);
                }
            }
        }
        UseIndex { by_scope, by_arn }
    }

    /// Positions of the uses that may name `key`, in inventory order (messages list
    /// them in that order).
    fn candidates(&self, key: &KmsKey) -> impl Iterator<Item = usize> {
        let mut out: Vec<usize> = self
            .by_scope
            .get(&key.meta.origin.scope())
            .cloned()
            .unwrap_or_default();
        if let Some(arn) = key.meta.arn.as_deref() {
            out.extend(self.by_arn.get(arn).into_iter().flatten());
            if let Some(alias) = key.meta.name.as_deref().filter(|n| n.starts_with("alias/")) {
                let prefix = arn.split("key/").next().unwrap_or(arn);
                let alias_arn = format!("{prefix}{alias}");
                out.extend(self.by_arn.get(alias_arn.as_str()).into_iter().flatten());
            }
        }
        out.sort_unstable();
        out.dedup();
        out.into_iter()
    }
}

/// One resource's use of a key.
struct KeyUse<'a> {
    user: &'a Meta,
    /// What encrypts with the key: `default encryption`, `replica in us-west-2`, ...
    what: String,
    key: Tri<&'a KeyRef>,
    /// Whether the resource encrypts with KMS at all; `None` when not known.
    encrypts: Option<bool>,
}

/// Every key reference in the inventory, with whether it is in use.
fn key_uses(inv: &Inventory) -> Vec<KeyUse<'_>> {
    let mut out = Vec::new();
    for b in judged_for(&inv.s3_buckets, BucketSetting::Encryption) {
        if let Tri::Unknown(gap) = b.encryption {
            // Default encryption not known (before apply, or GetBucketEncryption
            // failed): the bucket may encrypt with any key of its scope.
            out.push(KeyUse {
                user: &b.meta,
                what: "default encryption (not known)".to_string(),
                key: Tri::Unknown(gap),
                encrypts: None,
            });
        }
        if let Tri::Known(Some(enc)) = &b.encryption {
            let encrypts = match &enc.algorithm {
                // An algorithm this version does not know may be a KMS one.
                Tri::Known(SseAlgorithm::Other(_)) | Tri::Unknown(_) => None,
                Tri::Known(a) => Some(a.uses_kms()),
                // S3 requires sse_algorithm; a key without one encrypts nothing.
                Tri::Absent => Some(false),
            };
            out.push(KeyUse {
                user: &b.meta,
                what: format!("default encryption ({})", enc.configured_by),
                key: enc.kms_key.as_ref(),
                encrypts,
            });
        }
    }
    for d in &inv.db_instances {
        out.push(KeyUse {
            user: &d.meta,
            what: "storage encryption".to_string(),
            key: d.kms_key.as_ref(),
            encrypts: d.storage_encrypted.truth(false),
        });
    }
    for t in &inv.dynamo_tables {
        out.push(KeyUse {
            user: &t.meta,
            what: "server-side encryption".to_string(),
            key: t.kms_key.as_ref(),
            encrypts: t.sse_enabled.truth(false),
        });
        for r in &t.replicas {
            let region = r.region.known().map_or("another region", String::as_str);
            out.push(KeyUse {
                user: &t.meta,
                what: format!("its replica in {region}"),
                key: r.kms_key.as_ref(),
                encrypts: Some(true),
            });
        }
    }
    for f in &inv.efs_file_systems {
        out.push(KeyUse {
            user: &f.meta,
            what: "file system encryption".to_string(),
            key: f.kms_key.as_ref(),
            encrypts: f.encrypted.truth(false),
        });
    }
    for q in &inv.sqs_queues {
        out.push(KeyUse {
            user: &q.meta,
            what: "SSE-KMS".to_string(),
            key: q.kms_key.as_ref(),
            encrypts: Some(true),
        });
    }
    for t in &inv.sns_topics {
        out.push(KeyUse {
            user: &t.meta,
            what: "server-side encryption".to_string(),
            key: t.kms_key.as_ref(),
            encrypts: Some(true),
        });
    }
    for g in &inv.log_groups {
        out.push(KeyUse {
            user: &g.meta,
            what: "log encryption".to_string(),
            key: g.kms_key.as_ref(),
            encrypts: Some(true),
        });
    }
    for s in &inv.secrets {
        out.push(KeyUse {
            user: &s.meta,
            what: "secret encryption".to_string(),
            key: s.kms_key.as_ref(),
            encrypts: Some(true),
        });
    }
    for g in &inv.elasticache_groups {
        out.push(KeyUse {
            user: &g.meta,
            what: "at-rest encryption".to_string(),
            key: g.kms_key.as_ref(),
            encrypts: g.at_rest_encrypted(),
        });
    }
    for c in &inv.redshift_clusters {
        out.push(KeyUse {
            user: &c.meta,
            what: "cluster encryption".to_string(),
            key: c.kms_key.as_ref(),
            // The provider default changed between versions; a key only matters when
            // encryption is on, and a set key implies the author meant it on.
            encrypts: c.encrypted.truth(true),
        });
    }
    for d in &inv.opensearch_domains {
        out.push(KeyUse {
            user: &d.meta,
            what: "encryption at rest".to_string(),
            key: d.kms_key.as_ref(),
            encrypts: d.encrypt_at_rest.truth(false),
        });
    }
    for s in &inv.kinesis_streams {
        let encrypts = match &s.encryption_type {
            Tri::Known(t) => Some(t.eq_ignore_ascii_case("KMS")),
            Tri::Absent => Some(false),
            Tri::Unknown(_) => None,
        };
        out.push(KeyUse {
            user: &s.meta,
            what: "stream encryption".to_string(),
            key: s.kms_key.as_ref(),
            encrypts,
        });
    }
    out.retain(|u| !u.key.is_absent() && u.encrypts != Some(false));
    out
}

/// Does this use's key reference name `key`? `None` when the reference is unknown and
/// in the key's scope (it may name it).
fn names(u: &KeyUse, key: &KmsKey) -> Option<bool> {
    let same_scope = u.user.origin.scope() == key.meta.origin.scope();
    match u.key {
        Tri::Absent => Some(false),
        Tri::Unknown(_) => {
            if same_scope {
                None
            } else {
                Some(false)
            }
        }
        Tri::Known(KeyRef::Managed(r)) => Some(same_scope && key.is_managed_target_of(r)),
        Tri::Known(KeyRef::Literal(s)) => Some(literal_names(s, key, same_scope)),
    }
}

/// A literal key id, key ARN, alias name or alias ARN against a key.
fn literal_names(s: &str, key: &KmsKey, same_scope: bool) -> bool {
    let Some(arn) = key.meta.arn.as_deref() else {
        return false;
    };
    if s.starts_with("arn:") {
        if s == arn {
            return true;
        }
        // An alias ARN: the key's ARN prefix (`arn:aws:kms:region:account:`) and one
        // of its alias names.
        let prefix = arn.split("key/").next().unwrap_or(arn);
        return s.strip_prefix(prefix).is_some_and(|alias| {
            alias.starts_with("alias/") && key.meta.name.as_deref() == Some(alias)
        });
    }
    // A bare id or alias means something only in the same account and region.
    same_scope
        && matches!(key.meta.origin.scope(), Scope::Account { .. })
        && (arn.rsplit_once("key/").is_some_and(|(_, id)| id == s)
            || key.meta.name.as_deref() == Some(s))
}

fn judge<'u>(k: &KmsKey, uses: impl Iterator<Item = &'u KeyUse<'u>>, ctx: &mut Ctx) {
    let mut certain = Vec::new();
    let mut possible = Vec::new();
    for u in uses {
        let named = names(u, k);
        if named == Some(false) || u.encrypts == Some(false) {
            continue;
        }
        let label = u
            .key
            .known()
            .copied()
            .map_or("a key that is not known", key_label);
        let entry = format!("{} ({}, key {label})", u.user.address, u.what);
        if named == Some(true) && u.encrypts == Some(true) {
            certain.push(entry);
        } else {
            possible.push(entry);
        }
    }
    let state = match k.unusable() {
        Some(state) => state,
        None => {
            if certain.is_empty() && possible.is_empty() {
                ctx.pass(
                    &k.meta,
                    "no resource in the scanned inventory encrypts with this key, so its state (not known) cannot strand data",
                );
            } else {
                ctx.unknown(
                    &k.meta,
                    format!(
                        "whether the key is enabled is not known (is_enabled {gap}, or DescribeKey failed), and these resources encrypt or may encrypt with it: {}",
                        certain.iter().chain(&possible).cloned().collect::<Vec<_>>().join(", ")
                    , gap = k.meta.wording.gap),
                );
            }
            return;
        }
    };
    let Some(problem) = state else {
        let n = certain.len();
        ctx.pass(
            &k.meta,
            match n {
                0 => "the key is enabled".to_string(),
                1 => "the key is enabled; 1 resource in the inventory encrypts with it".to_string(),
                _ => format!("the key is enabled; {n} resources in the inventory encrypt with it"),
            },
        );
        return;
    };
    let consequence = if problem.starts_with("scheduled") {
        "once it is deleted, their data cannot be decrypted by anyone: cancel the deletion (aws kms cancel-key-deletion) or re-encrypt the data under another key first"
    } else {
        "reads and writes of their data fail until it is enabled again: enable the key, or re-encrypt the data under another key before disabling it"
    };
    if !certain.is_empty() {
        ctx.fail(
            &k.meta,
            format!(
                "the key is {problem} but these resources still encrypt with it: {}; {consequence}",
                certain.join(", ")
            ),
        );
    } else if !possible.is_empty() {
        ctx.unknown(
            &k.meta,
            format!(
                "the key is {problem}, and whether these resources encrypt with it is not known: {}",
                possible.join(", ")
            ),
        );
    } else {
        ctx.pass(
            &k.meta,
            format!(
                "the key is {problem}, and no resource in the scanned inventory encrypts with it"
            ),
        );
    }
}
