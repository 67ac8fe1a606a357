//! Where a run came from: the machine, the CI job and the git state of what was
//! scanned, and the rules and configuration it was judged by. An auditor reads a run
//! as evidence only when it is attributable. These are the report's and the ledger's
//! shared vocabulary, so both sit above this module.

pub mod ci;
pub mod git;

use crate::finding::Severity;
use serde::{Deserialize, Serialize};

/// What makes a report attributable evidence: when it ran, on which machine and CI
/// job, from which commit, with which rule catalogue and configuration.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    pub host: Option<String>,
    pub ci: Option<CiContext>,
    pub catalogue_digest: String,
    pub config_digest: String,
    /// Every catalogue rule as configured for the run, by id.
    pub rules: Vec<RuleSetting>,
    /// The git checkout holding the Terraform base, when there is one.
    pub checkout: Option<git::Checkout>,
}

/// The CI job that ran the scan, from the provider's standard environment variables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiContext {
    /// `github-actions`, `gitlab-ci`, `buildkite` or `circleci`.
    pub provider: String,
    pub run_id: Option<String>,
    pub run_url: Option<String>,
    pub job: Option<String>,
    pub repository: Option<String>,
    pub git_ref: Option<String>,
    pub actor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetting {
    pub id: String,
    pub enabled: bool,
    /// Base severity after configuration overrides.
    pub severity: Severity,
    pub controls: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Terraform,
    Aws,
}

/// The unit whose continuity is judged: a Terraform root in a repository, or an AWS
/// account and region (see docs/evidence.md, "Identities").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// Stable identity across runs and machines: `terraform:<repository>//<root>` or
    /// `aws:<account>/<region>`.
    pub key: String,
    pub kind: SourceKind,
    /// Terraform: the normalised remote URL, or the absolute path without a remote.
    pub repository: Option<String>,
    /// Terraform: the root module directory inside the repository (`.` at its top).
    pub root: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Terraform: uncommitted changes under the root when it was scanned.
    pub dirty: Option<bool>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// Live: the services swept, sorted.
    pub services: Vec<String>,
    /// Rules evaluated on this source, sorted: enabled, applicable to the source's
    /// kind and, live, with their services swept. Such a rule covers its controls
    /// even when it found no resource of its kind.
    pub rules: Vec<String>,
    /// Resources judged on this source.
    pub resources: usize,
    /// Unknown results on this source.
    pub unknowns: usize,
    /// Collection gaps and read errors that touched this source.
    pub gaps: Vec<GapRecord>,
}

/// Something the run could not see: an AWS call that failed, a file that did not
/// parse, a module that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GapRecord {
    /// The diagnostic code: `collection-gap`, `parse-error`, `unresolved-module`, ...
    pub code: String,
    /// Live: the AWS service (`s3`), else `terraform`.
    pub service: String,
    /// Live: the operation that failed (`GetBucketPolicy`).
    pub operation: Option<String>,
    /// Live: the error code AWS answered (`AccessDenied`, `Throttling`, ...).
    pub error_class: Option<String>,
    /// Rules whose verdicts the gap may have changed, sorted; the controls they map
    /// to are incomplete for the run.
    pub rules: Vec<String>,
    pub message: String,
}

/// The host name, when the system reports one.
pub fn host() -> Option<String> {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// RFC 3339 in UTC to the second, `Z` suffix: one spelling, so reports compare.
pub fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
