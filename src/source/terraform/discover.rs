//! Finding the files to read: walk the scanned paths, group `.tf` files by directory,
//! follow local module sources and `terraform init`'s module manifest, and decide which
//! directories are root modules.

use super::module::{is_local_source, CallDecl};
use super::parse::{parse_file, SourceFile};
use super::remote::Fetcher;
use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Directories skipped while walking: tool state and dependencies, never configuration.
const SKIP_DIRS: &[&str] = &[".terraform", ".git", "node_modules", ".terragrunt-cache"];

/// A file that parsed in the first pass.
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub path: PathBuf,
    /// Relative to the scan base, `/`-separated.
    pub rel: String,
}

/// What the first pass keeps of a directory: its readable files and the module
/// sources it calls. Its syntax trees go to [`Store::trees`] while they fit the budget
/// given to [`load`], and are parsed again for evaluation otherwise.
#[derive(Default)]
pub struct DirInfo {
    pub tf: Vec<FileEntry>,
    /// `terraform.tfvars` and `*.auto.tfvars`, in the order Terraform applies them.
    pub tfvars: Vec<FileEntry>,
    /// Where paths of this directory's files are shown relative to.
    pub base: PathBuf,
    /// Found by walking a scanned path (as opposed to reached only as a module source).
    pub scanned: bool,
    /// Directories this one calls through local module sources.
    pub local_calls: Vec<PathBuf>,
    /// Directories of the remote modules this one calls that were downloaded.
    pub remote_calls: Vec<PathBuf>,
    /// Shown before paths relative to `base`: the package of a downloaded module.
    pub label: Option<String>,
    /// Installed by `terraform init` (reached through a module manifest): its remote
    /// calls are installed too and are never downloaded.
    pub installed: bool,
}

/// Remote module sources resolved by `--download-modules`, by source and version
/// constraint (empty when none): the module directory, or why it could not be had.
pub type RemoteModules = BTreeMap<(String, String), Result<PathBuf, String>>;

/// Every directory read, keyed by canonical path.
#[derive(Default)]
pub struct Store {
    pub dirs: BTreeMap<PathBuf, DirInfo>,
    pub bytes: u64,
    /// The absolute directory file paths are shown relative to.
    pub base: PathBuf,
    /// Suppression comments by file, for files that have any.
    pub suppressions: BTreeMap<String, crate::source::terraform::directives::FileDirectives>,
    pub remote: RemoteModules,
    /// Syntax trees of the first pass kept for the second, within `keep` bytes of
    /// source (see [`load`]).
    pub trees: Trees,
}

/// Syntax trees by file path. Only ever looked up, never listed, so a hash map:
/// comparing long paths component by component in a B-tree cost 2% of a scan.
pub type Trees = HashMap<PathBuf, SourceFile>;

/// The parsed files of a directory, for one component's evaluation.
#[derive(Default)]
pub struct ParsedDir {
    pub tf: Vec<SourceFile>,
    pub tfvars: Vec<SourceFile>,
}

/// One component's evaluation: a group of directories that reach each other through
/// module calls (or an installed-module manifest), evaluated and dropped on its own.
#[derive(Default)]
pub struct Work {
    /// The directories its roots call, which every root of the group may reach, with
    /// the trees the first pass kept of their files.
    pub shared: Vec<PathBuf>,
    pub shared_trees: Trees,
    /// Its roots, in path order. A root that no directory calls owns its files (the
    /// trees the first pass kept of them are given): only its own evaluation reads
    /// them, so they are parsed and dropped with it. A root that is also called (a
    /// cycle, see [`roots`]) is `None` and its files are among the shared ones.
    pub roots: Vec<(PathBuf, Option<Trees>)>,
}

