//! A plan's `configuration` as a reference graph: what an unknown value depends on.
//!
//! `after_unknown` says only *that* a value is unknown; the configuration expression
//! that wrote it says *what it depends on* (`references`). Followed through module
//! outputs and input variables down to resource instances, those references let a
//! bucket whose key is created in the same plan still be seen to use that
//! customer-managed key, which is where scanners that read `after` alone go wrong.

use crate::model::value::Unknown;
use crate::model::Value;
use serde_json::Value as J;
use std::collections::BTreeSet;

/// How deep module outputs and variables are followed; real chains are a few deep.
const MAX_DEPTH: usize = 32;

/// One module call on the path to a module instance: the call's name and its
/// instance key as written in addresses (`["a"]`, `[0]`, or empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub key: String,
}

/// Split a module instance address (`module.a["x"].module.b`) into its calls.
pub fn module_calls(address: &str) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after.find(['.', '[']).unwrap_or(after.len());
        let name = after.get(..name_end).unwrap_or_default().to_string();
        let mut tail = after.get(name_end..).unwrap_or_default();
        let mut key = String::new();
        if tail.starts_with('[') {
            let end = index_end(tail);
            key = tail.get(..end).unwrap_or_default().to_string();
            tail = tail.get(end..).unwrap_or_default();
        }
        calls.push(Call { name, key });
        rest = tail.strip_prefix('.').unwrap_or_default();
    }
    calls
}

/// `NAME[KEY]rest` split into the name, the instance key as written (`["a"]`, `[0]`)
/// if there is one, and the rest: module outputs and resource references name their
/// instance the same way.
fn name_key_tail(rest: &str) -> (&str, Option<String>, &str) {
    let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = rest.get(..name_end).unwrap_or_default();
    let mut tail = rest.get(name_end..).unwrap_or_default();
    let mut key = None;
    if tail.starts_with('[') {
        let end = index_end(tail);
        key = tail.get(..end).map(str::to_string);
        tail = tail.get(end..).unwrap_or_default();
    }
    (name, key, tail)
}

/// The byte length of a leading `[...]` index (quotes may hold brackets and dots).
pub fn index_end(s: &str) -> usize {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The address prefix of a module instance (`module.a["x"].`, empty for the root).
pub fn prefix(calls: &[Call]) -> String {
    calls
        .iter()
        .map(|c| format!("module.{}{}.", c.name, c.key))
        .collect()
}

/// The configuration and the resource instances of one plan.
pub struct References<'a> {
    root: Option<&'a J>,
    instances: BTreeSet<String>,
}

impl<'a> References<'a> {
    /// `configuration` is the plan's `configuration` object; `instances` every
    /// resource and data source instance address the plan knows.
    pub fn new(configuration: Option<&'a J>, instances: BTreeSet<String>) -> References<'a> {
        References {
            root: configuration.and_then(|c| c.get("root_module")),
            instances,
        }
    }

    /// The configuration of the module at a path of calls.
    pub fn module(&self, calls: &[Call]) -> Option<&'a J> {
        let mut m = self.root?;
        for c in calls {
            m = m.get("module_calls")?.get(&c.name)?.get("module")?;
        }
        Some(m)
    }

