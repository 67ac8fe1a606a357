//! JUnit XML for CI dashboards: one `<testsuite>` per rule, one `<testcase>` per
//! evaluated resource. Failures fail, unknown and suppressed results are skipped with
//! the reason, passes pass. Error diagnostics form a last suite of `<error>`s so a
//! dashboard shows an incomplete scan as broken rather than green.

use super::summary::location_label;
use crate::catalogue::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Status};
use crate::model::Origin;
use crate::scan::ScanReport;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escape for an attribute value. Characters XML 1.0 cannot carry at all (most C0
/// controls) become U+FFFD; newlines and tabs become character references, since
/// parsers normalise literal ones in attributes to spaces.
fn xml(s: &str) -> String {
    escape(s, true)
}

/// Escape for element text, where newlines and tabs stay as they are.
fn xml_text(s: &str) -> String {
    escape(s, false)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Suite<'a> {
    cases: Vec<&'a Finding>,
    failures: usize,
    skipped: usize,
}

fn details(f: &Finding, meta: Option<&RuleMeta>) -> String {
    let mut d = String::new();
    let _ = writeln!(d, "{}", f.message);
    let _ = writeln!(d, "rule: {} {}", f.rule_id, f.rule_name);
    if let Some(m) = meta {
        let _ = writeln!(d, "title: {}", m.title);
    }
    let _ = writeln!(d, "severity: {}", f.severity);
    if let Some(reason) = &f.severity_reason {
        let _ = writeln!(d, "severity reason: {reason}");
    }
    let _ = writeln!(d, "controls: {}", f.controls.join(", "));
    let _ = writeln!(d, "resource: {} ({})", f.resource, f.resource_type);
    let _ = writeln!(d, "location: {}", location_label(f));
    if let Origin::Terraform { module_calls, .. } = &f.origin {
        for m in module_calls {
            let _ = writeln!(
                d,
                "via: {} at {}:{}",
                m.address, m.location.file, m.location.start_line
            );
        }
    }
    let _ = write!(d, "fingerprint: {}", f.fingerprint);
    d
}

fn skipped_reason(f: &Finding) -> String {
    match (f.status, &f.suppression) {
        (Status::Suppressed, Some(s)) => {
            let mut why = format!("suppressed ({}: {})", s.kind, s.source);
            if let Some(r) = &s.reason {
                why.push_str(&format!(": {r}"));
            }
            if let Some(u) = &s.until {
                why.push_str(&format!(" until {u}"));
            }
            why
        }
        (Status::Suppressed, None) => "suppressed".to_string(),
        _ => format!("unknown: {}", f.message),
    }
}

fn testcase(out: &mut String, f: &Finding, meta: Option<&RuleMeta>) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        xml(f.rule_id),
        xml(&f.resource)
    );
    if let Some(l) = f.location() {
        let _ = write!(out, " file=\"{}\" line=\"{}\"", xml(&l.file), l.start_line);
    }
    match f.status {
        Status::Pass => out.push_str("/>\n"),
        Status::Fail => {
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml(&f.message),
                f.severity,
                xml_text(&details(f, meta))
            );
        }
        Status::Unknown | Status::Suppressed => {
            let _ = write!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(&skipped_reason(f))
            );
        }
    }
}

fn diagnostics_suite(out: &mut String, diagnostics: &[&Diagnostic]) {
    let errors: Vec<&&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .collect();
    let warnings: Vec<&&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .collect();
    let _ = writeln!(
        out,
        "  <testsuite name=\"soc2scan diagnostics\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\">",
        errors.len(),
        errors.len()
    );
    for d in &errors {
        let name = match &d.file {
            Some(file) => format!("{} {file}", d.code),
            None => d.code.to_string(),
        };
        let _ = write!(
            out,
            "    <testcase classname=\"diagnostics\" name=\"{}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
            xml(&name),
            xml(&d.message),
            xml(d.code),
            xml_text(&d.render())
        );
    }
    if !warnings.is_empty() {
        let text: Vec<String> = warnings.iter().map(|d| d.render()).collect();
        let _ = writeln!(
            out,
            "    <system-err>{}</system-err>",
            xml_text(&text.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n");
}

pub(super) fn render(report: &ScanReport, catalogue: &[RuleMeta]) -> String {
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for f in &report.findings {
        let s = suites.entry(f.rule_id).or_default();
        s.cases.push(f);
        match f.status {
            Status::Fail => s.failures += 1,
            Status::Unknown | Status::Suppressed => s.skipped += 1,
            Status::Pass => {}
        }
    }
    let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diagnostics.sort();
    let diag_errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();

    let tests: usize = suites.values().map(|s| s.cases.len()).sum::<usize>() + diag_errors;
    let failures: usize = suites.values().map(|s| s.failures).sum();
    let skipped: usize = suites.values().map(|s| s.skipped).sum();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"soc2scan\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{diag_errors}\" skipped=\"{skipped}\">"
    );
    for (id, suite) in &suites {
        let meta = catalogue.iter().find(|m| m.id == *id);
        let name = match meta {
            Some(m) => format!("{id} {}", m.name),
            None => id.to_string(),
        };
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml(&name),
            suite.cases.len(),
            suite.failures,
            suite.skipped
        );
        for f in &suite.cases {
            testcase(&mut out, f, meta);
        }
        out.push_str("  </testsuite>\n");
    }
    if !diagnostics.is_empty() {
        diagnostics_suite(&mut out, &diagnostics);
    }
    out.push_str("</testsuites>\n");
    out
}
