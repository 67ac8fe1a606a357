//! One `PolicyDocument` type for every policy-shaped document: identity policies,
//! trust policies, bucket, key, queue and topic policies.
//!
//! Documents come from JSON text, `jsonencode(...)`, heredocs, evaluated
//! `aws_iam_policy_document` data sources, or AWS API answers; all of them arrive as a
//! [`Value`] and are parsed here. Parts that are unknown stay unknown
//! ([`PStr::Unknown`]) so the analyzer can answer "cannot decide".
//!
//! The analyzer every policy-shaped rule uses lives in the submodules, exposed as
//! methods on these types:
//! - actions, resources and picking statements: [`PList::matches_action`],
//!   [`Statement::grants_action`], [`Statement::applies_to_any_resource`],
//!   [`PolicyDocument::statements_where`] (`analyze`);
//! - principals: [`Statement::principal_is_public`], [`Statement::principal_accounts`]
//!   (`principal`);
//! - conditions: [`Statement::has_restricting_condition`],
//!   [`Statement::requires_external_id`] (`condition`);
//! - encryption in transit: [`PolicyDocument::denies_insecure_transport`] (`transport`);
//! - privilege escalation: [`PolicyDocument::escalation_paths`] (`escalation`, paths in
//!   `rules/data/privilege-escalation.toml`).
//!
//! Every predicate answers `Option<bool>`: `None` means "cannot decide, something is
//! unknown". The analyzer never guesses a value for an unknown part.

mod analyze;
mod aws_managed;
mod condition;
mod escalation;
mod pattern;
mod principal;
mod transport;

pub use analyze::{ServiceWildcards, StatementMatch, StatementRef};
pub use aws_managed::{aws_managed_document, aws_managed_path};
pub use escalation::{escalation_catalogue, ActionGrant, Escalation, EscalationPath};
pub use pattern::ResourceScope;
pub(crate) use pattern::{all3, any3, glob};
pub use principal::PrincipalRef;

use super::value::{Unknown, Value, HOLE};
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum PolicyError {
    #[error("policy is not valid JSON: {0}")]
    Json(String),
    #[error("policy document is {0}, expected an object with a Statement")]
    Shape(String),
}

/// A string inside a policy: known, or unknown with what is known about it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PStr {
    Lit(String),
    Unknown {
        /// Resource references it depends on (a managed resource's ARN is never `*`).
        refs: Vec<String>,
        /// Literal parts with U+FFFC holes, when built from a template.
        shape: Option<String>,
        /// Something other than a resource reference is unknown too (a variable
        /// without value, an unsupported function): then the unknown parts could be
        /// anything, `*` included, even when `refs` is not empty.
        unresolved: bool,
    },
}

impl PStr {
    fn from_unknown(u: &Unknown) -> PStr {
        PStr::Unknown {
            refs: u.refs.clone(),
            shape: u.shape.clone(),
            unresolved: u.unresolved || u.refs.is_empty(),
        }
    }

    /// An unknown string whose unknown parts are only references to managed
    /// resources: its holes hold names, ids or ARNs, never wildcards.
    pub fn holes_are_names(&self) -> bool {
        matches!(self, PStr::Unknown { refs, unresolved: false, .. } if !refs.is_empty())
    }

    pub fn lit(&self) -> Option<&str> {
        match self {
            PStr::Lit(s) => Some(s),
            PStr::Unknown { .. } => None,
        }
    }

    /// Whether this string could be the pattern `*` (matching everything).
    /// `Some(false)` for literals other than `*` and for unknowns that are clearly
    /// something else (a reference to a managed resource, a template with literal text).
    pub fn is_star(&self) -> Option<bool> {
        match self {
            PStr::Lit(s) => Some(s == "*"),
            PStr::Unknown { shape, .. } => {
                if let Some(shape) = shape {
                    if shape.chars().any(|c| c != HOLE && c != '*') {
                        return Some(false);
                    }
                }
                if self.holes_are_names() {
                    // Only references to managed resources' ids/ARNs/names.
                    return Some(false);
                }
                None
            }
        }
    }

