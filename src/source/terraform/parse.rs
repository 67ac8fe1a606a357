//! Parsing one file into a span-keeping HCL body, with recovery for what Terraform
//! accepts but hcl-edit rejects, and clear errors for what nothing can read.

use crate::diagnostic::Diagnostic;
use crate::model::Location;
use hcl_edit::structure::Body;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Files larger than this are reported and skipped: real Terraform files are far
/// smaller, and a generated monster should not stall a pre-merge gate.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Prefix given to a repeated object key so the file parses; the evaluator strips it
/// and lets the later key win, as Terraform does.
pub const DUPLICATE_KEY_PREFIX: &str = "soc2scan_dup__";

/// A parsed `.tf` or `.tfvars` file.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the scanned root, `/`-separated.
    pub rel: String,
    pub body: Body,
    /// Suppression comments found in the file.
    pub suppressions: crate::source::terraform::directives::FileDirectives,
    /// Its length in bytes, for the scan's totals and the kept-trees budget.
    pub size: u64,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Line/column range (one-based) of a byte span.
    pub fn location(&self, span: Option<Range<usize>>) -> Location {
        let span = span.unwrap_or(0..0);
        let (start_line, start_column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end.max(span.start));
        Location {
            file: self.rel.clone(),
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        (idx + 1, offset.saturating_sub(start) + 1)
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Read and parse a file. Every failure is a diagnostic naming the file and line.
pub fn parse_file(path: &Path, rel: &str) -> Result<SourceFile, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error("io-error", format!("cannot read: {e}")).at(rel, None, None)
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            "file-too-large",
            format!(
                "file is {} MB, over the {} MB limit; skipped",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .at(rel, Some(1), None));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error("io-error", format!("cannot read: {e}")).at(rel, None, None)
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let line = line_of(&prefix, valid);
        Diagnostic::error("invalid-utf8", "file is not valid UTF-8").at(rel, Some(line), None)
    })?;
    parse_text(path, rel, text)
}

/// Parse already-read text (also used for tfvars given inline in tests).
///
/// Nesting needs no check of its own: hcl-edit (0.9.9 on) refuses more than 64
/// nested levels with a parse error, so neither it nor the evaluator can overflow
/// the stack on a hostile file.
pub fn parse_text(path: &Path, rel: &str, text: String) -> Result<SourceFile, Diagnostic> {
    let size = text.len() as u64;
    let mut text = text;
    // Each round renames one repeated object key; bounded so a pathological file
    // cannot loop for long.
    for _ in 0..256 {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => {
                return Ok(SourceFile {
                    path: path.to_path_buf(),
                    rel: rel.to_string(),
                    size,
                    line_starts: line_starts(&text),
                    suppressions: suppressions_of(&text),
                    body,
                })
            }
            Err(err) if err.message().contains("redefined object key") => {
                let offset = err.location().offset();
                match rename_key_at(&text, offset) {
                    Some(fixed) => text = fixed,
                    None => return Err(parse_diagnostic(rel, &err)),
                }
            }
            Err(err) => return Err(parse_diagnostic(rel, &err)),
        }
    }
    Err(Diagnostic::error("parse-error", "too many repeated object keys").at(rel, None, None))
}

/// Scan comments only in files that mention a suppression marker at all.
fn suppressions_of(text: &str) -> crate::source::terraform::directives::FileDirectives {
    const MARKERS: &[&str] = &[
        "soc2scan:",
        "checkov:",
        "trivy:",
        "tfsec:",
        "kics-scan",
        "ts:skip",
    ];
    if MARKERS.iter().any(|m| text.contains(m)) {
        crate::source::terraform::directives::extract(text)
    } else {
        crate::source::terraform::directives::FileDirectives::default()
    }
}

fn parse_diagnostic(rel: &str, err: &hcl_edit::parser::Error) -> Diagnostic {
    let loc = err.location();
    Diagnostic::error("parse-error", err.message().replace('\n', " ")).at(
        rel,
        Some(loc.line()),
        Some(loc.column()),
    )
}

/// Rename the object key starting at `offset` (an identifier or a quoted string).
fn rename_key_at(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?;
    let skip = rest.len() - rest.trim_start().len();
    let at = offset + skip;
    let first = text.get(at..)?.chars().next()?;
    let insert_at = if first == '"' {
        at + 1
    } else if first.is_alphabetic() || first == '_' {
        at
    } else {
        return None;
    };
    let mut out = String::with_capacity(text.len() + DUPLICATE_KEY_PREFIX.len());
    out.push_str(text.get(..insert_at)?);
    out.push_str(DUPLICATE_KEY_PREFIX);
    out.push_str(text.get(insert_at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SourceFile, Diagnostic> {
        parse_text(Path::new("t.tf"), "t.tf", text.to_string())
    }

    #[test]
    fn brackets_inside_strings_are_not_nesting() {
        // A byte count of brackets refused this file; only real nesting is bounded.
        let text = format!(
            "x = \"{}\"\ny = <<EOT\n{}\nEOT\n",
            "{".repeat(300),
            "[(".repeat(300)
        );
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn repeated_object_keys_are_recovered() {
        let f = parse("x = {\n  port = 80\n  port = 81\n}\n").expect("recovered");
        assert_eq!(f.body.iter().count(), 1);
    }

    #[test]
    fn syntax_error_names_line() {
        let d = parse("a = 1\nresource \"x\" {\n  b = \n}\n").expect_err("error");
        assert_eq!(d.code, "parse-error");
        assert!(d.line.is_some());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("a = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
        let d = parse(&text).expect_err("too deep");
        assert!(d.message.contains("nesting"));
    }

    #[test]
    fn locations_are_one_based() {
        let f = parse("a = 1\nb = 2\n").expect("parses");
        let loc = f.location(Some(6..11));
        assert_eq!((loc.start_line, loc.start_column, loc.end_line), (2, 1, 2));
    }
}
