//! JSON resource values (a plan's `after`, a state's `attributes`) to the evaluated
//! [`Body`] the adapters read, with unknown and sensitive leaves made explicit.
//!
//! JSON has no schema to tell a nested block from an attribute: Terraform writes
//! blocks as lists of objects, and an AWS resource attribute is almost never one, so a
//! non-empty list of objects is read as blocks (an empty one stays an empty attribute
//! list, which no adapter reads as a block).
//!
//! An unknown leaf is an explicit unknown with what its configuration expression
//! references, never absent and never false. One exception, when the configuration of
//! the resource is at hand: a leaf the configuration does not set is the provider's
//! computed value (every bucket's legacy `policy`, `acl` and `versioning` are unknown
//! in a plan), not a setting of this configuration; it is absent, as in HCL.

use crate::model::{Location, Value};
use crate::source::terraform::resource::{Attr, Block, Body};
use serde_json::Value as J;

/// What travels beside a value: the mirror structures that mark unknown
/// (`after_unknown`) and sensitive (`after_sensitive`) leaves, and the configuration
/// expression that wrote it (for the references of an unknown).
#[derive(Clone, Copy, Default)]
pub struct Masks<'a> {
    pub unknown: Option<&'a J>,
    pub sensitive: Option<&'a J>,
    /// The `expressions` object of a block, or one attribute's expression.
    pub expr: Option<&'a J>,
}

impl<'a> Masks<'a> {
    fn key(&self, k: &str) -> Masks<'a> {
        Masks {
            unknown: self.unknown.and_then(|u| u.get(k)),
            sensitive: self.sensitive.and_then(|s| s.get(k)),
            expr: self.expr.and_then(|e| e.get(k)),
        }
    }

    /// An element of an attribute's value: the expression stays the attribute's.
    fn element(&self, m: Masks<'a>) -> Masks<'a> {
        Masks {
            expr: self.expr,
            ..m
        }
    }

    fn index(&self, i: usize) -> Masks<'a> {
        Masks {
            unknown: self.unknown.and_then(|u| u.get(i)),
            sensitive: self.sensitive.and_then(|s| s.get(i)),
            expr: self.expr.and_then(|e| e.get(i)),
        }
    }

    fn unknown_here(&self) -> bool {
        self.unknown == Some(&J::Bool(true))
    }

    fn sensitive_here(&self) -> bool {
        self.sensitive == Some(&J::Bool(true))
    }
}

/// Makes the unknown value of a leaf from its configuration expression (with the
/// references it depends on) and the leaf's attribute path.
pub type UnknownOf<'f> = &'f dyn Fn(Option<&J>, &str) -> Value;

/// A value the scanner must never show: it stays out of every output by becoming an
/// unknown, as if it had never been read.
pub fn sensitive() -> Value {
    Value::unresolved()
}

/// An object of attributes to a body, every attribute and block at `location`.
pub fn body_of(
    attrs: &serde_json::Map<String, J>,
    masks: Masks,
    location: &Location,
    path: &str,
    unknown_of: UnknownOf,
) -> Body {
    let mut body = Body::default();
    let mut keys: Vec<&str> = attrs.keys().map(String::as_str).collect();
    if let Some(J::Object(u)) = masks.unknown {
        keys.extend(
            u.iter()
                .filter(|(_, v)| **v == J::Bool(true))
                .map(|(k, _)| k.as_str()),
        );
    }
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let m = masks.key(key);
        let here = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        if m.unknown_here() {
            // The configuration is at hand and does not set it: the provider computes
            // it (an `arn`, or the echo of a setting other resources make, such as a
            // bucket's legacy `policy`). Not configured here, as in HCL.
            if m.expr.is_none() && masks.expr.is_some() {
                continue;
            }
            // Nested blocks are written as a list in the configuration: a block
            // whose content is unknown may be there or not.
            if matches!(m.expr, Some(J::Array(_))) {
                body.unknown_blocks.insert(key.to_string());
            }
            let value = if m.sensitive_here() {
                sensitive()
            } else {
                unknown_of(m.expr, &here)
            };
            body.attrs.insert(
                key.to_string(),
                Attr {
                    value,
                    location: location.clone(),
                },
            );
            continue;
        }
        let Some(v) = attrs.get(key) else { continue };
        match v {
            J::Array(items) if !items.is_empty() && items.iter().all(J::is_object) => {
                for (i, item) in items.iter().enumerate() {
                    let mi = m.index(i);
                    if mi.unknown_here() {
                        body.unknown_blocks.insert(key.to_string());
                        continue;
                    }
                    if let J::Object(obj) = item {
                        body.blocks.push(Block {
                            kind: key.to_string(),
                            labels: Vec::new(),
                            body: body_of(obj, mi, location, &here, unknown_of),
                            location: location.clone(),
                        });
                    }
                }
            }
            _ => {
                body.attrs.insert(
                    key.to_string(),
                    Attr {
                        value: value_of(v, m, &here, unknown_of),
                        location: location.clone(),
                    },
                );
            }
        }
    }
    body
}

