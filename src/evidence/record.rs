//! One run as the evidence ledger records it.
//!
//! A run record is read from a JSON report (schema `soc2scan/report/v2`): the same
//! path serves `scan --evidence`, which renders its own report first, and
//! `evidence import`, which reads reports written by other jobs. So whatever the
//! ledger knows about a run, the report carried, and a report imported twice is
//! recognised by its digest ([`RunRecord::run_id`]).

use crate::finding::{Severity, Status};
use crate::provenance::{CiContext, RuleSetting, SourceRecord};
use crate::report::read::ReportIn;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use thiserror::Error;

/// Why a report cannot be recorded.
#[derive(Debug, Error)]
pub enum RecordError {
    #[error("not a JSON report: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "report schema {0:?} has no run metadata; the ledger records soc2scan/report/v2 or later (rerun the scan with this version)"
    )]
    Schema(String),
    #[error("the report has no {0}: it was not produced by `soc2scan scan`")]
    Missing(&'static str),
}

/// A scan, with its sources, coverage and every result (passes and unknowns too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// SHA-256 (lowercase hex) of the RFC 8785 canonical form of the JSON report the
    /// run was read from.
    pub run_id: String,
    pub meta: RunMeta,
    /// Sorted by key.
    pub sources: Vec<SourceRecord>,
    /// Sorted by (source, rule, fingerprint). Shared, because a ledger holding a
    /// year of runs stores an unchanged result once and hands out the same row.
    pub results: Vec<Arc<ResultRecord>>,
}

/// When, where, by what and under which rules a run happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// RFC 3339, UTC, as the scanner's clock said. The ledger orders runs by its
    /// log, not by these; a clock that goes backwards is flagged, not trusted.
    pub started_at: String,
    pub finished_at: String,
    pub tool_version: String,
    /// The JSON report schema the run was read from.
    pub schema: String,
    pub host: Option<String>,
    pub ci: Option<CiContext>,
    /// SHA-256 of the embedded rule catalogue (every rule file, in id order).
    pub catalogue_digest: String,
    /// SHA-256 of the effective configuration (file, command-line overrides).
    pub config_digest: String,
    /// Every catalogue rule as configured for this run, sorted by id, so that rules
    /// disabled or lowered in severity during a window can be named.
    pub rules: Vec<RuleSetting>,
    /// Some source could not be read completely (the report's `incomplete`).
    pub incomplete: bool,
}

/// One rule's verdict on one resource. Contains nothing run-specific, so an
/// unchanged result is byte-for-byte the same record in the next run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResultRecord {
    /// Key of the source the resource belongs to.
    pub source: String,
    pub rule_id: String,
    pub status: Status,
    pub severity: Severity,
    pub controls: Vec<String>,
    /// Terraform address or ARN.
    pub resource: String,
    pub resource_type: String,
    /// Stable identity across line moves; a finding is (source, rule, fingerprint).
    pub fingerprint: String,
    pub environment: Option<String>,
    pub classification: Option<String>,
    /// `file:line` for Terraform, the ARN (or region) for live results.
    pub location: Option<String>,
    pub message: String,
    pub suppression: Option<SuppressionRecord>,
}

/// An accepted exception carried by a result.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SuppressionRecord {
    /// `inline`, `config`, `baseline` or `diff-base`.
    pub kind: String,
    /// The comment or setting as written.
    pub source: String,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`: the last day the exception holds.
    pub until: Option<String>,
}

/// A run as read back from the ledger: its place in the log and when it was appended.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRun {
    /// Position in the log, from 1. The log's order is the runs' order; their clocks
    /// are only what the scanners said.
    pub seq: u64,
    /// RFC 3339, UTC: when the ledger appended the run.
    pub recorded_at: String,
    pub record: RunRecord,
}

/// Schemas whose reports carry run metadata.
const RECORDABLE_SCHEMAS: &[&str] = &["soc2scan/report/v2"];

impl RunRecord {
    /// Read a JSON report. The run's id is the SHA-256 of the report's RFC 8785
    /// canonical form, so formatting does not matter and the same report imported
    /// twice has one id.
    pub fn from_report_json(bytes: &[u8]) -> Result<RunRecord, RecordError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)?;
        let schema = value
            .get("schema")
            .and_then(|s| s.as_str())
            .unwrap_or_default();
        if !RECORDABLE_SCHEMAS.contains(&schema) {
            return Err(RecordError::Schema(schema.to_string()));
        }
        let canonical = serde_jcs::to_vec(&value)?;
        let run_id = hex::encode(Sha256::digest(&canonical));
        let report: ReportIn = serde_json::from_value(value)?;
        let started_at = report
            .started_at
            .ok_or(RecordError::Missing("started_at"))?;
        let finished_at = report
            .finished_at
            .ok_or(RecordError::Missing("finished_at"))?;
        let mut sources = report.sources;
        sources.sort_by(|a, b| a.key.cmp(&b.key));
        let mut results: Vec<Arc<ResultRecord>> = report
            .results
            .into_iter()
            .map(|r| {
                let location = match (r.location, r.origin) {
                    (Some(l), _) => Some(format!("{}:{}", l.file, l.start_line)),
                    (None, Some(o)) => Some(o.arn.unwrap_or(o.region)),
                    (None, None) => None,
                };
                Arc::new(ResultRecord {
                    source: r.source_key,
                    rule_id: r.rule_id,
                    status: r.status,
                    severity: r.severity,
                    controls: r.controls,
                    resource: r.resource,
                    resource_type: r.resource_type,
                    fingerprint: r.fingerprint,
                    environment: r.environment.map(|e| e.name),
                    classification: r.classification,
                    location,
                    message: r.message,
                    suppression: r.suppression.map(|s| SuppressionRecord {
                        kind: s.kind,
                        source: s.source,
                        reason: s.reason,
                        until: s.until,
                    }),
                })
            })
            .collect();
        results.sort_by(|a, b| {
            (&a.source, &a.rule_id, &a.fingerprint).cmp(&(&b.source, &b.rule_id, &b.fingerprint))
        });
        Ok(RunRecord {
            run_id,
            meta: RunMeta {
                started_at,
                finished_at,
                tool_version: report.tool.version,
                schema: report.schema,
                host: report.invocation.host,
                ci: report.invocation.ci,
                catalogue_digest: report
                    .catalogue_digest
                    .ok_or(RecordError::Missing("catalogue_digest"))?,
                config_digest: report
                    .config_digest
                    .ok_or(RecordError::Missing("config_digest"))?,
                rules: report.configuration.rules,
                incomplete: report.incomplete,
            },
            sources,
            results,
        })
    }
}
