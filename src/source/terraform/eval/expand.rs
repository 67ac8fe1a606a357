//! Expansion: how many instances a resource or module call has (`count`,
//! `for_each`), and the module instances a call creates.
//!
//! An expansion that cannot be known stands for all its instances with one, marked
//! unknown, so that a resource whose `count` depends on an apply-time value is still
//! checked rather than dropped.

use super::super::module::{CallDecl, Expr};
use super::super::resource::{Mode, TfResource};
use super::scope::{Inst, Scope, Slot};
use super::{Evaluator, MAX_MODULE_DEPTH};
use crate::diagnostic::Diagnostic;
use crate::model::value::Value;
use crate::model::ModuleCall;
use hcl_edit::Span;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

/// An instance key: `[0]` or `["name"]`.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum InstKey {
    Index(usize),
    Key(String),
}

impl InstKey {
    /// The key as it ends an address: `[0]`, `["name"]`.
    pub(super) fn suffix(&self) -> String {
        match self {
            InstKey::Index(i) => format!("[{i}]"),
            InstKey::Key(k) => format!("[{k:?}]"),
        }
    }
}

/// How a resource or module call expands.
#[derive(Clone)]
pub(super) struct Expansion {
    /// `None` for a single instance without key; otherwise keys with `each.value`.
    pub(super) instances: Vec<(Option<InstKey>, Value)>,
    /// Whether this uses `count` (list-shaped references) or `for_each` (map-shaped).
    pub(super) counted: bool,
    /// The expansion could not be known; one instance stands for all.
    pub(super) unknown: bool,
}

impl Expansion {
    /// `each.value` of the instance with `key` (null for `count` and single instances).
    pub(super) fn each_value(&self, key: &Option<InstKey>) -> Value {
        self.instances
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Value::Null, |(_, v)| v.clone())
    }
}

/// Instances created by one module call, or `None` when the module is unresolved.
#[derive(Clone)]
pub(super) struct Children<'a> {
    pub(super) expansion: Expansion,
    pub(super) insts: Vec<Rc<Inst<'a>>>,
}

