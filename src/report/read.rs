//! The JSON report (schema v2) read back: one reader for every consumer of reports
//! written by other runs, `soc2scan merge` and `evidence import`, so the schema is
//! declared once beside its writer ([`super::json`]). Fields no consumer needs are
//! ignored, so later schema versions that only add fields still read.

use crate::diagnostic::Level;
use crate::finding::{Severity, Status};
use crate::model::{Location, ManagedBy};
use crate::provenance::{CiContext, RuleSetting, SourceRecord};
use crate::scan::Stats;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReportIn {
    pub schema: String,
    pub tool: ToolIn,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub invocation: InvocationIn,
    pub catalogue_digest: Option<String>,
    pub config_digest: Option<String>,
    pub configuration: ConfigurationIn,
    /// Read by `merge` only, like `diagnostics` and `stats`: the ledger also imports
    /// reports that leave them out (`scripts/gen-evidence-report.py`).
    #[serde(default)]
    pub scanned_paths: Vec<String>,
    /// Some source could not be read completely.
    pub incomplete: bool,
    pub sources: Vec<SourceRecord>,
    pub results: Vec<ResultIn>,
    #[serde(default)]
    pub diagnostics: Vec<DiagnosticIn>,
    pub stats: Option<Stats>,
}

#[derive(Deserialize)]
pub struct ToolIn {
    pub version: String,
}

#[derive(Deserialize)]
pub struct InvocationIn {
    pub host: Option<String>,
    pub ci: Option<CiContext>,
}

#[derive(Deserialize)]
pub struct ConfigurationIn {
    pub rules: Vec<RuleSetting>,
}

#[derive(Deserialize)]
pub struct ResultIn {
    pub rule_id: String,
    pub status: Status,
    pub severity: Severity,
    pub severity_reason: Option<String>,
    pub controls: Vec<String>,
    pub resource: String,
    pub resource_type: String,
    pub message: String,
    pub fingerprint: String,
    pub source_key: String,
    pub root_module: Option<String>,
    pub location: Option<LocationIn>,
    pub module_calls: Option<Vec<ModuleCallIn>>,
    pub origin: Option<OriginIn>,
    pub managed_by: Option<ManagedByIn>,
    pub environment: Option<EnvironmentIn>,
    pub classification: Option<String>,
    pub suppression: Option<SuppressionIn>,
}

#[derive(Deserialize)]
pub struct LocationIn {
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub start_column: usize,
    pub end_column: usize,
}

impl From<LocationIn> for Location {
    fn from(l: LocationIn) -> Location {
        Location {
            file: l.file,
            start_line: l.start_line,
            start_column: l.start_column,
            end_line: l.end_line,
            end_column: l.end_column,
        }
    }
}

#[derive(Deserialize)]
pub struct ModuleCallIn {
    pub address: String,
    pub location: LocationIn,
}

/// The Terraform that manages a live result.
#[derive(Deserialize)]
pub struct ManagedByIn {
    pub address: String,
    pub root_module: String,
    pub location: LocationIn,
    pub by: String,
}

impl From<ManagedByIn> for ManagedBy {
    fn from(m: ManagedByIn) -> ManagedBy {
        ManagedBy {
            address: m.address,
            root: m.root_module,
            location: m.location.into(),
            by: m.by,
        }
    }
}

#[derive(Deserialize)]
pub struct OriginIn {
    pub account: Option<String>,
    pub region: String,
    pub operation: String,
    pub arn: Option<String>,
}

#[derive(Deserialize)]
pub struct EnvironmentIn {
    pub name: String,
    pub production: bool,
    pub because: String,
    pub conflicts: Vec<String>,
}

#[derive(Deserialize)]
pub struct SuppressionIn {
    pub kind: String,
    pub source: String,
    pub reason: Option<String>,
    pub until: Option<String>,
    pub location: Option<LocationIn>,
}

#[derive(Deserialize)]
pub struct DiagnosticIn {
    pub level: Level,
    pub code: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub gap: Option<GapIn>,
}

#[derive(Deserialize)]
pub struct GapIn {
    pub account: Option<String>,
    pub service: String,
    pub operation: String,
    pub region: String,
    pub error_class: String,
}
