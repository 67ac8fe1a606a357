//! Drift between Terraform and the account: a live resource linked to the Terraform
//! resource that manages it (see `scan::link`), and the security settings of both,
//! normalised so that they compare by meaning rather than by spelling.

// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/drift.rs"));

use crate::model::kms::KmsKey;
use crate::model::s3::KeyRef;
use crate::model::{Gap, Meta, Origin, PolicyDocument, Tri};
use std::collections::BTreeMap;

/// Each live resource of a kind that a Terraform resource manages, with that
/// Terraform resource (the one at the linked address in the linked root).
pub fn pairs<T>(list: &[T], meta: fn(&T) -> &Meta) -> Vec<(&T, &T)> {
    let terraform: BTreeMap<(&str, &str), &T> = list
        .iter()
        .filter_map(|t| match &meta(t).origin {
            Origin::Terraform { root, .. } => Some(((root.as_str(), meta(t).address.as_str()), t)),
            Origin::Aws { .. } => None,
        })
        .collect();
    list.iter()
        .filter(|l| matches!(meta(l).origin, Origin::Aws { .. }))
        .filter_map(|l| {
            let link = meta(l).managed_by.as_ref()?;
            let tf = terraform.get(&(link.root.as_str(), link.address.as_str()))?;
            Some((l, *tf))
        })
        .collect()
}

/// KMS key references as one spelling: the key's ARN. A Terraform reference to a
/// managed key becomes that key's ARN from state; an alias becomes the key it targets
/// in the account; an id becomes the ARN of the account key with that id.
pub struct Keys<'a> {
    keys: &'a [KmsKey],
}

impl<'a> Keys<'a> {
    pub fn new(keys: &'a [KmsKey]) -> Keys<'a> {
        Keys { keys }
    }

    pub fn arn(&self, k: &KeyRef) -> Tri<String> {
        match k {
            KeyRef::Managed(reference) => self
                .keys
                .iter()
                .find(|key| key.is_managed_target_of(reference))
                .and_then(|key| key.meta.arn.clone())
                // Only Terraform names a key by reference to the resource.
                .map_or(Tri::Unknown(Gap::BeforeApply), Tri::Known),
            KeyRef::Literal(s) => {
                let alias = s
                    .split_once(":alias/")
                    .map(|(_, a)| format!("alias/{a}"))
                    .or_else(|| s.starts_with("alias/").then(|| s.clone()));
                let live = |f: &dyn Fn(&KmsKey) -> bool| {
                    self.keys
                        .iter()
                        .find(|key| matches!(key.meta.origin, Origin::Aws { .. }) && f(key))
                        .and_then(|key| key.meta.arn.clone())
                };
                let found = match &alias {
                    Some(a) => live(&|key| key.meta.name.as_deref() == Some(a.as_str())),
                    None if s.starts_with("arn:") => Some(s.clone()),
                    None => live(&|key| {
                        key.meta
                            .arn
                            .as_deref()
                            .is_some_and(|arn| arn.ends_with(&format!("key/{s}")))
                    }),
                };
                // An alias or id not in the account keeps its spelling.
                Tri::Known(found.unwrap_or_else(|| s.clone()))
            }
        }
    }
}

/// A policy's statements as canonical JSON texts (list order ignored), sorted: two
/// documents with the same statements compare equal however they are written.
/// Unknown when any part of the document is unknown.
/// `gap` is why the owner's source could not know the document.
pub fn statements(doc: &PolicyDocument, gap: Gap) -> Tri<Vec<String>> {
    if doc.statements_unknown {
        return Tri::Unknown(gap);
    }
    let mut out = Vec::new();
    for s in &doc.statements {
        let Ok(mut v) = serde_json::to_value(s) else {
            return Tri::Unknown(gap);
        };
        if s.conditions_unknown || contains_unknown(&v) {
            return Tri::Unknown(gap);
        }
        canonical(&mut v);
        out.push(v.to_string());
    }
    out.sort();
    Tri::Known(out)
}

fn contains_unknown(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            m.contains_key("Unknown") || m.values().any(contains_unknown)
        }
        serde_json::Value::Array(a) => a.iter().any(contains_unknown),
        _ => false,
    }
}

fn canonical(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(canonical);
            items.sort_by_key(|i| i.to_string());
        }
        serde_json::Value::Object(m) => {
            m.values_mut().for_each(canonical);
            m.sort_keys();
        }
        _ => {}
    }
}
