//! `data "aws_iam_policy_document"` evaluated into a policy document value. The data
//! source is pure (no API call), so the scanner can compute exactly what Terraform
//! would, including `source_policy_documents` and `override_policy_documents`.

use super::resource::{Block, Body};
use crate::model::Value;
use std::collections::BTreeMap;

/// Build `{"Version": ..., "Statement": [...]}` from the evaluated data source body.
/// Unknown parts stay unknown inside the structure.
pub fn build(body: &Body) -> Value {
    let mut statements: Vec<Value> = Vec::new();
    for doc in documents(body.get("source_policy_documents")) {
        statements.extend(doc);
    }
    for block in body.blocks("statement") {
        statements.push(statement(block));
    }
    if body.unknown_blocks.contains("statement") {
        statements.extend(unknown_statements(body));
    }
    for doc in documents(body.get("override_policy_documents")) {
        for st in doc {
            let sid = st.get("Sid").and_then(Value::as_str).map(str::to_string);
            let existing = sid.as_ref().and_then(|sid| {
                statements
                    .iter()
                    .position(|s| s.get("Sid").and_then(Value::as_str) == Some(sid.as_str()))
            });
            match existing {
                Some(i) => statements[i] = st,
                None => statements.push(st),
            }
        }
    }
    let mut doc = BTreeMap::new();
    doc.insert(
        "Version".to_string(),
        body.get("version")
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or_else(|| Value::str("2012-10-17")),
    );
    doc.insert("Statement".to_string(), Value::List(statements));
    Value::Map(doc)
}

/// The statements of `dynamic "statement"` blocks over a collection not known before
/// apply. An Allow whose template is known enough is judged as one statement: what it
/// allows, each of its copies allows, so a verdict about what the policy grants holds
/// for any number of them (as one instance stands for an unknown `count`). Anything
/// else (a Deny, which may exist zero times and so cannot make a pass; an unknown
/// effect) stays an unknown statement.
fn unknown_statements(body: &Body) -> Vec<Value> {
    let mut out = Vec::new();
    let mut unknown = !body
        .unknown_block_templates
        .iter()
        .any(|b| b.kind == "statement");
    for template in body
        .unknown_block_templates
        .iter()
        .filter(|b| b.kind == "statement")
    {
        let st = statement(template);
        match st.get("Effect").and_then(Value::as_str) {
            Some("Allow") => out.push(st),
            _ => unknown = true,
        }
    }
    if unknown {
        out.push(Value::unresolved());
    }
    out
}

/// Statements of each document in a `*_policy_documents` list (JSON strings).
fn documents(value: Option<&Value>) -> Vec<Vec<Value>> {
    let Some(value) = value else {
        return Vec::new();
    };
    let items: Vec<&Value> = match value {
        Value::List(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    items
        .into_iter()
        .map(|doc| {
            let parsed = match doc {
                Value::String(text) => serde_json::from_str::<serde_json::Value>(text)
                    .map(|j| Value::from_json(&j))
                    .unwrap_or_else(|_| Value::unresolved()),
                Value::Json(inner) => (**inner).clone(),
                other => other.clone(),
            };
            match parsed.get("Statement") {
                Some(Value::List(sts)) => sts.clone(),
                Some(single @ Value::Map(_)) => vec![single.clone()],
                _ => vec![Value::unresolved()],
            }
        })
        .collect()
}

fn statement(block: &Block) -> Value {
    let b = &block.body;
    let mut st = BTreeMap::new();
    if let Some(sid) = b.get("sid").filter(|v| !v.is_null()) {
        st.insert("Sid".to_string(), sid.clone());
    }
    st.insert(
        "Effect".to_string(),
        b.get("effect")
            .filter(|v| !v.is_null())
            .cloned()
            .unwrap_or_else(|| Value::str("Allow")),
    );
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = b.get(attr).filter(|v| !v.is_null()) {
            st.insert(key.to_string(), v.clone());
        }
    }
    for (kind, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(p) = principals(b, kind) {
            st.insert(key.to_string(), p);
        }
    }
    let conditions = conditions(b);
    if !conditions.is_null() {
        st.insert("Condition".to_string(), conditions);
    }
    Value::Map(st)
}

fn principals(body: &Body, kind: &str) -> Option<Value> {
    if body.unknown_blocks.contains(kind) {
        return Some(Value::unresolved());
    }
    let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut any = false;
    for p in body.blocks(kind) {
        any = true;
        let ptype = match p.body.get("type") {
            Some(Value::String(t)) => t.clone(),
            _ => return Some(Value::unresolved()),
        };
        let ids = match p.body.get("identifiers") {
            Some(Value::List(ids)) => ids.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        };
        if ptype == "*" {
            return Some(Value::str("*"));
        }
        map.entry(ptype).or_default().extend(ids);
    }
    any.then(|| Value::Map(map.into_iter().map(|(k, v)| (k, Value::List(v))).collect()))
}

fn conditions(body: &Body) -> Value {
    if body.unknown_blocks.contains("condition") {
        return Value::unresolved();
    }
    let mut ops: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for c in body.blocks("condition") {
        let (Some(test), Some(variable)) = (
            c.body.get("test").and_then(Value::to_tf_string),
            c.body.get("variable").and_then(Value::to_tf_string),
        ) else {
            return Value::unresolved();
        };
        let values = c
            .body
            .get("values")
            .cloned()
            .unwrap_or(Value::List(Vec::new()));
        ops.entry(test).or_default().insert(variable, values);
    }
    if ops.is_empty() {
        return Value::Null;
    }
    Value::Map(ops.into_iter().map(|(k, v)| (k, Value::Map(v))).collect())
}
