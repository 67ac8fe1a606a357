//! `terraform show -json PLANFILE` output (format version 1.x) to resources.
//!
//! Values come from `resource_changes[].change.after`; every `after_unknown` leaf is an
//! explicit unknown carrying what its configuration expression references; sensitive
//! leaves are dropped; module instances and `count`/`for_each` keys come from the
//! addresses. Resources the plan destroys are not judged: they will not exist.

use super::locate::Locator;
use super::references::{module_calls, Call, References};
use super::values::{body_of, Masks};
use super::{check_aws, DocumentError, DocumentResources, Kind};
use crate::model::{Location, Value};
use crate::source::terraform::resource::{Attr, Block, Body, Mode, TfProvider, TfResource};
use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};

/// The plan format's major version this reader understands.
const SUPPORTED_MAJOR: &str = "1";

pub fn read(
    json: &J,
    shown: &str,
    locator: &mut Locator,
) -> Result<DocumentResources, DocumentError> {
    let version = json
        .get("format_version")
        .and_then(J::as_str)
        .unwrap_or_default();
    if version.split('.').next() != Some(SUPPORTED_MAJOR) {
        return Err(DocumentError::Version {
            file: shown.to_string(),
            noun: "plan",
            version: version.to_string(),
            supported: "1.x",
        });
    }
    let changes: &[J] = match json.get("resource_changes") {
        None | Some(J::Null) => &[],
        Some(J::Array(a)) => a,
        Some(_) => {
            return Err(DocumentError::Shape {
                file: shown.to_string(),
                message: "resource_changes is not a list".into(),
            })
        }
    };
    let prior_data = prior_data_sources(json);
    let instances: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| c.get("address").and_then(J::as_str))
        .chain(
            prior_data
                .iter()
                .filter_map(|(_, r)| r.get("address").and_then(J::as_str)),
        )
        .map(str::to_string)
        .collect();
    let refs = References::new(json.get("configuration"), instances);
    let root = locator.root.clone();
    let mut providers_seen = BTreeSet::new();
    let mut any_aws = false;
    let mut resources = Vec::new();
    let mut identities = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for c in changes {
        let Some(instance) = Instance::of(c, c.get("module_address")) else {
            continue;
        };
        let provider = short_provider(c.get("provider_name"));
        let aws = provider == "aws";
        any_aws |= aws;
        providers_seen.insert(provider);
        let change = c.get("change");
        let actions: Vec<&str> = change
            .and_then(|ch| ch.get("actions"))
            .and_then(J::as_array)
            .map(|a| a.iter().filter_map(J::as_str).collect())
            .unwrap_or_default();
        let Some(J::Object(after)) = change.and_then(|ch| ch.get("after")) else {
            // Destroyed (after is null) or not described: nothing will exist to judge.
            continue;
        };
        if !aws || actions == ["delete"] {
            continue;
        }
        seen.insert(instance.address.clone());
        let masks = Masks {
            unknown: change.and_then(|ch| ch.get("after_unknown")),
            sensitive: change.and_then(|ch| ch.get("after_sensitive")),
            expr: refs
                .resource(&instance.config_calls(), &instance.local())
                .and_then(|r| r.get("expressions")),
        };
        if let Some(id) = identity(after) {
            identities.insert(instance.address.clone(), id);
        }
        resources.push(instance.resource(after, masks, &refs, locator, &root));
    }
    for (module, r) in prior_data {
        let Some(instance) = Instance::of(r, module) else {
            continue;
        };
        if seen.contains(&instance.address) || short_provider(r.get("provider_name")) != "aws" {
            continue;
        }
        let Some(J::Object(values)) = r.get("values") else {
            continue;
        };
        let masks = Masks {
            sensitive: r.get("sensitive_values"),
            ..Masks::default()
        };
        resources.push(instance.resource(values, masks, &refs, locator, &root));
    }
    check_aws(&providers_seen, any_aws, shown, Kind::Plan)?;
    Ok(locator.finish(Kind::Plan, root, resources, providers(json), identities))
}

/// One resource instance as the plan addresses it.
pub(super) struct Instance {
    pub address: String,
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    /// `[0]`, `["k"]` or empty.
    pub key: String,
    pub calls: Vec<Call>,
}

impl Instance {
    /// From a resource change or a state resource (`module_address` given apart).
    fn of(r: &J, module: Option<&J>) -> Option<Instance> {
        let address = r.get("address")?.as_str()?.to_string();
        let mode = match r.get("mode").and_then(J::as_str) {
            Some("data") => Mode::Data,
            _ => Mode::Managed,
        };
        let calls = module_calls(module.and_then(J::as_str).unwrap_or_default());
        Some(Instance {
            address,
            mode,
            rtype: r.get("type")?.as_str()?.to_string(),
            name: r.get("name")?.as_str()?.to_string(),
            key: index_key(r.get("index")),
            calls,
        })
    }

