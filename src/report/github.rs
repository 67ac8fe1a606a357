//! GitHub Actions workflow commands: one annotation per failing result, shown on the
//! pull request's changed files. Unlike SARIF this needs no code scanning, which
//! private repositories only have with GitHub Advanced Security.
//!
//! GitHub's rules, and what this file does about them:
//! - `::error file=F,line=L,endLine=E,title=T::MESSAGE`; property values escape `%`,
//!   `\r`, `\n`, `:` and `,`, the message escapes `%`, `\r` and `\n` (the runner
//!   reads them back; see `escapeProperty`/`escapeData` in actions/toolkit);
//! - a step shows at most 10 annotations of each level (error, warning, notice) and
//!   silently drops the rest, so past 10 the most severe 9 are shown and the tenth
//!   says how many more there are (the table, JSON and SARIF outputs have them all);
//! - `file` is resolved from the repository root, so it carries
//!   `RenderOptions::path_prefix` as SARIF does.

use super::summary::{annotation_text, plural, with_status};
use super::RenderOptions;
use crate::finding::{Finding, Severity, Status};
use crate::scan::ScanReport;
use std::cmp::Reverse;
use std::fmt::Write;

/// Annotations GitHub shows per level and step.
const MAX_PER_LEVEL: usize = 10;

/// The workflow command for a severity, as SARIF maps it to a level.
fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Escape a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: also `:` and `,`, which delimit properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(f: &Finding, options: &RenderOptions) -> String {
    let mut props = Vec::new();
    if let Some(l) = f.location() {
        props.push(format!(
            "file={}",
            escape_property(&options.repo_path(&l.file))
        ));
        if l.start_line >= 1 {
            props.push(format!("line={}", l.start_line));
            if l.end_line >= l.start_line {
                props.push(format!("endLine={}", l.end_line));
            }
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.rule_id, f.rule_name))
    ));
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&annotation_text(f))
    )
}

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    // Most severe first and, within a severity, results with a file (shown on the
    // diff) before live ones; the sort is stable, so report order breaks ties.
    let mut failures: Vec<&Finding> = with_status(&report.findings, Status::Fail);
    failures.sort_by_key(|f| (Reverse(f.severity), f.location().is_none()));

    let mut out = String::new();
    for level in ["error", "warning", "notice"] {
        let of_level: Vec<&Finding> = failures
            .iter()
            .copied()
            .filter(|f| command(f.severity) == level)
            .collect();
        let shown = if of_level.len() > MAX_PER_LEVEL {
            MAX_PER_LEVEL - 1
        } else {
            of_level.len()
        };
        for f in &of_level[..shown] {
            let _ = writeln!(out, "{}", annotation(f, options));
        }
        let rest = of_level.len() - shown;
        if rest > 0 {
            let _ = writeln!(
                out,
                "::{level} title=soc2scan::{}",
                escape_data(&format!(
                    "{} not annotated: GitHub shows {MAX_PER_LEVEL} {level} annotations per step; the table, JSON and SARIF outputs list every result",
                    plural(rest, &format!("more {level} result"), &format!("more {level} results"))
                ))
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_reads_back() {
        assert_eq!(escape_data("50%\r\nnext: a,b"), "50%25%0D%0Anext: a,b");
        assert_eq!(
            escape_property("a:b,c%\n"),
            "a%3Ab%2Cc%25%0A",
            "properties also escape their delimiters"
        );
    }
}
