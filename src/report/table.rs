//! The terminal report: failures by severity, what could not be decided, what was
//! suppressed, then the SOC 2 control summary and one closing line. Diagnostics are
//! printed by the CLI on stderr as they happen, so only their count appears here.

use super::summary::{self, plural, with_status};
use super::RenderOptions;
use crate::finding::{Finding, Severity, Status};
use crate::scan::{AccountStats, ScanReport};
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::collections::BTreeMap;

/// A new table styled for the destination: borders and wrapping to the terminal's
/// width with colour, plain ASCII wrapped at a fixed width otherwise, so that files
/// and CI logs get the same bytes for the same input and stay readable.
fn new_table(color: bool) -> Table {
    let mut t = Table::new();
    if color {
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .enforce_styling();
    } else {
        t.load_preset(presets::ASCII_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .force_no_tty()
            .set_width(PLAIN_WIDTH);
    }
    t
}

/// Unknown results listed one per line; past this they are counted by rule, since a
/// large tree can have thousands and the JSON output has them all.
const UNKNOWN_SHOWN: usize = 40;

/// Width of tables written to files and pipes.
const PLAIN_WIDTH: u16 = 160;

/// The environment column: the name, marked when two environments matched equally.
fn environment_label(f: &Finding) -> String {
    match &f.environment {
        Some(e) if e.conflicts.is_empty() => e.name.clone(),
        Some(e) => format!("{}? (also {})", e.name, e.conflicts.join(", ")),
        None => "-".to_string(),
    }
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Info => Color::DarkGrey,
    }
}

