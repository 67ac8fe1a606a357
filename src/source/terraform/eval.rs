//! The Terraform evaluator: variables, locals, module inputs and outputs, `count` and
//! `for_each`, `dynamic` blocks, conditionals, `for` expressions, splats, templates and
//! functions, evaluated lazily per module instance.
//!
//! Laziness matters: Terraform evaluates a graph, not files top to bottom, so a local
//! may use a module output that uses another local. Every named item is evaluated on
//! first use and memoised; a cycle yields an unknown instead of looping. Anything that
//! cannot be known becomes [`Value::Unknown`], never an error that drops a resource and
//! never a default that makes a rule pass.

use super::budget::{Budgets, Meter, Spent};
use super::functions::{self, FnCtx, FnError};
use super::module::{body_attr, CallDecl, Expr, Module, ResourceDecl};
use super::parse::{SourceFile, DUPLICATE_KEY_PREFIX};
use super::resource::{Attr, Block as EvBlock, Body as EvBody, Mode, TfProvider, TfResource};
use crate::diagnostic::Diagnostic;
use crate::model::value::{Unknown, Value, HOLE};
use crate::model::ModuleCall;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Deepest expression recursion before giving up with an unknown (stack safety).
const MAX_DEPTH: usize = 200;
/// Deepest module nesting followed.
const MAX_MODULE_DEPTH: usize = 24;

/// A Terraform evaluation error (bad type, missing attribute); `try`/`can` catch it.
#[derive(Debug)]
struct EvalError(String);

type R = Result<Value, EvalError>;

enum Slot<T> {
    InProgress,
    Done(T),
}

/// An instance key: `[0]` or `["name"]`.
#[derive(Clone, Debug, PartialEq)]
enum InstKey {
    Index(usize),
    Key(String),
}

impl InstKey {
    fn suffix(&self) -> String {
        match self {
            InstKey::Index(i) => format!("[{i}]"),
            InstKey::Key(k) => format!("[{k:?}]"),
        }
    }
}

/// How a resource or module call expands.
#[derive(Clone)]
struct Expansion {
    /// `None` for a single instance without key; otherwise keys with `each.value`.
    instances: Vec<(Option<InstKey>, Value)>,
    /// Whether this uses `count` (list-shaped references) or `for_each` (map-shaped).
    counted: bool,
    /// The expansion could not be known; one instance stands for all.
    unknown: bool,
}

/// A module instance: one module directory evaluated with one set of inputs.
struct Inst<'a> {
    module: &'a Module<'a>,
    /// Address prefix: `""` for the root, `module.a["k"].` below.
    prefix: String,
    /// Call names from the root (`["a", "b"]`), the key into `modules.json`.
    call_path: Vec<String>,
    calls: Vec<ModuleCall>,
    ancestors: Vec<PathBuf>,
    vars: BTreeMap<String, Value>,
    locals: RefCell<HashMap<String, Slot<Value>>>,
    outputs: RefCell<HashMap<String, Slot<Value>>>,
    expansions: RefCell<HashMap<usize, Slot<Expansion>>>,
    attrs: RefCell<HashMap<(usize, String, String), Slot<Value>>>,
    children: RefCell<HashMap<usize, Slot<Option<Children<'a>>>>>,
}

/// Instances created by one module call, or `None` when the module is unresolved.
#[derive(Clone)]
struct Children<'a> {
    expansion: Expansion,
    insts: Vec<Rc<Inst<'a>>>,
}

/// Bindings visible to an expression.
struct Scope<'s, 'a> {
    inst: &'s Rc<Inst<'a>>,
    count: Option<Value>,
    each: Option<(Value, Value)>,
    /// `for` expression, template `for` and dynamic iterator variables.
    locals: Vec<(String, Value)>,
}

impl<'s, 'a> Scope<'s, 'a> {
    fn new(inst: &'s Rc<Inst<'a>>) -> Scope<'s, 'a> {
        Scope {
            inst,
            count: None,
            each: None,
            locals: Vec::new(),
        }
    }

