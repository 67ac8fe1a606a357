//! KMS keys: `aws_kms_key` (with its policy from a separate `aws_kms_key_policy`),
//! multi-Region `aws_kms_replica_key` and `aws_kms_external_key` (imported key
//! material), and the key-reference reading every adapter of an encrypting resource
//! shares.

use super::s3::key_ref;
use super::{Parent, RootAdapter, Target};
use crate::model::kms::{KeySource, KmsKey};
use crate::model::s3::KeyRef;
use crate::model::value::HOLE;
use crate::model::{Gap, Inventory, Tri, Value};
use crate::source::terraform::resource::{Body, TfResource};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    // `aws_kms_key_policy` sets the policy of a key: one declared here, one declared
    // elsewhere (judged on the policy's own address), or, when its key cannot be
    // resolved, possibly any key of this root.
    let declares_keys = ctx.of_type("aws_kms_key").next().is_some();
    let mut split_policies: Vec<(String, &TfResource)> = Vec::new();
    let mut elsewhere: Vec<(String, &TfResource)> = Vec::new();
    let mut unattributed_policy = false;
    for p in ctx.of_type("aws_kms_key_policy") {
        match ctx.parent(
            p,
            "key_id",
            &["aws_kms_key"],
            "key_id",
            "key",
            declares_keys,
        ) {
            Parent::Declared(k) => split_policies.push((k.address.clone(), p)),
            Parent::Elsewhere(key) => elsewhere.push((key, p)),
            Parent::Unattributed => unattributed_policy = true,
        }
    }
    for (key, p) in elsewhere {
        inv.kms_keys.push(KmsKey {
            meta: ctx.meta(p, None),
            source: Tri::Unknown(Gap::BeforeApply),
            key_spec: Tri::Unknown(Gap::BeforeApply),
            key_usage: Tri::Unknown(Gap::BeforeApply),
            // Only customer managed keys take a policy from their owner.
            customer_managed: Tri::Known(true),
            rotation_enabled: Tri::Unknown(Gap::BeforeApply),
            rotation_period_days: Tri::Unknown(Gap::BeforeApply),
            deletion_window_days: Tri::Unknown(Gap::BeforeApply),
            policy: ctx.policy(p, "policy"),
            key_state: Tri::Unknown(Gap::BeforeApply),
            declared_elsewhere: Some(key),
        });
    }
    let keys: Vec<&TfResource> = ctx.of_type("aws_kms_key").collect();
    for r in keys {
        // A split policy replaces the inline one on apply (they conflict); judge it.
        let split = split_policies
            .iter()
            .rev()
            .find(|(key, _)| key == &r.address)
            .map(|(_, p)| *p);
        let policy = match split {
            Some(p) => ctx.policy(p, "policy"),
            None => match ctx.policy(r, "policy") {
                Tri::Absent if unattributed_policy => Tri::Unknown(Gap::BeforeApply),
                other => other,
            },
        };
        // Automatic rotation is not available for keys in a custom key store
        // (CloudHSM or external key store).
        let source = match r.body.value("custom_key_store_id") {
            Tri::Absent => Tri::Known(KeySource::Kms),
            Tri::Known(_) => Tri::Known(KeySource::CustomKeyStore),
            Tri::Unknown(gap) => Tri::Unknown(gap),
        };
        let key = KmsKey {
            meta: ctx.meta(r, None),
            source,
            key_spec: r
                .body
                .str("customer_master_key_spec")
                .or(r.body.str("key_spec")),
            key_usage: r.body.str("key_usage"),
            customer_managed: Tri::Known(true),
            rotation_enabled: r.body.bool("enable_key_rotation"),
            rotation_period_days: r.body.number("rotation_period_in_days"),
            deletion_window_days: r.body.number("deletion_window_in_days"),
            policy,
            key_state: key_state(&r.body),
            declared_elsewhere: None,
        };
        inv.kms_keys.push(key);
    }

    let replicas: Vec<&TfResource> = ctx.of_type("aws_kms_replica_key").collect();
    for r in replicas {
        let primary = match ctx.target(r.body.get("primary_key_arn"), &["aws_kms_key"], "arn") {
            Target::Resource(p) => Tri::Known(p.address.clone()),
            Target::External(arn) => Tri::Known(arn),
            Target::Unknown => Tri::Unknown(Gap::BeforeApply),
        };
        let key = declared_without_rotation(ctx, r, KeySource::Replica(primary), Tri::Absent);
        inv.kms_keys.push(key);
    }

    let external: Vec<&TfResource> = ctx.of_type("aws_kms_external_key").collect();
    for r in external {
        let key = declared_without_rotation(ctx, r, KeySource::External, r.body.str("key_usage"));
        inv.kms_keys.push(key);
    }
}

