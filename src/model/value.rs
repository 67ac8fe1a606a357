//! The dynamic value every source produces before adapters type it.
//!
//! Terraform expressions and AWS JSON documents both evaluate to [`Value`]. The one
//! thing that sets it apart from a JSON value is [`Value::Unknown`]: a value that the
//! scanner cannot know (computed after apply, a variable without a value, a function it
//! does not evaluate). Unknowns propagate through operations instead of failing them, so
//! a rule can say `unknown` rather than pass or fail on a guess.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Character standing for an unknown part inside a partly known string, e.g. the
/// shape of `"arn:aws:s3:::${var.bucket}/*"` is `"arn:aws:s3:::\u{FFFC}/*"`.
pub const HOLE: char = '\u{FFFC}';

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets (sets are kept sorted and de-duplicated).
    List(Vec<Value>),
    /// Maps and objects; Terraform orders keys lexically, so does a BTreeMap.
    Map(BTreeMap<String, Value>),
    /// A JSON string whose content is only partly known (`jsonencode` of a value with
    /// unknown leaves, or `data.aws_iam_policy_document.x.json`). Keeping the
    /// structure lets policy rules judge the known statements.
    Json(Box<Value>),
    Unknown(Box<Unknown>),
}

/// What is known about an unknown value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unknown {
    /// Managed resources or data sources whose computed attributes it depends on,
    /// as `module.a.aws_s3_bucket.b["k"].arn`. A value that is *only* such references
    /// is the id/ARN of a specific resource, never a wildcard.
    pub refs: Vec<String>,
    /// For strings built from a template: the literal parts with [`HOLE`] where an
    /// unknown part goes.
    pub shape: Option<String>,
    /// Whether anything other than a resource reference made it unknown (an input
    /// variable without value, an unsupported function, an evaluation error).
    pub unresolved: bool,
}

impl Value {
    pub fn unresolved() -> Value {
        Value::Unknown(Box::new(Unknown {
            unresolved: true,
            ..Unknown::default()
        }))
    }

    pub fn reference(target: String) -> Value {
        Value::Unknown(Box::new(Unknown {
            refs: vec![target],
            ..Unknown::default()
        }))
    }

    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True when this value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) | Value::Json(_) => true,
            Value::List(items) => items.iter().any(Value::contains_unknown),
            Value::Map(map) => map.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    /// True when some unknown inside is not a plain resource reference.
    pub fn contains_unresolved(&self) -> bool {
        match self {
            Value::Unknown(u) => u.unresolved,
            Value::Json(inner) => inner.contains_unresolved(),
            Value::List(items) => items.iter().any(Value::contains_unresolved),
            Value::Map(map) => map.values().any(Value::contains_unresolved),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Terraform's automatic conversion to string, for templates and string
    /// functions. `None` for values that have no string form (collections).
    pub fn to_tf_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Json(_) => None,
            _ => None,
        }
    }

    /// Terraform's automatic conversion to bool (`"true"`/`"false"` strings convert).
    pub fn to_tf_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to number (numeric strings convert).
    pub fn to_tf_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }

    /// The references to managed resources that this value depends on.
    pub fn refs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Value::Unknown(u) => out.extend(u.refs.iter().map(String::as_str)),
            Value::Json(inner) => inner.collect_refs(out),
            Value::List(items) => items.iter().for_each(|v| v.collect_refs(out)),
            Value::Map(map) => map.values().for_each(|v| v.collect_refs(out)),
            _ => {}
        }
    }

    /// Merge everything known about the unknown parts of `values` into one unknown.
    pub fn unknown_from<'a>(values: impl IntoIterator<Item = &'a Value>) -> Value {
        let mut merged = Unknown::default();
        let mut any = false;
        for v in values {
            any = true;
            match v {
                Value::Unknown(u) => {
                    merged.refs.extend(u.refs.iter().cloned());
                    merged.unresolved |= u.unresolved;
                }
                other => {
                    let mut refs = Vec::new();
                    other.collect_refs(&mut refs);
                    merged.refs.extend(refs.into_iter().map(str::to_owned));
                    merged.unresolved |= other.contains_unresolved();
                }
            }
        }
        if !any {
            merged.unresolved = true;
        }
        merged.refs.sort();
        merged.refs.dedup();
        Value::Unknown(Box::new(merged))
    }

    /// Convert a JSON document (AWS API answer, `jsondecode`, heredoc policy).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Convert to JSON; `None` when any part is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect::<Option<_>>()?)
            }
            Value::Map(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| Some((k.clone(), v.to_json()?)))
                    .collect::<Option<_>>()?,
            ),
            Value::Json(_) | Value::Unknown(_) => return None,
        })
    }

    /// A short human description for messages ("a list of 3", "\"AES256\"").
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => format_number(*n),
            Value::String(s) => format!("{s:?}"),
            Value::List(items) => format!("a list of {}", items.len()),
            Value::Map(map) => format!("an object with {} keys", map.len()),
            Value::Json(_) => "a partly known JSON document".into(),
            Value::Unknown(u) => {
                let mut s = String::from("unknown");
                if let Some(first) = u.refs.first() {
                    let _ = write!(s, " (depends on {first})");
                }
                s
            }
        }
    }

    /// Terraform type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) | Value::Json(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// Format a number as Terraform does: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn unknown_merge_keeps_refs_and_reasons() {
        let a = Value::reference("aws_s3_bucket.a.arn".into());
        let b = Value::unresolved();
        let Value::Unknown(u) = Value::unknown_from([&a, &b]) else {
            panic!("expected unknown")
        };
        assert_eq!(u.refs, vec!["aws_s3_bucket.a.arn".to_string()]);
        assert!(u.unresolved);
    }

    #[test]
    fn json_round_trip_of_known_values() {
        let json: serde_json::Value = serde_json::json!({"a": [1, "x", true, null]});
        assert_eq!(Value::from_json(&json).to_json(), Some(json));
    }
}
