//! The JSON report: every result (passes, unknowns and suppressed failures too), the
//! summary, diagnostics and counters, under a versioned schema documented in
//! `docs/json-schema.md`. The structs below are the schema: a field is renamed or
//! removed only with a new schema version; fields may be added within a version.

use super::summary::{self, Counts};
use crate::catalogue::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Status, Suppression};
use crate::model::{Environment, Location, ModuleCall, Origin};
use crate::provenance::{CiContext, RuleSetting, SourceRecord};
use crate::scan::ScanReport;
use rayon::prelude::*;
use serde::Serialize;

/// Schema identifier; bump the suffix on any incompatible change.
pub const SCHEMA: &str = "soc2scan/report/v2";

/// The report's fields before `results`. The document is `Head`'s fields, then
/// `results` (written by [`write_results`]), then `Tail`'s fields, in that order.
#[derive(Serialize)]
struct Head<'a> {
    schema: &'static str,
    tool: Tool,
    /// RFC 3339, UTC; null when the report was not produced by a scan (tests).
    started_at: Option<&'a str>,
    finished_at: Option<&'a str>,
    invocation: Invocation<'a>,
    /// SHA-256 of the rule catalogue and of the effective configuration, so that a
    /// change of either during an audit window can be seen.
    catalogue_digest: Option<&'a str>,
    config_digest: Option<&'a str>,
    configuration: Configuration<'a>,
    scanned_paths: &'a [String],
    /// The Terraform roots and AWS account-regions read, with their coverage.
    sources: Vec<SourceRecord>,
    /// Some source failed (an error diagnostic): something was not seen.
    incomplete: bool,
    summary: Summary,
    rules: Vec<Rule<'a>>,
}

/// The report's fields after `results`.
#[derive(Serialize)]
struct Tail<'a> {
    diagnostics: Vec<DiagnosticJson<'a>>,
    stats: &'a crate::scan::Stats,
}

/// Results serialized at a time, in parallel: enough to keep the cores busy, few
/// enough that the batch's text stays a few megabytes.
const RESULTS_PER_BATCH: usize = 4096;

/// Indentation of a result's lines: `results` is a field of the top-level object.
const RESULT_INDENT: &[u8] = b"    ";

/// Write `"results": [...]`'s value exactly as `serde_json::to_writer_pretty` would
/// in place, but serializing batches of results in parallel, each turned into its
/// JSON view only then: on an estate of 200,000 resources the results are most of a
/// 400 MB report, and a view of all of them at once cost hundreds of megabytes.
/// Each result is rendered on its own and indented to its depth: a raw newline in
/// pretty JSON is always layout, as newlines in strings are escaped.
fn write_results(report: &ScanReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if report.findings.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let mut first = true;
    for batch in report.findings.chunks(RESULTS_PER_BATCH) {
        let rendered: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|f| serde_json::to_vec_pretty(&result(f, report)))
            .collect::<Result<_, _>>()
            .map_err(std::io::Error::from)?;
        for text in rendered {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            out.write_all(RESULT_INDENT)?;
            for (i, line) in text.split(|b| *b == b'\n').enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                    out.write_all(RESULT_INDENT)?;
                }
                out.write_all(line)?;
            }
        }
    }
    out.write_all(b"\n  ]")
}

/// The fields of a pretty-printed object, between its braces: `\n  "a": 1,\n  "b": 2`.
fn fields(object: &[u8]) -> &[u8] {
    object
        .strip_prefix(b"{")
        .and_then(|o| o.strip_suffix(b"\n}"))
        .unwrap_or_default()
}

#[derive(Serialize)]
struct Invocation<'a> {
    host: Option<&'a str>,
    ci: Option<&'a CiContext>,
}

#[derive(Serialize)]
struct Configuration<'a> {
    /// Every catalogue rule as configured for this run: enabled or not, severity.
    rules: &'a [RuleSetting],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
}

/// The rules that produced results, so a consumer can label them without the catalogue.
#[derive(Serialize)]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    severity: &'static str,
    controls: &'a [String],
    help_uri: String,
}

