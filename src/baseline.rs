//! Baselines: adopt soc2scan on an existing repository without fixing everything at
//! once. `soc2scan baseline` records today's failures by fingerprint; later scans with
//! `--baseline FILE` report those as `suppressed` (kind `baseline`) and gate only on
//! new ones. `--diff-base REF` does the same against the tree of a git ref, so a pull
//! request is judged on exactly the findings it introduces.

use crate::finding::{Finding, Status, Suppression};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use thiserror::Error;

pub const SCHEMA: &str = "soc2scan/baseline/v1";

#[derive(Debug, Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "baseline {path} is not a soc2scan baseline (line {line}, column {column}): {message}"
    )]
    Corrupt {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("baseline {path} has schema \"{found}\", expected \"{SCHEMA}\"")]
    Schema { path: String, found: String },
    #[error("--diff-base: {0}")]
    Git(String),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema: String,
    pub entries: Vec<Entry>,
}

/// One accepted failure. Only the fingerprint is matched; the rest is for readers.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub resource: String,
    pub file: Option<String>,
}

impl Baseline {
    /// The failing results of a scan (suppressed ones are already accepted elsewhere).
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.to_string(),
                resource: f.resource.clone(),
                file: f.location().map(|l| l.file.clone()),
            })
            .collect();
        entries.sort();
        entries.dedup();
        Baseline {
            schema: SCHEMA.to_string(),
            entries,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: p.clone(),
            source,
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Corrupt {
            path: p.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if b.schema != SCHEMA {
            return Err(BaselineError::Schema {
                path: p,
                found: b.schema,
            });
        }
        Ok(b)
    }

    pub fn fingerprints(&self) -> BTreeSet<String> {
        self.entries.iter().map(|e| e.fingerprint.clone()).collect()
    }
}

/// Mark failures whose fingerprint is in `known` as suppressed with `kind`.
pub fn mark_known(
    findings: &mut [Finding],
    known: &BTreeSet<String>,
    kind: &str,
    source: &str,
) -> usize {
    let mut n = 0;
    for f in findings.iter_mut() {
        if f.status == Status::Fail && known.contains(&f.fingerprint) {
            f.status = Status::Suppressed;
            f.suppression = Some(Suppression {
                kind: kind.to_string(),
                source: source.to_string(),
                reason: Some(match kind {
                    "baseline" => "recorded in the baseline".to_string(),
                    _ => format!("already present in {source}"),
                }),
                until: None,
                location: None,
            });
            n += 1;
        }
    }
    n
}

/// A checkout of a git ref's tree in a temporary directory, read through `git archive`
/// so the working tree and index are never touched.
pub struct BaseTree {
    dir: tempfile::TempDir,
    /// The scanned paths mapped into the checkout.
    pub paths: Vec<PathBuf>,
}

impl BaseTree {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

fn git(repo: &Path, args: &[&str]) -> Result<String, BaselineError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BaselineError::Git(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(BaselineError::Git(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Extract `reference`'s tree of the repository holding `paths` and map each scanned
/// path into it (paths that did not exist at the ref map to nothing).
pub fn checkout(reference: &str, paths: &[PathBuf]) -> Result<BaseTree, BaselineError> {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let anchor = if first.is_dir() {
        first.clone()
    } else {
        first
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    };
    let top = git(&anchor, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        BaselineError::Git(format!(
            "{} is not inside a git repository ({e})",
            anchor.display()
        ))
    })?;
    let top = PathBuf::from(top);
    let spec = format!("{reference}^{{commit}}");
    let commit = git(&top, &["rev-parse", "--verify", "--quiet", &spec])
        .map_err(|_| BaselineError::Git(format!("ref \"{reference}\" does not exist in {} (fetch it first, e.g. git fetch origin {reference})", top.display())))?;
    let dir = tempfile::tempdir()
        .map_err(|e| BaselineError::Git(format!("cannot create a temporary directory: {e}")))?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", &commit])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| BaselineError::Git(format!("cannot run git archive: {e}")))?;
    let Some(stdout) = archive.stdout else {
        return Err(BaselineError::Git("git archive produced no output".into()));
    };
    let status = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(stdout)
        .status()
        .map_err(|e| BaselineError::Git(format!("cannot run tar: {e}")))?;
    if !status.success() {
        return Err(BaselineError::Git(format!("extracting {reference} failed")));
    }
    let top_canon = top.canonicalize().unwrap_or(top);
    let mut mapped = Vec::new();
    for p in paths {
        let canon = p.canonicalize().unwrap_or_else(|_| p.clone());
        let rel = canon.strip_prefix(&top_canon).map_err(|_| {
            BaselineError::Git(format!(
                "{} is outside the repository {}",
                p.display(),
                top_canon.display()
            ))
        })?;
        let in_base = dir.path().join(rel);
        if in_base.exists() {
            mapped.push(in_base);
        }
    }
    Ok(BaseTree { dir, paths: mapped })
}
