//! Module instances and scopes: what a name means where an expression is written.
//!
//! Each module instance memoises its locals and outputs (and, in [`super::expand`]
//! and [`super::refs`], its expansions, children and resource attributes) in
//! [`Slot`]s, so that every named item is evaluated once however often it is
//! referenced, and a reference cycle finds its slot in progress instead of looping.

use super::super::functions::is_internal_key;
use super::super::module::{Expr, Module};
use super::expand::{Children, Expansion, InstKey};
use super::{EvalError, Evaluator, R};
use crate::diagnostic::Diagnostic;
use crate::model::value::Value;
use crate::model::ModuleCall;
use hcl_edit::expr::TraversalOperator;
use hcl_edit::Span;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::rc::Rc;

pub(super) enum Slot<T> {
    InProgress,
    Done(T),
}

/// A module instance: one module directory evaluated with one set of inputs.
pub(super) struct Inst<'a> {
    pub(super) module: &'a Module<'a>,
    /// Address prefix: `""` for the root, `module.a["k"].` below.
    pub(super) prefix: String,
    /// Call names from the root (`["a", "b"]`), the key into `modules.json`.
    pub(super) call_path: Vec<String>,
    pub(super) calls: Vec<ModuleCall>,
    pub(super) ancestors: Vec<PathBuf>,
    pub(super) vars: BTreeMap<String, Value>,
    pub(super) locals: RefCell<HashMap<String, Slot<Value>>>,
    pub(super) outputs: RefCell<HashMap<String, Slot<Value>>>,
    pub(super) expansions: RefCell<HashMap<usize, Slot<Expansion>>>,
    pub(super) attrs: RefCell<HashMap<(usize, String, String), Slot<Value>>>,
    pub(super) children: RefCell<HashMap<usize, Slot<Option<Children<'a>>>>>,
}

/// Bindings visible to an expression.
pub(super) struct Scope<'s, 'a> {
    pub(super) inst: &'s Rc<Inst<'a>>,
    pub(super) count: Option<Value>,
    pub(super) each: Option<(Value, Value)>,
    /// `for` expression, template `for` and dynamic iterator variables (not
    /// Terraform's `local.*`, which are the instance's).
    pub(super) iteration: Vec<(String, Value)>,
    /// Inside a `templatefile`/`templatestring` template: the only names it sees.
    pub(super) template: Option<TemplateVars<'s>>,
}

/// What a `templatefile`/`templatestring` template sees, and where it was called.
#[derive(Clone)]
pub(super) struct TemplateVars<'s> {
    /// The call's `vars` argument: a template sees these and functions, nothing of
    /// the module (no `var.`, `local.`, resources), as in Terraform.
    pub(super) vars: &'s BTreeMap<String, Value>,
    /// The span of the call in the module's file. The template's own spans are in
    /// another text, so diagnostics about the template point at its call.
    pub(super) call: Option<Range<usize>>,
}

impl<'s, 'a> Scope<'s, 'a> {
    /// The scope of an expression in `inst` outside any `count`, `for_each` or
    /// iteration (locals, outputs, module inputs).
    pub(super) fn new(inst: &'s Rc<Inst<'a>>) -> Scope<'s, 'a> {
        Scope {
            inst,
            count: None,
            each: None,
            iteration: Vec::new(),
            template: None,
        }
    }

    /// The scope of a template called from `inst`: its variables only. Functions
    /// still resolve paths against the calling module.
    pub(super) fn template(
        inst: &'s Rc<Inst<'a>>,
        vars: &'s BTreeMap<String, Value>,
        call: Option<Range<usize>>,
    ) -> Scope<'s, 'a> {
        Scope {
            template: Some(TemplateVars { vars, call }),
            ..Scope::new(inst)
        }
    }

    /// The scope of one instance of an expanded resource or module call: its
    /// `count.index`, or `each.key` and `each.value`, unknown when the expansion is.
    pub(super) fn with_instance(
        inst: &'s Rc<Inst<'a>>,
        key: &Option<InstKey>,
        each_value: &Value,
        counted: bool,
    ) -> Scope<'s, 'a> {
        let mut s = Scope::new(inst);
        match key {
            Some(InstKey::Index(i)) => s.count = Some(Value::Number(*i as f64)),
            Some(InstKey::Key(k)) => s.each = Some((Value::str(k.clone()), each_value.clone())),
            None if counted => s.count = Some(Value::unresolved()),
            None => {}
        }
        if key.is_none() && each_value.is_unknown() && !counted {
            s.each = Some((Value::unresolved(), Value::unresolved()));
        }
        s
    }