#[derive(Serialize)]
struct ResultJson<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    status: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity_reason: Option<&'a str>,
    controls: &'a [String],
    resource: &'a str,
    resource_type: &'a str,
    message: &'a str,
    fingerprint: &'a str,
    /// `terraform` or `aws`: which of `location`/`module_calls` or `origin` is present.
    source: &'static str,
    /// The `sources[].key` of the source the resource belongs to.
    source_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_module: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_calls: Option<Vec<ModuleCallJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<LiveOrigin<'a>>,
    /// A live result's Terraform resource, when the run linked it to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_by: Option<ManagedByJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<EnvironmentJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<SuppressionJson<'a>>,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    file: &'a str,
    start_line: usize,
    end_line: usize,
    start_column: usize,
    end_column: usize,
}

impl<'a> From<&'a Location> for LocationJson<'a> {
    fn from(l: &'a Location) -> LocationJson<'a> {
        LocationJson {
            file: &l.file,
            start_line: l.start_line,
            end_line: l.end_line,
            start_column: l.start_column,
            end_column: l.end_column,
        }
    }
}

#[derive(Serialize)]
struct ManagedByJson<'a> {
    address: &'a str,
    root_module: &'a str,
    location: LocationJson<'a>,
    /// How the link was made (`ARN ... from ...`, `aws_s3_bucket name "..."`).
    by: &'a str,
}

#[derive(Serialize)]
struct ModuleCallJson<'a> {
    address: &'a str,
    location: LocationJson<'a>,
}

impl<'a> From<&'a ModuleCall> for ModuleCallJson<'a> {
    fn from(m: &'a ModuleCall) -> ModuleCallJson<'a> {
        ModuleCallJson {
            address: &m.address,
            location: (&m.location).into(),
        }
    }
}

#[derive(Serialize)]
struct LiveOrigin<'a> {
    account: Option<&'a str>,
    region: &'a str,
    /// The resource's ARN: live results are addressed by it.
    arn: Option<&'a str>,
    operation: &'a str,
}

#[derive(Serialize)]
struct EnvironmentJson<'a> {
    name: &'a str,
    production: bool,
    because: &'a str,
    conflicts: &'a [String],
}

impl<'a> From<&'a Environment> for EnvironmentJson<'a> {
    fn from(e: &'a Environment) -> EnvironmentJson<'a> {
        EnvironmentJson {
            name: &e.name,
            production: e.production,
            because: &e.because,
            conflicts: &e.conflicts,
        }
    }
}

#[derive(Serialize)]
struct SuppressionJson<'a> {
    kind: &'a str,
    source: &'a str,
    reason: Option<&'a str>,
    until: Option<&'a str>,
    location: Option<LocationJson<'a>>,
}

impl<'a> From<&'a Suppression> for SuppressionJson<'a> {
    fn from(s: &'a Suppression) -> SuppressionJson<'a> {
        SuppressionJson {
            kind: &s.kind,
            source: &s.source,
            reason: s.reason.as_deref(),
            until: s.until.as_deref(),
            location: s.location.as_ref().map(Into::into),
        }
    }
}

#[derive(Serialize)]
struct StatusCounts {
    fail: usize,
    pass: usize,
    unknown: usize,
    suppressed: usize,
}

