//! The auditor's view as data: what every renderer shows, and exactly what the JSON
//! form serialises (schema `soc2scan/evidence-report/v1`, see docs/evidence.md).

use super::window::{Cadence, DayRange};
use super::LedgerStatus;
use crate::finding::Severity;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

pub const SCHEMA: &str = "soc2scan/evidence-report/v1";

pub(crate) fn ser_day<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

pub(crate) fn ser_opt_day<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub schema: &'static str,
    pub ledger: LedgerStatus,
    pub window: WindowInfo,
    pub sources: Vec<SourceInfo>,
    pub controls: Vec<ControlView>,
    pub gaps: Gaps,
    pub findings: Findings,
    pub exceptions: Vec<Exception>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WindowInfo {
    #[serde(serialize_with = "ser_day")]
    pub from: NaiveDate,
    #[serde(serialize_with = "ser_day")]
    pub to: NaiveDate,
    /// The UTC offset day boundaries were read in, `+00:00` by default.
    pub tz: String,
    pub cadence: Cadence,
    pub days: usize,
    /// Runs dated inside the window.
    pub runs: usize,
    /// Where the expected sources came from: `configured` or `implicit`.
    pub expectations: &'static str,
}

/// A source seen in the ledger up to the window's end.
#[derive(Clone, Debug, Serialize)]
pub struct SourceInfo {
    pub key: String,
    /// Runs of this source dated inside the window.
    pub runs: usize,
    #[serde(serialize_with = "ser_opt_day")]
    pub first_run: Option<NaiveDate>,
    #[serde(serialize_with = "ser_opt_day")]
    pub last_run: Option<NaiveDate>,
    /// `None` when the source is not expected (configured expectations that do not
    /// match it): it is shown, but its absence is nobody's gap.
    pub expected: Option<ExpectedInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExpectedInfo {
    /// First day it is expected on: the window's start when configured, its first
    /// run otherwise.
    #[serde(serialize_with = "ser_day")]
    pub from: NaiveDate,
    pub cadence: Cadence,
    pub controls: Vec<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// Ordered so that `max` is the worse state for the overall row: a source that
    /// was not collected never hides one that was.
    NotCollected,
    Pass,
    Incomplete,
    Fail,
}

impl CellState {
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::NotCollected => "not-collected",
            CellState::Pass => "pass",
            CellState::Incomplete => "incomplete",
            CellState::Fail => "fail",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DayCell {
    #[serde(serialize_with = "ser_day")]
    pub date: NaiveDate,
    pub state: CellState,
    /// Runs that covered the control (on this source, or on any source) that day.
    pub runs: u32,
    /// Distinct failing findings that day, exceptions expired included.
    pub failures: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct ControlView {
    pub control: &'static str,
    /// One plain sentence, as an auditor reads it.
    pub summary: String,
    /// Days (or periods) with a state other than `not-collected` in the overall row.
    pub evaluated: usize,
    /// The overall row: the worst state over the sources that were covered.
    pub days: Vec<DayCell>,
    pub sources: Vec<SourceRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceRow {
    pub source: String,
    pub days: Vec<DayCell>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Gaps {
    /// Periods in which an expected source had no run at all.
    pub missed: Vec<Missed>,
    /// Periods in which an expected source ran but no enabled rule covered the control.
    pub uncovered: Vec<Uncovered>,
    /// Expected sources with no run after some day before the window's end.
    pub dropped_sources: Vec<DroppedSource>,
    /// Services collected on a source earlier in the window but not in its later runs.
    pub dropped_services: Vec<DroppedService>,
    pub rule_changes: Vec<RuleChange>,
    /// Exceptions first carried inside the window.
    pub suppressions_added: Vec<ExceptionRef>,
    /// Exceptions whose last day fell before the window's end.
    pub suppressions_expired: Vec<ExceptionRef>,
    /// Collection gaps and parse errors of runs in the window, by kind.
    pub collection: Vec<CollectionGap>,
    /// Runs whose clock is earlier than the previous run's, or unreadable.
    pub clock: Vec<ClockAnomaly>,
    /// Configured source patterns that no source in the ledger matches.
    pub unmatched_expectations: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Missed {
    pub source: String,
    pub cadence: Cadence,
    /// Number of missed periods (days, or weeks).
    pub periods: usize,
    pub ranges: Vec<DayRange>,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Uncovered {
    pub source: String,
    pub control: &'static str,
    pub cadence: Cadence,
    pub periods: usize,
    pub ranges: Vec<DayRange>,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DroppedSource {
    pub source: String,
    /// Its last run up to the window's end; `None` when it never ran.
    #[serde(serialize_with = "ser_opt_day")]
    pub last_run: Option<NaiveDate>,
    #[serde(serialize_with = "ser_day")]
    pub not_collected_from: NaiveDate,
    pub days: usize,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DroppedService {
    pub source: String,
    pub service: String,
    #[serde(serialize_with = "ser_day")]
    pub last_collected: NaiveDate,
    /// Day of the first later run of the source without it.
    #[serde(serialize_with = "ser_day")]
    pub missing_from: NaiveDate,
    pub statement: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleChangeKind {
    Disabled,
    Enabled,
    SeverityLowered,
    SeverityRaised,
    /// The rule is no longer in the run's catalogue (another scanner version).
    Removed,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleChange {
    #[serde(serialize_with = "ser_day")]
    pub date: NaiveDate,
    /// The first run (log position) with the new setting.
    pub seq: u64,
    pub rule: String,
    pub change: RuleChangeKind,
    pub severity_from: Option<Severity>,
    pub severity_to: Option<Severity>,
    /// The controls the rule maps to.
    pub controls: Vec<String>,
    pub sources: Vec<String>,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CollectionGap {
    pub source: String,
    pub code: String,
    pub service: String,
    pub operation: Option<String>,
    pub error_class: Option<String>,
    /// Controls the gap made incomplete (all the source covers when it named no rule).
    pub controls: Vec<&'static str>,
    pub runs: usize,
    pub ranges: Vec<DayRange>,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClockAnomaly {
    pub seq: u64,
    pub started_at: String,
    pub previous_seq: Option<u64>,
    pub previous_started_at: Option<String>,
    pub statement: String,
}

/// An accepted exception: one suppression as carried by one finding.
#[derive(Clone, Debug, Serialize)]
pub struct Exception {
    pub source: String,
    pub rule: String,
    pub resource: String,
    pub fingerprint: String,
    pub controls: Vec<String>,
    pub kind: String,
    pub reason: Option<String>,
    /// The last day it holds.
    pub until: Option<String>,
    /// The run that first carried it.
    pub first_seq: u64,
    #[serde(serialize_with = "ser_day")]
    pub first_seen: NaiveDate,
    #[serde(serialize_with = "ser_day")]
    pub last_seen: NaiveDate,
    /// `active` (held at the window's end), `expired` (its last day passed before the
    /// window's end) or `withdrawn` (no longer carried, before it expired).
    pub state: &'static str,
}

impl Exception {
    /// `reason "..."`, or `no reason given`: how every sentence names the reason.
    pub fn reason_phrase(&self) -> String {
        self.reason.as_deref().map_or_else(
            || "no reason given".to_string(),
            |r| format!("reason \"{r}\""),
        )
    }

    /// `until YYYY-MM-DD`, or `no expiry`.
    pub fn until_phrase(&self) -> String {
        self.until
            .as_deref()
            .map_or_else(|| "no expiry".to_string(), |u| format!("until {u}"))
    }
}

/// A reference into `exceptions`, with the sentence the gap list prints.
#[derive(Clone, Debug, Serialize)]
pub struct ExceptionRef {
    pub exception: usize,
    pub statement: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Findings {
    /// Failures open at some time in the window, by first seen.
    pub occurrences: Vec<Occurrence>,
    /// One per severity, critical first.
    pub time_to_remediate: Vec<Remediation>,
    /// Findings open per day of the window, not counting the days a finding was
    /// under an accepted exception.
    pub open_per_day: Vec<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Occurrence {
    pub source: String,
    pub rule: String,
    pub resource: String,
    pub fingerprint: String,
    /// The highest severity it had while failing.
    pub severity: Severity,
    pub controls: Vec<String>,
    #[serde(serialize_with = "ser_day")]
    pub first_seen: NaiveDate,
    #[serde(serialize_with = "ser_day")]
    pub last_seen: NaiveDate,
    #[serde(serialize_with = "ser_opt_day")]
    pub resolved: Option<NaiveDate>,
    pub days_to_remediate: Option<i64>,
    /// `resolved`, `open`, or `accepted` (open, but under an exception at its last run).
    pub state: &'static str,
    /// Days from first seen to the window's end, when not resolved.
    pub age_days: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Remediation {
    pub severity: Severity,
    /// Findings resolved inside the window.
    pub resolved: usize,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub max_days: Option<i64>,
    /// Still open (not accepted) at the window's end.
    pub open_at_end: usize,
}
