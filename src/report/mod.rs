//! Outputs. Everything a format shows is derived from the scan report and the rule
//! metadata, so adding a rule needs no report code.

use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Severity, Status};
use serde::Serialize;

/// Counters for the closing summary and `--timings`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub root_modules: usize,
    pub module_instances: usize,
    pub resources: usize,
    /// Evaluated resource attributes, and those whose value stayed unknown because
    /// it could not be resolved (not merely computed after apply).
    pub attributes: usize,
    pub unknown_attributes: usize,
    pub unresolved_attributes: usize,
}

/// Everything one scan produced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScanReport {
    /// Paths as given on the command line.
    pub scanned_paths: Vec<String>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}

impl ScanReport {
    /// A source failed somewhere: something was not seen.
    pub fn incomplete(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// Failing (not suppressed) results at or above `threshold`.
    pub fn failures_at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.severity >= threshold)
            .count()
    }
}
