//! `terraform.tfstate` (format version 4) to resources: what was applied, every value
//! known, and each address's real ARN or id.

use super::locate::Locator;
use super::plan::{identity, index_key, Instance};
use super::references::{module_calls, References};
use super::values::Masks;
use super::{check_aws, DocumentError, DocumentResources, Kind};
use crate::source::terraform::resource::Mode;
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};

const SUPPORTED_VERSION: u64 = 4;

pub fn read(
    json: &J,
    shown: &str,
    locator: &mut Locator,
) -> Result<DocumentResources, DocumentError> {
    let version = json.get("version").and_then(J::as_u64);
    if version != Some(SUPPORTED_VERSION) {
        return Err(DocumentError::Version {
            file: shown.to_string(),
            noun: "state",
            version: json
                .get("version")
                .map(J::to_string)
                .unwrap_or_else(|| "(none)".into()),
            supported: "4",
        });
    }
    let refs = References::new(None, BTreeSet::new());
    let root = locator.root.clone();
    let mut providers_seen = BTreeSet::new();
    let mut any_aws = false;
    let mut resources = Vec::new();
    let mut identities = BTreeMap::new();
    for r in json
        .get("resources")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        let provider = provider_of(r.get("provider"));
        let aws = provider == "aws";
        any_aws |= aws;
        providers_seen.insert(provider);
        let (Some(rtype), Some(name)) = (
            r.get("type").and_then(J::as_str),
            r.get("name").and_then(J::as_str),
        ) else {
            continue;
        };
        if !aws {
            continue;
        }
        let mode = match r.get("mode").and_then(J::as_str) {
            Some("data") => Mode::Data,
            _ => Mode::Managed,
        };
        let module = r.get("module").and_then(J::as_str).unwrap_or_default();
        for inst in r
            .get("instances")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let Some(J::Object(attrs)) = inst.get("attributes") else {
                continue;
            };
            let key = index_key(inst.get("index_key"));
            let local = match mode {
                Mode::Data => format!("data.{rtype}.{name}"),
                Mode::Managed => format!("{rtype}.{name}"),
            };
            let address = if module.is_empty() {
                format!("{local}{key}")
            } else {
                format!("{module}.{local}{key}")
            };
            let instance = Instance {
                address,
                mode,
                rtype: rtype.to_string(),
                name: name.to_string(),
                key,
                calls: module_calls(module),
            };
            let sensitive = sensitive_mask(inst.get("sensitive_attributes"));
            let masks = Masks {
                sensitive: Some(&sensitive),
                ..Masks::default()
            };
            if mode == Mode::Managed {
                if let Some(id) = identity(attrs) {
                    identities.insert(instance.address.clone(), id);
                }
            }
            resources.push(instance.resource(attrs, masks, &refs, locator, &root));
        }
    }
    check_aws(&providers_seen, any_aws, shown, Kind::State)?;
    Ok(locator.finish(Kind::State, root, resources, Vec::new(), identities))
}

/// `provider["registry.terraform.io/hashicorp/aws"]` (or with an alias) is `aws`.
fn provider_of(p: Option<&J>) -> String {
    p.and_then(J::as_str)
        .and_then(|s| s.split('"').nth(1))
        .and_then(|s| s.rsplit('/').next())
        .unwrap_or("unknown")
        .to_string()
}

/// State lists sensitive attributes as paths of steps; turn them into the mirror
/// structure a plan's `after_sensitive` has, `true` at each sensitive leaf.
fn sensitive_mask(paths: Option<&J>) -> J {
    let mut mask = J::Object(serde_json::Map::new());
    for path in paths.and_then(J::as_array).into_iter().flatten() {
        let steps: Vec<&J> = path.as_array().into_iter().flatten().collect();
        let mut node = &mut mask;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            node = match (step.get("type").and_then(J::as_str), step.get("value")) {
                (Some("get_attr"), Some(J::String(k))) => {
                    if !node.is_object() {
                        *node = J::Object(serde_json::Map::new());
                    }
                    match node {
                        J::Object(m) => {
                            let slot = m.entry(k.clone()).or_insert(J::Null);
                            if last {
                                *slot = J::Bool(true);
                            }
                            slot
                        }
                        _ => break,
                    }
                }
                (Some("index"), Some(v)) => {
                    let Some(idx) = v
                        .get("value")
                        .and_then(J::as_u64)
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| *n < 100_000)
                    else {
                        // A map key or an absurd index: mark the whole container.
                        *node = J::Bool(true);
                        break;
                    };
                    if !node.is_array() {
                        *node = J::Array(Vec::new());
                    }
                    match node {
                        J::Array(a) => {
                            if a.len() <= idx {
                                a.resize(idx + 1, J::Null);
                            }
                            match a.get_mut(idx) {
                                Some(slot) => {
                                    if last {
                                        *slot = J::Bool(true);
                                    }
                                    slot
                                }
                                None => break,
                            }
                        }
                        _ => break,
                    }
                }
                _ => break,
            };
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sensitive_paths_become_a_mask() {
        let paths = json!([
            [{"type": "get_attr", "value": "password"}],
            [{"type": "get_attr", "value": "rule"}, {"type": "index", "value": {"value": 1, "type": "number"}}, {"type": "get_attr", "value": "token"}]
        ]);
        let mask = sensitive_mask(Some(&paths));
        assert_eq!(mask["password"], json!(true));
        assert_eq!(mask["rule"][1]["token"], json!(true));
        assert_eq!(
            provider_of(Some(&json!(
                "module.a.provider[\"registry.terraform.io/hashicorp/aws\"].west"
            ))),
            "aws"
        );
    }
}