    fn with_instance(
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

    fn lookup_local(&self, name: &str) -> Option<&Value> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// What evaluating one root module produced.
pub struct RootOutput {
    pub resources: Vec<TfResource>,
    /// The root module's `provider` blocks, evaluated.
    pub providers: Vec<TfProvider>,
    pub diagnostics: Vec<Diagnostic>,
    pub module_instances: usize,
    /// Evaluation errors that became unknowns, by message (for `--timings` detail).
    pub unresolved: BTreeMap<String, usize>,
}

/// Evaluates one root module and everything it calls.
pub struct Evaluator<'a> {
    modules: &'a BTreeMap<PathBuf, Module<'a>>,
    manifest: BTreeMap<String, PathBuf>,
    /// Downloaded remote modules by source and version constraint.
    remote: &'a super::discover::RemoteModules,
    /// Root directory relative to the scanned path (`.` for the path itself).
    root_rel: String,
    diags: RefCell<Vec<Diagnostic>>,
    depth: Cell<usize>,
    instances: Cell<usize>,
    /// Evaluation errors turned into unknowns, by message.
    unresolved: RefCell<BTreeMap<String, usize>>,
    /// Unresolved-module diagnostics already emitted, by call location.
    reported: RefCell<BTreeSet<(String, usize)>>,
    /// The file of the expression being evaluated, so that a diagnostic raised deep
    /// inside it (a refused `file()`, a spent budget) can name its file and line.
    file: Cell<Option<&'a SourceFile>>,
    /// What this root's evaluation has spent of its budgets.
    meter: Meter,
    /// Whether the root-wide budget diagnostic was emitted.
    budget_reported: Cell<bool>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        modules: &'a BTreeMap<PathBuf, Module<'a>>,
        manifest: BTreeMap<String, PathBuf>,
        remote: &'a super::discover::RemoteModules,
        root_rel: String,
        budgets: Budgets,
    ) -> Evaluator<'a> {
        Evaluator {
            modules,
            manifest,
            remote,
            root_rel,
            diags: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            instances: Cell::new(0),
            unresolved: RefCell::new(BTreeMap::new()),
            reported: RefCell::new(BTreeSet::new()),
            file: Cell::new(None),
            meter: Meter::new(budgets),
            budget_reported: Cell::new(false),
        }
    }

    /// Evaluate the root module at `dir` with the given root variable values and
    /// return every resource instance, with module instances expanded.
    pub fn run(self, dir: &Path, root_vars: BTreeMap<String, Value>) -> RootOutput {
        let mut resources = Vec::new();
        let mut providers = Vec::new();
        if let Some(module) = self.modules.get(dir) {
            let vars = module
                .variables
                .iter()
                .map(|(name, decl)| {
                    let v = match root_vars.get(name) {
                        Some(v) => v.clone(),
                        None => match decl.default {
                            Some(d) => self.eval_isolated(d),
                            None => Value::unresolved(),
                        },
                    };
                    (name.clone(), self.conform_var(decl, v))
                })
                .collect();
            let root = self.new_inst(
                module,
                String::new(),
                Vec::new(),
                Vec::new(),
                vec![dir.to_path_buf()],
                vars,
            );
            self.collect(&root, &mut resources);
            for p in &module.providers {
                let scope = Scope::new(&root);
                providers.push(TfProvider {
                    name: p.name.clone(),
                    body: self.eval_body(&p.block.body, &scope, p.file, false),
                    location: p.file.location(p.block.span()),
                });
            }
        }
        RootOutput {
            resources,
            providers,
            diagnostics: self.diags.into_inner(),
            module_instances: self.instances.get(),
            unresolved: self.unresolved.into_inner(),
        }
    }

    fn new_inst(
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

    /// Values of a tfvars file (`name = value` attributes).
    pub fn tfvars(&self, file: &'a SourceFile) -> Vec<(String, Value)> {
        file.body
            .attributes()
            .map(|a| {
                (
                    a.key.as_str().to_string(),
                    self.eval_isolated(Expr {
                        file,
                        expr: &a.value,
                    }),
                )
            })
            .collect()
    }

    fn conform_var(&self, decl: &super::module::VarDecl<'a>, v: Value) -> Value {
        match decl.type_expr {
            Some(t) => self.conform(t.expr, v, t.file),
            None => v,
        }
    }

    /// Convert a value to a type constraint: primitives convert (`"true"` to `true`),
    /// and object attributes declared `optional(type, default)` that are missing get
    /// their default (or null), so modules can read them without an error.
    fn conform(&self, ty: &'a Expression, v: Value, file: &'a SourceFile) -> Value {
        if v.is_unknown() || v.is_null() {
            return v;
        }
        match ty {
            Expression::Variable(name) => match (name.as_str(), &v) {
                ("bool", _) => v.to_tf_bool().map(Value::Bool).unwrap_or(v),
                ("number", Value::String(_)) => v.to_tf_number().map(Value::Number).unwrap_or(v),
                ("string", Value::Bool(_) | Value::Number(_)) => {
                    v.to_tf_string().map(Value::String).unwrap_or(v)
                }
                _ => v,
            },
            Expression::FuncCall(call) => {
                let args: Vec<&'a Expression> = call.args.iter().collect();
                match (call.name.name.as_str(), args.as_slice(), v) {
                    ("optional", [inner, ..], v) => self.conform(inner, v, file),
                    ("list" | "set", [inner], Value::List(items)) => Value::List(
                        items
                            .into_iter()
                            .map(|i| self.conform(inner, i, file))
                            .collect(),
                    ),
                    ("map", [inner], Value::Map(map)) => Value::Map(
                        map.into_iter()
                            .map(|(k, i)| (k, self.conform(inner, i, file)))
                            .collect(),
                    ),
                    ("object", [Expression::Object(attrs)], Value::Map(mut map)) => {
                        for (k, attr_ty) in attrs.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(e) => match e.as_str() {
                                    Some(s) => s.to_string(),
                                    None => continue,
                                },
                            };
                            let attr_ty = attr_ty.expr();
                            match map.remove(&key) {
                                Some(present) => {
                                    map.insert(key, self.conform(attr_ty, present, file));
                                }
                                None => {
                                    if let Expression::FuncCall(opt) = attr_ty {
                                        if opt.name.name.as_str() == "optional" {
                                            let opt_args: Vec<&'a Expression> =
                                                opt.args.iter().collect();
                                            let default = match opt_args.get(1) {
                                                Some(d) => {
                                                    let d =
                                                        self.eval_isolated(Expr { file, expr: d });
                                                    match opt_args.first() {
                                                        Some(t) => self.conform(t, d, file),
                                                        None => d,
                                                    }
                                                }
                                                None => Value::Null,
                                            };
                                            map.insert(key, default);
                                        }
                                    }
                                }
                            }
                        }
                        Value::Map(map)
                    }
                    (_, _, v) => v,
                }
            }
            _ => v,
        }
    }

    /// Evaluate an expression that may only use literals and functions (variable
    /// defaults, tfvars).
    fn eval_isolated(&self, e: Expr<'a>) -> Value {
        let empty = BTreeMap::new();
        let Some(module) = self.modules.values().next() else {
            return Value::unresolved();
        };
        let inst = self.new_inst(
            module,
            String::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            empty,
        );
        self.instances.set(self.instances.get().saturating_sub(1));
        let scope = Scope::new(&inst);
        self.value_of(e, &scope)
    }

    // ----- walking instances -------------------------------------------------------

    fn collect(&self, inst: &Rc<Inst<'a>>, out: &mut Vec<TfResource>) {
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

    // ----- module calls -------------------------------------------------------------

    fn children(&self, inst: &Rc<Inst<'a>>, idx: usize) -> Option<Children<'a>> {
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
        if super::module::is_local_source(source) {
            let target = inst.module.dir.join(source);
            match target.canonicalize() {
                Ok(dir) if self.modules.contains_key(&dir) => return Some(dir),
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
        if let Some(dir) = self
            .manifest
            .get(&key)
            .filter(|d| self.modules.contains_key(*d))
        {
            return Some(dir.clone());
        }
        let version = call.version.clone().unwrap_or_default();
        let message = match self.remote.get(&(source.to_string(), version)) {
            Some(Ok(dir)) if self.modules.contains_key(dir) => return Some(dir.clone()),
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

    /// A file function refused a path outside the tree it may read. Reported even
    /// under `try()`/`can()`: the fallback they take is a value the configuration
    /// would not have, so the results that depend on it must be explained.
    fn report_refused(&self, call: &hcl_edit::expr::FuncCall, name: &str, msg: &str) {
        let Some(file) = self.file.get() else {
            return;
        };
        let loc = file.location(call.span());
        self.report_once(
            &loc,
            Diagnostic::warning(
                "file-outside-scan",
                format!("{name}(): {msg}; values that depend on it are unknown (scan a directory that contains the file)"),
            )
            .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
        );
    }

    fn report_once(&self, loc: &crate::model::Location, d: Diagnostic) {
        if self
            .reported
            .borrow_mut()
            .insert((loc.file.clone(), loc.start_line))
        {
            self.diags.borrow_mut().push(d);
        }
    }

    // ----- count / for_each -------------------------------------------------------

    fn expansion(&self, inst: &Rc<Inst<'a>>, idx: usize) -> Expansion {
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

    fn expand(
        &self,
        inst: &Rc<Inst<'a>>,
        count: Option<Expr<'a>>,
        for_each: Option<Expr<'a>>,
    ) -> Expansion {
        let scope = Scope::new(inst);
        if let Some(c) = count {
            return match self.value_of(c, &scope).to_tf_number() {
                Some(n) if n >= 0.0 && self.fits(n as usize, c.expr.span(), Some(c.file)) => {
                    Expansion {
                        instances: (0..n as usize)
                            .map(|i| (Some(InstKey::Index(i)), Value::Null))
                            .collect(),
                        counted: true,
                        unknown: false,
                    }
                }
                _ => Expansion {
                    instances: vec![(None, Value::Null)],
                    counted: true,
                    unknown: true,
                },
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

    // ----- bodies -------------------------------------------------------------------

    /// Evaluate a block body; `meta` skips resource meta-arguments.
    fn eval_body(
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
            _ => {
                out.unknown_blocks.insert(kind);
                return;
            }
        };
        if !self.fits(items.len(), block.span(), Some(file)) {
            out.unknown_blocks.insert(kind);
            return;
        }
        for (key, value) in items {
            let mut inner = Scope {
                inst: scope.inst,
                count: scope.count.clone(),
                each: scope.each.clone(),
                locals: scope.locals.clone(),
            };
            let mut obj = BTreeMap::new();
            obj.insert("key".to_string(), key);
            obj.insert("value".to_string(), value);
            inner.locals.push((iterator.clone(), Value::Map(obj)));
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

    // ----- named items --------------------------------------------------------------

    fn local(&self, inst: &Rc<Inst<'a>>, name: &str) -> R {
        let Some(expr) = inst.module.locals.get(name).copied() else {
            return Err(EvalError(format!("local.{name} is not declared")));
        };
        if let Some(slot) = inst.locals.borrow().get(name) {
            return Ok(match slot {
                Slot::Done(v) => v.clone(),
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
                    Value::unresolved()
                }
            });
        }
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let v = self.value_of(expr, &Scope::new(inst));
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    fn output(&self, inst: &Rc<Inst<'a>>, name: &str) -> R {
        if let Some(slot) = inst.outputs.borrow().get(name) {
            return Ok(match slot {
                Slot::Done(v) => v.clone(),
                Slot::InProgress => Value::unresolved(),
            });
        }
        let Some(expr) = inst.module.outputs.get(name).copied() else {
            return Err(EvalError(format!("module has no output \"{name}\"")));
        };
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let v = self.value_of(expr, &Scope::new(inst));
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    /// All outputs of a module instance as an object.
    fn outputs_object(&self, inst: &Rc<Inst<'a>>) -> Value {
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

    /// `module.NAME` as a value: an object of outputs, or a list/map of them.
    fn module_value(
        &self,
        inst: &Rc<Inst<'a>>,
        name: &str,
        next: Option<&'a TraversalOperator>,
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

    // ----- resources ----------------------------------------------------------------

    /// A resource (or data source) reference: `TYPE.NAME` followed by operators.
    /// Returns the value and how many operators were consumed.
    fn resource_ref(
        &self,
        scope: &Scope<'_, 'a>,
        data: bool,
        rtype: &str,
        name: &str,
        ops: &[&'a TraversalOperator],
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
        if single || exp.unknown {
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
                if exp.counted =>
            {
                // `aws_x.y[*].arn`: list of each instance's attribute.
                if let Some(TraversalOperator::GetAttr(attr)) = ops.get(1) {
                    let mut items = Vec::new();
                    for (k, _) in &exp.instances {
                        items.push(self.resource_attr(inst, idx, k, &base, attr.as_str())?);
                    }
                    return Ok((Value::List(items), 2));
                }
                Ok((self.resource_collection(inst, idx, &exp, &base), 0))
            }
            _ => Ok((self.resource_collection(inst, idx, &exp, &base), 0)),
        }
    }

    fn indexed_instance(
        &self,
        inst: &Rc<Inst<'a>>,
        idx: usize,
        exp: &Expansion,
        base: &str,
        key: &Value,
        next: Option<&'a TraversalOperator>,
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
        let addr = format!(
            "{base}{}",
            key.as_ref().map(InstKey::suffix).unwrap_or_default()
        );
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
        let addr = format!(
            "{base}{}",
            key.as_ref().map(InstKey::suffix).unwrap_or_default()
        );
        if decl.data
            && decl.rtype == "aws_iam_policy_document"
            && matches!(attr, "json" | "minified_json")
        {
            return Ok(self.policy_document_json(inst, idx, key));
        }
        let Some(expr) = decl.attr(attr) else {
            return Ok(Value::reference(format!("{addr}.{attr}")));
        };
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
        let exp = self.expansion(inst, idx);
        let each_value = exp
            .instances
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        let scope = Scope::with_instance(inst, key, &each_value, exp.counted);
        let v = self.value_of(expr, &scope);
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
        let each_value = exp
            .instances
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        let scope = Scope::with_instance(inst, key, &each_value, exp.counted);
        let body = self.eval_body(&decl.block.body, &scope, decl.file, true);
        let doc = super::policy_document::build(&body);
        match doc.to_json() {
            Some(json) => Value::String(json.to_string()),
            None => Value::Json(Box::new(doc)),
        }
    }

    // ----- expressions --------------------------------------------------------------

    /// [`Self::value`] of an expression declared in `e.file`.
    fn value_of(&self, e: Expr<'a>, scope: &Scope<'_, 'a>) -> Value {
        self.in_file(e.file, || self.value(e.expr, scope))
    }

    /// Run `f` with `file` as the file being evaluated, restoring the outer one after:
    /// a reference may lead into a local or output declared in another file.
    fn in_file<T>(&self, file: &'a SourceFile, f: impl FnOnce() -> T) -> T {
        let outer = self.file.replace(Some(file));
        let out = f();
        self.file.set(outer);
        out
    }

    /// Evaluate for an attribute: errors become unresolved unknowns.
    fn value(&self, expr: &'a Expression, scope: &Scope<'_, 'a>) -> Value {
        self.eval(expr, scope).unwrap_or_else(|e| {
            *self.unresolved.borrow_mut().entry(e.0).or_insert(0) += 1;
            Value::unresolved()
        })
    }

    fn eval(&self, expr: &'a Expression, scope: &Scope<'_, 'a>) -> R {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Ok(Value::unresolved());
        }
        if !self.meter.step() {
            return Ok(self.over_budget(expr.span()));
        }
        self.depth.set(depth + 1);
        let r = self.eval_inner(expr, scope);
        self.depth.set(depth);
        r
    }

    fn eval_inner(&self, expr: &'a Expression, scope: &Scope<'_, 'a>) -> R {
        Ok(match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(arr) => {
                let mut items = Vec::with_capacity(arr.len());
                for e in arr.iter() {
                    items.push(self.eval(e, scope)?);
                }
                Value::List(items)
            }
            Expression::Object(obj) => {
                let mut map = BTreeMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            let kv = self.eval(e, scope)?;
                            match kv.to_tf_string() {
                                Some(s) => s,
                                // Unknown key: the object's shape is unknown.
                                None => return Ok(Value::unknown_from([&kv])),
                            }
                        }
                    };
                    let key = key
                        .strip_prefix(DUPLICATE_KEY_PREFIX)
                        .map(str::to_string)
                        .unwrap_or(key);
                    map.insert(key, self.eval(v.expr(), scope)?);
                }
                Value::Map(map)
            }
            Expression::StringTemplate(t) => self.template(t, scope)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, scope)?,
            Expression::Parenthesis(p) => self.eval(p.inner(), scope)?,
            Expression::Variable(v) => self.variable(v.as_str(), scope)?,
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope)?;
                match cond.to_tf_bool() {
                    Some(true) => self.eval(&c.true_expr, scope)?,
                    Some(false) => self.eval(&c.false_expr, scope)?,
                    None if cond.is_unknown() => {
                        let a = self
                            .eval(&c.true_expr, scope)
                            .unwrap_or_else(|_| Value::unresolved());
                        let b = self
                            .eval(&c.false_expr, scope)
                            .unwrap_or_else(|_| Value::unresolved());
                        if a == b {
                            a
                        } else {
                            Value::unknown_from([&cond, &a, &b])
                        }
                    }
                    None => {
                        return Err(EvalError(format!(
                            "condition is {}, not a bool",
                            cond.type_name()
                        )))
                    }
                }
            }
            Expression::FuncCall(call) => self.call(call, scope)?,
            Expression::Traversal(t) => self.traversal(
                &t.expr,
                &t.operators.iter().map(|o| o.value()).collect::<Vec<_>>(),
                scope,
            )?,
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope)?;
                if v.is_unknown() {
                    return Ok(v);
                }
                match op.operator.value() {
                    UnaryOperator::Neg => Value::Number(
                        -v.to_tf_number()
                            .ok_or_else(|| EvalError("negating a non-number".into()))?,
                    ),
                    UnaryOperator::Not => Value::Bool(
                        !v.to_tf_bool()
                            .ok_or_else(|| EvalError("negating a non-bool".into()))?,
                    ),
                }
            }
            Expression::BinaryOp(op) => {
                self.binary(op.operator.value(), &op.lhs_expr, &op.rhs_expr, scope)?
            }
            Expression::ForExpr(f) => self.for_expr(f, scope)?,
        })
    }

    fn variable(&self, name: &str, scope: &Scope<'_, 'a>) -> R {
        if let Some(v) = scope.lookup_local(name) {
            return Ok(v.clone());
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
    fn traversal_root(
        &self,
        name: &str,
        ops: &[&'a TraversalOperator],
        scope: &Scope<'_, 'a>,
    ) -> Result<(Value, usize), EvalError> {
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
                    Some(v) => Ok((v.clone(), 1)),
                    None => Err(EvalError(format!("var.{n} is not declared"))),
                }
            }
            "local" => match attr(0) {
                Some(n) => Ok((self.local(scope.inst, n)?, 1)),
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
                (Some("value"), Some((_, v))) => Ok((v.clone(), 1)),
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
                if let Some(v) = scope.lookup_local(name) {
                    return Ok((v.clone(), 0));
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

    fn traversal(
        &self,
        head: &'a Expression,
        ops: &[&'a TraversalOperator],
        scope: &Scope<'_, 'a>,
    ) -> R {
        let (mut value, consumed) = match head {
            Expression::Variable(v) => self.traversal_root(v.as_str(), ops, scope)?,
            other => (self.eval(other, scope)?, 0),
        };
        let rest = &ops[consumed.min(ops.len())..];
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                TraversalOperator::GetAttr(a) => value = get_attr(&value, a.as_str())?,
                TraversalOperator::Index(ix) => {
                    let k = self.eval(ix, scope)?;
                    value = index(&value, &k)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = index(&value, &Value::Number(*n.value() as f64))?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // Apply the remaining operators to each element.
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        Value::Unknown(_) => return Ok(value),
                        other => vec![other],
                    };
                    let tail = &rest[i + 1..];
                    let attr_only = matches!(rest[i], TraversalOperator::AttrSplat(_));
                    let split = if attr_only {
                        tail.iter()
                            .position(|o| !matches!(o, TraversalOperator::GetAttr(_)))
                            .unwrap_or(tail.len())
                    } else {
                        tail.len()
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        let mut v = item;
                        for op in &tail[..split] {
                            v = apply_static(&v, op, |e| self.eval(e, scope))?;
                        }
                        out.push(v);
                    }
                    value = Value::List(out);
                    i += 1 + split;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn template(&self, t: &'a Template, scope: &Scope<'_, 'a>) -> R {
        // A template that is a single interpolation yields the value itself.
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr, scope);
        }
        let mut parts = Parts::default();
        self.render(t, scope, &mut parts)?;
        Ok(self.counted(parts.finish(), t.span()))
    }

    /// `v`, or an unknown once the strings it adds spend the root's string budget.
    fn counted(&self, v: Value, span: Option<std::ops::Range<usize>>) -> Value {
        match &v {
            Value::String(s) if !self.meter.string(s.len()) => self.over_budget(span),
            _ => v,
        }
    }

    /// The value of an expression evaluated past a root-wide budget: unknown, and the
    /// first time, a diagnostic at the expression that ran out.
    fn over_budget(&self, span: Option<std::ops::Range<usize>>) -> Value {
        if let (Some(spent), Some(file)) = (self.meter.spent(), self.file.get()) {
            if !self.budget_reported.replace(true) {
                let loc = file.location(span);
                self.diags.borrow_mut().push(
                    Diagnostic::warning(
                        "evaluation-budget",
                        format!(
                            "evaluation of this root stopped here: it used up its budget ({}); values evaluated from here on are unknown (raise it in [evaluation] of .soc2scan.toml for a trusted configuration)",
                            spent.describe(self.meter.budgets())
                        ),
                    )
                    .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
                );
            }
        }
        Value::unresolved()
    }

    /// Whether a collection of `len` elements fits the per-collection budget; when it
    /// does not, the caller's value is unknown and the scan says where.
    fn fits(
        &self,
        len: usize,
        span: Option<std::ops::Range<usize>>,
        file: Option<&'a SourceFile>,
    ) -> bool {
        if self.meter.elements(len) {
            return true;
        }
        if let Some(file) = file.or(self.file.get()) {
            let loc = file.location(span);
            self.report_once(
                &loc,
                Diagnostic::warning(
                    "evaluation-budget",
                    format!(
                        "{len} elements exceed the budget of one collection ({}); the value is unknown (raise it in [evaluation] of .soc2scan.toml for a trusted configuration)",
                        Spent::Elements.describe(self.meter.budgets())
                    ),
                )
                .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
            );
        }
        false
    }

    fn render(
        &self,
        t: &'a Template,
        scope: &Scope<'_, 'a>,
        parts: &mut Parts,
    ) -> Result<(), EvalError> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => parts.literal(s.value()),
                Element::Interpolation(i) => {
                    parts.strip_before(i.strip);
                    let v = self.eval(&i.expr, scope)?;
                    parts.value(&v)?;
                    parts.strip_after(i.strip);
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        parts.strip_before(ifd.if_expr.strip);
                        let c = self.eval(&ifd.if_expr.cond_expr, scope)?;
                        // Whichever branch renders, the tag that closes it may strip
                        // its end: `%{ else }` closes the `if` branch, `%{ endif }`
                        // the last one.
                        let closing = |has_else: bool| match &ifd.else_expr {
                            Some(e) if has_else => e.strip,
                            _ => ifd.endif_expr.strip,
                        };
                        match c.to_tf_bool() {
                            Some(true) => {
                                parts.strip_after(ifd.if_expr.strip);
                                self.render(&ifd.if_expr.template, scope, parts)?;
                                parts.strip_before(closing(true));
                            }
                            Some(false) => {
                                if let Some(e) = &ifd.else_expr {
                                    parts.strip_after(e.strip);
                                    self.render(&e.template, scope, parts)?;
                                    parts.strip_before(ifd.endif_expr.strip);
                                }
                            }
                            None => parts.value(&Value::unknown_from([&c]))?,
                        }
                        parts.strip_after(ifd.endif_expr.strip);
                    }
                    Directive::For(ford) => {
                        let f = &ford.for_expr;
                        parts.strip_before(f.strip);
                        let coll = self.eval(&f.collection_expr, scope)?;
                        let Some(items) = iterate(&coll) else {
                            parts.value(&Value::unknown_from([&coll]))?;
                            parts.strip_after(ford.endfor_expr.strip);
                            continue;
                        };
                        for (k, v) in items {
                            let mut inner = Scope {
                                inst: scope.inst,
                                count: scope.count.clone(),
                                each: scope.each.clone(),
                                locals: scope.locals.clone(),
                            };
                            if let Some(kv) = &f.key_var {
                                inner.locals.push((kv.as_str().to_string(), k));
                            }
                            inner.locals.push((f.value_var.as_str().to_string(), v));
                            parts.strip_after(f.strip);
                            self.render(&f.template, &inner, parts)?;
                            parts.strip_before(ford.endfor_expr.strip);
                        }
                        parts.strip_after(ford.endfor_expr.strip);
                    }
                },
            }
        }
        Ok(())
    }

    fn for_expr(&self, f: &'a hcl_edit::expr::ForExpr, scope: &Scope<'_, 'a>) -> R {
        let coll = self.eval(&f.intro.collection_expr, scope)?;
        let Some(items) = iterate(&coll) else {
            return Ok(Value::unknown_from([&coll]));
        };
        if !self.fits(items.len(), f.span(), None) {
            return Ok(Value::unresolved());
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let mut inner = Scope {
                inst: scope.inst,
                count: scope.count.clone(),
                each: scope.each.clone(),
                locals: scope.locals.clone(),
            };
            if let Some(kv) = &f.intro.key_var {
                inner.locals.push((kv.as_str().to_string(), k));
            }
            inner
                .locals
                .push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, &inner)?;
                match c.to_tf_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Value::unknown_from([&c])),
                }
            }
            let value = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let kv = self.eval(ke, &inner)?;
                    let Some(key) = kv.to_tf_string() else {
                        return Ok(Value::unknown_from([&kv, &value]));
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        Ok(match &f.key_expr {
            None => Value::List(list),
            Some(_) if f.grouping => Value::Map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            Some(_) => Value::Map(map),
        })
    }

    fn call(&self, call: &'a hcl_edit::expr::FuncCall, scope: &Scope<'_, 'a>) -> R {
        let mut name = call.name.name.as_str().to_string();
        if call.name.is_namespaced() {
            let ns: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            name = format!("{}::{name}", ns.join("::"));
        }
        let args: Vec<&'a Expression> = call.args.iter().collect();
        match name.as_str() {
            "try" => {
                for a in &args {
                    if let Ok(v) = self.eval(a, scope) {
                        return Ok(v);
                    }
                }
                return Err(EvalError("no argument of try() could be evaluated".into()));
            }
            "can" => {
                let Some(a) = args.first() else {
                    return Err(EvalError("can() needs an argument".into()));
                };
                return Ok(match self.eval(a, scope) {
                    Ok(v) if v.is_unknown() => v,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for a in &args {
            values.push(self.eval(a, scope)?);
        }
        if call.args.expand_final() {
            if let Some(last) = values.pop() {
                match last {
                    Value::List(items) => values.extend(items),
                    other => return Ok(Value::unknown_from([&other])),
                }
            }
        }
        let ctx = FnCtx {
            module_dir: &scope.inst.module.dir,
            scan_root: &scope.inst.module.base,
        };
        match functions::call(&name, &values, &ctx) {
            Ok(v) => Ok(self.counted(v, call.span())),
            Err(FnError::Unsupported(_)) => Ok(Value::unresolved()),
            Err(FnError::Invalid(msg)) => Err(EvalError(format!("{name}(): {msg}"))),
            Err(FnError::Refused(msg)) => {
                self.report_refused(call, &name, &msg);
                Err(EvalError(format!("{name}(): {msg}")))
            }
        }
    }

    fn binary(
        &self,
        op: &BinaryOperator,
        lhs: &'a Expression,
        rhs: &'a Expression,
        scope: &Scope<'_, 'a>,
    ) -> R {
        let l = self.eval(lhs, scope)?;
        // Short-circuit logic as Terraform's unknown-aware operators do.
        match op {
            BinaryOperator::And if l.to_tf_bool() == Some(false) => return Ok(Value::Bool(false)),
            BinaryOperator::Or if l.to_tf_bool() == Some(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
        let r = self.eval(rhs, scope)?;
        if matches!(op, BinaryOperator::And) && r.to_tf_bool() == Some(false) {
            return Ok(Value::Bool(false));
        }
        if matches!(op, BinaryOperator::Or) && r.to_tf_bool() == Some(true) {
            return Ok(Value::Bool(true));
        }
        if l.contains_unknown() || r.contains_unknown() {
            return Ok(Value::unknown_from([&l, &r]));
        }
        let num = |v: &Value| {
            v.to_tf_number()
                .ok_or_else(|| EvalError(format!("{} is not a number", v.describe())))
        };
        let boolean = |v: &Value| {
            v.to_tf_bool()
                .ok_or_else(|| EvalError(format!("{} is not a bool", v.describe())))
        };
        Ok(match op {
            BinaryOperator::Eq => Value::Bool(tf_equal(&l, &r)),
            BinaryOperator::NotEq => Value::Bool(!tf_equal(&l, &r)),
            BinaryOperator::Less => Value::Bool(num(&l)? < num(&r)?),
            BinaryOperator::LessEq => Value::Bool(num(&l)? <= num(&r)?),
            BinaryOperator::Greater => Value::Bool(num(&l)? > num(&r)?),
            BinaryOperator::GreaterEq => Value::Bool(num(&l)? >= num(&r)?),
            BinaryOperator::Plus => Value::Number(num(&l)? + num(&r)?),
            BinaryOperator::Minus => Value::Number(num(&l)? - num(&r)?),
            BinaryOperator::Mul => Value::Number(num(&l)? * num(&r)?),
            BinaryOperator::Div => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err(EvalError("division by zero".into()));
                }
                Value::Number(num(&l)? / d)
            }
            BinaryOperator::Mod => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err(EvalError("modulo by zero".into()));
                }
                Value::Number(num(&l)? % d)
            }
            BinaryOperator::And => Value::Bool(boolean(&l)? && boolean(&r)?),
            BinaryOperator::Or => Value::Bool(boolean(&l)? || boolean(&r)?),
        })
    }
}

/// Key under which a materialised resource object keeps its address, so that reading
/// an attribute that is not configured yields a reference instead of an error.
const RESOURCE_MARKER: &str = "\u{0}resource";

fn collection_of(objects: Vec<(Option<InstKey>, Value)>, counted: bool) -> Value {
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

/// Terraform equality: same type and value (numbers compare numerically).
fn tf_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < f64::EPSILON,
        _ => a == b,
    }
}

fn get_attr(value: &Value, name: &str) -> R {
    match value {
        Value::Map(map) => match map.get(name) {
            Some(v) => Ok(v.clone()),
            None => match map.get(RESOURCE_MARKER) {
                Some(Value::String(addr)) => Ok(Value::reference(format!("{addr}.{name}"))),
                _ => Err(EvalError(format!("object has no attribute \"{name}\""))),
            },
        },
        Value::Unknown(u) => Ok(Value::Unknown(Box::new(Unknown {
            refs: u.refs.iter().map(|r| format!("{r}.{name}")).collect(),
            shape: None,
            unresolved: u.unresolved,
        }))),
        Value::Json(_) => Ok(Value::unknown_from([value])),
        Value::Null => Err(EvalError(format!("attribute \"{name}\" of null"))),
        other => Err(EvalError(format!(
            "cannot read attribute \"{name}\" of a {}",
            other.type_name()
        ))),
    }
}

fn index(value: &Value, key: &Value) -> R {
    if key.is_unknown() {
        return Ok(Value::unknown_from([value, key]));
    }
    match value {
        Value::List(items) => {
            let i = key
                .to_tf_number()
                .ok_or_else(|| EvalError("list index is not a number".into()))?;
            if i < 0.0 || i.fract() != 0.0 {
                return Err(EvalError(format!("invalid index {i}")));
            }
            items
                .get(i as usize)
                .cloned()
                .ok_or_else(|| EvalError(format!("index {i} out of range")))
        }
        Value::Map(_) => {
            let k = key
                .to_tf_string()
                .ok_or_else(|| EvalError("map key is not a string".into()))?;
            get_attr(value, &k)
        }
        Value::Unknown(_) => Ok(value.clone()),
        other => Err(EvalError(format!("cannot index a {}", other.type_name()))),
    }
}

/// Apply a non-splat traversal operator to a value.
fn apply_static<'a>(
    value: &Value,
    op: &'a TraversalOperator,
    mut eval: impl FnMut(&'a Expression) -> R,
) -> R {
    match op {
        TraversalOperator::GetAttr(a) => get_attr(value, a.as_str()),
        TraversalOperator::Index(e) => index(value, &eval(e)?),
        TraversalOperator::LegacyIndex(n) => index(value, &Value::Number(*n.value() as f64)),
        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Ok(value.clone()),
    }
}

/// Key/value pairs of a collection for `for` expressions; `None` when unknown.
fn iterate(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match coll {
        Value::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect(),
        ),
        Value::Map(map) => Some(
            map.iter()
                .filter(|(k, _)| k.as_str() != RESOURCE_MARKER)
                .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                .collect(),
        ),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

/// Pieces of a string template: literal text, and unknown parts that become holes.
#[derive(Default)]
struct Parts {
    text: String,
    unknown: Option<Unknown>,
    /// Where the literal text at the end of `text` begins, if the last part was a
    /// literal: a strip marker trims only template literals, never interpolated values.
    literal_from: Option<usize>,
    /// A `~}` was seen: trim the whitespace that starts the next literal.
    strip_next: bool,
}

impl Parts {
    fn literal(&mut self, s: &str) {
        let s = if std::mem::take(&mut self.strip_next) {
            s.trim_start()
        } else {
            s
        };
        if self.literal_from.is_none() {
            self.literal_from = Some(self.text.len());
        }
        self.text.push_str(s);
    }

    /// `${~` / `%{~`: the whitespace that ends the preceding literal goes.
    fn strip_before(&mut self, strip: Strip) {
        if let (true, Some(from)) = (strip.strip_start(), self.literal_from) {
            let kept = self.text[from..].trim_end().len();
            self.text.truncate(from + kept);
        }
    }

    /// `~}`: the whitespace that starts the following literal goes.
    fn strip_after(&mut self, strip: Strip) {
        if strip.strip_end() {
            self.strip_next = true;
        }
    }

    fn value(&mut self, v: &Value) -> Result<(), EvalError> {
        self.literal_from = None;
        self.strip_next = false;
        if let Some(s) = v.to_tf_string() {
            self.text.push_str(&s);
            return Ok(());
        }
        match v {
            Value::Unknown(u) => {
                let acc = self.unknown.get_or_insert_with(Unknown::default);
                acc.refs.extend(u.refs.iter().cloned());
                acc.unresolved |= u.unresolved;
                // A partly known string keeps its known parts inside this one:
                // `"${local.prefix}/Name"` with prefix `arn:<hole>:iam::aws:policy`
                // is `arn:<hole>:iam::aws:policy/Name`, not a single hole.
                match &u.shape {
                    Some(shape) => self.text.push_str(shape),
                    None => self.text.push(HOLE),
                }
                Ok(())
            }
            Value::Json(_) => {
                let acc = self.unknown.get_or_insert_with(Unknown::default);
                let Value::Unknown(u) = Value::unknown_from([v]) else {
                    return Ok(());
                };
                acc.refs.extend(u.refs);
                acc.unresolved |= u.unresolved;
                self.text.push(HOLE);
                Ok(())
            }
            Value::Null => Err(EvalError("null value in a string template".into())),
            other => Err(EvalError(format!(
                "cannot use a {} in a string template",
                other.type_name()
            ))),
        }
    }

    fn finish(self) -> Value {
        match self.unknown {
            None => Value::String(self.text),
            Some(mut u) => {
                u.refs.sort();
                u.refs.dedup();
                u.shape = Some(self.text);
                Value::Unknown(Box::new(u))
            }
        }
    }
}
