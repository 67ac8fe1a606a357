//! One pass over the ledger's runs: what each run saw of each source, reduced to
//! what the report needs (controls covered and made incomplete, and the verdict on
//! every finding that did not pass). Passing results are counted only when an
//! unknown share is configured, so a year of 10,000-result runs is one cheap scan.

use super::window::{parse_day, Window};
use super::{mask_of, AuditParams, Controls};
use crate::catalogue::ALLOWED_CONTROLS;
use crate::evidence::record::{LedgerRun, ResultRecord, SuppressionRecord};
use crate::finding::{Severity, Status};
use crate::provenance::{RuleSetting, SourceRecord};
use chrono::NaiveDate;
use std::collections::HashMap;

pub(crate) struct Observed<'a> {
    /// Every source of the runs below, sorted by key.
    pub sources: Vec<Source<'a>>,
    /// Runs dated up to the window's end, in log order; earlier ones are history
    /// (findings already open, exceptions already carried, settings already changed).
    pub runs: Vec<RunObs<'a>>,
    pub findings: Vec<FindingKey<'a>>,
    /// Every run given, in log order, for the clock check.
    pub all: &'a [LedgerRun],
}

pub(crate) struct Source<'a> {
    pub key: &'a str,
}

pub(crate) struct RunObs<'a> {
    pub run: &'a LedgerRun,
    pub day: NaiveDate,
    /// Position in the window; `None` for a run before it.
    pub day_index: Option<usize>,
    pub sources: Vec<SourceObs<'a>>,
}

pub(crate) struct SourceObs<'a> {
    pub source: usize,
    pub record: &'a SourceRecord,
    /// Controls mapped from an enabled rule evaluated on the source.
    pub covered: Controls,
    /// Covered controls touched by a gap, a parse error or too many unknowns.
    pub incomplete: Controls,
    /// A gap named no rule: nothing on the source was seen for sure.
    pub whole_gap: bool,
    /// Rules named by gaps, sorted.
    pub gap_rules: Vec<&'a str>,
    /// Every result that did not pass, sorted by finding.
    pub verdicts: Vec<Seen<'a>>,
}

impl SourceObs<'_> {
    /// The run evaluated `rule` on this source and nothing kept it from seeing: only
    /// then can a finding's absence mean it was remediated.
    pub fn saw(&self, rule: &str) -> bool {
        !self.whole_gap
            && self.record.rules.iter().any(|r| r == rule)
            && self.gap_rules.binary_search(&rule).is_err()
    }

    pub fn verdict(&self, finding: u32) -> Option<&Seen<'_>> {
        self.verdicts
            .binary_search_by_key(&finding, |s| s.finding)
            .ok()
            .map(|i| &self.verdicts[i])
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Seen<'a> {
    pub finding: u32,
    pub verdict: Verdict<'a>,
    pub severity: Severity,
    pub controls: Controls,
}

#[derive(Clone, Copy)]
pub(crate) enum Verdict<'a> {
    Fail,
    /// Suppressed by an exception that holds on the run's day.
    Accepted(&'a SuppressionRecord),
    /// Suppressed by an exception whose last day is before the run's day: failing.
    Expired(&'a SuppressionRecord),
    Unknown,
}

impl Verdict<'_> {
    pub fn failing(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Expired(_))
    }
}

/// A finding: a rule on a resource of a source, identified by its fingerprint.
pub(crate) struct FindingKey<'a> {
    pub source: usize,
    pub result: &'a ResultRecord,
}

