//! SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
//!
//! What GitHub expects and why this file does what it does:
//! - one run; `tool.driver.rules` carries the help, `security-severity` (GitHub ranks
//!   alerts by it), `tags` and `precision`; results point at rules by id and index;
//! - `partialFingerprints` keep an alert's identity across line moves;
//! - every result needs a physical location, or GitHub rejects the whole file
//!   ("expected a physical location"): live results have only an ARN, so they are
//!   left out unless `sarif_include_live` asks for them (for other consumers);
//! - GitHub ignores `suppressions` and would show suppressed results as open alerts,
//!   so they are left out unless `include_suppressed` asks for them;
//! - at most 25,000 results per run and 10 MB gzipped per upload. Past the result cap
//!   the most severe are kept and a notification says how many were cut. Size is not
//!   checked at run time (no compressor in the build); measured once, 25,000 results
//!   each reached through a module call made 42 MB of JSON and 0.84 MB gzipped, so
//!   the result cap keeps an upload far below 10 MB, and the rule descriptors are
//!   bounded by the catalogue.

use super::summary;
use super::RenderOptions;
use crate::catalogue::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Severity, Status};
use crate::model::{Location, Origin};
use crate::scan::ScanReport;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use std::cmp::Reverse;

/// GitHub code scanning's limit on results per run.
pub const GITHUB_MAX_RESULTS: usize = 25_000;

pub(super) const INFORMATION_URI: &str = "https://github.com/soc2scan/soc2scan";

const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id every artifact URI is relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";

/// Characters kept as they are in a relative URI path; everything else (spaces,
/// `#`, `?`, `%`, non-ASCII) is percent-encoded so the URI is a valid reference.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Where a rule's metadata lives, for `helpUri` and the JSON rule list.
pub(super) fn help_uri(id: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/rules/{id}.toml")
}

/// GitHub's `security-severity` scale (0.0-10.0, CVSS-like bands).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn uri(options: &RenderOptions, file: &str) -> String {
    utf8_percent_encode(&options.repo_path(file), PATH).to_string()
}

/// A physical location; the region is left out when the line is not known, and
/// columns when they are not (the schema wants one-based numbers).
fn physical(options: &RenderOptions, file: &str, loc: Option<&Location>) -> Value {
    let mut pl = json!({
        "artifactLocation": { "uri": uri(options, file), "uriBaseId": SRCROOT }
    });
    if let Some(l) = loc.filter(|l| l.start_line >= 1) {
        let mut region = Map::new();
        region.insert("startLine".into(), l.start_line.into());
        if l.start_column >= 1 {
            region.insert("startColumn".into(), l.start_column.into());
        }
        if l.end_line >= l.start_line {
            region.insert("endLine".into(), l.end_line.into());
            if l.end_column >= 1 {
                region.insert("endColumn".into(), l.end_column.into());
            }
        }
        pl["region"] = Value::Object(region);
    }
    pl
}

fn help(m: &RuleMeta) -> Value {
    let controls = m.controls.join(", ");
    let mut text = format!(
        "{}\n\n{}\n\nSOC 2 controls: {controls}\n\nRemediation (Terraform):\n{}\n\nRemediation (AWS CLI):\n{}\n",
        m.title,
        m.rationale.trim(),
        m.remediation.terraform.trim_end(),
        m.remediation.cli.trim_end()
    );
    let mut markdown = format!(
        "**{}**\n\n{}\n\nSOC 2 controls: {controls}\n\n## Remediation\n\nTerraform:\n\n```hcl\n{}\n```\n\nAWS CLI:\n\n```sh\n{}\n```\n",
        m.title,
        m.rationale.trim(),
        m.remediation.terraform.trim_end(),
        m.remediation.cli.trim_end()
    );
    if !m.references.is_empty() {
        text.push_str("\nReferences:\n");
        markdown.push_str("\n## References\n\n");
        for r in &m.references {
            text.push_str(&format!("- {r}\n"));
            markdown.push_str(&format!("- <{r}>\n"));
        }
    }
    json!({ "text": text, "markdown": markdown })
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    let mut tags = vec!["security".to_string()];
    tags.extend(m.controls.iter().cloned());
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.title },
        "fullDescription": { "text": m.description.trim() },
        "help": help(m),
        "helpUri": help_uri(&m.id),
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "security-severity": security_severity(m.severity),
            "tags": tags,
            "precision": "high",
        }
    })
}

fn suppression(f: &Finding, options: &RenderOptions) -> Option<Value> {
    let s = f.suppression.as_ref()?;
    // Inline comments live in the source; config, baseline and diff-base do not.
    let kind = if s.kind == "inline" {
        "inSource"
    } else {
        "external"
    };
    let justification = match &s.reason {
        Some(r) => format!("{r} ({})", s.source),
        None => s.source.clone(),
    };
    let mut v = json!({ "kind": kind, "status": "accepted", "justification": justification });
    if let Some(l) = &s.location {
        v["location"] = json!({ "physicalLocation": physical(options, &l.file, Some(l)) });
    }
    Some(v)
}

/// SARIF viewers read `[text](target)` in a message as an embedded link (spec
/// 3.11.6); a Terraform address such as `module.a["x"](...)` must not become one, so
/// its brackets are escaped then. Other brackets stay readable as they are.
fn message_text(text: &str) -> String {
    if text.contains("](") {
        text.replace('[', "\\[").replace(']', "\\]")
    } else {
        text.to_string()
    }
}

