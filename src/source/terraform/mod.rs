//! Terraform source: discover root modules, parse, evaluate, adapt to the model.
//!
//! Files are parsed in parallel; each root module is evaluated on its own thread.
//! Nothing runs `terraform`; nothing is downloaded unless `--download-modules` asks.

pub mod adapt;
pub mod budget;
pub mod directives;
pub mod discover;
pub mod document;
pub mod eval;
pub mod functions;
pub mod module;
pub mod parse;
pub mod policy_document;
pub mod remote;
pub mod resource;

use crate::diagnostic::Diagnostic;
use crate::model::Value;
use discover::{read_manifest, relative};
use eval::{Evaluator, Modules};
use module::Module;
use parse::{parse_file, parse_text, SourceFile};
use rayon::prelude::*;
use resource::TfResource;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Variable values given on the command line.
#[derive(Clone, Debug, Default)]
pub struct TfOptions {
    /// `--var-file`, applied to every root after its own tfvars files.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, applied last.
    pub vars: Vec<(String, String)>,
    /// Download registry, git and HTTP module sources that `terraform init` has not
    /// installed (`--download-modules`).
    pub download_modules: bool,
    /// What evaluating one root may cost (`[evaluation]`).
    pub budgets: budget::Budgets,
}

/// The resources of one root module.
pub struct RootResources {
    /// Root directory relative to its scanned path.
    pub root: String,
    pub resources: Vec<TfResource>,
    pub providers: Vec<resource::TfProvider>,
}

#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub discover: Duration,
    /// First pass: read and parse every file (module calls, suppressions, errors).
    pub parse: Duration,
    /// Per group: parse what the first pass did not keep, evaluate, adapt.
    pub evaluate: Duration,
}

/// What scanning Terraform produced, with `T` per root module (an inventory, or the
/// evaluated resources themselves for tests and debugging).
pub struct TfScan<T> {
    pub roots: Vec<T>,
    /// The absolute directory that file paths are relative to: the scanned
    /// directory, or the common ancestor of several.
    pub base: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub bytes: u64,
    pub module_instances: usize,
    /// Evaluation errors that became unknowns, by message.
    pub unresolved: BTreeMap<String, usize>,
    /// Suppression comments by file (relative path), for files that have any.
    pub suppressions: BTreeMap<String, crate::source::terraform::directives::FileDirectives>,
    pub timings: Timings,
}

/// Parsing and evaluation recurse; give worker threads room so that deep but legal
/// input never overflows a stack.
fn ensure_thread_pool() {
    static POOL: std::sync::Once = std::sync::Once::new();
    POOL.call_once(|| {
        // Fails only if a pool already exists, which is fine.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(64 * 1024 * 1024)
            .build_global();
    });
}

/// Bytes of source text whose syntax trees the first pass keeps for evaluation. Kept
/// trees raise peak memory by about ten times their source (keeping all 8.9 MB of
/// ../shared/corpus adds about 90-100 MB at peak); this keeps every file of a 200,000-resource estate (35.5 MB). Past
/// it, files are parsed again when their group is evaluated, which costs CPU, not
/// memory.
const KEEP_PARSED_SOURCE: u64 = 64 * 1024 * 1024;