pub(crate) fn observe<'a>(runs: &'a [LedgerRun], params: &AuditParams) -> Observed<'a> {
    let w = &params.window;
    let dated: Vec<(&LedgerRun, NaiveDate)> = runs
        .iter()
        .filter_map(|r| Some((r, run_day(r, w)?)))
        .filter(|(_, d)| *d <= w.to)
        .collect();
    let mut keys: Vec<&str> = dated
        .iter()
        .flat_map(|(r, _)| r.record.sources.iter().map(|s| s.key.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let source_index: HashMap<&str, usize> =
        keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();

    let mut interner: HashMap<(usize, &str, &str), u32> = HashMap::new();
    let mut findings: Vec<FindingKey> = Vec::new();
    let mut out_runs = Vec::with_capacity(dated.len());
    for (run, day) in dated {
        let settings: HashMap<&str, &RuleSetting> = run
            .record
            .meta
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut sources: Vec<SourceObs> = run
            .record
            .sources
            .iter()
            .filter_map(|s| Some(source_obs(s, *source_index.get(s.key.as_str())?, &settings)))
            .collect();
        let positions: HashMap<usize, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.source, i))
            .collect();
        let mut counts: Vec<[(u32, u32); ALLOWED_CONTROLS.len()]> =
            vec![[(0, 0); ALLOWED_CONTROLS.len()]; sources.len()];
        let mut current: Option<(&str, Option<usize>)> = None;
        for result in &run.record.results {
            let needed = result.status != Status::Pass || params.unknown_share.is_some();
            if !needed {
                continue;
            }
            let pos = match current {
                Some((k, p)) if k == result.source => p,
                _ => {
                    let p = source_index
                        .get(result.source.as_str())
                        .and_then(|i| positions.get(i).copied());
                    current = Some((result.source.as_str(), p));
                    p
                }
            };
            // A result whose source the run does not list has no coverage to
            // belong to; a well-formed record never has one.
            let Some(pos) = pos else { continue };
            let controls = mask_of(&result.controls);
            if params.unknown_share.is_some() {
                for (c, n) in counts[pos].iter_mut().enumerate() {
                    if controls & (1 << c) != 0 {
                        n.0 += 1;
                        n.1 += u32::from(result.status == Status::Unknown);
                    }
                }
            }
            let verdict = match (result.status, &result.suppression) {
                (Status::Pass, _) => continue,
                (Status::Fail, _) | (Status::Suppressed, None) => Verdict::Fail,
                (Status::Unknown, _) => Verdict::Unknown,
                (Status::Suppressed, Some(s)) => match expiry(s) {
                    Some(until) if until < day => Verdict::Expired(s),
                    _ => Verdict::Accepted(s),
                },
            };
            let src = sources[pos].source;
            let next = findings.len() as u32;
            let finding = *interner
                .entry((src, result.rule_id.as_str(), result.fingerprint.as_str()))
                .or_insert_with(|| {
                    findings.push(FindingKey {
                        source: src,
                        result: result.as_ref(),
                    });
                    next
                });
            sources[pos].verdicts.push(Seen {
                finding,
                verdict,
                severity: result.severity,
                controls,
            });
        }
        for (s, counts) in sources.iter_mut().zip(&counts) {
            s.verdicts.sort_by_key(|v| v.finding);
            s.verdicts.dedup_by_key(|v| v.finding);
            if let Some(share) = params.unknown_share {
                for (c, (total, unknown)) in counts.iter().enumerate() {
                    if *total > 0 && f64::from(*unknown) / f64::from(*total) > share {
                        s.incomplete |= s.covered & (1 << c);
                    }
                }
            }
        }
        out_runs.push(RunObs {
            run,
            day,
            day_index: w.index(day),
            sources,
        });
    }
    Observed {
        sources: keys.into_iter().map(|key| Source { key }).collect(),
        runs: out_runs,
        findings,
        all: runs,
    }
}

/// The run's day: its scanner's clock, else (unreadable) the ledger's append time.
pub(crate) fn run_day(run: &LedgerRun, w: &Window) -> Option<NaiveDate> {
    w.day_of(&run.record.meta.started_at)
        .or_else(|| w.day_of(&run.recorded_at))
}

/// The last day an exception holds, when it states one that parses.
pub(crate) fn expiry(s: &SuppressionRecord) -> Option<NaiveDate> {
    s.until.as_deref().and_then(|u| parse_day(u).ok())
}

fn source_obs<'a>(
    record: &'a SourceRecord,
    source: usize,
    settings: &HashMap<&str, &RuleSetting>,
) -> SourceObs<'a> {
    let rule_mask = |id: &str| {
        settings
            .get(id)
            .filter(|s| s.enabled)
            .map_or(0, |s| mask_of(&s.controls))
    };
    let covered = record.rules.iter().fold(0, |m, r| m | rule_mask(r));
    let mut whole_gap = false;
    let mut gap_rules: Vec<&str> = Vec::new();
    let mut incomplete = 0;
    for g in &record.gaps {
        if g.rules.is_empty() {
            whole_gap = true;
            incomplete |= covered;
        }
        for r in &g.rules {
            gap_rules.push(r);
            incomplete |= rule_mask(r);
        }
    }
    gap_rules.sort_unstable();
    gap_rules.dedup();
    SourceObs {
        source,
        record,
        covered,
        incomplete: incomplete & covered,
        whole_gap,
        gap_rules,
        verdicts: Vec::new(),
    }
}
