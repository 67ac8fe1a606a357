//! Block bodies: attributes and nested blocks of a resource, provider or `content`,
//! with `dynamic` blocks expanded.

use super::super::module::body_attr;
use super::super::parse::SourceFile;
use super::super::resource::{Attr, Block as EvBlock, Body as EvBody};
use super::scope::Scope;
use super::Evaluator;
use crate::model::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use std::collections::BTreeMap;

impl<'a> Evaluator<'a> {
    /// Evaluate a block body; `meta` skips resource meta-arguments.
    pub(super) fn eval_body(
        &self,
        body: &'a Body,
        scope: &Scope<'_, 'a>,
        file: &'a SourceFile,
        meta: bool,
    ) -> EvBody {
        let mut out = EvBody::default();
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if meta && matches!(key, "count" | "for_each" | "provider" | "depends_on") {
                continue;
            }
            let value = self.in_file(file, || self.value(&attr.value, scope));
            out.attrs.insert(
                key.to_string(),
                Attr {
                    value,
                    location: file.location(attr.span()),
                },
            );
        }
        for block in body.blocks() {
            let kind = block.ident.as_str();
            if meta && matches!(kind, "lifecycle" | "provisioner" | "connection") {
                continue;
            }
            if kind == "dynamic" {
                self.expand_dynamic(block, scope, file, &mut out);
                continue;
            }
            out.blocks.push(EvBlock {
                kind: kind.to_string(),
                labels: block
                    .labels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect(),
                body: self.eval_body(&block.body, scope, file, false),
                location: file.location(block.span()),
            });
        }
        out
    }

    /// A `dynamic "kind"` block: one `kind` block per element of its `for_each`,
    /// with the iterator (`kind`, or its `iterator`) bound to `{ key, value }`. Over
    /// an unknown collection, which blocks exist is unknown, and the body says so.
    fn expand_dynamic(
        &self,
        block: &'a Block,
        scope: &Scope<'_, 'a>,
        file: &'a SourceFile,
        out: &mut EvBody,
    ) {
        let Some(kind) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        let iterator = body_attr(file, &block.body, "iterator")
            .and_then(|e| match e.expr {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                other => other.as_str().map(str::to_string),
            })
            .unwrap_or_else(|| kind.clone());
        let Some(content) = block.body.blocks().find(|b| b.ident.as_str() == "content") else {
            return;
        };
        let collection = body_attr(file, &block.body, "for_each")
            .map(|e| self.value_of(e, scope))
            .unwrap_or(Value::Null);
        let items: Vec<(Value, Value)> = match collection {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
            Value::Map(map) => map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            Value::Null => Vec::new(),
            unknown => {
                // One template block, its element unknown: what all of them share.
                let mut obj = BTreeMap::new();
                obj.insert("key".to_string(), Value::unknown_from([&unknown]));
                obj.insert("value".to_string(), Value::unknown_from([&unknown]));
                let inner = scope.with([(iterator.as_str(), Value::Map(obj))]);
                out.unknown_block_templates.push(EvBlock {
                    kind: kind.clone(),
                    labels: Vec::new(),
                    body: self.eval_body(&content.body, &inner, file, false),
                    location: file.location(block.span()),
                });
                out.unknown_blocks.insert(kind);
                return;
            }
        };
        if !self.fits(items.len(), block.span(), Some(file)) {
            out.unknown_blocks.insert(kind);
            return;
        }
        for (key, value) in items {
            let mut obj = BTreeMap::new();
            obj.insert("key".to_string(), key);
            obj.insert("value".to_string(), value);
            let inner = scope.with([(iterator.as_str(), Value::Map(obj))]);
            let labels = body_attr(file, &block.body, "labels")
                .map(|e| self.value_of(e, &inner))
                .and_then(|v| {
                    v.as_list()
                        .map(|l| l.iter().filter_map(Value::to_tf_string).collect())
                })
                .unwrap_or_default();
            out.blocks.push(EvBlock {
                kind: kind.clone(),
                labels,
                body: self.eval_body(&content.body, &inner, file, false),
                location: file.location(block.span()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{run, s};

    #[test]
    fn dynamic_blocks_expand_and_meta_arguments_are_skipped() {
        let out = run(
            &[(
                "",
                r#"
variable "u" {}
resource "aws_security_group" "g" {
  count = 1
  name  = "g"
  lifecycle { create_before_destroy = true }
  dynamic "ingress" {
    for_each = [80, 443]
    content { from_port = ingress.value }
  }
  dynamic "egress" {
    for_each = { a = "10.0.0.0/8" }
    iterator = rule
    labels   = [rule.key]
    content { cidr = rule.value }
  }
  dynamic "tag" {
    for_each = var.u
    content { key = tag.key }
  }
  dynamic "none" {
    for_each = null
    content {}
  }
}
"#,
            )],
            &[],
        );
        let body = &out.resources[0].body;
        assert_eq!(body.get("name"), Some(&s("g")));
        assert!(body.get("count").is_none());
        let kinds: Vec<&str> = body.blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["ingress", "ingress", "egress"]);
        assert_eq!(
            body.blocks[1].body.get("from_port"),
            Some(&crate::model::value::Value::Number(443.0))
        );
        assert_eq!(body.blocks[2].labels, ["a"]);
        assert_eq!(body.blocks[2].body.get("cidr"), Some(&s("10.0.0.0/8")));
        // Blocks over an unknown collection: which ones exist is unknown.
        assert!(body.unknown_blocks.contains("tag"));
    }
}