/// Scan Terraform and hand each evaluated root module to `per_root`, in parallel.
///
/// Two passes: the first parses every file once to learn module calls, suppressions
/// and syntax errors, and keeps the syntax trees while they fit in
/// [`KEEP_PARSED_SOURCE`]; the second takes one group of directories linked by module
/// calls at a time, evaluates its roots in parallel (each root owning its own files,
/// so they are dropped as it finishes) and parses again only what was not kept.
/// Peak memory is the kept trees plus the groups in flight: bounded by the constant
/// whatever the size of the tree, and without a second parse for the estates that fit.
pub fn scan<T: Send>(
    paths: &[PathBuf],
    opts: &TfOptions,
    per_root: impl Fn(RootResources) -> T + Sync,
) -> TfScan<T> {
    ensure_thread_pool();
    let mut diagnostics = Vec::new();
    let t0 = Instant::now();
    let mut fetcher = opts.download_modules.then(remote::Fetcher::from_env);
    let (mut store, walk_time) = discover::load(
        paths,
        fetcher.as_mut(),
        KEEP_PARSED_SOURCE,
        &mut diagnostics,
    );
    let parse_time = t0.elapsed().saturating_sub(walk_time);

    let t1 = Instant::now();
    let extra_files: Vec<SourceFile> = opts
        .var_files
        .iter()
        .filter_map(|p| {
            let rel = p.display().to_string();
            parse_file(p, &rel).map_err(|d| diagnostics.push(d)).ok()
        })
        .collect();
    let (cli_files, cli_strings) = cli_vars(&opts.vars);
    let work = store.work();
    let inputs = RootInputs {
        store: &store,
        opts,
        extra_files: &extra_files,
        cli_files: &cli_files,
        cli_strings: &cli_strings,
        per_root: &per_root,
    };
    let store_ref = &store;
    // Groups in parallel, and the roots of a group in parallel too: a monorepo whose
    // roots all call the same modules is one group.
    let per_component: Vec<Vec<RootOutcome<T>>> = work
        .into_par_iter()
        .map(|w| {
            if w.roots.is_empty() {
                return Vec::new();
            }
            let parsed = store_ref.parse_dirs(&w.shared, w.shared_trees);
            let shared: BTreeMap<PathBuf, Module> = parsed
                .iter()
                .filter_map(|(dir, files)| {
                    let base = store_ref.dirs.get(dir)?.base.clone();
                    Some((dir.clone(), Module::new(dir.clone(), base, &files.tf)))
                })
                .collect();
            w.roots
                .into_par_iter()
                .filter_map(|(dir, own)| match own {
                    Some(trees) => {
                        let files = store_ref
                            .parse_dirs(std::slice::from_ref(&dir), trees)
                            .remove(&dir)?;
                        let base = store_ref.dirs.get(&dir)?.base.clone();
                        let module = Module::new(dir.clone(), base, &files.tf);
                        let modules = Modules::new(&shared, Some(&module));
                        inputs.evaluate(&dir, &files.tfvars, modules)
                    }
                    None => {
                        let files = parsed.get(&dir)?;
                        inputs.evaluate(&dir, &files.tfvars, Modules::new(&shared, None))
                    }
                })
                .collect()
        })
        .collect();
    let mut roots_out = Vec::new();
    let mut module_instances = 0;
    let mut unresolved: BTreeMap<String, usize> = BTreeMap::new();
    for outcome in per_component.into_iter().flatten() {
        diagnostics.extend(outcome.diagnostics);
        module_instances += outcome.module_instances;
        for (k, v) in outcome.unresolved {
            *unresolved.entry(k).or_insert(0) += v;
        }
        roots_out.push(outcome.value);
    }
    diagnostics.sort();
    diagnostics.dedup();
    TfScan {
        roots: roots_out,
        base: store.base.clone(),
        diagnostics,
        files: store
            .dirs
            .values()
            .map(|d| d.tf.len() + d.tfvars.len())
            .sum(),
        bytes: store.bytes,
        module_instances,
        unresolved,
        suppressions: std::mem::take(&mut store.suppressions),
        timings: Timings {
            discover: walk_time,
            parse: parse_time,
            evaluate: t1.elapsed(),
        },
    }
}

/// What every root's evaluation reads besides its modules.
struct RootInputs<'s, F> {
    store: &'s discover::Store,
    opts: &'s TfOptions,
    /// `--var-file` files, applied after the root's own tfvars.
    extra_files: &'s [SourceFile],
    /// `--var` values that are HCL literals, then those that are plain strings.
    cli_files: &'s [SourceFile],
    cli_strings: &'s [(String, String)],
    per_root: &'s F,
}

impl<F, T> RootInputs<'_, F>
where
    F: Fn(RootResources) -> T,
{
    /// Evaluate the root module at `dir` with its tfvars files, and hand the result
    /// to `per_root`.
    fn evaluate<'a>(
        &'a self,
        dir: &Path,
        tfvars: &'a [SourceFile],
        modules: Modules<'a>,
    ) -> Option<RootOutcome<T>> {
        let info = self.store.dirs.get(dir)?;
        let root_rel = relative(dir, &info.base);
        let ev = Evaluator::new(
            modules,
            read_manifest(dir),
            &self.store.remote,
            root_rel.clone(),
            self.opts.budgets,
        );
        let mut vars: BTreeMap<String, Value> = BTreeMap::new();
        for f in tfvars.iter().chain(self.extra_files).chain(self.cli_files) {
            vars.extend(ev.tfvars(f));
        }
        for (k, v) in self.cli_strings {
            vars.insert(k.clone(), Value::String(v.clone()));
        }
        let out = ev.run(dir, vars);
        Some(RootOutcome {
            value: (self.per_root)(RootResources {
                root: root_rel,
                resources: out.resources,
                providers: out.providers,
            }),
            diagnostics: out.diagnostics,
            module_instances: out.module_instances,
            unresolved: out.unresolved,
        })
    }
}

struct RootOutcome<T> {
    value: T,
    diagnostics: Vec<Diagnostic>,
    module_instances: usize,
    unresolved: BTreeMap<String, usize>,
}

/// `--var` values: HCL literals (numbers, bools, lists, objects) are parsed as such,
/// anything else is taken as a plain string, as Terraform does for string variables.
fn cli_vars(vars: &[(String, String)]) -> (Vec<SourceFile>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut strings = Vec::new();
    for (k, v) in vars {
        let t = v.trim();
        let literal = t.starts_with('[')
            || t.starts_with('{')
            || t == "true"
            || t == "false"
            || t.parse::<f64>().is_ok();
        let valid_name = !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if literal && valid_name {
            if let Ok(f) = parse_text(Path::new("--var"), "--var", format!("{k} = {t}\n")) {
                files.push(f);
                continue;
            }
        }
        strings.push((k.clone(), v.clone()));
    }
    (files, strings)
}
