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
use super::functions::FnError;
use super::module::{Expr, Module};
use super::parse::SourceFile;
use super::resource::{TfProvider, TfResource};
use crate::diagnostic::Diagnostic;
use crate::model::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::Span;
use scope::{Inst, Scope};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Deepest expression recursion before giving up with an unknown (stack safety).
const MAX_DEPTH: usize = 200;

/// Deepest module nesting followed.
const MAX_MODULE_DEPTH: usize = 24;

/// A Terraform evaluation error (bad type, missing attribute); `try`/`can` catch it.
///
/// The one error of evaluation: expressions, templates (also those of
/// `templatefile`) and function calls all fail with it, a function's
/// [`super::functions::FnError`] converting at the call. Where an attribute's value
/// is needed it becomes an unresolved unknown, counted by message.
#[derive(Debug)]
struct EvalError(String);

impl From<FnError> for EvalError {
    fn from(e: FnError) -> EvalError {
        EvalError(e.to_string())
    }
}

/// What evaluating an expression gives.
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

/// The modules one root's evaluation may reach: those its group of directories
/// shares, and the root's own when it owns its files (see `discover::Work`).
#[derive(Clone, Copy)]
pub struct Modules<'a> {
    shared: &'a BTreeMap<PathBuf, Module<'a>>,
    root: Option<&'a Module<'a>>,
}

impl<'a> Modules<'a> {
    pub fn new(shared: &'a BTreeMap<PathBuf, Module<'a>>, root: Option<&'a Module<'a>>) -> Self {
        Modules { shared, root }
    }

    fn get(&self, dir: &Path) -> Option<&'a Module<'a>> {
        match self.root {
            Some(m) if m.dir == dir => Some(m),
            _ => self.shared.get(dir),
        }
    }

    fn contains(&self, dir: &Path) -> bool {
        self.get(dir).is_some()
    }

    /// Any module, for evaluating what may use only literals and functions.
    fn any(&self) -> Option<&'a Module<'a>> {
        self.root.or_else(|| self.shared.values().next())
    }
}