    /// A resource's configuration (`expressions`, `provider_config_key`, ...), by its
    /// address within its module (`aws_s3_bucket.b`, `data.aws_iam_policy_document.p`).
    pub fn resource(&self, calls: &[Call], local: &str) -> Option<&'a J> {
        self.module(calls)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(J::as_str) == Some(local))
    }

    /// The unknown value an expression leaves: the resource instances it depends on
    /// (through outputs and variables), or, when the configuration says nothing (a
    /// computed attribute the configuration does not set), the resource's own
    /// attribute.
    pub fn unknown(
        &self,
        expr: Option<&J>,
        calls: &[Call],
        own_key: Option<&str>,
        own_address: &str,
        path: &str,
    ) -> Value {
        let listed = expr.map(references_of).unwrap_or_default();
        if listed.is_empty() {
            return Value::reference(format!("{own_address}.{path}"));
        }
        let mut out = Unknown::default();
        for r in most_specific(&listed) {
            self.resolve(r, calls, own_key, 0, &mut out);
        }
        out.refs.sort();
        out.refs.dedup();
        Value::Unknown(Box::new(out))
    }

    fn resolve(
        &self,
        r: &str,
        calls: &[Call],
        own_key: Option<&str>,
        depth: usize,
        out: &mut Unknown,
    ) {
        if depth > MAX_DEPTH {
            out.unresolved = true;
            return;
        }
        let mut parts = r.splitn(2, '.');
        let first = parts.next().unwrap_or_default();
        let rest = parts.next().unwrap_or_default();
        match first {
            "var" => self.variable(rest, calls, depth, out),
            // Locals are not in the plan's configuration: what they hold is not known.
            "local" => out.unresolved = true,
            // Known during the plan.
            "count" | "each" | "path" | "terraform" | "self" => {}
            "module" => self.output(rest, calls, depth, out),
            "data" => {
                let mut segs = rest.splitn(2, '.');
                let rtype = segs.next().unwrap_or_default();
                let after = segs.next().unwrap_or_default();
                self.resource_ref(&format!("data.{rtype}"), after, calls, own_key, out);
            }
            rtype => self.resource_ref(rtype, rest, calls, own_key, out),
        }
    }

    /// `var.NAME` inside a module: what the calling module passed.
    fn variable(&self, rest: &str, calls: &[Call], depth: usize, out: &mut Unknown) {
        let name = rest.split(['.', '[']).next().unwrap_or_default();
        let Some((call, parent)) = calls.split_last() else {
            // A root input variable has its value in the plan.
            return;
        };
        let expr = self
            .module(parent)
            .and_then(|m| m.get("module_calls"))
            .and_then(|c| c.get(&call.name))
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(name));
        for r in most_specific(&expr.map(references_of).unwrap_or_default()) {
            self.resolve(r, parent, None, depth + 1, out);
        }
    }

    /// `module.NAME.OUTPUT` (or `module.NAME[KEY].OUTPUT`): what the output refers to,
    /// in every instance of the call when no key is given.
    fn output(&self, rest: &str, calls: &[Call], depth: usize, out: &mut Unknown) {
        let (name, key, tail) = name_key_tail(rest);
        let output = tail
            .strip_prefix('.')
            .unwrap_or_default()
            .split(['.', '['])
            .next()
            .unwrap_or_default();
        let keys = match key {
            Some(k) => vec![k],
            None => self.call_keys(&format!("{}module.{name}", prefix(calls))),
        };
        let mut callee: Vec<Call> = calls.to_vec();
        callee.push(Call {
            name: name.to_string(),
            key: String::new(),
        });
        let expr = self
            .module(&callee)
            .and_then(|m| m.get("outputs"))
            .and_then(|o| o.get(output))
            .and_then(|o| o.get("expression"));
        let Some(expr) = expr else {
            out.unresolved = true;
            return;
        };
        let listed = references_of(expr);
        for k in keys {
            if let Some(last) = callee.last_mut() {
                last.key = k;
            }
            for r in most_specific(&listed) {
                self.resolve(r, &callee, None, depth + 1, out);
            }
        }
    }

    /// The instance addresses that start with `prefix`, in order, without a scan of
    /// the others.
    fn starting_with<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s String> + 's {
        self.instances
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |a| a.starts_with(prefix))
    }

    /// The instance keys of a module call seen in the plan's addresses (empty key for
    /// a call without count or for_each).
    fn call_keys(&self, call: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .starting_with(call)
            .filter_map(|a| {
                let tail = a.strip_prefix(call)?;
                if tail.starts_with('.') {
                    Some(String::new())
                } else if tail.starts_with('[') {
                    tail.get(..index_end(tail)).map(str::to_string)
                } else {
                    None
                }
            })
            .collect();
        keys.sort();
        keys.dedup();
        if keys.is_empty() {
            keys.push(String::new());
        }
        keys
    }

    /// `TYPE.NAME[KEY].attr`: the instances it names. Without a key, the instance with
    /// the referring resource's own key when there is one (`aws_kms_key.k[count.index]`
    /// lists only `aws_kms_key.k`), else every instance.
    fn resource_ref(
        &self,
        head: &str,
        rest: &str,
        calls: &[Call],
        own_key: Option<&str>,
        out: &mut Unknown,
    ) {
        let (name, key, tail) = name_key_tail(rest);
        let base = format!("{}{head}.{name}", prefix(calls));
        let attr = if tail.is_empty() { ".id" } else { tail };
        let candidates: Vec<String> = match key {
            Some(k) => vec![format!("{base}{k}")],
            None => {
                // Looked up first: a resource with many instances is referred to by
                // as many, each needing only its own.
                match own_key
                    .map(|k| format!("{base}{k}"))
                    .filter(|o| self.instances.contains(o))
                {
                    Some(o) => vec![o],
                    None => {
                        let all: Vec<String> = self
                            .starting_with(&base)
                            .filter(|a| {
                                a.strip_prefix(base.as_str()).is_some_and(|t| {
                                    t.is_empty() || (t.starts_with('[') && index_end(t) == t.len())
                                })
                            })
                            .cloned()
                            .collect();
                        if all.is_empty() {
                            vec![base.clone()]
                        } else {
                            all
                        }
                    }
                }
            }
        };
        out.refs
            .extend(candidates.into_iter().map(|c| format!("{c}{attr}")));
    }
}

