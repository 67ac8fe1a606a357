//! KMS keys of one region: metadata, rotation, key policy, aliases and tags.
//!
//! AWS-managed keys are recorded (other resources name them, and KMS005 needs their
//! state) but their rotation is not asked: AWS rotates them every year and
//! customers cannot change it.

use super::ctx::{ops, Read, SweepState};
use crate::model::kms::{KeySource, KmsKey};
use crate::model::{Gap, Inventory, Tri};
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, MultiRegionKeyType, OriginType};
use futures_util::future::join_all;
use std::collections::BTreeMap;

const SVC: &str = "kms";

pub async fn collect(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.kms(region);
    let mut inv = Inventory::default();

    let mut keys: Vec<(String, String)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let req = client.list_keys().set_marker(marker.clone());
        match ctx.call(SVC, req.send()).await {
            Ok(out) => {
                for k in out.keys() {
                    if let (Some(id), Some(arn)) = (k.key_id(), k.key_arn()) {
                        keys.push((id.to_string(), arn.to_string()));
                    }
                }
                marker = out.next_marker().map(str::to_owned);
                if !out.truncated() || marker.is_none() {
                    break;
                }
            }
            Err(f) => {
                ctx.gap(SVC, region, "ListKeys", "the region", &f, "every KMS key");
                return inv;
            }
        }
    }

    let aliases = aliases(ctx, &client, region).await;
    let mut out = join_all(
        keys.iter()
            .map(|(id, arn)| describe(ctx, &client, region, id, arn, aliases.as_ref())),
    )
    .await;
    out.sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.kms_keys = out;
    inv
}

/// Alias names by target key id, sorted; `None` when ListAliases failed.
async fn aliases(
    ctx: &SweepState,
    client: &aws_sdk_kms::Client,
    region: &str,
) -> Option<BTreeMap<String, Vec<String>>> {
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let req = client.list_aliases().set_marker(marker.clone());
        match ctx.call(SVC, req.send()).await {
            Ok(out) => {
                for a in out.aliases() {
                    if let (Some(name), Some(key)) = (a.alias_name(), a.target_key_id()) {
                        by_key
                            .entry(key.to_string())
                            .or_default()
                            .push(name.to_string());
                    }
                }
                marker = out.next_marker().map(str::to_owned);
                if !out.truncated() || marker.is_none() {
                    break;
                }
            }
            Err(f) => {
                ctx.gap(
                    SVC,
                    region,
                    "ListAliases",
                    "the region",
                    &f,
                    "key aliases (keys are named by id)",
                );
                return None;
            }
        }
    }
    for names in by_key.values_mut() {
        names.sort();
    }
    Some(by_key)
}