    /// This scope with iteration variables added (`for`, template `for`, a
    /// `dynamic` block's iterator); later bindings shadow earlier ones.
    pub(super) fn with<'n>(
        &self,
        bindings: impl IntoIterator<Item = (&'n str, Value)>,
    ) -> Scope<'s, 'a> {
        let mut iteration = self.iteration.clone();
        iteration.extend(bindings.into_iter().map(|(n, v)| (n.to_string(), v)));
        Scope {
            inst: self.inst,
            count: self.count.clone(),
            each: self.each.clone(),
            iteration,
            template: self.template.clone(),
        }
    }

    /// The innermost iteration variable called `name`.
    fn iteration_variable(&self, name: &str) -> Option<&Value> {
        self.iteration
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Where a diagnostic about the expression at `span` points: the expression
    /// itself, or inside a template, the template's call.
    pub(super) fn site(&self, span: Option<Range<usize>>) -> Option<Range<usize>> {
        match &self.template {
            Some(t) => t.call.clone(),
            None => span,
        }
    }
}

impl<'a> Evaluator<'a> {
    /// A module instance with nothing evaluated yet; counted for the scan's
    /// statistics.
    pub(super) fn new_inst(
        &self,
        module: &'a Module<'a>,
        prefix: String,
        call_path: Vec<String>,
        calls: Vec<ModuleCall>,
        ancestors: Vec<PathBuf>,
        vars: BTreeMap<String, Value>,
    ) -> Rc<Inst<'a>> {
        self.instances.set(self.instances.get() + 1);
        Rc::new(Inst {
            module,
            prefix,
            call_path,
            calls,
            ancestors,
            vars,
            locals: RefCell::new(HashMap::new()),
            outputs: RefCell::new(HashMap::new()),
            expansions: RefCell::new(HashMap::new()),
            attrs: RefCell::new(HashMap::new()),
            children: RefCell::new(HashMap::new()),
        })
    }

    /// `local.NAME`, evaluated once per instance, and how many of the `.attr`
    /// operators after it ([`descend`]) were followed. A local that depends on
    /// itself is reported and unknown.
    fn local(
        &self,
        inst: &Rc<Inst<'a>>,
        name: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), EvalError> {
        let Some(expr) = inst.module.locals.get(name).copied() else {
            return Err(EvalError(format!("local.{name} is not declared")));
        };
        if let Some(slot) = inst.locals.borrow().get(name) {
            return Ok(match slot {
                Slot::Done(v) => descend(v, ops),
                Slot::InProgress => {
                    // Terraform refuses such a configuration; the values stay unknown
                    // and the scan says why.
                    let loc = expr.file.location(expr.expr.span());
                    self.report_once(
                        &loc,
                        Diagnostic::error(
                            "reference-cycle",
                            format!("local.{name} depends on itself (a cycle among locals); its value is unknown"),
                        )
                        .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
                    );
                    (Value::unresolved(), 0)
                }
            });
        }
        Ok((self.memoised(inst, &inst.locals, name, expr), 0))
    }

    /// `output "NAME"` of a module instance, evaluated once.
    pub(super) fn output(&self, inst: &Rc<Inst<'a>>, name: &str) -> R {
        if let Some(slot) = inst.outputs.borrow().get(name) {
            return Ok(match slot {
                Slot::Done(v) => v.clone(),
                Slot::InProgress => Value::unresolved(),
            });
        }
        let Some(expr) = inst.module.outputs.get(name).copied() else {
            return Err(EvalError(format!("module has no output \"{name}\"")));
        };
        Ok(self.memoised(inst, &inst.outputs, name, expr))
    }

    /// Evaluate `expr` in `inst` into `slots[name]`, marked in progress meanwhile so
    /// that a reference back to it is seen as a cycle: locals and outputs are
    /// memoised alike.
    fn memoised(
        &self,
        inst: &Rc<Inst<'a>>,
        slots: &RefCell<HashMap<String, Slot<Value>>>,
        name: &str,
        expr: Expr<'a>,
    ) -> Value {
        slots
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let v = self.value_of(expr, &Scope::new(inst));
        slots
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        v
    }

    /// All outputs of a module instance as an object.
    pub(super) fn outputs_object(&self, inst: &Rc<Inst<'a>>) -> Value {
        let names: Vec<String> = inst.module.outputs.keys().cloned().collect();
        let mut map = BTreeMap::new();
        for name in names {
            let v = self
                .output(inst, &name)
                .unwrap_or_else(|_| Value::unresolved());
            map.insert(name, v);
        }
        Value::Map(map)
    }