impl Store {
    /// The evaluation work, one [`Work`] per group of directories that reach each
    /// other, with the first pass's kept trees handed to whoever will read them.
    pub fn work(&mut self) -> Vec<Work> {
        let roots: HashSet<PathBuf> = roots(self).into_iter().collect();
        let dirs: Vec<&PathBuf> = self.dirs.keys().collect();
        let index: HashMap<&PathBuf, usize> =
            dirs.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        let mut parent: Vec<usize> = (0..dirs.len()).collect();
        fn find(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut called: HashSet<PathBuf> = HashSet::new();
        for (dir, info) in &self.dirs {
            let mut targets: Vec<PathBuf> = info.local_calls.clone();
            targets.extend(info.remote_calls.iter().cloned());
            if info.scanned {
                targets.extend(read_manifest(dir).into_values());
            }
            for t in targets {
                if let (Some(&a), Some(&b)) = (index.get(dir), index.get(&t)) {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        parent[ra] = rb;
                    }
                }
                if &t != dir {
                    called.insert(t);
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<PathBuf>> = BTreeMap::new();
        for (i, d) in dirs.iter().enumerate() {
            let r = find(&mut parent, i);
            groups.entry(r).or_default().push((*d).clone());
        }
        groups
            .into_values()
            .map(|group| {
                let mut work = Work::default();
                for dir in group {
                    let trees = self.take_trees(&dir);
                    if roots.contains(&dir) && !called.contains(&dir) {
                        work.roots.push((dir, Some(trees)));
                    } else {
                        if roots.contains(&dir) {
                            work.roots.push((dir.clone(), None));
                        }
                        work.shared_trees.extend(trees);
                        work.shared.push(dir);
                    }
                }
                work
            })
            .collect()
    }

    /// The trees the first pass kept of one directory's files, taken out of the store.
    fn take_trees(&mut self, dir: &Path) -> Trees {
        let mut taken = Trees::new();
        if let Some(info) = self.dirs.get(dir) {
            for e in info.tf.iter().chain(&info.tfvars) {
                if let Some(tree) = self.trees.remove(&e.path) {
                    taken.insert(e.path.clone(), tree);
                }
            }
        }
        taken
    }

    /// The parsed files of these directories: the trees the first pass kept, and the
    /// rest parsed again.
    pub fn parse_dirs(&self, dirs: &[PathBuf], mut kept: Trees) -> BTreeMap<PathBuf, ParsedDir> {
        dirs.iter()
            .filter_map(|d| {
                let info = self.dirs.get(d)?;
                let mut parse = |entries: &[FileEntry]| -> Vec<SourceFile> {
                    entries
                        .iter()
                        .filter_map(|e| match kept.remove(&e.path) {
                            Some(tree) => Some(tree),
                            None => parse_file(&e.path, &e.rel).ok(),
                        })
                        .collect()
                };
                Some((
                    d.clone(),
                    ParsedDir {
                        tf: parse(&info.tf),
                        tfvars: parse(&info.tfvars),
                    },
                ))
            })
            .collect()
    }
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

/// A directory waiting to be read.
struct Pending {
    dir: PathBuf,
    files: Vec<PathBuf>,
    /// Everything `DirInfo` inherits from the directory that reached this one.
    info: DirInfo,
}

/// Walk the scanned paths and read everything reachable, downloading remote modules
/// when a fetcher is given. Problems become diagnostics.
/// Returns the store and the time spent walking directories (the rest is parsing).
pub fn load(
    paths: &[PathBuf],
    mut fetcher: Option<&mut Fetcher>,
    keep: u64,
    diags: &mut Vec<Diagnostic>,
) -> (Store, std::time::Duration) {
    let started = std::time::Instant::now();
    let mut store = Store::default();
    let mut pending: Vec<Pending> = Vec::new();
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
    store.base = base.clone();
    for canonical in &inputs {
        for (dir, files) in walk(canonical, &base, diags) {
            pending.push(Pending {
                dir,
                files,
                info: DirInfo {
                    base: base.clone(),
                    scanned: true,
                    ..DirInfo::default()
                },
            });
        }
    }
    let walk_time = started.elapsed();
    let mut queued: HashSet<PathBuf> = pending.iter().map(|p| p.dir.clone()).collect();
    let mut kept = 0;
    while !pending.is_empty() {
        let batch = std::mem::take(&mut pending);
        let parsed: Vec<DirRead> = batch.into_par_iter().map(read_dir_files).collect();
        for mut read in parsed {
            diags.append(&mut read.diagnostics);
            store.bytes += read.bytes;
            store.suppressions.append(&mut read.suppressions);
            for tree in std::mem::take(&mut read.trees) {
                if kept + tree.size <= keep {
                    kept += tree.size;
                    store.trees.insert(tree.path.clone(), tree);
                }
            }
            let manifest = if read.info.scanned {
                read_manifest(&read.dir)
            } else {
                BTreeMap::new()
            };
            if !manifest.is_empty() {
                read.info.installed = true;
            }
            let mut targets: Vec<(PathBuf, DirInfo)> = read
                .info
                .local_calls
                .iter()
                .map(|t| (t.clone(), inherited(&read.info)))
                .collect();
            targets.extend(manifest.into_values().map(|t| {
                let mut info = inherited(&read.info);
                info.installed = true;
                (t, info)
            }));
            if let Some(f) = fetcher.as_deref_mut().filter(|_| !read.info.installed) {
                for (source, version) in std::mem::take(&mut read.remote_sources) {
                    let key = (source, version.unwrap_or_default());
                    let got = match store.remote.get(&key) {
                        Some(got) => got.clone().map(|dir| (dir, None)),
                        None => {
                            let version = Some(key.1.as_str()).filter(|v| !v.is_empty());
                            let got = f.resolve(&key.0, version);
                            store.remote.insert(
                                key.clone(),
                                got.as_ref().map(|i| i.dir.clone()).map_err(Clone::clone),
                            );
                            got.map(|i| (i.dir.clone(), Some(i)))
                        }
                    };
                    let Ok((dir, installed)) = got else { continue };
                    read.info.remote_calls.push(dir.clone());
                    if let Some(i) = installed {
                        let info = DirInfo {
                            base: i.package,
                            label: Some(i.label),
                            ..DirInfo::default()
                        };
                        targets.push((dir, info));
                    }
                }
            }
            for (target, info) in targets {
                if target.is_dir() && queued.insert(target.clone()) {
                    let files = list_tf(&target);
                    pending.push(Pending {
                        dir: target,
                        files,
                        info,
                    });
                }
            }
            store.dirs.insert(read.dir, read.info);
        }
    }
    (store, walk_time)
}

/// The part of a directory's `DirInfo` that the modules it calls inherit.
fn inherited(info: &DirInfo) -> DirInfo {
    DirInfo {
        base: info.base.clone(),
        label: info.label.clone(),
        installed: info.installed,
        ..DirInfo::default()
    }
}

/// A module call's source and version constraint.
type CallSource = (String, Option<String>);

/// What the first pass learns of a parsed file: its module sources, and the tree
/// itself (which carries the file's size and suppression comments).
type FirstPass = (Vec<CallSource>, SourceFile);

/// The first pass over one directory.
struct DirRead {
    dir: PathBuf,
    info: DirInfo,
    diagnostics: Vec<Diagnostic>,
    bytes: u64,
    suppressions: BTreeMap<String, crate::source::terraform::directives::FileDirectives>,
    /// Calls of non-local sources, for downloading.
    remote_sources: Vec<CallSource>,
    /// The parsed files, for the store to keep or drop.
    trees: Vec<SourceFile>,
}

fn read_dir_files(pending: Pending) -> DirRead {
    let Pending { dir, files, info } = pending;
    let base = info.base.clone();
    let label = info.label.clone();
    let mut read = DirRead {
        info,
        dir,
        diagnostics: Vec::new(),
        bytes: 0,
        suppressions: BTreeMap::new(),
        remote_sources: Vec::new(),
        trees: Vec::new(),
    };
    // Parse and learn what later passes need (module sources, suppressions); the
    // store decides whether the tree itself is kept.
    let results: Vec<(bool, FileEntry, Result<FirstPass, Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let rel = match &label {
                Some(l) => format!("{l}/{}", relative(f, &base)),
                None => relative(f, &base),
            };
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let entry = FileEntry {
                path: f.clone(),
                rel: rel.clone(),
            };
            let r = parse_file(f, &rel).map(|file| {
                let sources = file
                    .body
                    .blocks()
                    .filter_map(|b| CallDecl::of(&file, b))
                    .filter_map(|c| Some((c.source?, c.version)))
                    .collect();
                (sources, file)
            });
            (is_tfvars(&name), entry, r)
        })
        .collect();
    for (tfvars, entry, r) in results {
        match r {
            Ok((sources, tree)) => {
                read.bytes += tree.size;
                if !tree.suppressions.is_empty() {
                    read.suppressions
                        .insert(entry.rel.clone(), tree.suppressions.clone());
                }
                read.trees.push(tree);
                for (s, version) in sources {
                    if !is_local_source(&s) {
                        read.remote_sources.push((s, version));
                    } else if let Ok(target) = read.dir.join(&s).canonicalize() {
                        read.info.local_calls.push(target);
                    }
                }
                if tfvars {
                    read.info.tfvars.push(entry);
                } else {
                    read.info.tf.push(entry);
                }
            }
            Err(d) => read.diagnostics.push(d),
        }
    }
    // terraform.tfvars first, then *.auto.tfvars in lexical order (Terraform's order).
    read.info.tfvars.sort_by_key(|f| {
        (
            !f.rel.ends_with("/terraform.tfvars") && f.rel != "terraform.tfvars",
            f.rel.clone(),
        )
    });
    read.info.tf.sort_by(|a, b| a.rel.cmp(&b.rel));
    read.info.local_calls.sort();
    read.info.local_calls.dedup();
    read.remote_sources.sort();
    read.remote_sources.dedup();
    read
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
pub fn list_tf(dir: &Path) -> Vec<PathBuf> {
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

/// Walk a scanned path (canonical): directories to their config files.
///
/// Symbolic links are not followed by the walk itself. A link to a file inside the
/// tree is read (shared `providers.tf` links are common); a link to a directory inside
/// the tree is skipped, its target being walked under its own path, so every file is
/// scanned once; a link back to its own ancestor is a loop, and a link that leaves the
/// tree is refused as `file()` is: both are reported.
fn walk(path: &Path, base: &Path, diags: &mut Vec<Diagnostic>) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let walker = ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.iter().any(|s| e.file_name() == *s))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let p = e.path();
                let is_file = if e.path_is_symlink() {
                    match followed(p, path, base) {
                        Ok(is_file) => is_file,
                        Err(d) => {
                            diags.push(d);
                            false
                        }
                    }
                } else {
                    e.file_type().is_some_and(|t| t.is_file())
                };
                if is_file && is_config_file(p) {
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

/// Whether the symbolic link `link` inside the walked `root` leads to a file to read
/// (`false` for a directory inside the tree), or a diagnostic when it loops, leaves
/// the tree, or is a dangling `.tf`/tfvars link.
fn followed(link: &Path, root: &Path, base: &Path) -> Result<bool, Diagnostic> {
    let at = relative(link, base);
    let target = match link.canonicalize() {
        Ok(t) => t,
        Err(e) if is_config_file(link) => {
            return Err(
                Diagnostic::error("io-error", format!("cannot read {at}: {e}")).at(at, None, None),
            )
        }
        Err(_) => return Ok(false),
    };
    if !target.starts_with(root) {
        return Err(Diagnostic::warning(
            "symlink-outside-scan",
            format!(
                "symbolic link {at} leads out of the scanned directory (to {}); not followed",
                target.display()
            ),
        )
        .at(at, None, None));
    }
    if target.is_dir() && link.starts_with(&target) {
        return Err(Diagnostic::error(
            "io-error",
            format!(
                "symbolic link loop back to {}; not followed",
                relative(&target, base)
            ),
        )
        .at(at, None, None));
    }
    Ok(target.is_file())
}

fn walk_error(err: &ignore::Error, base: &Path) -> (Option<String>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(relative(path, base)), err.to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err, base)
        }
        other => (None, other.to_string()),
    }
}

/// Root modules: directories found by walking that no other walked directory calls
/// through a local source (`examples/x` calling `../../` makes the repo root a module).
///
/// Directories that call each other in a cycle are all called, so none of them would
/// be a root and their resources would go unscanned without a word: the first of
/// each such group that no root reaches becomes a root, and evaluating it reports the
/// cycle at the call that closes it.
fn roots(store: &Store) -> Vec<PathBuf> {
    let called: HashSet<&PathBuf> = store
        .dirs
        .iter()
        .flat_map(|(dir, info)| info.local_calls.iter().filter(move |t| *t != dir))
        .collect();
    let candidates = || {
        store
            .dirs
            .iter()
            .filter(|(_, info)| info.scanned && !info.tf.is_empty())
            .map(|(dir, _)| dir)
    };
    let mut roots: Vec<PathBuf> = candidates()
        .filter(|dir| !called.contains(dir))
        .cloned()
        .collect();
    let mut reached: HashSet<PathBuf> = HashSet::new();
    for r in &roots {
        reach(store, r, &mut reached);
    }
    for dir in candidates() {
        if !reached.contains(dir) {
            reach(store, dir, &mut reached);
            roots.push(dir.clone());
        }
    }
    roots.sort();
    roots
}

/// Add every directory `from` reaches through local calls to `reached`.
fn reach(store: &Store, from: &Path, reached: &mut HashSet<PathBuf>) {
    let mut stack = vec![from.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Some(info) = store.dirs.get(&d) {
            if reached.insert(d) {
                stack.extend(info.local_calls.iter().cloned());
            }
        }
    }
}