/// All instances as one value, as Terraform shapes them: a list for `count`, a map
/// by key for `for_each`.
pub(super) fn collection_of(objects: Vec<(Option<InstKey>, Value)>, counted: bool) -> Value {
    if counted {
        Value::List(objects.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Map(
            objects
                .into_iter()
                .filter_map(|(k, v)| match k {
                    Some(InstKey::Key(k)) => Some((k, v)),
                    _ => None,
                })
                .collect(),
        )
    }
}

impl<'a> Evaluator<'a> {
    /// Every resource instance of `inst` and of the module instances below it, in
    /// declaration order.
    pub(super) fn collect(&self, inst: &Rc<Inst<'a>>, out: &mut Vec<TfResource>) {
        for (idx, decl) in inst.module.resources.iter().enumerate() {
            let exp = self.expansion(inst, idx);
            for (key, each_value) in &exp.instances {
                let scope = Scope::with_instance(inst, key, each_value, exp.counted);
                let body = self.eval_body(&decl.block.body, &scope, decl.file, true);
                let local = format!(
                    "{}{}.{}{}",
                    if decl.data { "data." } else { "" },
                    decl.rtype,
                    decl.name,
                    key.as_ref().map(InstKey::suffix).unwrap_or_default()
                );
                out.push(TfResource {
                    mode: if decl.data { Mode::Data } else { Mode::Managed },
                    rtype: decl.rtype.clone(),
                    name: decl.name.clone(),
                    address: format!("{}{local}", inst.prefix),
                    body,
                    location: decl.file.location(decl.block.span()),
                    module_calls: inst.calls.clone(),
                    root: self.root_rel.clone(),
                });
            }
        }
        for idx in 0..inst.module.calls.len() {
            if let Some(children) = self.children(inst, idx) {
                for child in &children.insts {
                    self.collect(child, out);
                }
            }
        }
    }

    /// The instances of module call `idx`, made once per instance of the caller
    /// (memoised); `None` when the called module is unresolved or in a cycle.
    pub(super) fn children(&self, inst: &Rc<Inst<'a>>, idx: usize) -> Option<Children<'a>> {
        if let Some(slot) = inst.children.borrow().get(&idx) {
            return match slot {
                Slot::Done(c) => c.clone(),
                Slot::InProgress => None,
            };
        }
        inst.children.borrow_mut().insert(idx, Slot::InProgress);
        let result = self.make_children(inst, idx);
        inst.children
            .borrow_mut()
            .insert(idx, Slot::Done(result.clone()));
        result
    }

    /// Expand module call `idx` and evaluate each instance's inputs in the caller's
    /// scope (with its `count.index` or `each`).
    fn make_children(&self, inst: &Rc<Inst<'a>>, idx: usize) -> Option<Children<'a>> {
        let call = inst.module.calls.get(idx)?;
        let call_loc = call.file.location(call.block.span());
        let dir = self.resolve_source(inst, call, &call_loc)?;
        let module = self.modules.get(&dir)?;
        if inst.ancestors.contains(&dir) || inst.ancestors.len() >= MAX_MODULE_DEPTH {
            self.report_once(
                &call_loc,
                Diagnostic::error(
                    "module-cycle",
                    format!("module \"{}\" calls a module that is already being evaluated ({}); not followed", call.name, call.source.as_deref().unwrap_or("")),
                )
                .at(call_loc.file.clone(), Some(call_loc.start_line), Some(call_loc.start_column)),
            );
            return None;
        }
        let expansion = self.expand(inst, call.attr("count"), call.attr("for_each"));
        let mut insts = Vec::new();
        for (key, each_value) in &expansion.instances {
            let scope = Scope::with_instance(inst, key, each_value, expansion.counted);
            let mut vars = BTreeMap::new();
            for (name, decl) in &module.variables {
                let given = call.attr(name).map(|e| self.value_of(e, &scope));
                let v = match given {
                    Some(Value::Null) if decl.non_nullable => decl
                        .default
                        .map(|d| self.eval_isolated(d))
                        .unwrap_or(Value::Null),
                    Some(v) => v,
                    None => match decl.default {
                        Some(d) => self.eval_isolated(d),
                        None => Value::unresolved(),
                    },
                };
                vars.insert(name.clone(), self.conform_var(decl, v));
            }
            let addr = format!(
                "{}module.{}{}",
                inst.prefix,
                call.name,
                key.as_ref().map(InstKey::suffix).unwrap_or_default()
            );
            let mut calls = inst.calls.clone();
            calls.push(ModuleCall {
                address: addr.clone(),
                location: call_loc.clone(),
            });
            let mut call_path = inst.call_path.clone();
            call_path.push(call.name.clone());
            let mut ancestors = inst.ancestors.clone();
            ancestors.push(dir.clone());
            insts.push(self.new_inst(
                module,
                format!("{addr}."),
                call_path,
                calls,
                ancestors,
                vars,
            ));
        }
        Some(Children { expansion, insts })
    }

    /// The directory of a called module: a local path, an installed module
    /// (`modules.json`), or a downloaded one; otherwise reported, once per call.
    fn resolve_source(
        &self,
        inst: &Inst<'a>,
        call: &CallDecl<'a>,
        loc: &crate::model::Location,
    ) -> Option<PathBuf> {
        let Some(source) = call.source.as_deref() else {
            self.report_once(
                loc,
                Diagnostic::error(
                    "unresolved-module",
                    format!("module \"{}\" has no literal source", call.name),
                )
                .at(
                    loc.file.clone(),
                    Some(loc.start_line),
                    Some(loc.start_column),
                ),
            );
            return None;
        };
        if super::super::module::is_local_source(source) {
            let target = inst.module.dir.join(source);
            match target.canonicalize() {
                Ok(dir) if self.modules.contains(&dir) => return Some(dir),
                _ => {
                    self.report_once(
                        loc,
                        Diagnostic::error(
                            "unresolved-module",
                            format!("module \"{}\": source \"{source}\" is not a directory of Terraform files", call.name),
                        )
                        .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
                    );
                    return None;
                }
            }
        }
        let mut key_path = inst.call_path.clone();
        key_path.push(call.name.clone());
        let key = key_path.join(".");
        if let Some(dir) = self.manifest.get(&key).filter(|d| self.modules.contains(d)) {
            return Some(dir.clone());
        }
        let version = call.version.clone().unwrap_or_default();
        let message = match self.remote.get(&(source.to_string(), version)) {
            Some(Ok(dir)) if self.modules.contains(dir) => return Some(dir.clone()),
            Some(Err(reason)) => format!(
                "module \"{}\": source \"{source}\" could not be downloaded: {reason}; its resources were not scanned",
                call.name
            ),
            _ => format!(
                "module \"{}\": source \"{source}\" is not installed (run `terraform init`, or scan with --download-modules); its resources were not scanned",
                call.name
            ),
        };
        self.report_once(
            loc,
            Diagnostic::error("unresolved-module", message).at(
                loc.file.clone(),
                Some(loc.start_line),
                Some(loc.start_column),
            ),
        );
        None
    }

    /// How resource `idx` of `inst` expands, evaluated once; a reference back to it
    /// while its `count`/`for_each` is being evaluated sees an unknown expansion.
    pub(super) fn expansion(&self, inst: &Rc<Inst<'a>>, idx: usize) -> Expansion {
        if let Some(Slot::Done(e)) = inst.expansions.borrow().get(&idx) {
            return e.clone();
        }
        if let Some(Slot::InProgress) = inst.expansions.borrow().get(&idx) {
            return Expansion {
                instances: vec![(None, Value::unresolved())],
                counted: false,
                unknown: true,
            };
        }
        inst.expansions.borrow_mut().insert(idx, Slot::InProgress);
        let decl = &inst.module.resources[idx];
        let e = self.expand(inst, decl.attr("count"), decl.attr("for_each"));
        inst.expansions
            .borrow_mut()
            .insert(idx, Slot::Done(e.clone()));
        e
    }

    /// Say once per declaration that its instances are not known: which keys or how
    /// many cannot be told before apply, so one instance stands for all of them and
    /// results about it hold for each instance that will exist.
    fn report_unknown_instances(&self, what: &str, e: Expr<'a>, v: &Value) {
        let loc = e.file.location(e.expr.span());
        let message = match v {
            Value::Unknown(u) if u.refs.is_empty() => format!(
                "{what} is unknown (it depends on an input without value, an unresolved module or an expression that cannot be evaluated): which instances exist is not known before apply, so one instance without an index stands for all of them"
            ),
            Value::Unknown(_) | Value::List(_) | Value::Json(_) => format!(
                "{what} is {}: which instances exist is not known before apply, so one instance without an index stands for all of them",
                v.describe()
            ),
            other => format!(
                "{what} is {}, not a {}; one instance without an index stands for all of them",
                other.describe(),
                if what == "count" { "whole number" } else { "map or set of strings" }
            ),
        };
        self.report_once(
            &loc,
            Diagnostic::warning("unknown-instances", message).at(
                loc.file.clone(),
                Some(loc.start_line),
                Some(loc.start_column),
            ),
        );
    }

    /// The instances that a `count` or `for_each` (or neither) gives. A count or
    /// collection that is unknown, or over the element budget, is one unknown
    /// instance standing for all.
    fn expand(
        &self,
        inst: &Rc<Inst<'a>>,
        count: Option<Expr<'a>>,
        for_each: Option<Expr<'a>>,
    ) -> Expansion {
        let scope = Scope::new(inst);
        if let Some(c) = count {
            let v = self.value_of(c, &scope);
            return match v.to_tf_number() {
                Some(n) if n >= 0.0 && self.fits(n as usize, c.expr.span(), Some(c.file)) => {
                    Expansion {
                        instances: (0..n as usize)
                            .map(|i| (Some(InstKey::Index(i)), Value::Null))
                            .collect(),
                        counted: true,
                        unknown: false,
                    }
                }
                n => {
                    // Past the element budget, `fits` has said so already.
                    if n.is_none_or(|n| n < 0.0) {
                        self.report_unknown_instances("count", c, &v);
                    }
                    Expansion {
                        instances: vec![(None, Value::Null)],
                        counted: true,
                        unknown: true,
                    }
                }
            };
        }
        if let Some(f) = for_each {
            let v = self.value_of(f, &scope);
            let instances: Option<Vec<(Option<InstKey>, Value)>> = match &v {
                Value::Map(map) => Some(
                    map.iter()
                        .filter(|(k, _)| !k.starts_with('\u{0}'))
                        .map(|(k, v)| (Some(InstKey::Key(k.clone())), v.clone()))
                        .collect(),
                ),
                Value::List(items) => items
                    .iter()
                    .map(|i| {
                        i.to_tf_string()
                            .map(|s| (Some(InstKey::Key(s.clone())), Value::String(s)))
                    })
                    .collect(),
                Value::Null => Some(Vec::new()),
                _ => None,
            };
            if instances.is_none() {
                self.report_unknown_instances("for_each", f, &v);
            }
            return match instances {
                Some(list) if self.fits(list.len(), f.expr.span(), Some(f.file)) => Expansion {
                    instances: list,
                    counted: false,
                    unknown: false,
                },
                _ => Expansion {
                    instances: vec![(None, Value::unknown_from([&v]))],
                    counted: false,
                    unknown: true,
                },
            };
        }
        Expansion {
            instances: vec![(None, Value::Null)],
            counted: false,
            unknown: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use crate::model::value::Value;

    fn addresses(out: &super::super::RootOutput) -> Vec<&str> {
        out.resources.iter().map(|r| r.address.as_str()).collect()
    }

    #[test]
    fn count_and_for_each_instances() {
        let out = run(
            &[(
                "",
                r#"
variable "u" {}
resource "aws_kms_key" "counted" {
  count       = 2
  description = "k${count.index}"
}
resource "aws_kms_key" "none" { count = 0 }
resource "aws_kms_key" "unknown" { count = var.u }
resource "aws_s3_bucket" "set" {
  for_each = toset(["b", "a"])
  bucket   = each.key
}
resource "aws_s3_bucket" "map" {
  for_each = { x = "1" }
  bucket   = "${each.key}-${each.value}"
}
resource "aws_s3_bucket" "null" { for_each = null }
"#,
            )],
            &[],
        );
        assert_eq!(
            addresses(&out),
            [
                "aws_kms_key.counted[0]",
                "aws_kms_key.counted[1]",
                "aws_kms_key.unknown",
                "aws_s3_bucket.set[\"a\"]",
                "aws_s3_bucket.set[\"b\"]",
                "aws_s3_bucket.map[\"x\"]",
            ]
        );
        let body = |i: usize, name: &str| out.resources[i].body.get(name).cloned();
        assert_eq!(body(1, "description"), Some(Value::str("k1")));
        assert_eq!(body(3, "bucket"), Some(Value::str("a")));
        assert_eq!(body(5, "bucket"), Some(Value::str("x-1")));
        assert_eq!(out.module_instances, 1);
        // The unknown count is said once, where it is written, with its reason.
        let diags: Vec<_> = out.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(diags, [("unknown-instances", Some(8))]);
        assert!(out.diagnostics[0]
            .message
            .contains("an input without value"));
    }

    #[test]
    fn module_calls_expand_into_instances() {
        let out = run(
            &[
                (
                    "",
                    r#"
module "m" {
  source = "example/m/aws"
  count  = 2
  name   = "n${count.index}"
}
module "k" {
  source   = "example/m/aws"
  for_each = { a = "x" }
  name     = each.value
}
module "missing" { source = "example/missing/aws" }
"#,
                ),
                (
                    "m",
                    r#"
variable "name" {}
resource "aws_s3_bucket" "b" { bucket = var.name }
module "inner" {
  source = "example/inner/aws"
  name   = "${var.name}-inner"
}
"#,
                ),
                (
                    "inner",
                    "variable \"name\" {}\nresource \"aws_sqs_queue\" \"q\" { name = var.name }\n",
                ),
            ],
            &[
                ("m", "m"),
                ("k", "m"),
                ("m.inner", "inner"),
                ("k.inner", "inner"),
            ],
        );
        assert_eq!(
            addresses(&out),
            [
                "module.m[0].aws_s3_bucket.b",
                "module.m[0].module.inner.aws_sqs_queue.q",
                "module.m[1].aws_s3_bucket.b",
                "module.m[1].module.inner.aws_sqs_queue.q",
                "module.k[\"a\"].aws_s3_bucket.b",
                "module.k[\"a\"].module.inner.aws_sqs_queue.q",
            ]
        );
        assert_eq!(
            out.resources[3].body.get("name"),
            Some(&Value::str("n1-inner"))
        );
        assert_eq!(out.resources[3].module_calls.len(), 2);
        // The root, three instances of `m` and three of `inner`.
        assert_eq!(out.module_instances, 7);
        let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unresolved-module"]);
    }
}