/// One attribute's value, with its unknown and sensitive leaves.
pub fn value_of(v: &J, masks: Masks, path: &str, unknown_of: UnknownOf) -> Value {
    if masks.sensitive_here() {
        return sensitive();
    }
    if masks.unknown_here() {
        return unknown_of(masks.expr, path);
    }
    match v {
        J::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| value_of(item, masks.element(masks.index(i)), path, unknown_of))
                .collect(),
        ),
        J::Object(map) => Value::Map(
            map.iter()
                .map(|(k, item)| {
                    (
                        k.clone(),
                        value_of(item, masks.element(masks.key(k)), path, unknown_of),
                    )
                })
                .collect(),
        ),
        other => Value::from_json(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn loc() -> Location {
        Location {
            file: "plan.json".into(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
        }
    }

    fn unknown(_: Option<&J>, path: &str) -> Value {
        Value::reference(format!("self.{path}"))
    }

    /// The body of a resource whose `after` is the object `after`.
    fn body(after: &J, masks: Masks) -> Body {
        let J::Object(attrs) = after else {
            panic!("object")
        };
        body_of(attrs, masks, &loc(), "", &unknown)
    }

    #[test]
    fn unknown_leaves_are_explicit_and_blocks_nest() {
        let after = json!({
            "bucket": "b",
            "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}],
            "tags": {"a": "1"}
        });
        let unknown_mask = json!({
            "arn": true,
            "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]
        });
        let body = body(
            &after,
            Masks {
                unknown: Some(&unknown_mask),
                ..Masks::default()
            },
        );
        assert!(body.get("arn").is_some_and(Value::is_unknown));
        let Some(default) = body.blocks("rule").next().and_then(|r| {
            r.body
                .blocks("apply_server_side_encryption_by_default")
                .next()
        }) else {
            panic!("nested blocks")
        };
        assert_eq!(
            default.body.get("kms_master_key_id"),
            Some(&Value::reference(
                "self.rule.apply_server_side_encryption_by_default.kms_master_key_id".into()
            ))
        );
        assert_eq!(
            default.body.get("sse_algorithm"),
            Some(&Value::str("aws:kms"))
        );
    }

    #[test]
    fn computed_leaves_the_configuration_does_not_set_are_absent() {
        let after = json!({"bucket": "b"});
        let unknown_mask = json!({"policy": true, "kms": true});
        let exprs = json!({"bucket": {"constant_value": "b"}, "kms": {"references": ["aws_kms_key.k.arn"]}});
        let body = body(
            &after,
            Masks {
                unknown: Some(&unknown_mask),
                expr: Some(&exprs),
                ..Masks::default()
            },
        );
        assert!(body.get("policy").is_none());
        assert!(body.get("kms").is_some_and(Value::is_unknown));
    }

    #[test]
    fn sensitive_leaves_never_keep_their_value() {
        let after = json!({"password": "hunter2", "nested": {"token": "t", "ok": "x"}});
        let sensitive_mask = json!({"password": true, "nested": {"token": true}});
        let body = body(
            &after,
            Masks {
                sensitive: Some(&sensitive_mask),
                ..Masks::default()
            },
        );
        let shown = format!("{body:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("\"t\""),
            "{shown}"
        );
        assert!(shown.contains("\"x\""));
    }
}