/// A replica key or a key with imported material: neither declares a key spec or
/// rotation (a replica follows its primary; imported material never rotates
/// automatically), so only where the key comes from and its usage differ.
fn declared_without_rotation(
    ctx: &mut RootAdapter,
    r: &TfResource,
    source: KeySource,
    key_usage: Tri<String>,
) -> KmsKey {
    KmsKey {
        meta: ctx.meta(r, None),
        source: Tri::Known(source),
        key_spec: Tri::Absent,
        key_usage,
        customer_managed: Tri::Known(true),
        rotation_enabled: Tri::Absent,
        rotation_period_days: Tri::Absent,
        deletion_window_days: r.body.number("deletion_window_in_days"),
        policy: ctx.policy(r, "policy"),
        key_state: key_state(&r.body),
        declared_elsewhere: None,
    }
}

/// `is_enabled` in the terms of DescribeKey's `KeyState`, so KMS005 judges Terraform
/// and live keys alike: `false` is `Disabled`, `true` is `Enabled`; absent stays
/// absent (the provider creates keys enabled).
fn key_state(body: &Body) -> Tri<String> {
    body.bool("is_enabled").map(|on| {
        if on {
            "Enabled".to_string()
        } else {
            "Disabled".to_string()
        }
    })
}

/// The KMS key an encrypting resource names in `attr` (`kms_key_id`,
/// `kms_master_key_id`, `kms_key_arn`): absent when unset or null (the service's
/// default key applies), a managed key, a literal, or, for a key looked up through a
/// `data "aws_kms_alias"`/`data "aws_kms_key"`, the alias or id that data source
/// names, so that `alias/aws/<service>` is still recognised as AWS-managed.
pub(super) fn key_attr(ctx: &RootAdapter, body: &Body, attr: &str) -> Tri<KeyRef> {
    let v = match body.get(attr) {
        None | Some(Value::Null) => return Tri::Absent,
        Some(v) => v,
    };
    if let Some(alias) = aws_managed_shape(v) {
        return Tri::Known(alias);
    }
    // Data sources first: `key_ref` would take `data.aws_kms_alias.x.arn` for a
    // managed (customer) key.
    let refs = v.refs();
    let data: Vec<&TfResource> = ctx
        .resources
        .iter()
        .filter(|res| res.is_data() && refs.iter().any(|r| res.is_referenced_by(r)))
        .collect();
    match data.as_slice() {
        [] => through_alias(ctx, key_ref(v)),
        [source] if refs.len() == 1 && !v.contains_unresolved() => {
            let name = match source.rtype.as_str() {
                "aws_kms_alias" => "name",
                "aws_kms_key" => "key_id",
                _ => return Tri::Unknown(Gap::BeforeApply),
            };
            source
                .body
                .get(name)
                .and_then(Value::to_tf_string)
                .map_or(Tri::Unknown(Gap::BeforeApply), |s| {
                    Tri::Known(KeyRef::Literal(s))
                })
        }
        _ => Tri::Unknown(Gap::BeforeApply),
    }
}

/// A managed `aws_kms_alias` stands for the managed key it targets
/// (`target_key_id = aws_kms_key.k.key_id`): the reference becomes that key's, so
/// rules about the key itself (KMS005, a key disabled while in use) find it. An
/// alias whose target is not a managed key stays as written.
fn through_alias(ctx: &RootAdapter, r: Tri<KeyRef>) -> Tri<KeyRef> {
    let Tri::Known(KeyRef::Managed(reference)) = &r else {
        return r;
    };
    let alias = ctx.resources.iter().find(|res| {
        !res.is_data() && res.rtype == "aws_kms_alias" && res.is_referenced_by(reference)
    });
    match alias.and_then(|a| a.body.get("target_key_id")).map(key_ref) {
        Some(Tri::Known(KeyRef::Managed(target))) => Tri::Known(KeyRef::Managed(target)),
        _ => r,
    }
}

/// `arn:aws:kms:${region}:${account}:alias/aws/s3`: AWS-managed whatever the holes.
fn aws_managed_shape(v: &Value) -> Option<KeyRef> {
    let Value::Unknown(u) = v else {
        return None;
    };
    let alias = u.shape.as_deref()?.split(":alias/").nth(1)?;
    (alias.starts_with("aws/") && !alias.contains(HOLE))
        .then(|| KeyRef::Literal(format!("alias/{alias}")))
}