fn result(f: &Finding, rule_index: Option<usize>, options: &RenderOptions) -> Value {
    let mut properties = json!({
        "controls": f.controls,
        "resource": f.resource,
        "resourceType": f.resource_type,
        "severity": f.severity.as_str(),
    });
    if let Some(reason) = &f.severity_reason {
        properties["severityReason"] = reason.as_str().into();
    }
    let mut r = json!({
        "ruleId": f.rule_id,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = i.into();
    }
    r["level"] = level(f.severity).into();
    r["message"] = json!({ "text": message_text(&format!("{}: {}", f.resource, f.message)) });
    match &f.origin {
        Origin::Terraform {
            location,
            module_calls,
            ..
        } => {
            r["locations"] =
                json!([{ "physicalLocation": physical(options, &location.file, Some(location)) }]);
            if !module_calls.is_empty() {
                let related: Vec<Value> = module_calls
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(options, &m.location.file, Some(&m.location)),
                            "message": { "text": format!("called through {}", m.address) },
                        })
                    })
                    .collect();
                r["relatedLocations"] = related.into();
            }
        }
        Origin::Aws {
            account,
            region,
            operation,
        } => {
            let logical = json!([{ "fullyQualifiedName": f.resource, "kind": "resource" }]);
            // A live resource that Terraform manages is shown on the `.tf` line that
            // should fix it.
            r["locations"] = match &f.managed_by {
                Some(m) => json!([{
                    "physicalLocation": physical(options, &m.location.file, Some(&m.location)),
                    "logicalLocations": logical,
                }]),
                None => json!([{ "logicalLocations": logical }]),
            };
            if let Some(m) = &f.managed_by {
                properties["managedBy"] = m.address.as_str().into();
            }
            properties["region"] = region.as_str().into();
            properties["operation"] = operation.as_str().into();
            if let Some(a) = account {
                properties["account"] = a.as_str().into();
            }
        }
    }
    r["partialFingerprints"] = json!({ "soc2scan/v1": f.fingerprint });
    if f.status == Status::Suppressed {
        if let Some(s) = suppression(f, options) {
            r["suppressions"] = json!([s]);
        }
    }
    r["properties"] = properties;
    r
}

fn notification(d: &Diagnostic, options: &RenderOptions) -> Value {
    let mut n = json!({
        "level": match d.level { Level::Error => "error", Level::Warning => "warning" },
        "message": { "text": d.message },
        "descriptor": { "id": d.code },
    });
    if let Some(file) = &d.file {
        let loc = d.line.map(|line| Location {
            file: file.clone(),
            start_line: line,
            start_column: d.column.unwrap_or(0),
            end_line: 0,
            end_column: 0,
        });
        n["locations"] = json!([{ "physicalLocation": physical(options, file, loc.as_ref()) }]);
    }
    n
}

fn tool_notice(level: &str, id: &str, text: String) -> Value {
    json!({ "level": level, "message": { "text": text }, "descriptor": { "id": id } })
}

pub(super) fn render(
    report: &ScanReport,
    catalogue: &[RuleMeta],
    options: &RenderOptions,
) -> String {
    let mut live_left_out = 0;
    let mut candidates: Vec<&Finding> = Vec::new();
    for f in &report.findings {
        let wanted = match f.status {
            Status::Fail => true,
            Status::Suppressed => options.include_suppressed,
            Status::Pass | Status::Unknown => false,
        };
        if !wanted {
            continue;
        }
        if f.location().is_none() && !options.sarif_include_live {
            live_left_out += 1;
            continue;
        }
        candidates.push(f);
    }

    // Past the cap keep the most severe; a stable sort keeps the existing order
    // within a severity, and the kept results go back into report order.
    let cut = candidates.len().saturating_sub(options.sarif_max_results);
    if cut > 0 {
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&i| Reverse(candidates[i].severity));
        order.truncate(options.sarif_max_results);
        order.sort_unstable();
        candidates = order.into_iter().map(|i| candidates[i]).collect();
    }

    let rules = summary::rules_for(catalogue, &candidates);
    let results: Vec<Value> = candidates
        .iter()
        .map(|f| {
            let index = rules.iter().position(|m| m.id == f.rule_id);
            result(f, index, options)
        })
        .collect();

    let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diagnostics.sort();
    let mut notifications: Vec<Value> = diagnostics
        .into_iter()
        .map(|d| notification(d, options))
        .collect();
    if cut > 0 {
        notifications.push(tool_notice(
            "warning",
            "result-cap",
            format!(
                "{} left out: GitHub code scanning accepts at most {} results per run, so only the {} most severe are included; see the JSON output for all of them",
                summary::plural(cut, "result was", "results were"),
                options.sarif_max_results,
                options.sarif_max_results
            ),
        ));
    }
    if live_left_out > 0 {
        notifications.push(tool_notice(
            "note",
            "live-results-omitted",
            format!(
                "{} from live AWS left out: they have no file location, and GitHub code scanning rejects a SARIF file with a result that has none; the JSON output has them",
                summary::plural(live_left_out, "result", "results")
            ),
        ));
    }

    let mut category = match options.sarif_category.trim() {
        "" => RenderOptions::default().sarif_category,
        c => c.to_string(),
    };
    if !category.ends_with('/') {
        category.push('/');
    }

    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "soc2scan",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
                }
            },
            "automationDetails": { "id": category },
            "originalUriBaseIds": {
                SRCROOT: {
                    "description": { "text": "The repository root; artifact paths are relative to it." }
                }
            },
            "invocations": [{
                "executionSuccessful": !report.incomplete(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    // A `Value` always serializes.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