impl From<Counts> for StatusCounts {
    fn from(c: Counts) -> StatusCounts {
        StatusCounts {
            fail: c.fail,
            pass: c.pass,
            unknown: c.unknown,
            suppressed: c.suppressed,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    results: usize,
    by_status: StatusCounts,
    /// Failing (not suppressed) results per severity; every severity is present.
    failures_by_severity: serde_json::Map<String, serde_json::Value>,
    controls: Vec<ControlJson>,
}

#[derive(Serialize)]
struct ControlJson {
    control: String,
    /// Distinct resources, each in the column of its worst result for the control.
    resources: StatusCounts,
    results: StatusCounts,
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    level: &'static str,
    code: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    /// For a `collection-gap`: the account, service, operation and region whose
    /// answer is missing, and how the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    gap: Option<&'a crate::diagnostic::Gap>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticJson<'a> {
    fn from(d: &'a Diagnostic) -> DiagnosticJson<'a> {
        DiagnosticJson {
            level: match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
            },
            code: d.code,
            file: d.file.as_deref(),
            line: d.line,
            column: d.column,
            message: &d.message,
            gap: d.gap.as_deref(),
        }
    }
}

fn result<'a>(f: &'a Finding, report: &ScanReport) -> ResultJson<'a> {
    let mut r = ResultJson {
        rule_id: f.rule_id,
        rule_name: f.rule_name,
        status: f.status.as_str(),
        severity: f.severity.as_str(),
        severity_reason: f.severity_reason.as_deref(),
        controls: f.controls,
        resource: &f.resource,
        resource_type: &f.resource_type,
        message: &f.message,
        fingerprint: &f.fingerprint,
        source: "terraform",
        source_key: super::sources::key_of(f, report),
        root_module: None,
        location: None,
        module_calls: None,
        origin: None,
        managed_by: f.managed_by.as_ref().map(|m| ManagedByJson {
            address: &m.address,
            root_module: &m.root,
            location: (&m.location).into(),
            by: &m.by,
        }),
        environment: f.environment.as_ref().map(Into::into),
        classification: f.classification.map(|c| c.as_str()),
        // A suppression recorded on a result that is no longer suppressed (it cannot
        // happen today) would contradict the status; only suppressed results carry it.
        suppression: match f.status {
            Status::Suppressed => f.suppression.as_ref().map(Into::into),
            _ => None,
        },
    };
    match &f.origin {
        Origin::Terraform {
            root,
            location,
            module_calls,
        } => {
            r.root_module = Some(root);
            r.location = Some(location.into());
            r.module_calls = Some(module_calls.iter().map(Into::into).collect());
        }
        Origin::Aws {
            account,
            region,
            operation,
        } => {
            r.source = "aws";
            r.origin = Some(LiveOrigin {
                account: account.as_deref(),
                region,
                arn: f
                    .resource
                    .starts_with("arn:")
                    .then_some(f.resource.as_str()),
                operation,
            });
        }
    }
    r
}

pub(super) fn render(report: &ScanReport, catalogue: &[RuleMeta]) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes UTF-8.
    let _ = write(report, catalogue, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Serialize the report straight into `out`, without holding it whole in memory.
pub(super) fn write(
    report: &ScanReport,
    catalogue: &[RuleMeta],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let findings: Vec<&Finding> = report.findings.iter().collect();
    let summary = Summary {
        results: report.findings.len(),
        by_status: summary::by_status(&report.findings).into(),
        failures_by_severity: summary::failures_by_severity(&report.findings)
            .into_iter()
            .map(|(s, n)| (s.as_str().to_string(), n.into()))
            .collect(),
        controls: summary::per_control(&report.findings)
            .into_iter()
            .map(|c| ControlJson {
                control: c.control,
                resources: c.resources.into(),
                results: c.results.into(),
            })
            .collect(),
    };
    let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    diagnostics.sort();
    let provenance = report.provenance.as_ref();
    let head = Head {
        schema: SCHEMA,
        tool: Tool {
            name: "soc2scan",
            version: env!("CARGO_PKG_VERSION"),
            information_uri: super::sarif::INFORMATION_URI,
        },
        started_at: provenance.map(|p| p.started_at.as_str()),
        finished_at: provenance.map(|p| p.finished_at.as_str()),
        invocation: Invocation {
            host: provenance.and_then(|p| p.host.as_deref()),
            ci: provenance.and_then(|p| p.ci.as_ref()),
        },
        catalogue_digest: provenance.map(|p| p.catalogue_digest.as_str()),
        config_digest: provenance.map(|p| p.config_digest.as_str()),
        configuration: Configuration {
            rules: provenance.map_or(&[], |p| p.rules.as_slice()),
        },
        scanned_paths: &report.scanned_paths,
        sources: super::sources::build(report, catalogue),
        incomplete: report.incomplete(),
        summary,
        rules: summary::rules_for(catalogue, &findings)
            .into_iter()
            .map(|m| Rule {
                id: &m.id,
                name: &m.name,
                title: &m.title,
                severity: m.severity.as_str(),
                controls: &m.controls,
                help_uri: super::sarif::help_uri(&m.id),
            })
            .collect(),
    };
    let tail = Tail {
        diagnostics: diagnostics.into_iter().map(Into::into).collect(),
        stats: &report.stats,
    };
    // These plain structs serialize (string keys, no non-finite floats): only
    // writing can fail.
    let head = serde_json::to_vec_pretty(&head).map_err(std::io::Error::from)?;
    let tail = serde_json::to_vec_pretty(&tail).map_err(std::io::Error::from)?;
    out.write_all(b"{")?;
    out.write_all(fields(&head))?;
    out.write_all(b",\n  \"results\": ")?;
    write_results(report, out)?;
    out.write_all(b",")?;
    out.write_all(fields(&tail))?;
    out.write_all(b"\n}\n")
}