async fn describe(
    ctx: &SweepState,
    client: &aws_sdk_kms::Client,
    region: &str,
    id: &str,
    arn: &str,
    aliases: Option<&BTreeMap<String, Vec<String>>>,
) -> KmsKey {
    let target = format!("key {arn}");
    let mut used = vec!["ListKeys"];
    let metadata = match ctx
        .read(
            SVC,
            region,
            "DescribeKey",
            &target,
            &[],
            "key manager, state, spec, usage, origin",
            client.describe_key().key_id(id).send(),
        )
        .await
    {
        Read::Found(out) => out.key_metadata().cloned(),
        Read::Absent | Read::Failed => None,
    };
    if metadata.is_some() {
        used.push("DescribeKey");
    }
    let m = metadata.as_ref();
    let customer_managed = match m {
        Some(m) => Tri::Known(m.key_manager() == Some(&KeyManagerType::Customer)),
        None => Tri::Unknown(Gap::NotCollected),
    };
    let key_spec = known(m, |m| m.key_spec().map(|s| s.as_str().to_string()));
    let key_usage = known(m, |m| m.key_usage().map(|s| s.as_str().to_string()));
    let key_state = known(m, |m| m.key_state().map(|s| s.as_str().to_string()));
    let source = match m {
        Some(m) => Tri::Known(source(m)),
        None => Tri::Unknown(Gap::NotCollected),
    };
    let deletion_window_days = match m.and_then(KeyMetadata::pending_deletion_window_in_days) {
        Some(d) => Tri::Known(f64::from(d)),
        // DescribeKey shows the window only while a deletion is pending or for
        // multi-Region primaries; otherwise no API shows it.
        None => Tri::Unknown(Gap::NotCollected),
    };

    let rotatable = m.is_some_and(|m| {
        m.key_manager() == Some(&KeyManagerType::Customer)
            && m.origin() == Some(&OriginType::AwsKms)
            && m.key_spec()
                .is_none_or(|s| s.as_str() == "SYMMETRIC_DEFAULT")
            && m.key_usage()
                .is_none_or(|u| u.as_str() == "ENCRYPT_DECRYPT")
    });
    let (rotation_enabled, rotation_period_days) = match (&customer_managed, rotatable) {
        // AWS rotates AWS-managed keys yearly; customers cannot turn it off.
        (Tri::Known(false), _) => (Tri::Known(true), Tri::Known(365.0)),
        (Tri::Known(true), true) => {
            match ctx
                .read(
                    SVC,
                    region,
                    "GetKeyRotationStatus",
                    &target,
                    &[],
                    "whether the key rotates",
                    client.get_key_rotation_status().key_id(id).send(),
                )
                .await
            {
                Read::Found(out) => {
                    used.push("GetKeyRotationStatus");
                    (
                        Tri::Known(out.key_rotation_enabled()),
                        match out.rotation_period_in_days() {
                            Some(d) => Tri::Known(f64::from(d)),
                            None => Tri::Absent,
                        },
                    )
                }
                Read::Absent | Read::Failed => (
                    Tri::Unknown(Gap::NotCollected),
                    Tri::Unknown(Gap::NotCollected),
                ),
            }
        }
        // Keys KMS cannot rotate (asymmetric, HMAC, imported, custom key store).
        (Tri::Known(true), false) => (Tri::Absent, Tri::Absent),
        _ => (
            Tri::Unknown(Gap::NotCollected),
            Tri::Unknown(Gap::NotCollected),
        ),
    };

    let policy = match ctx
        .read(
            SVC,
            region,
            "GetKeyPolicy",
            &target,
            &[],
            "key policy",
            // "default" is the only policy name KMS supports.
            client
                .get_key_policy()
                .key_id(id)
                .policy_name("default")
                .send(),
        )
        .await
    {
        Read::Found(out) => {
            used.push("GetKeyPolicy");
            match out.policy() {
                Some(text) => super::s3::parse_policy(ctx, text, arn, "GetKeyPolicy"),
                None => Tri::Absent,
            }
        }
        Read::Absent | Read::Failed => Tri::Unknown(Gap::NotCollected),
    };

    // AWS-managed keys carry no tags of their own.
    let tags = if customer_managed == Tri::Known(true) {
        let t = tags(ctx, client, region, id, &target).await;
        if t.is_some() {
            used.push("ListResourceTags");
        }
        t.unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    if aliases.is_some() {
        used.push("ListAliases");
    }

    let name = aliases
        .and_then(|a| a.get(id))
        .and_then(|names| names.first())
        .cloned();
    let mut meta = ctx.meta(
        "aws_kms_key",
        arn,
        Some(name.as_deref().unwrap_or(id)),
        region,
        ops(SVC, &used),
    );
    meta.tags = tags;
    KmsKey {
        meta,
        source,
        key_spec,
        key_usage,
        customer_managed,
        rotation_enabled,
        rotation_period_days,
        deletion_window_days,
        policy,
        key_state,
        declared_elsewhere: None,
    }
}

fn known(m: Option<&KeyMetadata>, f: impl FnOnce(&KeyMetadata) -> Option<String>) -> Tri<String> {
    match m {
        Some(m) => match f(m) {
            Some(v) => Tri::Known(v),
            None => Tri::Absent,
        },
        None => Tri::Unknown(Gap::NotCollected),
    }
}

fn source(m: &KeyMetadata) -> KeySource {
    let replica_of = m.multi_region_configuration().and_then(|c| {
        (c.multi_region_key_type() == Some(&MultiRegionKeyType::Replica))
            .then(|| c.primary_key().and_then(|p| p.arn()).map(str::to_owned))
    });
    if let Some(primary) = replica_of {
        return KeySource::Replica(match primary {
            Some(arn) => Tri::Known(arn),
            None => Tri::Unknown(Gap::NotCollected),
        });
    }
    match m.origin() {
        Some(OriginType::External) => KeySource::External,
        Some(OriginType::AwsCloudhsm | OriginType::ExternalKeyStore) => KeySource::CustomKeyStore,
        _ if m.custom_key_store_id().is_some() => KeySource::CustomKeyStore,
        _ => KeySource::Kms,
    }
}

/// The key's tags; `None` (with a gap) when they could not be read.
async fn tags(
    ctx: &SweepState,
    client: &aws_sdk_kms::Client,
    region: &str,
    id: &str,
    target: &str,
) -> Option<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let req = client
            .list_resource_tags()
            .key_id(id)
            .set_marker(marker.clone());
        match ctx
            .read(
                SVC,
                region,
                "ListResourceTags",
                target,
                &[],
                "tags (classification and environment from tags)",
                req.send(),
            )
            .await
        {
            Read::Found(out) => {
                for t in out.tags() {
                    tags.insert(t.tag_key().to_string(), t.tag_value().to_string());
                }
                marker = out.next_marker().map(str::to_owned);
                if !out.truncated() || marker.is_none() {
                    return Some(tags);
                }
            }
            Read::Absent | Read::Failed => return None,
        }
    }
}
