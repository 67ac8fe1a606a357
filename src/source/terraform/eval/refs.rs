//! References to resources and module instances: `aws_s3_bucket.b.arn`,
//! `module.a["k"].out`, whole collections of instances.
//!
//! A resource attribute set in the configuration reads as its configured value; any
//! other reads as a reference to the attribute computed after apply, so that rules
//! can tell "the ARN of that bucket" from "anything".

use super::super::functions::RESOURCE_MARKER;
use super::super::module::ResourceDecl;
use super::expand::{collection_of, Expansion, InstKey};
use super::scope::{Inst, Scope, Slot};
use super::{EvalError, Evaluator, R};
use crate::model::policy::{aws_managed_document, aws_managed_path};
use crate::model::value::Value;
use hcl_edit::expr::TraversalOperator;
use std::collections::BTreeMap;
use std::rc::Rc;

impl<'a> Evaluator<'a> {
    /// `module.NAME` as a value: an object of outputs, or a list/map of them.
    pub(super) fn module_value(
        &self,
        inst: &Rc<Inst<'a>>,
        name: &str,
        next: Option<&TraversalOperator>,
        scope: &Scope<'_, 'a>,
    ) -> Result<(Value, bool), EvalError> {
        let Some(idx) = inst.module.calls.iter().position(|c| c.name == name) else {
            return Err(EvalError(format!("module.{name} is not declared")));
        };
        let Some(children) = self.children(inst, idx) else {
            return Ok((Value::unresolved(), false));
        };
        if children.expansion.unknown {
            return Ok((Value::unresolved(), false));
        }
        if children.expansion.instances.len() == 1 && children.expansion.instances[0].0.is_none() {
            // `module.a.out`: evaluate just that output.
            if let Some(TraversalOperator::GetAttr(attr)) = next {
                let v = self.output(&children.insts[0], attr.as_str())?;
                return Ok((v, true));
            }
            return Ok((self.outputs_object(&children.insts[0]), false));
        }
        // Indexed: `module.a[0].out` / `module.a["k"].out`.
        if let Some(TraversalOperator::Index(ix)) = next {
            let key = self.value(ix, scope);
            if key.is_unknown() {
                return Ok((Value::unknown_from([&key]), true));
            }
            let pos = children
                .expansion
                .instances
                .iter()
                .position(|(k, _)| match (k, &key) {
                    (Some(InstKey::Index(i)), v) => v.to_tf_number() == Some(*i as f64),
                    (Some(InstKey::Key(s)), v) => v.to_tf_string().as_deref() == Some(s.as_str()),
                    _ => false,
                });
            return match pos {
                Some(p) => Ok((self.outputs_object(&children.insts[p]), true)),
                None => Err(EvalError(format!(
                    "module.{name} has no instance {}",
                    key.describe()
                ))),
            };
        }
        let objects: Vec<(Option<InstKey>, Value)> = children
            .expansion
            .instances
            .iter()
            .zip(&children.insts)
            .map(|((k, _), child)| (k.clone(), self.outputs_object(child)))
            .collect();
        Ok((collection_of(objects, children.expansion.counted), false))
    }