/// ANSI escape for a section heading; headings are outside comfy-table's cells.
fn heading(text: &str, ansi: &str, color: bool) -> String {
    if color {
        format!("\x1b[1;{ansi}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn severity_ansi(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "35",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "34",
        Severity::Info => "90",
    }
}

/// One severity's failures; with colour the rule cell takes the severity's colour,
/// as the group heading does.
fn failure_table(failures: &[&Finding], severity: Severity, color: bool) -> Table {
    let mut t = new_table(color);
    t.set_header(vec![
        "Rule",
        "Resource",
        "Location",
        "Environment",
        "Controls",
        "Message",
    ]);
    for f in failures {
        let mut message = f.message.clone();
        if let Some(reason) = &f.severity_reason {
            message.push_str(&format!("\n[severity {reason}]"));
        }
        let mut rule = Cell::new(format!("{}\n{}", f.rule_id, f.rule_name));
        if color {
            rule = rule.fg(severity_color(severity));
        }
        t.add_row(vec![
            rule,
            Cell::new(&f.resource),
            Cell::new(summary::location_label(f)),
            Cell::new(environment_label(f)),
            Cell::new(f.controls.join(", ")),
            Cell::new(message),
        ]);
    }
    t
}

fn control_table(report: &ScanReport, color: bool) -> Table {
    let mut t = new_table(color);
    t.set_header(vec!["Control", "Failed", "Passed", "Unknown", "Suppressed"]);
    for c in summary::per_control(&report.findings) {
        let r = c.resources;
        let mut failed = Cell::new(r.fail).set_alignment(CellAlignment::Right);
        if color && r.fail > 0 {
            failed = failed.fg(Color::Red).add_attribute(Attribute::Bold);
        }
        t.add_row(vec![
            Cell::new(c.control),
            failed,
            Cell::new(r.pass).set_alignment(CellAlignment::Right),
            Cell::new(r.unknown).set_alignment(CellAlignment::Right),
            Cell::new(r.suppressed).set_alignment(CellAlignment::Right),
        ]);
    }
    t
}

/// Every account of an organization sweep: what it held and what could not be seen
/// (an account whose role could not be assumed shows its one gap and no resources).
fn account_table(accounts: &[AccountStats], color: bool) -> Table {
    let mut t = new_table(color);
    t.set_header(vec!["Account", "Name", "Resources", "API calls", "Gaps"]);
    for a in accounts {
        let mut gaps = Cell::new(a.gaps).set_alignment(CellAlignment::Right);
        if color && a.gaps > 0 {
            gaps = gaps.fg(Color::Yellow).add_attribute(Attribute::Bold);
        }
        t.add_row(vec![
            Cell::new(&a.account),
            Cell::new(a.name.as_deref().unwrap_or("-")),
            Cell::new(a.resources).set_alignment(CellAlignment::Right),
            Cell::new(a.api_calls).set_alignment(CellAlignment::Right),
            gaps,
        ]);
    }
    t
}

pub(super) fn render(report: &ScanReport, options: &RenderOptions) -> String {
    let color = options.color;
    let findings = &report.findings;
    let mut out = String::new();

    let failures: Vec<&Finding> = with_status(findings, Status::Fail);
    if failures.is_empty() {
        out.push_str(&heading("No failures.", "32", color));
        out.push_str("\n\n");
    } else {
        out.push_str(&heading(
            &format!("FAILED: {}", plural(failures.len(), "result", "results")),
            "31",
            color,
        ));
        out.push('\n');
        for severity in Severity::ALL {
            let group: Vec<&Finding> = failures
                .iter()
                .copied()
                .filter(|f| f.severity == severity)
                .collect();
            if group.is_empty() {
                continue;
            }
            let title = format!("{} ({})", severity.as_str().to_uppercase(), group.len());
            out.push('\n');
            out.push_str(&heading(&title, severity_ansi(severity), color));
            out.push('\n');
            let t = failure_table(&group, severity, color);
            out.push_str(&t.to_string());
            out.push('\n');
        }
        out.push('\n');
    }

    let unknown: Vec<&Finding> = with_status(findings, Status::Unknown);
    if !unknown.is_empty() {
        out.push_str(&heading(
            &format!(
                "UNKNOWN: {} (could not be evaluated)",
                plural(unknown.len(), "result", "results")
            ),
            "33",
            color,
        ));
        out.push('\n');
        for f in unknown.iter().take(UNKNOWN_SHOWN) {
            out.push_str(&format!(
                "  {} {}  {}  {}: {}\n",
                f.rule_id,
                f.rule_name,
                f.resource,
                summary::location_label(f),
                f.message.replace('\n', " ")
            ));
        }
        if unknown.len() > UNKNOWN_SHOWN {
            let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &unknown[UNKNOWN_SHOWN..] {
                *by_rule.entry(f.rule_id).or_default() += 1;
            }
            let rest: Vec<String> = by_rule.iter().map(|(r, n)| format!("{n} {r}")).collect();
            out.push_str(&format!(
                "  ... and {} more ({}); the JSON output lists them all\n",
                unknown.len() - UNKNOWN_SHOWN,
                rest.join(", ")
            ));
        }
        out.push('\n');
    }

    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.status == Status::Suppressed) {
        let kind = f
            .suppression
            .as_ref()
            .map_or("unspecified", |s| s.kind.as_str());
        *by_kind.entry(kind).or_default() += 1;
    }
    let suppressed: usize = by_kind.values().sum();
    if suppressed > 0 {
        let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
        out.push_str(&format!(
            "SUPPRESSED: {} ({}); listed with their reasons in the JSON output\n\n",
            plural(suppressed, "result", "results"),
            kinds.join(", ")
        ));
    }

    out.push_str(&heading(
        "SOC 2 controls (distinct resources, each by its worst result)",
        "1",
        color,
    ));
    out.push('\n');
    out.push_str(&control_table(report, color).to_string());
    out.push_str("\n\n");

    if let Some(live) = report
        .stats
        .live
        .as_ref()
        .filter(|l| !l.accounts.is_empty())
    {
        out.push_str(&heading(
            &format!("AWS accounts ({} of the organization)", live.accounts.len()),
            "1",
            color,
        ));
        out.push('\n');
        out.push_str(&account_table(&live.accounts, color).to_string());
        out.push_str("\n\n");
    }

    let counts = summary::by_status(findings);
    let errors = report.error_count();
    let mut last = format!(
        "{}: {} failed, {} passed, {} unknown, {} suppressed; {}",
        plural(counts.total(), "result", "results"),
        counts.fail,
        counts.pass,
        counts.unknown,
        counts.suppressed,
        plural(report.diagnostics.len(), "diagnostic", "diagnostics"),
    );
    if errors > 0 {
        last.push_str(&format!(
            " ({}; scan incomplete)",
            plural(errors, "error", "errors")
        ));
    }
    out.push_str(&last);
    out.push('\n');
    out
}