    /// The value of a bare name: an iteration variable, a template variable, or a
    /// root name used whole (`var`).
    pub(super) fn variable(&self, name: &str, scope: &Scope<'_, 'a>) -> R {
        if let Some(v) = scope.iteration_variable(name) {
            return Ok(v.clone());
        }
        if let Some(t) = &scope.template {
            return match t.vars.get(name) {
                Some(v) if !is_internal_key(name) => Ok(v.clone()),
                _ => Err(EvalError(format!("vars map does not contain key {name:?}"))),
            };
        }
        match name {
            // Bare root names used whole are rare; the traversal handles the usual forms.
            "var" => Ok(Value::Map(scope.inst.vars.clone())),
            "local" | "module" | "data" | "path" | "terraform" | "self" | "each" | "count" => {
                self.traversal_root(name, &[], scope).map(|(v, _)| v)
            }
            _ => Err(EvalError(format!("unknown variable {name}"))),
        }
    }

    /// Resolve the head of a traversal (`var.x`, `local.y`, `aws_s3_bucket.b`, ...),
    /// returning its value and how many operators it consumed.
    pub(super) fn traversal_root(
        &self,
        name: &str,
        ops: &[&TraversalOperator],
        scope: &Scope<'_, 'a>,
    ) -> Result<(Value, usize), EvalError> {
        if scope.template.is_some() {
            // A template's names are its variables, whatever they are called.
            return Ok((self.variable(name, scope)?, 0));
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" => {
                let Some(n) = attr(0) else {
                    return Ok((Value::Map(scope.inst.vars.clone()), 0));
                };
                match scope.inst.vars.get(n) {
                    Some(v) => {
                        let (v, used) = descend(v, &ops[1..]);
                        Ok((v, 1 + used))
                    }
                    None => Err(EvalError(format!("var.{n} is not declared"))),
                }
            }
            "local" => match attr(0) {
                Some(n) => {
                    let (v, used) = self.local(scope.inst, n, &ops[1..])?;
                    Ok((v, 1 + used))
                }
                None => Err(EvalError("`local` needs an attribute".into())),
            },
            "module" => match attr(0) {
                Some(n) => {
                    let (v, used_next) =
                        self.module_value(scope.inst, n, ops.get(1).copied(), scope)?;
                    Ok((v, if used_next { 2 } else { 1 }))
                }
                None => Err(EvalError("`module` needs a module name".into())),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => {
                    let (v, used) = self.resource_ref(scope, true, t, n, &ops[2..])?;
                    Ok((v, 2 + used))
                }
                _ => Err(EvalError("`data` needs a type and a name".into())),
            },
            "count" => match (attr(0), &scope.count) {
                (Some("index"), Some(v)) => Ok((v.clone(), 1)),
                _ => Err(EvalError("count.index used outside a counted block".into())),
            },
            "each" => match (attr(0), &scope.each) {
                (Some("key"), Some((k, _))) => Ok((k.clone(), 1)),
                (Some("value"), Some((_, v))) => {
                    let (v, used) = descend(v, &ops[1..]);
                    Ok((v, 1 + used))
                }
                _ => Err(EvalError("each used outside a for_each block".into())),
            },
            "path" => match attr(0) {
                Some("module") => Ok((
                    Value::String(scope.inst.module.dir.to_string_lossy().into_owned()),
                    1,
                )),
                Some("root") | Some("cwd") => {
                    let root = scope
                        .inst
                        .ancestors
                        .first()
                        .cloned()
                        .unwrap_or_else(|| scope.inst.module.dir.clone());
                    Ok((Value::String(root.to_string_lossy().into_owned()), 1))
                }
                _ => Err(EvalError("unknown path attribute".into())),
            },
            // The workspace, `self` and anything provider-computed are not knowable here.
            "terraform" | "self" => Ok((Value::unresolved(), ops.len().min(1))),
            _ => {
                if let Some(v) = scope.iteration_variable(name) {
                    return Ok(descend(v, ops));
                }
                match attr(0) {
                    Some(n)
                        if name.contains('_')
                            || scope.inst.module.resource(false, name, n).is_some() =>
                    {
                        let (v, used) = self.resource_ref(scope, false, name, n, &ops[1..])?;
                        Ok((v, 1 + used))
                    }
                    _ => Err(EvalError(format!("unknown name {name}"))),
                }
            }
        }
    }
}