    /// A resource (or data source) reference: `TYPE.NAME` followed by operators.
    /// Returns the value and how many operators were consumed.
    pub(super) fn resource_ref(
        &self,
        scope: &Scope<'_, 'a>,
        data: bool,
        rtype: &str,
        name: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), EvalError> {
        let inst = scope.inst;
        let Some(idx) = inst.module.resource(data, rtype, name) else {
            let kind = if data { "data source" } else { "resource" };
            return Err(EvalError(format!("{kind} {rtype}.{name} is not declared")));
        };
        let exp = self.expansion(inst, idx);
        let base = format!(
            "{}{}{rtype}.{name}",
            inst.prefix,
            if data { "data." } else { "" }
        );
        let single = exp.instances.len() == 1 && exp.instances[0].0.is_none() && !exp.counted;
        let splat = matches!(
            ops.first(),
            Some(TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_))
        );
        if single || (exp.unknown && !splat) {
            let key = exp
                .instances
                .first()
                .map(|(k, _)| k.clone())
                .unwrap_or(None);
            let mut consumed = 0;
            if exp.unknown {
                // Skip an index into an unknown expansion: all instances look alike.
                if let Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)) =
                    ops.first()
                {
                    consumed = 1;
                }
            }
            return match ops.get(consumed) {
                Some(TraversalOperator::GetAttr(attr)) => Ok((
                    self.resource_attr(inst, idx, &key, &base, attr.as_str())?,
                    consumed + 1,
                )),
                _ => Ok((self.resource_object(inst, idx, &key, &base), consumed)),
            };
        }
        match ops.first() {
            Some(TraversalOperator::Index(ix)) => {
                let key = self.value(ix, scope);
                self.indexed_instance(inst, idx, &exp, &base, &key, ops.get(1).copied())
            }
            Some(TraversalOperator::LegacyIndex(i)) => {
                let key = Value::Number(*i.value() as f64);
                self.indexed_instance(inst, idx, &exp, &base, &key, ops.get(1).copied())
            }
            Some(TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_))
                if exp.counted || exp.unknown =>
            {
                // `aws_x.y[*].arn`: list of each instance's attribute, computed ones
                // (a policy document's `json`) included. Over an unknown expansion the
                // one instance that stands for all gives a one-element list, as an
                // index into it gives that instance: `join("", data.x[*].json)` under
                // `count = local.enabled ? 1 : 0` is the document whenever it exists.
                if let Some(TraversalOperator::GetAttr(attr)) = ops.get(1) {
                    let mut items = Vec::new();
                    for (k, _) in &exp.instances {
                        items.push(self.resource_attr(inst, idx, k, &base, attr.as_str())?);
                    }
                    return Ok((Value::List(items), 2));
                }
                let objects = exp
                    .instances
                    .iter()
                    .map(|(k, _)| self.resource_object(inst, idx, k, &base))
                    .collect();
                Ok((Value::List(objects), 0))
            }
            _ => Ok((self.resource_collection(inst, idx, &exp, &base), 0)),
        }
    }

    /// `TYPE.NAME[key]`, and the attribute after it if there is one.
    fn indexed_instance(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        exp: &Expansion,
        base: &str,
        key: &Value,
        next: Option<&TraversalOperator>,
    ) -> Result<(Value, usize), EvalError> {
        if key.is_unknown() {
            return Ok((Value::unknown_from([key]), 1));
        }
        let found = exp.instances.iter().find(|(k, _)| match k {
            Some(InstKey::Index(i)) => key.to_tf_number() == Some(*i as f64),
            Some(InstKey::Key(s)) => key.to_tf_string().as_deref() == Some(s.as_str()),
            None => false,
        });
        let Some((k, _)) = found else {
            return Err(EvalError(format!(
                "{base} has no instance {}",
                key.describe()
            )));
        };
        match next {
            Some(TraversalOperator::GetAttr(attr)) => {
                Ok((self.resource_attr(inst, idx, k, base, attr.as_str())?, 2))
            }
            _ => Ok((self.resource_object(inst, idx, k, base), 1)),
        }
    }

    /// `TYPE.NAME` of an expanded resource: all its instances as objects.
    fn resource_collection(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        exp: &Expansion,
        base: &str,
    ) -> Value {
        let objects = exp
            .instances
            .iter()
            .map(|(k, _)| (k.clone(), self.resource_object(inst, idx, k, base)))
            .collect();
        collection_of(objects, exp.counted)
    }

    /// A resource instance as an object: its configured top-level attributes, plus a
    /// marker so that reading any other attribute yields a reference, not an error.
    fn resource_object(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        key: &Option<InstKey>,
        base: &str,
    ) -> Value {
        let decl: &ResourceDecl<'a> = &inst.module.resources[idx];
        let addr = instance_address(base, key);
        let mut map = BTreeMap::new();
        let names: Vec<String> = decl
            .block
            .body
            .attributes()
            .map(|a| a.key.as_str().to_string())
            .filter(|n| !matches!(n.as_str(), "count" | "for_each" | "provider" | "depends_on"))
            .collect();
        for name in names {
            if let Ok(v) = self.resource_attr(inst, idx, key, base, &name) {
                map.insert(name, v);
            }
        }
        map.insert(RESOURCE_MARKER.to_string(), Value::String(addr));
        Value::Map(map)
    }

    /// One attribute of a resource instance: the configured value when it is set in
    /// the configuration, else a reference to the attribute computed after apply.
    fn resource_attr(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        key: &Option<InstKey>,
        base: &str,
        attr: &str,
    ) -> R {
        let decl: &ResourceDecl<'a> = &inst.module.resources[idx];
        let addr = instance_address(base, key);
        let document = decl.data
            && decl.rtype == "aws_iam_policy_document"
            && matches!(attr, "json" | "minified_json");
        if decl.data && decl.rtype == "aws_iam_policy" && attr == "policy" {
            // An AWS-managed policy looked up by ARN: its document, when catalogued.
            let arn = self.resource_attr(inst, idx, key, base, "arn")?;
            let text = match &arn {
                Value::String(s) => Some(s.as_str()),
                Value::Unknown(u) => u.shape.as_deref(),
                _ => None,
            };
            if let Some(doc) = text
                .and_then(aws_managed_path)
                .and_then(aws_managed_document)
            {
                return Ok(Value::str(doc));
            }
        }
        // A document is built from its whole body, not read from one attribute.
        let expr = if document {
            None
        } else {
            let Some(expr) = decl.attr(attr) else {
                return Ok(Value::reference(format!("{addr}.{attr}")));
            };
            Some(expr)
        };
        // Memoised like every attribute, a document too: one that several others
        // include is built once, and one that includes itself is a cycle, not a
        // recursion that repeats the work at every level.
        let memo_key = (idx, addr.clone(), attr.to_string());
        if let Some(slot) = inst.attrs.borrow().get(&memo_key) {
            return Ok(match slot {
                Slot::Done(v) => v.clone(),
                Slot::InProgress => Value::reference(format!("{addr}.{attr}")),
            });
        }
        inst.attrs
            .borrow_mut()
            .insert(memo_key.clone(), Slot::InProgress);
        let v = match expr {
            Some(expr) => {
                let exp = self.expansion(inst, idx);
                let scope = Scope::with_instance(inst, key, &exp.each_value(key), exp.counted);
                self.value_of(expr, &scope)
            }
            None => self.policy_document_json(inst, idx, key),
        };
        inst.attrs
            .borrow_mut()
            .insert(memo_key, Slot::Done(v.clone()));
        Ok(v)
    }

    /// `data.aws_iam_policy_document.x.json`: the data source is pure, so evaluate it
    /// into the policy JSON (a string when fully known, else a partly known document).
    fn policy_document_json(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        key: &Option<InstKey>,
    ) -> Value {
        let decl: &ResourceDecl<'a> = &inst.module.resources[idx];
        let exp = self.expansion(inst, idx);
        let scope = Scope::with_instance(inst, key, &exp.each_value(key), exp.counted);
        let body = self.eval_body(&decl.block.body, &scope, decl.file, true);
        let doc = super::super::policy_document::build(&body);
        match doc.to_json() {
            Some(json) => Value::String(json.to_string()),
            None => Value::Json(Box::new(doc)),
        }
    }
}

