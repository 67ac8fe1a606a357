//! Results of rules: one per evaluated resource, whether it failed, passed or could
//! not be decided. Passes are evidence that a control operated.

use crate::model::{Classification, Environment, Location, ManagedBy, Origin};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One step up, for classified data.
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
    Pass,
    Suppressed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Pass => "pass",
            Status::Unknown => "unknown",
            Status::Suppressed => "suppressed",
        }
    }
}

/// Why a failing result was suppressed (inline comment, config, baseline).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline`, `config` or `baseline`.
    pub kind: String,
    /// The comment or setting as written, e.g. `#checkov:skip=CKV_AWS_19`.
    pub source: String,
    pub reason: Option<String>,
    pub until: Option<String>,
    pub location: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub rule_name: &'static str,
    pub status: Status,
    pub severity: Severity,
    /// Set when the severity differs from the rule's base severity, with the reason.
    pub severity_reason: Option<String>,
    pub controls: &'static [String],
    /// Terraform address or ARN.
    pub resource: String,
    pub resource_type: String,
    pub message: String,
    pub origin: Origin,
    /// For a live resource: the Terraform resource that manages it. Its location is
    /// the finding's location, so SARIF annotates the `.tf` line that should fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<ManagedBy>,
    /// The resource's environment and why, when it could be resolved.
    pub environment: Option<Environment>,
    /// The resource's data classification, when known.
    pub classification: Option<Classification>,
    pub suppression: Option<Suppression>,
    /// Stable identity of this result across line moves: rule, resource, file.
    pub fingerprint: String,
}

impl Finding {
    pub fn location(&self) -> Option<&Location> {
        match &self.origin {
            Origin::Terraform { location, .. } => Some(location),
            Origin::Aws { .. } => self.managed_by.as_ref().map(|m| &m.location),
        }
    }

    /// Deterministic order: file, line, rule, resource.
    /// Borrowed, so sorting hundreds of thousands of results allocates nothing.
    pub fn sort_key(&self) -> (&str, usize, &'static str, &str) {
        let (file, line) = match self.location() {
            Some(l) => (l.file.as_str(), l.start_line),
            None => ("", 0),
        };
        (file, line, self.rule_id, self.resource.as_str())
    }
}
