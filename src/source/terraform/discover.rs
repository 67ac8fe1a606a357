//! Finding the files to read: walk the scanned paths, group `.tf` files by directory,
//! follow local module sources and `terraform init`'s module manifest, and decide which
//! directories are root modules.

use super::module::{is_local_source, Module};
use super::parse::{parse_file, SourceFile};
use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// Directories skipped while walking: tool state and dependencies, never configuration.
const SKIP_DIRS: &[&str] = &[".terraform", ".git", "node_modules", ".terragrunt-cache"];

/// The `.tf` and variable files of one directory.
#[derive(Default)]
pub struct DirFiles {
    pub tf: Vec<SourceFile>,
    /// `terraform.tfvars` and `*.auto.tfvars`, in the order Terraform applies them.
    pub tfvars: Vec<SourceFile>,
    /// Where paths of this directory's files are shown relative to.
    pub base: PathBuf,
    /// Found by walking a scanned path (as opposed to reached only as a module source).
    pub scanned: bool,
}

/// Every directory read, keyed by canonical path.
#[derive(Default)]
pub struct Store {
    pub dirs: BTreeMap<PathBuf, DirFiles>,
    pub bytes: u64,
}

/// `.terraform/modules/modules.json`: installed module directories by call key.
#[derive(serde::Deserialize)]
struct Manifest {
    #[serde(rename = "Modules", default)]
    modules: Vec<ManifestEntry>,
}

#[derive(serde::Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Dir")]
    dir: String,
}

/// Installed modules of a root: call key (`a.b`) to directory.
pub fn read_manifest(root: &Path) -> BTreeMap<String, PathBuf> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return BTreeMap::new();
    };
    let Ok(manifest) = serde_json::from_str::<Manifest>(&text) else {
        return BTreeMap::new();
    };
    manifest
        .modules
        .into_iter()
        .filter(|m| !m.key.is_empty())
        .filter_map(|m| Some((m.key, root.join(&m.dir).canonicalize().ok()?)))
        .collect()
}

