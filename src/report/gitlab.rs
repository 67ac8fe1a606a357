//! GitLab Code Quality (`artifacts:reports:codequality`), so failures show in the
//! merge request widget and the changes view. GitLab reads a subset of the Code
//! Climate issue format: a JSON array of objects with `description`, `check_name`,
//! `fingerprint`, `severity` (`info`, `minor`, `major`, `critical`, `blocker`) and
//! `location.path` with `location.lines.begin`; other fields are ignored, so none
//! are written.
//!
//! - GitLab compares the report of a merge request with its target branch's by
//!   `fingerprint`, so it is the result's stable fingerprint (rule, resource, file),
//!   which survives inserted lines;
//! - `location.path` is relative to the repository root (`path_prefix`);
//! - live-AWS results have no file, and GitLab needs one: they are left out, as in
//!   SARIF (the JSON output has them). Suppressed results are left out too.

use super::summary::annotation_text;
use super::RenderOptions;
use crate::finding::{Severity, Status};
use crate::scan::ScanReport;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// Code Climate's severities, one per soc2scan severity.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .filter_map(|f| {
            let l = f.location()?;
            Some(Issue {
                description: format!("{} {}: {}", f.rule_id, f.rule_name, annotation_text(f)),
                check_name: f.rule_id,
                fingerprint: &f.fingerprint,
                severity: severity(f.severity),
                location: IssueLocation {
                    path: options.repo_path(&l.file),
                    // GitLab wants a line; 1 when the source gave none.
                    lines: Lines {
                        begin: l.start_line.max(1),
                    },
                },
            })
        })
        .collect();
    // Plain structs always serialize.
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}