/// Evaluates one root module and everything it calls.
pub struct Evaluator<'a> {
    modules: Modules<'a>,
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
        modules: Modules<'a>,
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
            let root = self.root_inst(module, dir, &root_vars);
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

    /// The root module's instance: its variables are the given values, else their
    /// defaults, else unknown.
    fn root_inst(
        &self,
        module: &'a Module<'a>,
        dir: &Path,
        root_vars: &BTreeMap<String, Value>,
    ) -> Rc<Inst<'a>> {
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
        self.new_inst(
            module,
            String::new(),
            Vec::new(),
            Vec::new(),
            vec![dir.to_path_buf()],
            vars,
        )
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
        let Some(module) = self.modules.any() else {
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
    fn report_refused(&self, span: Option<Range<usize>>, name: &str, msg: &str) {
        let Some(file) = self.file.get() else {
            return;
        };
        let loc = file.location(span);
        self.report_once(
            &loc,
            Diagnostic::warning(
                "file-outside-scan",
                format!("{name}(): {msg}; values that depend on it are unknown (scan a directory that contains the file)"),
            )
            .at(loc.file.clone(), Some(loc.start_line), Some(loc.start_column)),
        );
    }

    /// Emit `d` unless a diagnostic was already emitted at that line: every
    /// instance of a module evaluates the same lines, and one report per line says
    /// it all.
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
    fn value(&self, expr: &Expression, scope: &Scope<'_, 'a>) -> Value {
        self.eval(expr, scope).unwrap_or_else(|e| {
            *self.unresolved.borrow_mut().entry(e.0).or_insert(0) += 1;
            Value::unresolved()
        })
    }

    /// `v`, or an unknown once the strings it adds spend the root's string budget.
    fn counted(&self, v: Value, span: Option<Range<usize>>) -> Value {
        match &v {
            Value::String(s) if !self.meter.string(s.len()) => self.over_budget(span),
            _ => v,
        }
    }

    /// The value of an expression evaluated past a root-wide budget: unknown, and the
    /// first time, a diagnostic at the expression that ran out.
    fn over_budget(&self, span: Option<Range<usize>>) -> Value {
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
    fn fits(&self, len: usize, span: Option<Range<usize>>, file: Option<&'a SourceFile>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::testing::{run, s, with_root};
    use super::*;

    #[test]
    fn a_root_evaluates_its_resources_and_providers() {
        let out = run(
            &[(
                "",
                r#"
variable "region" { default = "eu-west-1" }
provider "aws" { region = var.region }
resource "aws_s3_bucket" "b" { bucket = "b-${var.region}" }
"#,
            )],
            &[],
        );
        assert_eq!(out.resources.len(), 1);
        assert_eq!(out.resources[0].body.get("bucket"), Some(&s("b-eu-west-1")));
        assert_eq!(out.providers.len(), 1);
        assert_eq!(out.providers[0].body.get("region"), Some(&s("eu-west-1")));
        assert!(out.diagnostics.is_empty());
    }

    #[test]
    fn tfvars_are_evaluated_without_the_module() {
        let vars = "a = 1 + 1\nb = upper(\"x\")\nc = var.nope\n";
        with_root(Path::new("/virtual"), &[("", vars)], |ev, _, file| {
            let values: BTreeMap<String, Value> = ev.tfvars(file).into_iter().collect();
            assert_eq!(values.get("a"), Some(&Value::Number(2.0)));
            assert_eq!(values.get("b"), Some(&s("X")));
            assert!(values.get("c").is_some_and(Value::is_unknown));
        });
    }

    #[test]
    fn past_a_budget_values_are_unknown_and_the_scan_says_where() {
        let out = run(
            &[(
                "",
                r#"
resource "aws_s3_bucket" "big" {
  tags = { for i in setproduct(range(200), range(60)) : join("-", i) => i }
}
resource "aws_s3_bucket" "small" { bucket = "b" }
"#,
            )],
            &[],
        );
        assert!(out.resources[0]
            .body
            .get("tags")
            .is_some_and(Value::is_unknown));
        assert_eq!(out.resources[1].body.get("bucket"), Some(&s("b")));
        let diags: Vec<_> = out.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(diags, [("evaluation-budget", Some(3))]);
    }
}

/// Evaluating small configurations held in memory, for the unit tests of every
/// part of the evaluator.
#[cfg(test)]
mod testing {
    use super::super::discover::RemoteModules;
    use super::super::parse::parse_text;
    use super::*;

    /// Build the modules of a configuration held in memory: directories relative to
    /// `root` (`""` for the root itself), each with one `main.tf`; `manifest` maps
    /// module call paths (`"a"`, `"a.b"`) to directories, as `modules.json` does
    /// for installed modules. `f` gets the evaluator, the root module, its
    /// directory and its file.
    fn with_modules<T>(
        root: &Path,
        dirs: &[(&str, &str)],
        manifest: &[(&str, &str)],
        f: impl for<'x> FnOnce(Evaluator<'x>, &'x Module<'x>, &'x Path, &'x SourceFile) -> T,
    ) -> T {
        let files: Vec<(PathBuf, [SourceFile; 1])> = dirs
            .iter()
            .map(|(d, text)| {
                let dir = match d {
                    &"" => root.to_path_buf(),
                    d => root.join(d),
                };
                let rel = format!("{d}/main.tf");
                let file = parse_text(&dir.join("main.tf"), &rel, text.to_string());
                (dir, [file.expect("the test's source parses")])
            })
            .collect();
        let modules: BTreeMap<PathBuf, Module> = files
            .iter()
            .map(|(dir, fs)| (dir.clone(), Module::new(dir.clone(), root.into(), fs)))
            .collect();
        let remote = RemoteModules::new();
        let manifest = manifest
            .iter()
            .map(|(call, d)| (call.to_string(), root.join(d)))
            .collect();
        let ev = Evaluator::new(
            Modules::new(&modules, None),
            manifest,
            &remote,
            ".".into(),
            Budgets::default(),
        );
        let (dir, [file]) = &files[0];
        f(ev, &modules[dir], dir, file)
    }

    /// Evaluate the root module of [`with_modules`]'s configuration whole.
    pub(super) fn run(dirs: &[(&str, &str)], manifest: &[(&str, &str)]) -> RootOutput {
        with_modules(Path::new("/virtual"), dirs, manifest, |ev, _, dir, _| {
            ev.run(dir, BTreeMap::new())
        })
    }

    /// Evaluate with the root instance of [`with_modules`]'s configuration; `f`
    /// gets the evaluator, the root instance and the root's file.
    pub(super) fn with_root<T>(
        root: &Path,
        dirs: &[(&str, &str)],
        f: impl for<'x> FnOnce(&Evaluator<'x>, &Rc<Inst<'x>>, &'x SourceFile) -> T,
    ) -> T {
        with_modules(root, dirs, &[], |ev, module, dir, file| {
            let inst = ev.root_inst(module, dir, &BTreeMap::new());
            f(&ev, &inst, file)
        })
    }

    /// Evaluate the top-level attribute `name` of the root's file, as an error or
    /// a value, with the evaluator for what it recorded.
    pub(super) fn attr<'x>(
        ev: &Evaluator<'x>,
        inst: &Rc<Inst<'x>>,
        file: &'x SourceFile,
        name: &str,
    ) -> Result<Value, String> {
        let attr = file.body.attributes().find(|a| a.key.as_str() == name);
        let attr = attr.expect("the attribute is in the test's source");
        ev.in_file(file, || ev.eval(&attr.value, &Scope::new(inst)))
            .map_err(|e| e.0)
    }

    /// The value of `expr` in a root module declared by `preamble`, or the
    /// evaluation error's message.
    pub(super) fn probe(preamble: &str, expr: &str) -> Result<Value, String> {
        probe_in(Path::new("/virtual"), preamble, expr)
    }

    /// [`probe`] with the root module in the directory `root` (for file functions).
    pub(super) fn probe_in(root: &Path, preamble: &str, expr: &str) -> Result<Value, String> {
        let text = format!("{preamble}\nprobe__ = {expr}\n");
        with_root(root, &[("", &text)], |ev, inst, file| {
            attr(ev, inst, file, "probe__")
        })
    }

    /// [`probe`] that must succeed.
    pub(super) fn value(preamble: &str, expr: &str) -> Value {
        probe(preamble, expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    // One copy of the value constructors, shared with the function tests.
    pub(super) use crate::source::terraform::functions::tests::{list, map, n, s};

    /// The refs and shape of an unknown; panics on a known value.
    pub(super) fn unknown(v: &Value) -> (&[String], Option<&str>, bool) {
        match v {
            Value::Unknown(u) => (&u.refs, u.shape.as_deref(), u.unresolved),
            other => panic!("expected an unknown, got {other:?}"),
        }
    }
}