/// `aws_s3_bucket.b` with its instance key: `aws_s3_bucket.b["logs"]`, `...b[0]`.
fn instance_address(base: &str, key: &Option<InstKey>) -> String {
    format!(
        "{base}{}",
        key.as_ref().map(InstKey::suffix).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{list, map, probe, run, s, unknown, value};
    use crate::model::value::Value;

    const RESOURCES: &str = r#"
variable "u" {}
resource "aws_s3_bucket" "b" { bucket = "named" }
resource "aws_kms_key" "k" {
  count       = 2
  description = "k${count.index}"
}
resource "aws_s3_bucket" "m" {
  for_each = { a = "1" }
  bucket   = "m-${each.value}"
}
resource "aws_sqs_queue" "maybe" { count = var.u }
locals { whole = aws_s3_bucket.b }
"#;

    fn reference(v: &Value) -> &str {
        match unknown(v).0 {
            [only] => only,
            refs => panic!("expected one reference, got {refs:?}"),
        }
    }

    #[test]
    fn resource_attributes_are_configured_values_or_references() {
        assert_eq!(value(RESOURCES, "aws_s3_bucket.b.bucket"), s("named"));
        assert_eq!(
            reference(&value(RESOURCES, "aws_s3_bucket.b.arn")),
            "aws_s3_bucket.b.arn"
        );
        // A resource passed around whole still reads its computed attributes as
        // references to it.
        assert_eq!(value(RESOURCES, "local.whole.bucket"), s("named"));
        assert_eq!(
            reference(&value(RESOURCES, "local.whole.arn")),
            "aws_s3_bucket.b.arn"
        );
        assert!(probe(RESOURCES, "aws_s3_bucket.nope.arn").is_err());
        assert!(probe(RESOURCES, "data.aws_s3_bucket.b.arn").is_err());
    }

    #[test]
    fn instances_by_index_key_and_splat() {
        assert_eq!(value(RESOURCES, "aws_kms_key.k[1].description"), s("k1"));
        assert_eq!(
            reference(&value(RESOURCES, "aws_kms_key.k[0].arn")),
            "aws_kms_key.k[0].arn"
        );
        assert_eq!(
            value(RESOURCES, "aws_kms_key.k[*].description"),
            list(&[s("k0"), s("k1")])
        );
        assert_eq!(
            value(RESOURCES, "length(aws_kms_key.k)"),
            Value::Number(2.0)
        );
        assert_eq!(value(RESOURCES, "aws_s3_bucket.m[\"a\"].bucket"), s("m-1"));
        assert_eq!(
            value(RESOURCES, "{for k, b in aws_s3_bucket.m : k => b.bucket}"),
            map(&[("a", s("m-1"))])
        );
        assert!(probe(RESOURCES, "aws_kms_key.k[2]").is_err());
        assert!(probe(RESOURCES, "aws_s3_bucket.m[\"z\"]").is_err());
        // An instance key that is unknown, or an expansion that is: all instances
        // look alike, so the attribute is still a reference to the resource.
        assert!(value(RESOURCES, "aws_kms_key.k[var.u].arn").is_unknown());
        assert_eq!(
            reference(&value(RESOURCES, "aws_sqs_queue.maybe[0].arn")),
            "aws_sqs_queue.maybe.arn"
        );
    }

    #[test]
    fn module_outputs() {
        let out = run(
            &[
                (
                    "",
                    r#"
module "one" { source = "example/m/aws" }
module "many" {
  source = "example/m/aws"
  count  = 2
}
resource "aws_s3_bucket" "a" { bucket = module.one.name }
resource "aws_s3_bucket" "b" { bucket = module.many[1].name }
resource "aws_s3_bucket" "c" { bucket = module.many[*].name }
resource "aws_s3_bucket" "d" { bucket = module.one.nope }
"#,
                ),
                ("m", "output \"name\" { value = \"from-m\" }\n"),
            ],
            &[("one", "m"), ("many", "m")],
        );
        let bucket = |i: usize| out.resources[i].body.get("bucket").cloned();
        assert_eq!(bucket(0), Some(s("from-m")));
        assert_eq!(bucket(1), Some(s("from-m")));
        assert_eq!(bucket(2), Some(list(&[s("from-m"), s("from-m")])));
        assert!(bucket(3).is_some_and(|v| v.is_unknown()));
        assert_eq!(
            out.unresolved.get("module has no output \"nope\""),
            Some(&1)
        );
    }

    #[test]
    fn policy_documents_evaluate_to_their_json() {
        let pre = r#"
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
"#;
        let json = value(pre, "data.aws_iam_policy_document.p.json");
        let text = json.as_str().expect("a known document is a string");
        assert!(text.contains("s3:GetObject"), "{text}");
    }

    /// Found by fuzzing: a document was built again at every reference to it, so a
    /// chain of documents that each read the one before twice cost 2^n builds and
    /// ran the root out of its step budget. Built once each, the chain is known.
    #[test]
    fn documents_are_built_once_and_one_that_includes_itself_is_unknown() {
        let mut pre = String::from("data \"aws_iam_policy_document\" \"d0\" {}\n");
        for i in 1..=30 {
            let prev = format!("data.aws_iam_policy_document.d{}.json", i - 1);
            pre.push_str(&format!(
                "data \"aws_iam_policy_document\" \"d{i}\" {{\n  statement {{\n    actions   = [length({prev}) > 0 ? \"s3:GetObject\" : \"x\", length({prev}) > 1 ? \"s3:PutObject\" : \"y\"]\n    resources = [\"*\"]\n  }}\n}}\n"
            ));
        }
        let json = value(&pre, "data.aws_iam_policy_document.d30.json");
        let text = json.as_str().expect("the whole chain is known");
        assert!(text.contains("s3:PutObject"), "{text}");

        let selfish = "data \"aws_iam_policy_document\" \"me\" {\n  source_policy_documents = [data.aws_iam_policy_document.me.json]\n}\n";
        // Its statements are what it includes: unknown, so rules say unknown.
        let me = value(selfish, "data.aws_iam_policy_document.me.json");
        assert!(me.as_str().is_none() && me.contains_unknown(), "{me:?}");
    }

    #[test]
    fn splat_over_an_unknown_expansion_is_the_one_instance() {
        const PRE: &str = r#"
variable "on" {}
data "aws_iam_policy_document" "d" {
  count = var.on ? 1 : 0
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
"#;
        // A fully known document is its JSON text.
        let doc = value(PRE, "join(\"\", data.aws_iam_policy_document.d[*].json)");
        let Value::String(text) = &doc else {
            panic!("the document is lost: {doc:?}");
        };
        assert!(text.contains("s3:GetObject"));
        assert_eq!(
            value(PRE, "one(data.aws_iam_policy_document.d.*.json)"),
            doc
        );
    }
}
