//! `templatefile` and `templatestring`: the checks Terraform makes on their
//! arguments, and what a rendered template that is a JSON document becomes.
//!
//! The template itself is evaluated by the evaluator (`eval::template`), with the
//! same expression machinery as any other expression, in a scope that holds only the
//! template's variables: one evaluator, so that a template and a `.tf` file never
//! disagree on what an expression means.

use super::{files, is_internal_key, partial_map, FileAccess, FnError, Shaped, Stop};
use crate::model::value::{Value, HOLE};
use hcl_edit::template::Template;
use std::collections::BTreeMap;

/// What a `templatefile` or `templatestring` call renders.
pub(in crate::source::terraform) enum Source<'v> {
    /// The parsed template and the variables it sees.
    Parsed(Template, &'v BTreeMap<String, Value>),
    /// An argument is unknown, and so is the result.
    Unknown(Value),
}

/// The template and variables of `templatefile(path, vars)` or
/// `templatestring(template, vars)`, checked as Terraform checks them: the file is
/// read (inside the scanned tree only), the variable names are valid, the text
/// parses as a template.
pub(in crate::source::terraform) fn source<'v>(
    name: &str,
    args: &'v [Value],
    access: &FileAccess,
) -> Result<Source<'v>, FnError> {
    let given = if name == "templatefile" {
        files::templatefile(args, access)
    } else {
        templatestring(args)
    };
    let (text, vars) = match given {
        Ok(given) => given,
        Err(Stop::Done(v)) => return Ok(Source::Unknown(v)),
        Err(Stop::Fail(e)) => return Err(e),
    };
    for k in vars.keys().filter(|k| !is_internal_key(k)) {
        let mut chars = k.chars();
        let valid = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(FnError::Invalid(format!(
                "invalid template variable name {k:?}: must start with a letter, followed by zero or more letters, digits, and underscores"
            )));
        }
    }
    let template = text
        .parse()
        .map_err(|e| FnError::Invalid(format!("invalid template: {e}")))?;
    Ok(Source::Parsed(template, vars))
}

/// `templatestring(template, vars)`'s text and variables.
fn templatestring(args: &[Value]) -> Result<(String, &BTreeMap<String, Value>), Stop> {
    super::arity(args, 2, 2)?;
    if args[0].contains_unknown() || args[1].is_unknown() {
        return Err(Stop::Done(Value::unknown_from(args)));
    }
    Ok((super::string(&args[0])?, partial_map(&args[1])?))
}

/// The value of a rendered `templatefile`/`templatestring` template: a JSON
/// document with unknown parts keeps its structure (see [`json_document`]), any
/// other text is a string, partly unknown or not.
pub(in crate::source::terraform) fn rendered(out: Shaped) -> Value {
    json_document(&out).unwrap_or_else(|| out.finish())
}

/// First of the numbers standing in for holes while a rendered template is parsed
/// as JSON: 20 digits, valid both inside a JSON string and as a bare JSON value.
const PLACEHOLDER_BASE: u64 = 17_000_000_000_000_000_000;
/// The fixed prefix of every placeholder (the base without its last four digits).
const PLACEHOLDER_PREFIX: &str = "1700000000000000";

/// A rendered template that is a JSON document with unknown parts (an IAM policy
/// template with an interpolated ARN) as [`Value::Json`], every unknown in its
/// place, so that policy rules see the document's structure. `None` when the
/// text is not such a document.
fn json_document(out: &Shaped) -> Option<Value> {
    let start = out.text.trim_start().chars().next()?;
    let holes = out.holes.as_ref();
    if out.unknown.is_none()
        || out.gaps
        || !matches!(start, '{' | '[')
        || out.text.contains(PLACEHOLDER_PREFIX)
        || Some(out.text.chars().filter(|c| *c == HOLE).count()) != holes.map(Vec::len)
    {
        return None;
    }
    let holes = holes?;
    let mut text = String::with_capacity(out.text.len() + 20 * holes.len());
    let mut next = 0u64;
    for c in out.text.chars() {
        if c == HOLE {
            text.push_str(&(PLACEHOLDER_BASE + next).to_string());
            next += 1;
        } else {
            text.push(c);
        }
    }
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(Value::Json(Box::new(fill_holes(&json, holes)?)))
}

/// Convert parsed JSON back, replacing placeholders by the holes' values; `None`
/// when a hole is in an object key (the document's keys would be unknown).
fn fill_holes(json: &serde_json::Value, holes: &[Value]) -> Option<Value> {
    let hole = |n: u64| {
        n.checked_sub(PLACEHOLDER_BASE)
            .and_then(|i| holes.get(usize::try_from(i).ok()?))
    };
    Some(match json {
        serde_json::Value::Number(n) => match n.as_u64().and_then(hole) {
            // A jsonencode'd value inserted bare is its structure.
            Some(Value::Json(inner)) => (**inner).clone(),
            Some(v) => v.clone(),
            None => Value::from_json(json),
        },
        serde_json::Value::String(s) if s.contains(PLACEHOLDER_PREFIX) => {
            let mut parts = Shaped::keeping_holes();
            let mut rest = s.as_str();
            while let Some(i) = rest.find(PLACEHOLDER_PREFIX) {
                let digits = rest.get(i..i + 20)?;
                let v = digits.parse::<u64>().ok().and_then(hole)?;
                parts.push_str(&rest[..i]).ok()?;
                parts.push_unknown(v).ok()?;
                rest = &rest[i + 20..];
            }
            parts.push_str(rest).ok()?;
            // The whole string is one unknown: keep it as it was.
            match (parts.text.as_str(), parts.holes.as_deref()) {
                (t, Some([only])) if t.chars().eq([HOLE]) => only.clone(),
                _ => parts.finish(),
            }
        }
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(|v| fill_holes(v, holes))
                .collect::<Option<_>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                if k.contains(PLACEHOLDER_PREFIX) {
                    return None;
                }
                out.insert(k.clone(), fill_holes(v, holes)?);
            }
            Value::Map(out)
        }
        other => Value::from_json(other),
    })
}
