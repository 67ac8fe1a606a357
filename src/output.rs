//! Where outputs go: `--format table --format sarif=results.sarif -o FILE`.

use crate::app::Failure;
use crate::report::ScanReport;
use crate::rules::meta::RuleMeta;
use std::path::{Path, PathBuf};

pub const FORMATS: &[&str] = &["table", "json", "sarif", "markdown", "junit"];

#[derive(Clone, Debug, PartialEq)]
pub struct OutputSpec {
    pub format: String,
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
        let name = name.to_ascii_lowercase();
        if !FORMATS.contains(&name.as_str()) {
            return Err(Failure::usage(format!(
                "unknown format \"{name}\"; use one of {}",
                FORMATS.join(", ")
            )));
        }
        if path.is_none() {
            bare += 1;
        }
        specs.push(OutputSpec { format: name, path });
    }
    if specs.is_empty() {
        specs.push(OutputSpec {
            format: "table".into(),
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
    _catalogue: &[RuleMeta],
    _color: bool,
) -> String {
    let _ = &spec.format;
    serde_json::to_string_pretty(
        &serde_json::json!({ "results": report.findings, "diagnostics": report.diagnostics }),
    )
    .unwrap_or_default()
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