/// A path relative to `base`, with `..` where it lies outside.
pub fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".into());
    }
    for c in &p[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

fn is_tfvars(name: &str) -> bool {
    name == "terraform.tfvars" || name.ends_with(".auto.tfvars")
}

/// Walk the scanned paths and read everything reachable. Problems become diagnostics.
/// Returns the store and the time spent walking directories (the rest is parsing).
pub fn load(paths: &[PathBuf], diags: &mut Vec<Diagnostic>) -> (Store, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut store = Store::default();
    let mut pending: Vec<(PathBuf, PathBuf, Vec<PathBuf>, bool)> = Vec::new();
    let mut inputs = Vec::new();
    for input in paths {
        match input.canonicalize() {
            Ok(c) => inputs.push(c),
            Err(e) => diags.push(Diagnostic::error(
                "io-error",
                format!("cannot read {}: {e}", input.display()),
            )),
        }
    }
    // Paths in results are relative to one base: the scanned directory, or the
    // common ancestor when several paths are scanned, so they never collide.
    let base = common_base(&inputs);
    for canonical in &inputs {
        for (dir, files) in walk(canonical, &base, diags) {
            pending.push((dir, base.clone(), files, true));
        }
    }
    let walk_time = started.elapsed();
    let mut queued: BTreeSet<PathBuf> = pending.iter().map(|p| p.0.clone()).collect();
    while !pending.is_empty() {
        let batch = std::mem::take(&mut pending);
        let parsed: Vec<(PathBuf, DirFiles, Vec<Diagnostic>, u64)> = batch
            .into_par_iter()
            .map(|(dir, base, files, scanned)| read_dir_files(dir, base, files, scanned))
            .collect();
        for (dir, files, mut d, bytes) in parsed {
            diags.append(&mut d);
            store.bytes += bytes;
            // Module sources that point at directories not read yet.
            let module = Module::new(dir.clone(), &files.tf);
            let mut targets: Vec<PathBuf> = module
                .calls
                .iter()
                .filter_map(|c| c.source.as_deref())
                .filter(|s| is_local_source(s))
                .filter_map(|s| dir.join(s).canonicalize().ok())
                .collect();
            if files.scanned {
                targets.extend(read_manifest(&dir).into_values());
            }
            for target in targets {
                if target.is_dir() && queued.insert(target.clone()) {
                    let tf = list_tf(&target);
                    pending.push((target, files.base.clone(), tf, false));
                }
            }
            store.dirs.insert(dir, files);
        }
    }
    (store, walk_time)
}

fn read_dir_files(
    dir: PathBuf,
    base: PathBuf,
    files: Vec<PathBuf>,
    scanned: bool,
) -> (PathBuf, DirFiles, Vec<Diagnostic>, u64) {
    let mut out = DirFiles {
        base: base.clone(),
        scanned,
        ..DirFiles::default()
    };
    let mut diags = Vec::new();
    let mut bytes = 0;
    let mut results: Vec<(bool, Result<SourceFile, Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let rel = relative(f, &base);
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (is_tfvars(&name), parse_file(f, &rel))
        })
        .collect();
    for (tfvars, r) in results.drain(..) {
        match r {
            Ok(file) => {
                bytes += std::fs::metadata(&file.path).map(|m| m.len()).unwrap_or(0);
                if tfvars {
                    out.tfvars.push(file);
                } else {
                    out.tf.push(file);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    // terraform.tfvars first, then *.auto.tfvars in lexical order (Terraform's order).
    out.tfvars.sort_by_key(|f| {
        (
            !f.rel.ends_with("/terraform.tfvars") && f.rel != "terraform.tfvars",
            f.rel.clone(),
        )
    });
    out.tf.sort_by(|a, b| a.rel.cmp(&b.rel));
    (dir, out, diags, bytes)
}

/// The deepest directory containing every input (a file's directory for a file).
fn common_base(inputs: &[PathBuf]) -> PathBuf {
    let dirs: Vec<PathBuf> = inputs
        .iter()
        .map(|p| {
            if p.is_file() {
                p.parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| p.clone())
            } else {
                p.clone()
            }
        })
        .collect();
    let Some(first) = dirs.first() else {
        return PathBuf::from(".");
    };
    let mut base = first.clone();
    for d in &dirs[1..] {
        while !d.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    base
}

/// `.tf` and tfvars files directly in a directory (module directories are not walked).
fn list_tf(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_config_file(p))
        .collect();
    out.sort();
    out
}

fn is_config_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".tf") || is_tfvars(&name)
}

/// Walk a scanned path: directories to their config files.
fn walk(path: &Path, base: &Path, diags: &mut Vec<Diagnostic>) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .follow_links(true)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let p = e.path();
                if e.file_type().is_some_and(|t| t.is_file()) && is_config_file(p) {
                    let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                    dirs.entry(dir).or_default().push(p.to_path_buf());
                }
            }
            Err(err) => {
                let (file, msg) = walk_error(&err, base);
                let d = Diagnostic::error("io-error", msg);
                diags.push(match file {
                    Some(f) => d.at(f, None, None),
                    None => d,
                });
            }
        }
    }
    for files in dirs.values_mut() {
        files.sort();
    }
    dirs
}

fn walk_error(err: &ignore::Error, base: &Path) -> (Option<String>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(relative(path, base)), err.to_string()),
        ignore::Error::Loop { child, ancestor } => (
            Some(relative(child, base)),
            format!(
                "symbolic link loop back to {}; not followed",
                relative(ancestor, base)
            ),
        ),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err, base)
        }
        other => (None, other.to_string()),
    }
}

/// Root modules: directories found by walking that no other walked directory calls
/// through a local source (`examples/x` calling `../../` makes the repo root a module).
pub fn roots(store: &Store) -> Vec<PathBuf> {
    let mut called: BTreeSet<PathBuf> = BTreeSet::new();
    for (dir, files) in &store.dirs {
        let module = Module::new(dir.clone(), &files.tf);
        for call in &module.calls {
            if let Some(src) = call.source.as_deref().filter(|s| is_local_source(s)) {
                if let Ok(target) = dir.join(src).canonicalize() {
                    if &target != dir {
                        called.insert(target);
                    }
                }
            }
        }
    }
    store
        .dirs
        .iter()
        .filter(|(dir, files)| files.scanned && !files.tf.is_empty() && !called.contains(*dir))
        .map(|(dir, _)| dir.clone())
        .collect()
}
