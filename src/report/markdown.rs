//! A pull-request comment: the verdict first, counts by severity and by control, the
//! failures as a table, and unknowns, suppressed results and diagnostics folded away.
//! GitHub caps a comment at 65,536 characters, so long lists are cut with a count of
//! what was left out (the JSON output has everything).

use super::summary::{self, plural, with_status};
use super::RenderOptions;
use crate::finding::{Finding, Status};
use crate::model::Origin;
use crate::scan::ScanReport;

/// Most failure rows in the table; about 300 characters each keeps the comment
/// well under GitHub's limit together with the folded lists.
const MAX_FAILURE_ROWS: usize = 100;
/// Most entries in each folded list (unknown, suppressed, diagnostics).
const MAX_LIST_ITEMS: usize = 50;

/// Text safe inside a table cell or list item: Markdown punctuation escaped, HTML
/// neutralised, one line.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// An inline code span; backticks cannot be escaped inside one, so a value that
/// holds them is written as escaped text instead. `|` still needs its backslash in
/// a table cell (GitHub strips it before the code span is read).
fn code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        escape(s)
    } else {
        format!("`{}`", s.replace('|', "\\|"))
    }
}

/// `file:line`, linked to the lines when a base URL is known; the region and API
/// operation for live results.
fn location(f: &Finding, options: &RenderOptions) -> String {
    match (&f.origin, options.link_base.as_deref()) {
        (Origin::Terraform { location: l, .. }, Some(base)) => {
            let path = options.repo_path(&l.file);
            let lines = if l.end_line > l.start_line {
                format!("L{}-L{}", l.start_line, l.end_line)
            } else {
                format!("L{}", l.start_line)
            };
            let target = format!("{}/{}#{lines}", base.trim_end_matches('/'), path)
                .replace(' ', "%20")
                .replace(')', "%29");
            format!(
                "[{}]({target})",
                escape(&format!("{}:{}", l.file, l.start_line))
            )
        }
        _ => escape(&summary::location_label(f)),
    }
}

fn cut_note(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        out.push_str(&format!(
            "\n… and {} more (see the JSON output).\n",
            total - shown
        ));
    }
}

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let findings = &report.findings;
    let counts = summary::by_status(findings);
    let errors = report.error_count();
    let mut out = String::new();

    if counts.fail > 0 {
        out.push_str(&format!(
            "## ❌ soc2scan: {}\n\n",
            plural(counts.fail, "failure", "failures")
        ));
    } else {
        out.push_str("## ✅ soc2scan: no failures\n\n");
    }
    out.push_str(&format!(
        "**{} failed** · {} passed · {} unknown · {} suppressed",
        counts.fail, counts.pass, counts.unknown, counts.suppressed
    ));
    if errors > 0 {
        out.push_str(&format!(
            " · ⚠️ scan incomplete ({})",
            plural(errors, "error", "errors")
        ));
    }
    out.push_str("\n\n");

    if counts.fail > 0 {
        let by_severity: Vec<String> = summary::failures_by_severity(findings)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        out.push_str(&format!(
            "Failures by severity: {}\n\n",
            by_severity.join(", ")
        ));
    }

    let controls: Vec<_> = summary::per_control(findings)
        .into_iter()
        .filter(|c| c.resources.total() > 0)
        .collect();
    if !controls.is_empty() {
        out.push_str("| Control | Failed | Passed | Unknown | Suppressed |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
        for c in &controls {
            let r = c.resources;
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                escape(&c.control),
                r.fail,
                r.pass,
                r.unknown,
                r.suppressed
            ));
        }
        out.push_str("\n<sub>Distinct resources per control, each counted once by its worst result.</sub>\n\n");
    }

    let failures: Vec<&Finding> = with_status(findings, Status::Fail);
    if !failures.is_empty() {
        // Most severe first; the stable sort keeps file order within a severity.
        let mut sorted = failures.clone();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.push_str("### Failures\n\n");
        out.push_str("| Severity | Rule | Resource | Location | Message |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        for f in sorted.iter().take(MAX_FAILURE_ROWS) {
            out.push_str(&format!(
                "| {} | {} {} | {} | {} | {} |\n",
                f.severity,
                f.rule_id,
                escape(f.rule_name),
                code(&f.resource),
                location(f, options),
                escape(&f.message)
            ));
        }
        cut_note(&mut out, sorted.len(), MAX_FAILURE_ROWS.min(sorted.len()));
        out.push('\n');
    }

    let unknown: Vec<&Finding> = with_status(findings, Status::Unknown);
    if !unknown.is_empty() {
        out.push_str(&format!(
            "<details><summary>Unknown: {} (could not be evaluated)</summary>\n\n",
            plural(unknown.len(), "result", "results")
        ));
        for f in unknown.iter().take(MAX_LIST_ITEMS) {
            out.push_str(&format!(
                "- {} {} ({}): {}\n",
                f.rule_id,
                code(&f.resource),
                location(f, options),
                escape(&f.message)
            ));
        }
        cut_note(&mut out, unknown.len(), MAX_LIST_ITEMS.min(unknown.len()));
        out.push_str("\n</details>\n\n");
    }

    let suppressed: Vec<&Finding> = with_status(findings, Status::Suppressed);
    if !suppressed.is_empty() {
        out.push_str(&format!(
            "<details><summary>Suppressed: {}</summary>\n\n",
            plural(suppressed.len(), "result", "results")
        ));
        for f in suppressed.iter().take(MAX_LIST_ITEMS) {
            let why = match &f.suppression {
                Some(s) => {
                    let mut why = format!("{} `{}`", s.kind, s.source.replace('`', "'"));
                    if let Some(r) = &s.reason {
                        why.push_str(&format!(": {}", escape(r)));
                    }
                    if let Some(u) = &s.until {
                        why.push_str(&format!(" (until {})", escape(u)));
                    }
                    why
                }
                None => "no reason recorded".to_string(),
            };
            out.push_str(&format!(
                "- {} {} ({}) by {why}\n",
                f.rule_id,
                code(&f.resource),
                location(f, options),
            ));
        }
        cut_note(
            &mut out,
            suppressed.len(),
            MAX_LIST_ITEMS.min(suppressed.len()),
        );
        out.push_str("\n</details>\n\n");
    }

    if !report.diagnostics.is_empty() {
        let mut diagnostics: Vec<_> = report.diagnostics.iter().collect();
        diagnostics.sort();
        out.push_str(&format!(
            "<details><summary>Diagnostics: {}</summary>\n\n",
            plural(diagnostics.len(), "diagnostic", "diagnostics")
        ));
        for d in diagnostics.iter().take(MAX_LIST_ITEMS) {
            out.push_str(&format!("- {}\n", escape(&d.render())));
        }
        cut_note(
            &mut out,
            diagnostics.len(),
            MAX_LIST_ITEMS.min(diagnostics.len()),
        );
        out.push_str("\n</details>\n");
    }
    out
}
