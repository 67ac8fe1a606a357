//! Where outputs go: `--format table --format sarif=results.sarif -o FILE`.

use crate::app::Failure;
use crate::report::{Format, RenderOptions, ScanReport};
use crate::rules::meta::RuleMeta;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct OutputSpec {
    pub format: Format,
    /// `None` writes to stdout.
    pub path: Option<PathBuf>,
}

/// Resolve `--format` values and `-o`: each `FORMAT=FILE` goes to its file, at most
/// one bare format goes to `-o FILE` or stdout; no format means `table`.
pub fn plan(formats: &[String], output: Option<&Path>) -> Result<Vec<OutputSpec>, Failure> {
    let mut specs = Vec::new();
    let mut bare = 0;
    for f in formats {
        let (name, path) = match f.split_once('=') {
            Some((n, p)) if !p.is_empty() => (n.trim(), Some(PathBuf::from(p))),
            Some((n, _)) => {
                return Err(Failure::usage(format!(
                    "--format {n}= needs a file name after '='"
                )))
            }
            None => (f.trim(), None),
        };
        let format: Format = name.parse().map_err(Failure::usage)?;
        if path.is_none() {
            bare += 1;
        }
        specs.push(OutputSpec { format, path });
    }
    if specs.is_empty() {
        specs.push(OutputSpec {
            format: Format::Table,
            path: None,
        });
        bare = 1;
    }
    if bare > 1 {
        return Err(Failure::usage(
            "several formats would go to the same place; give files with FORMAT=FILE",
        ));
    }
    if let Some(o) = output {
        for s in specs.iter_mut().filter(|s| s.path.is_none()) {
            s.path = Some(o.to_path_buf());
        }
    }
    Ok(specs)
}

pub fn render(
    spec: &OutputSpec,
    report: &ScanReport,
    catalogue: &[RuleMeta],
    options: &RenderOptions,
) -> String {
    // Colour only when the table goes to a terminal.
    let mut options = options.clone();
    options.color &= spec.path.is_none();
    crate::report::render(spec.format, report, catalogue, &options)
}

/// The scanned directory's path inside its git repository (`infra`), so SARIF URIs
/// and Markdown links resolve from the repository root as GitHub expects.
pub fn repo_prefix(scan_base: &Path) -> Option<String> {
    let dir = if scan_base.is_dir() {
        scan_base
    } else {
        scan_base.parent()?
    };
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let prefix = String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_end_matches('/')
        .to_string();
    (!prefix.is_empty()).then_some(prefix)
}

pub fn write(spec: &OutputSpec, text: &str) -> Result<(), Failure> {
    match &spec.path {
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            Ok(())
        }
        Some(p) => std::fs::write(p, text).map_err(|e| Failure {
            code: crate::app::EXIT_USAGE,
            message: format!("cannot write {}: {e}", p.display()),
        }),
    }
}