    /// The module path without instance keys, as the configuration is written.
    pub fn config_calls(&self) -> Vec<Call> {
        self.calls
            .iter()
            .map(|c| Call {
                name: c.name.clone(),
                key: String::new(),
            })
            .collect()
    }

    /// The address within its module, without key: `aws_s3_bucket.b`.
    pub fn local(&self) -> String {
        match self.mode {
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
        }
    }

    pub fn resource(
        &self,
        values: &serde_json::Map<String, J>,
        masks: Masks,
        refs: &References,
        locator: &mut Locator,
        root: &str,
    ) -> TfResource {
        let (location, module_calls) = locator.resource(
            &self.calls,
            self.mode == Mode::Data,
            &self.rtype,
            &self.name,
            &self.address,
        );
        let own_key = (!self.key.is_empty()).then_some(self.key.as_str());
        let unknown_of = |expr: Option<&J>, path: &str| {
            refs.unknown(expr, &self.calls, own_key, &self.address, path)
        };
        TfResource {
            mode: self.mode,
            rtype: self.rtype.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            body: body_of(values, masks, &location, "", &unknown_of),
            location,
            module_calls,
            root: root.to_string(),
        }
    }
}

/// An instance key as written in addresses.
pub(super) fn index_key(index: Option<&J>) -> String {
    match index {
        Some(J::Number(n)) => format!("[{n}]"),
        Some(J::String(s)) => format!("[{}]", serde_json::to_string(s).unwrap_or_default()),
        _ => String::new(),
    }
}

/// `registry.terraform.io/hashicorp/aws` is `aws`.
pub(super) fn short_provider(name: Option<&J>) -> String {
    name.and_then(J::as_str)
        .and_then(|n| n.rsplit('/').next())
        .unwrap_or("unknown")
        .to_string()
}

/// The real ARN, else the id, of a resource as far as it is known.
pub(super) fn identity(values: &serde_json::Map<String, J>) -> Option<String> {
    ["arn", "id"]
        .iter()
        .find_map(|k| values.get(*k).and_then(J::as_str))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Data sources read while planning, from `prior_state` (every module), with their
/// module address.
fn prior_data_sources(json: &J) -> Vec<(Option<&J>, &J)> {
    let mut out = Vec::new();
    let mut stack: Vec<&J> = json
        .get("prior_state")
        .and_then(|s| s.get("values"))
        .and_then(|v| v.get("root_module"))
        .into_iter()
        .collect();
    while let Some(m) = stack.pop() {
        let module = m.get("address");
        for r in m
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            if r.get("mode").and_then(J::as_str) == Some("data") {
                out.push((module, r));
            }
        }
        stack.extend(
            m.get("child_modules")
                .and_then(J::as_array)
                .into_iter()
                .flatten(),
        );
    }
    out
}

/// The root module's provider configurations, as far as their expressions are
/// constants or root variables (the plan holds the variables' values).
fn providers(json: &J) -> Vec<TfProvider> {
    let variables = json.get("variables");
    let Some(J::Object(configs)) = json
        .get("configuration")
        .and_then(|c| c.get("provider_config"))
    else {
        return Vec::new();
    };
    let location = Location {
        file: String::new(),
        start_line: 1,
        start_column: 1,
        end_line: 1,
        end_column: 1,
    };
    configs
        .values()
        .filter(|p| p.get("module_address").is_none())
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_string();
            let body = match p.get("expressions") {
                Some(J::Object(e)) => expressions_body(e, variables, &location),
                _ => Body::default(),
            };
            Some(TfProvider {
                name,
                body,
                location: location.clone(),
            })
        })
        .collect()
}

/// A configuration block's expressions as a body: constants as values, a lone root
/// variable as its value, anything else unknown.
fn expressions_body(
    exprs: &serde_json::Map<String, J>,
    variables: Option<&J>,
    location: &Location,
) -> Body {
    let mut body = Body::default();
    for (k, e) in exprs {
        match e {
            J::Array(blocks) => body.blocks.extend(blocks.iter().filter_map(|b| {
                Some(Block {
                    kind: k.clone(),
                    labels: Vec::new(),
                    body: expressions_body(b.as_object()?, variables, location),
                    location: location.clone(),
                })
            })),
            _ => {
                let value = match (e.get("constant_value"), e.get("references")) {
                    (Some(c), _) => Value::from_json(c),
                    (None, Some(J::Array(r))) => match r.as_slice() {
                        [J::String(v)] => v
                            .strip_prefix("var.")
                            .and_then(|name| variables?.get(name)?.get("value"))
                            .map_or_else(Value::unresolved, Value::from_json),
                        _ => Value::unresolved(),
                    },
                    _ => Value::unresolved(),
                };
                body.attrs.insert(
                    k.clone(),
                    Attr {
                        value,
                        location: location.clone(),
                    },
                );
            }
        }
    }
    body
}