/// The `references` of a configuration expression.
fn references_of(expr: &J) -> Vec<String> {
    expr.get("references")
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Terraform lists a reference with each of its prefixes (`aws_kms_key.k.arn`,
/// `aws_kms_key.k`): keep only the longest of each.
fn most_specific(listed: &[String]) -> Vec<&str> {
    listed
        .iter()
        .filter(|r| {
            !listed.iter().any(|other| {
                other.len() > r.len()
                    && other.starts_with(r.as_str())
                    && matches!(other.as_bytes().get(r.len()), Some(b'.') | Some(b'['))
            })
        })
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn module_addresses_split_with_quoted_keys() {
        assert_eq!(
            module_calls("module.a[\"x.y]\"].module.b"),
            vec![
                Call {
                    name: "a".into(),
                    key: "[\"x.y]\"]".into()
                },
                Call {
                    name: "b".into(),
                    key: String::new()
                }
            ]
        );
        assert!(module_calls("").is_empty());
    }

    #[test]
    fn references_follow_outputs_and_variables_to_instances() {
        let config = json!({"root_module": {
            "module_calls": {
                "kms": {"module": {"outputs": {"arn": {"expression": {"references": ["aws_kms_key.this[0].arn", "aws_kms_key.this[0]", "aws_kms_key.this"]}}}}},
                "bucket": {
                    "expressions": {"key": {"references": ["module.kms.arn", "module.kms"]}},
                    "module": {}
                }
            }
        }});
        let instances: BTreeSet<String> = [
            "module.kms.aws_kms_key.this[0]",
            "module.bucket.aws_s3_bucket.b",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        let refs = References::new(Some(&config), instances);
        let calls = module_calls("module.bucket");
        let expr = json!({"references": ["var.key"]});
        let v = refs.unknown(
            Some(&expr),
            &calls,
            None,
            "module.bucket.aws_s3_bucket.b",
            "x",
        );
        assert_eq!(
            v,
            Value::reference("module.kms.aws_kms_key.this[0].arn".into())
        );
    }

    #[test]
    fn count_index_picks_the_same_instance_and_locals_are_unresolved() {
        let instances: BTreeSet<String> = ["aws_kms_key.k[0]", "aws_kms_key.k[1]"]
            .into_iter()
            .map(String::from)
            .collect();
        let refs = References::new(None, instances);
        let expr = json!({"references": ["aws_kms_key.k", "count.index"]});
        let v = refs.unknown(Some(&expr), &[], Some("[1]"), "aws_s3_bucket.b[1]", "x");
        assert_eq!(v, Value::reference("aws_kms_key.k[1].id".into()));
        let local = json!({"references": ["local.key"]});
        let Value::Unknown(u) = refs.unknown(Some(&local), &[], None, "a.b", "x") else {
            panic!("unknown")
        };
        assert!(u.unresolved && u.refs.is_empty());
        // No configuration expression: the resource's own computed attribute.
        assert_eq!(
            refs.unknown(None, &[], None, "aws_s3_bucket.b", "arn"),
            Value::reference("aws_s3_bucket.b.arn".into())
        );
    }
}
