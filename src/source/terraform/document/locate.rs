//! Where a plan's or state's resources are written: the `resource` block in the `.tf`
//! files beside the document (or under `--source DIR`), so that results sit on the
//! code and SARIF annotates it; else the document itself, at the first line naming the
//! address.

use super::references::Call;
use super::{DocumentInput, DocumentResources, Kind};
use crate::diagnostic::Diagnostic;
use crate::model::{Location, ModuleCall};
use crate::source::terraform::directives::FileDirectives;
use crate::source::terraform::discover::{list_tf, read_manifest, relative};
use crate::source::terraform::module::{block_span, is_local_source, Module};
use crate::source::terraform::parse::parse_file;
use crate::source::terraform::resource::{TfProvider, TfResource};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one module directory declares, by name, with locations.
#[derive(Default)]
struct DirIndex {
    /// `(data, type, name)` to the block's location.
    resources: BTreeMap<(bool, String, String), Location>,
    /// Module call name to its source and the call block's location.
    calls: BTreeMap<String, (Option<String>, Location)>,
}

pub struct Locator {
    /// The configuration's root directory, when there is one.
    source: Option<PathBuf>,
    /// Paths are shown relative to this directory.
    pub base: PathBuf,
    /// The document as shown in results and messages.
    pub shown: String,
    /// The root module the document's resources belong to: `.` (its configuration's
    /// directory, as for HCL, so that results of the same resource from HCL and from a
    /// plan share fingerprints), else the document itself.
    pub root: String,
    /// The line of the first `"address": "..."` naming each address (JSON-escaped, as
    /// written), indexed once from the document's text.
    address_lines: BTreeMap<String, usize>,
    manifest: BTreeMap<String, PathBuf>,
    dirs: BTreeMap<PathBuf, DirIndex>,
    pub suppressions: BTreeMap<String, FileDirectives>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Locator {
    /// `text` is the document's content, to find the lines that name addresses.
    pub fn new(input: &DocumentInput, text: &str) -> Locator {
        let beside = input
            .path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."));
        let source = input
            .source
            .clone()
            .or_else(|| (!list_tf(beside).is_empty()).then(|| beside.to_path_buf()))
            .and_then(|d| d.canonicalize().ok());
        let base = source
            .clone()
            .or_else(|| beside.canonicalize().ok())
            .unwrap_or_else(|| beside.to_path_buf());
        let shown = input
            .path
            .canonicalize()
            .map(|p| relative(&p, &base))
            .unwrap_or_else(|_| input.path.display().to_string());
        let root = if source.is_some() {
            ".".to_string()
        } else {
            shown.clone()
        };
        Locator {
            root,
            manifest: source.as_deref().map(read_manifest).unwrap_or_default(),
            source,
            base,
            shown,
            address_lines: address_lines(text),
            dirs: BTreeMap::new(),
            suppressions: BTreeMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Whether results can sit on `.tf` files.
    pub fn has_source(&self) -> bool {
        self.source.is_some()
    }

    /// A plan's or state's resources, sorted by address, with what reading its `.tf`
    /// files for locations gathered (suppression comments, problems): both kinds of
    /// document end alike.
    pub fn finish(
        &mut self,
        kind: Kind,
        root: String,
        mut resources: Vec<TfResource>,
        providers: Vec<TfProvider>,
        identities: BTreeMap<String, String>,
    ) -> DocumentResources {
        resources.sort_by(|a, b| a.address.cmp(&b.address));
        DocumentResources {
            kind,
            root,
            resources,
            providers,
            identities,
            suppressions: std::mem::take(&mut self.suppressions),
            base: self.base.clone(),
            configured: self.has_source(),
            diagnostics: std::mem::take(&mut self.diagnostics),
        }
    }

    /// The block of a resource and the module calls leading to it, when the
    /// configuration is at hand; else the document's line naming `address`.
    pub fn resource(
        &mut self,
        calls: &[Call],
        data: bool,
        rtype: &str,
        name: &str,
        address: &str,
    ) -> (Location, Vec<ModuleCall>) {
        if let Some(found) = self.in_source(calls, data, rtype, name) {
            return found;
        }
        (self.in_document(address), Vec::new())
    }

    fn in_source(
        &mut self,
        calls: &[Call],
        data: bool,
        rtype: &str,
        name: &str,
    ) -> Option<(Location, Vec<ModuleCall>)> {
        let mut dir = self.source.clone()?;
        let mut chain = Vec::new();
        let mut keys: Vec<&str> = Vec::new();
        let mut prefix = String::new();
        for c in calls {
            keys.push(&c.name);
            let (source, location) = self.index(&dir).calls.get(&c.name)?.clone();
            prefix.push_str(&format!("module.{}{}", c.name, c.key));
            chain.push(ModuleCall {
                address: prefix.clone(),
                location,
            });
            prefix.push('.');
            dir = match self.manifest.get(&keys.join(".")) {
                Some(installed) => installed.clone(),
                None => {
                    let s = source.filter(|s| is_local_source(s))?;
                    dir.join(s).canonicalize().ok()?
                }
            };
        }
        let location = self
            .index(&dir)
            .resources
            .get(&(data, rtype.to_string(), name.to_string()))?
            .clone();
        Some((location, chain))
    }

    fn index(&mut self, dir: &Path) -> &DirIndex {
        if !self.dirs.contains_key(dir) {
            let index = self.read_dir(dir);
            self.dirs.insert(dir.to_path_buf(), index);
        }
        // Inserted just above when missing.
        self.dirs.entry(dir.to_path_buf()).or_default()
    }

    fn read_dir(&mut self, dir: &Path) -> DirIndex {
        let mut index = DirIndex::default();
        let files: Vec<_> = list_tf(dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .filter_map(|p| {
                let rel = relative(&p, &self.base);
                parse_file(&p, &rel)
                    .map_err(|d| self.diagnostics.push(d))
                    .ok()
            })
            .collect();
        for f in &files {
            if !f.suppressions.is_empty() {
                self.suppressions
                    .insert(f.rel.clone(), f.suppressions.clone());
            }
        }
        let module = Module::new(dir.to_path_buf(), self.base.clone(), &files);
        for r in &module.resources {
            index.resources.insert(
                (r.data, r.rtype.clone(), r.name.clone()),
                r.file.location(block_span(r.block)),
            );
        }
        for c in &module.calls {
            index.calls.insert(
                c.name.clone(),
                (c.source.clone(), c.file.location(block_span(c.block))),
            );
        }
        index
    }

    /// The document, at the first line that names `address` (line 1 when none does,
    /// as in the single-line output of `terraform show -json`).
    fn in_document(&self, address: &str) -> Location {
        let quoted = serde_json::to_string(address).unwrap_or_default();
        let escaped = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .unwrap_or_default();
        let line = self.address_lines.get(escaped).copied().unwrap_or(1);
        Location {
            file: self.shown.clone(),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 1,
        }
    }
}

/// Every `"address": "..."` of a document with the line it is first written on.
fn address_lines(text: &str) -> BTreeMap<String, usize> {
    static ADDRESS: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let mut out = BTreeMap::new();
    let Some(re) =
        ADDRESS.get_or_init(|| regex::Regex::new(r#""address"\s*:\s*"((?:[^"\\]|\\.)*)""#).ok())
    else {
        return out;
    };
    let mut line = 1;
    let mut counted = 0;
    for c in re.captures_iter(text) {
        let (Some(whole), Some(value)) = (c.get(0), c.get(1)) else {
            continue;
        };
        line += text
            .get(counted..whole.start())
            .map_or(0, |t| t.matches('\n').count());
        counted = whole.start();
        out.entry(value.as_str().to_string()).or_insert(line);
    }
    out
}