/// Follow the leading `.name` operators through objects that have those attributes
/// and clone only what they lead to, with how many operators were followed: what
/// `apply` would make of them, without first copying the whole of a large variable,
/// local or `each.value` for one of its attributes. Anything else (an attribute the
/// object lacks, an index, an unknown) is left to `apply`.
fn descend(mut value: &Value, ops: &[&TraversalOperator]) -> (Value, usize) {
    let mut used = 0;
    for op in ops {
        let (TraversalOperator::GetAttr(name), Value::Map(map)) = (op, value) else {
            break;
        };
        let Some(next) = map.get(name.as_str()) else {
            break;
        };
        value = next;
        used += 1;
    }
    (value.clone(), used)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{attr, list, n, probe, s, value, with_root};
    use super::Slot;
    use crate::model::value::Value;
    use std::path::Path;

    #[test]
    fn a_local_is_evaluated_once() {
        let text = "locals {\n  bad = 1 / 0\n  ok = [1, 2]\n}\nuse = [local.bad, local.bad, local.ok, local.ok]\n";
        with_root(Path::new("/virtual"), &[("", text)], |ev, inst, file| {
            let v = attr(ev, inst, file, "use").expect("evaluates");
            let Value::List(items) = &v else {
                panic!("{v:?}")
            };
            assert!(items[0].is_unknown() && items[1].is_unknown());
            assert_eq!(items[2], list(&[n(1.0), n(2.0)]));
            // The failing local was evaluated, and its error counted, once.
            assert_eq!(ev.unresolved.borrow().get("division by zero"), Some(&1));
            // Referenced again, it is not evaluated again.
            assert_eq!(attr(ev, inst, file, "use"), Ok(v));
            assert_eq!(ev.unresolved.borrow().get("division by zero"), Some(&1));
            assert!(matches!(
                inst.locals.borrow().get("ok"),
                Some(Slot::Done(_))
            ));
        });
    }

    #[test]
    fn a_cycle_among_locals_is_unknown_and_reported() {
        let text = "locals {\n  a = local.b\n  b = \"x-${local.a}\"\n}\nuse = local.a\n";
        with_root(Path::new("/virtual"), &[("", text)], |ev, inst, file| {
            assert!(attr(ev, inst, file, "use").is_ok_and(|v| v.is_unknown()));
            let diags = ev.diags.borrow();
            assert_eq!(diags.len(), 1);
            assert_eq!(diags[0].code, "reference-cycle");
        });
    }

    #[test]
    fn attributes_are_read_through_names_as_through_values() {
        // What `descend` follows and what it leaves to `apply` give the same answers.
        let pre = "variable \"v\" {\n  default = { a = { b = [1, 2] }, c = null }\n}\nlocals {\n  l = var.v\n}";
        for head in ["var.v", "local.l", "{ a = { b = [1, 2] }, c = null }"] {
            assert_eq!(value(pre, &format!("{head}.a.b")), list(&[n(1.0), n(2.0)]));
            assert_eq!(value(pre, &format!("{head}.a.b[1]")), n(2.0));
            assert_eq!(value(pre, &format!("{head}.a[\"b\"][0]")), n(1.0));
            assert_eq!(
                value(pre, &format!("{head}.a.b.*")),
                list(&[n(1.0), n(2.0)])
            );
            for bad in [".a.nope", ".c.x", ".a.b.x"] {
                assert!(probe(pre, &format!("{head}{bad}")).is_err(), "{head}{bad}");
            }
        }
        let each = "[for k, v in { x = { y = 3 } } : v.y]";
        assert_eq!(value(pre, each), list(&[n(3.0)]));
    }

    #[test]
    fn names_in_a_module_scope() {
        let pre = "variable \"v\" { default = \"d\" }\nlocals { l = upper(var.v) }";
        assert_eq!(value(pre, "local.l"), s("D"));
        assert_eq!(
            value(pre, "var"),
            crate::model::value::Value::Map([("v".to_string(), s("d"))].into_iter().collect())
        );
        assert_eq!(value(pre, "path.module"), s("/virtual"));
        assert_eq!(value(pre, "path.root"), s("/virtual"));
        assert!(value(pre, "terraform.workspace").is_unknown());
        for bad in [
            "local",
            "local.nope",
            "var.nope",
            "path.nope",
            "nope",
            "nope.x",
        ] {
            assert!(probe(pre, bad).is_err(), "{bad} must fail");
        }
    }
}
