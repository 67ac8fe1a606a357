//! What one scan produced: findings, diagnostics, counters and what was read. The
//! pipeline owns its result; `report` renders it and `evidence` records it.

use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Severity, Status};
use crate::provenance::Provenance;
use serde::{Deserialize, Serialize};

/// Counters for the closing summary and `--timings`, written to the JSON report as
/// they are and read back by `merge`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
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
    /// Present when the live account was swept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveStats>,
}

/// What the live sweep covered, so a nightly report shows its reach and its cost.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LiveStats {
    /// The account swept, from STS GetCallerIdentity; with `--org`, the account
    /// whose credentials listed the organization.
    pub account: Option<String>,
    /// Live resources placed in the inventory (all accounts).
    pub resources: usize,
    /// API operations sent (retries of one operation count once), all accounts and
    /// the organization's listing.
    pub api_calls: u64,
    /// Collection gaps: operations whose answer is missing from the inventory.
    pub gaps: usize,
    /// With `--org`: every account of the organization that this run was to sweep,
    /// by id, including those whose role could not be assumed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountStats>,
}

/// One account of an organization sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStats {
    pub account: String,
    /// Its name in the organization.
    pub name: Option<String>,
    pub resources: usize,
    pub api_calls: u64,
    pub gaps: usize,
}

impl LiveStats {
    /// Adds one account of an organization sweep to the totals and the list.
    pub fn add_account(&mut self, account: String, name: Option<String>, one: LiveStats) {
        self.resources += one.resources;
        self.api_calls += one.api_calls;
        self.gaps += one.gaps;
        self.accounts.push(AccountStats {
            account,
            name,
            resources: one.resources,
            api_calls: one.api_calls,
            gaps: one.gaps,
        });
    }
}

/// Everything one scan produced.
#[derive(Clone, Debug, Default)]
pub struct ScanReport {
    /// Paths as given on the command line.
    pub scanned_paths: Vec<String>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// What was read: the report's `sources` are built from it.
    pub scope: Scope,
    /// When, where and under which rules the scan ran; set at the command-line edge,
    /// which knows the clock, the configuration and the environment.
    pub provenance: Option<Provenance>,
}

/// What a scan read.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The absolute directory that Terraform paths in results are relative to.
    pub terraform_base: Option<std::path::PathBuf>,
    /// Root modules, relative to the base (`.` for the base itself), sorted.
    pub roots: Vec<String>,
    /// Each account swept, by account id.
    pub live: Vec<LiveScope>,
}

/// The account, regions and services a live sweep covered.
#[derive(Clone, Debug, Default)]
pub struct LiveScope {
    pub account: Option<String>,
    pub regions: Vec<String>,
    pub services: Vec<String>,
}

impl ScanReport {
    /// A source failed somewhere: something was not seen.
    pub fn incomplete(&self) -> bool {
        self.error_count() > 0
    }

    /// How many sources failed: the number every report and the exit message give
    /// for an incomplete scan.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// Failing (not suppressed) results at or above `threshold`.
    pub fn failures_at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.severity >= threshold)
            .count()
    }
}