    /// The literal text, or the template shape with holes.
    pub fn text_or_shape(&self) -> Option<&str> {
        match self {
            PStr::Lit(s) => Some(s),
            PStr::Unknown { shape, .. } => shape.as_deref(),
        }
    }

    /// As written, for messages: `${...}` stands for each unknown part.
    pub fn written(&self) -> String {
        match self.text_or_shape() {
            Some(t) => t.replace(HOLE, "${...}"),
            None => "${...}".to_string(),
        }
    }
}

/// A list-valued field (`Action`, `Resource`, a principal list, condition values).
/// `unknown_list` is set when the list itself, not one element, is unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PList {
    pub items: Vec<PStr>,
    pub unknown_list: bool,
}

impl PList {
    /// The items as written, for messages: `s3:GetObject, s3:PutObject`.
    pub fn written(&self) -> String {
        let items: Vec<String> = self.items.iter().map(PStr::written).collect();
        items.join(", ")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal` / `NotPrincipal`: `"*"` or a map of kind (`AWS`, `Service`,
/// `Federated`, `CanonicalUser`) to values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Principals {
    /// The bare `"Principal": "*"`.
    Everyone,
    Map(Vec<(String, PList)>),
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    /// `StringEquals`, `Bool`, `ForAnyValue:StringLike`, ...
    pub operator: String,
    /// `aws:SecureTransport`, `aws:PrincipalOrgID`, ... as written.
    pub key: String,
    pub values: PList,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    pub sid: Option<String>,
    /// `None` when the effect is unknown.
    pub effect: Option<Effect>,
    pub action: Option<PList>,
    pub not_action: Option<PList>,
    pub resource: Option<PList>,
    pub not_resource: Option<PList>,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    pub conditions: Vec<Condition>,
    /// The condition block itself is unknown.
    pub conditions_unknown: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
    /// Some statements could not be read at all (e.g. `Statement = var.statements`).
    pub statements_unknown: bool,
}

impl PolicyDocument {
    /// Parse a policy from any value: JSON text, a decoded object, or a partly known
    /// JSON string. Returns `Ok(None)` when the whole document is unknown.
    pub fn from_value(value: &Value) -> Result<Option<PolicyDocument>, PolicyError> {
        match value {
            Value::String(text) => {
                let json: serde_json::Value = serde_json::from_str(text)
                    .map_err(|e| PolicyError::Json(format!("line {}: {e}", e.line())))?;
                Self::from_object(&Value::from_json(&json)).map(Some)
            }
            Value::Json(inner) => Self::from_value(inner),
            Value::Map(_) => Self::from_object(value).map(Some),
            // A heredoc or template policy that interpolates values known only after
            // apply (`"Resource": "${aws_s3_bucket.b.arn}/*"`): its literal text is
            // still a policy, with unknown strings where the interpolations go.
            Value::Unknown(u) => match u.shape.as_deref().map(serde_json::from_str) {
                Some(Ok(json)) => {
                    Self::from_object(&with_unknown_holes(Value::from_json(&json), u)).map(Some)
                }
                // Holes outside strings (`"Resource": ${jsonencode(var.arns)}`) leave
                // no parseable text: the whole document is unknown.
                Some(Err(_)) | None => Ok(None),
            },
            other => Err(PolicyError::Shape(other.type_name().to_string())),
        }
    }

    /// Parse from AWS API JSON text, which IAM returns URL-encoded.
    pub fn from_api_text(text: &str) -> Result<PolicyDocument, PolicyError> {
        let decoded = if text.trim_start().starts_with('%') || text.contains("%7B") {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        } else {
            text.to_string()
        };
        let json: serde_json::Value = serde_json::from_str(&decoded)
            .map_err(|e| PolicyError::Json(format!("line {}: {e}", e.line())))?;
        Self::from_object(&Value::from_json(&json))
    }

    fn from_object(value: &Value) -> Result<PolicyDocument, PolicyError> {
        let Some(map) = value.as_map() else {
            return Err(PolicyError::Shape(value.type_name().to_string()));
        };
        let mut doc = PolicyDocument::default();
        match map.get("Statement") {
            None | Some(Value::Null) => {}
            Some(Value::List(items)) => {
                for item in items {
                    match item {
                        Value::Map(_) => doc.statements.push(Statement::from_value(item)),
                        Value::Unknown(_) => doc.statements_unknown = true,
                        other => {
                            return Err(PolicyError::Shape(format!(
                                "a Statement of type {}",
                                other.type_name()
                            )))
                        }
                    }
                }
            }
            Some(single @ Value::Map(_)) => doc.statements.push(Statement::from_value(single)),
            Some(Value::Unknown(_)) | Some(Value::Json(_)) => doc.statements_unknown = true,
            Some(other) => {
                return Err(PolicyError::Shape(format!(
                    "a Statement of type {}",
                    other.type_name()
                )))
            }
        }
        Ok(doc)
    }
}

impl Statement {
    fn from_value(value: &Value) -> Statement {
        let get = |k: &str| value.get(k);
        let effect = match get("Effect") {
            Some(Value::String(s)) if s == "Allow" => Some(Effect::Allow),
            Some(Value::String(s)) if s == "Deny" => Some(Effect::Deny),
            _ => None,
        };
        let (conditions, conditions_unknown) = match get("Condition") {
            None | Some(Value::Null) => (Vec::new(), false),
            Some(Value::Map(ops)) => {
                let mut out = Vec::new();
                let mut unknown = false;
                for (op, keys) in ops {
                    match keys {
                        Value::Map(keys) => {
                            for (key, values) in keys {
                                out.push(Condition {
                                    operator: op.clone(),
                                    key: key.clone(),
                                    values: plist(values),
                                });
                            }
                        }
                        _ => unknown = true,
                    }
                }
                (out, unknown)
            }
            Some(_) => (Vec::new(), true),
        };
        Statement {
            sid: get("Sid").and_then(Value::as_str).map(str::to_owned),
            effect,
            action: get("Action").map(plist),
            not_action: get("NotAction").map(plist),
            resource: get("Resource").map(plist),
            not_resource: get("NotResource").map(plist),
            principal: get("Principal").map(principals),
            not_principal: get("NotPrincipal").map(principals),
            conditions,
            conditions_unknown,
        }
    }
}

fn pstr(value: &Value) -> PStr {
    match value {
        Value::Unknown(u) => PStr::from_unknown(u),
        other => match other.to_tf_string() {
            Some(s) => PStr::Lit(s),
            None => PStr::Unknown {
                refs: Vec::new(),
                shape: None,
                unresolved: true,
            },
        },
    }
}

fn plist(value: &Value) -> PList {
    match value {
        Value::List(items) => PList {
            items: items.iter().map(pstr).collect(),
            unknown_list: false,
        },
        Value::Unknown(u) if u.shape.is_none() && u.refs.is_empty() => PList {
            items: Vec::new(),
            unknown_list: true,
        },
        single => PList {
            items: vec![pstr(single)],
            unknown_list: false,
        },
    }
}

fn principals(value: &Value) -> Principals {
    match value {
        Value::String(s) if s == "*" => Principals::Everyone,
        Value::Map(map) => {
            Principals::Map(map.iter().map(|(k, v)| (k.clone(), plist(v))).collect())
        }
        _ => Principals::Unknown,
    }
}

/// Strings of a parsed template shape that hold [`HOLE`](super::value::HOLE)s become
/// unknowns with that shape, depending on what the whole template depended on: a
/// template built only from resource references stays specific, never a wildcard.
fn with_unknown_holes(value: Value, template: &super::value::Unknown) -> Value {
    match value {
        Value::String(s) if s.contains(super::value::HOLE) => {
            Value::Unknown(Box::new(super::value::Unknown {
                refs: template.refs.clone(),
                shape: Some(s),
                unresolved: template.unresolved,
            }))
        }
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|v| with_unknown_holes(v, template))
                .collect(),
        ),
        Value::Map(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (k, with_unknown_holes(v, template)))
                .collect(),
        ),
        other => other,
    }
}
