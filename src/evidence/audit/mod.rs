//! The auditor's view of a window: per control, per source and per day, whether the
//! control operated, with the gaps, findings and exceptions stated plainly.
//!
//! [`analyse`] is a pure function of the ledger's runs and the report's parameters;
//! reading the ledger, verifying it and writing files happen in the command
//! (`evidence report`). The semantics are in docs/evidence.md, "The auditor's view".

mod expect;
mod findings;
mod gaps;
mod grid;
pub mod model;
mod observe;
pub mod render;
mod summary;
pub mod window;

use crate::catalogue::ALLOWED_CONTROLS;
use crate::evidence::record::LedgerRun;
use globset::{Glob, GlobMatcher};
use serde::Serialize;
use window::{Cadence, Window};

pub use model::AuditReport;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("invalid date \"{0}\"; use YYYY-MM-DD")]
    Date(String),
    #[error("invalid --tz \"{0}\"; use a UTC offset such as UTC, +02:00 or -05:30")]
    Tz(String),
    #[error("invalid cadence \"{0}\"; use daily or weekly")]
    Cadence(String),
    #[error("{0}")]
    Window(String),
    #[error("invalid expected source pattern \"{pattern}\": {message}")]
    Pattern { pattern: String, message: String },
    #[error("unknown control \"{0}\" in an expectation; use one of {controls}", controls = ALLOWED_CONTROLS.join(", "))]
    Control(String),
    #[error("invalid unknown share {0}; use a fraction between 0 and 1")]
    UnknownShare(f64),
    #[error("cannot render the {format} report: {message}")]
    Render {
        format: &'static str,
        message: String,
    },
}

/// One configured expectation (`[[evidence.expect]]`): sources whose key matches
/// `pattern` must run at `cadence` and cover `controls` over the whole window.
#[derive(Clone, Debug)]
pub struct Expectation {
    pub pattern: String,
    matcher: GlobMatcher,
    /// `None`: the report's cadence.
    pub cadence: Option<Cadence>,
    /// Indexes into [`ALLOWED_CONTROLS`]; empty means every control the source
    /// covered at least once up to the window's end.
    controls: Vec<usize>,
}

impl Expectation {
    pub fn new(
        pattern: &str,
        cadence: Option<Cadence>,
        controls: &[String],
    ) -> Result<Expectation, AuditError> {
        let matcher = Glob::new(pattern)
            .map_err(|e| AuditError::Pattern {
                pattern: pattern.to_string(),
                message: e.kind().to_string(),
            })?
            .compile_matcher();
        let controls = controls
            .iter()
            .map(|c| control_index(c).ok_or_else(|| AuditError::Control(c.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Expectation {
            pattern: pattern.to_string(),
            matcher,
            cadence,
            controls,
        })
    }

    fn matches(&self, source: &str) -> bool {
        self.matcher.is_match(source)
    }
}

/// What the ledger's own verification said, printed on the report: an auditor must
/// see whether the evidence below is the evidence that was recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerStatus {
    /// The ledger file as named on the command line.
    pub file: String,
    /// Every run, the chain and the checkpoints recomputed without a mismatch.
    pub intact: bool,
    /// The verification's own sentence (first run altered, removed or reordered, ...).
    pub statement: String,
    pub checkpoint: Option<CheckpointSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckpointSummary {
    /// Runs in the log when the checkpoint was taken.
    pub size: u64,
    /// The chain head, as stored (hex or base64).
    pub head: String,
    /// RFC 3339, UTC.
    pub time: String,
    /// E.g. "signed, verified with the given public key" or "unsigned".
    pub signature: String,
}

/// Everything besides the runs that decides what the report says.
#[derive(Clone, Debug)]
pub struct AuditParams {
    pub window: Window,
    /// Empty: every source seen in the window is expected from its first run.
    pub expectations: Vec<Expectation>,
    /// Share of a control's results on a source that may be unknown before the cell
    /// is `incomplete`. `None` (the default): unknowns never make a cell incomplete,
    /// because an unknown is a verdict the scanner stated, not evidence it missed.
    pub unknown_share: Option<f64>,
}

impl AuditParams {
    pub fn new(
        window: Window,
        expectations: Vec<Expectation>,
        unknown_share: Option<f64>,
    ) -> Result<AuditParams, AuditError> {
        if let Some(s) = unknown_share {
            if !(0.0..=1.0).contains(&s) {
                return Err(AuditError::UnknownShare(s));
            }
        }
        Ok(AuditParams {
            window,
            expectations,
            unknown_share,
        })
    }
}

/// The auditor's view of `runs` (in log order, as the ledger returns them).
pub fn analyse(runs: &[LedgerRun], params: &AuditParams, ledger: LedgerStatus) -> AuditReport {
    let w = &params.window;
    let obs = observe::observe(runs, params);
    let grid = grid::build(&obs, w);
    let expected = expect::resolve(&obs, &grid, params);
    let findings = findings::track(&obs, w);
    let gaps = gaps::find(&obs, &grid, &expected, &findings, params);
    let controls = summary::controls(&obs, &grid, &expected, &findings, &gaps, w);
    let sources = obs
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| model::SourceInfo {
            key: s.key.to_string(),
            runs: grid.source_runs[i],
            first_run: grid.first_run[i].map(|d| w.day(d)),
            last_run: grid.last_run[i].map(|d| w.day(d)),
            expected: expected.by_source[i].as_ref().map(|e| model::ExpectedInfo {
                from: w.day(e.from),
                cadence: e.cadence,
                controls: controls_of(e.controls),
            }),
        })
        .collect();
    AuditReport {
        schema: model::SCHEMA,
        ledger,
        window: model::WindowInfo {
            from: w.from,
            to: w.to,
            tz: window::format_tz(w.tz),
            cadence: w.cadence,
            days: w.day_count(),
            runs: obs.runs.iter().filter(|r| r.day_index.is_some()).count(),
            expectations: if params.expectations.is_empty() {
                "implicit"
            } else {
                "configured"
            },
        },
        sources,
        controls,
        gaps,
        findings: findings.report,
        exceptions: findings.exceptions,
    }
}

/// A set of controls as a bit mask over [`ALLOWED_CONTROLS`].
pub(crate) type Controls = u16;

pub(crate) fn control_index(c: &str) -> Option<usize> {
    ALLOWED_CONTROLS.iter().position(|a| *a == c)
}

pub(crate) fn mask_of<'a>(controls: impl IntoIterator<Item = &'a String>) -> Controls {
    controls
        .into_iter()
        .filter_map(|c| control_index(c))
        .fold(0, |m, i| m | 1 << i)
}

pub(crate) fn controls_of(mask: Controls) -> Vec<&'static str> {
    ALLOWED_CONTROLS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, c)| *c)
        .collect()
}
