//! The Terraform evaluator: variables, locals, module inputs and outputs, `count` and
//! `for_each`, `dynamic` blocks, conditionals, `for` expressions, splats, templates and
//! functions, evaluated lazily per module instance.
//!
//! Laziness matters: Terraform evaluates a graph, not files top to bottom, so a local
//! may use a module output that uses another local. Every named item is evaluated on
//! first use and memoised; a cycle yields an unknown instead of looping. Anything that
//! cannot be known becomes [`Value::Unknown`], never an error that drops a resource and
//! never a default that makes a rule pass.
//!
//! The parts, by concern:
//! - [`scope`]: module instances, the names an expression sees, and the memoisation
//!   of locals and outputs;
//! - [`expand`]: `count`/`for_each` instances and module calls;
//! - [`refs`]: references to resources and module instances as values;
//! - [`body`]: block bodies, `dynamic` blocks included;
//! - [`types`]: type constraints of input variables;
//! - [`expr`]: expressions, operators, `for`, splats, traversal and function calls;
//! - [`template`]: string templates and their directives.
//!
//! This file holds what ties them together: the evaluator's state, its entry points,
//! and the diagnostics and budgets every part reports through.

mod body;
mod expand;
mod expr;
mod refs;
mod scope;
mod template;
mod types;

use super::budget::{Budgets, Meter, Spent};
use super::module::{Expr, Module};
use super::parse::SourceFile;
use super::resource::{TfProvider, TfResource};
use crate::diagnostic::Diagnostic;
use crate::model::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::Span;
use scope::Scope;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Deepest expression recursion before giving up with an unknown (stack safety).
const MAX_DEPTH: usize = 200;

/// Deepest module nesting followed.
const MAX_MODULE_DEPTH: usize = 24;

/// A Terraform evaluation error (bad type, missing attribute); `try`/`can` catch it.
#[derive(Debug)]
struct EvalError(String);

type R = Result<Value, EvalError>;

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
}
