//! The gaps, each stated as one exact sentence: missed days, sources and services
//! dropped, controls left uncovered, rules disabled or lowered, exceptions added and
//! expired, collection gaps, and clocks that went backwards.

use super::expect::Expectations;
use super::findings::Tracked;
use super::grid::Grid;
use super::model::{
    ClockAnomaly, CollectionGap, DroppedService, DroppedSource, ExceptionRef, Gaps, Missed,
    RuleChange, RuleChangeKind, Uncovered,
};
use super::observe::Observed;
use super::window::{list_ranges, parse_day, parse_instant, ranges, Window};
use super::{controls_of, AuditParams, Controls};
use crate::catalogue::ALLOWED_CONTROLS;
use crate::finding::Severity;
use crate::provenance::RuleSetting;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

pub(crate) fn find(
    obs: &Observed,
    grid: &Grid,
    expected: &Expectations,
    tracked: &Tracked,
    params: &AuditParams,
) -> Gaps {
    let w = &params.window;
    let mut gaps = Gaps::default();
    for (s, e) in expected.by_source.iter().enumerate() {
        let Some(e) = e else { continue };
        let key = obs.sources[s].key;
        let periods: Vec<Range<usize>> = w
            .periods(e.cadence)
            .into_iter()
            .filter(|p| p.end > e.from)
            .collect();
        let ran = |p: &Range<usize>| p.clone().any(|d| grid.ran[s][d] > 0);
        let last = grid.last_run[s];
        let trailing: Vec<&Range<usize>> = periods
            .iter()
            .filter(|p| last.is_none_or(|l| p.start > l))
            .collect();
        if let Some(first) = trailing.first() {
            let from = w.day(first.start);
            let days = w.day_count() - first.start;
            let last_day = grid.last_day[s];
            let statement = match last_day {
                Some(l) => format!(
                    "{key}: last run on {l}; not collected from {from} to the window's end ({days} {})",
                    plural(days, "day")
                ),
                None => format!("{key}: no run up to the window's end ({days} {})", plural(days, "day")),
            };
            gaps.dropped_sources.push(DroppedSource {
                source: key.to_string(),
                last_run: last_day,
                not_collected_from: from,
                days,
                statement,
            });
        }
        let live: Vec<&Range<usize>> = periods
            .iter()
            .filter(|p| last.is_some_and(|l| p.start <= l))
            .collect();
        let missed: Vec<&Range<usize>> = live.iter().copied().filter(|p| !ran(p)).collect();
        if !missed.is_empty() {
            let r = ranges(w, missed.iter().flat_map(|p| (*p).clone()));
            gaps.missed.push(Missed {
                source: key.to_string(),
                cadence: e.cadence,
                periods: missed.len(),
                statement: format!(
                    "{key}: no run in {} {}: {}",
                    missed.len(),
                    e.cadence.unit(missed.len()),
                    list_ranges(&r)
                ),
                ranges: r,
            });
        }
        for (c, control) in ALLOWED_CONTROLS.iter().enumerate() {
            if e.controls & (1 << c) == 0 {
                continue;
            }
            let uncovered: Vec<&Range<usize>> = live
                .iter()
                .copied()
                .filter(|p| ran(p) && !(*p).clone().any(|d| grid.covered(s, c, d)))
                .collect();
            if uncovered.is_empty() {
                continue;
            }
            let r = ranges(w, uncovered.iter().flat_map(|p| (*p).clone()));
            gaps.uncovered.push(Uncovered {
                source: key.to_string(),
                control,
                cadence: e.cadence,
                periods: uncovered.len(),
                statement: format!(
                    "{key}: {control} not covered in {} {} on which the source ran (no enabled rule mapped to it was evaluated): {}",
                    uncovered.len(),
                    e.cadence.unit(uncovered.len()),
                    list_ranges(&r)
                ),
                ranges: r,
            });
        }
    }
    gaps.dropped_services = dropped_services(obs, w);
    gaps.rule_changes = rule_changes(obs);
    gaps.collection = collection(obs, w);
    gaps.clock = clock(obs, w);
    gaps.unmatched_expectations = expected.unmatched.clone();
    for (i, e) in tracked.exceptions.iter().enumerate() {
        let what = format!("{} on {} ({})", e.rule, e.resource, e.source);
        let reason = e.reason_phrase();
        if e.first_seen >= w.from {
            let until = e.until_phrase();
            gaps.suppressions_added.push(ExceptionRef {
                exception: i,
                statement: format!(
                    "{} (run {}): exception added for {what}: {}, {reason}, {until}",
                    e.first_seen, e.first_seq, e.kind
                ),
            });
        }
        if e.state == "expired" {
            let until = e.until.as_deref().unwrap_or_default();
            let failing_from = parse_day(until)
                .ok()
                .and_then(|d| d.succ_opt())
                .map(|d| d.to_string())
                .unwrap_or_default();
            gaps.suppressions_expired.push(ExceptionRef {
                exception: i,
                statement: format!(
                    "exception for {what}, {reason}, held until {until}; the finding counts as failing from {failing_from}"
                ),
            });
        }
    }
    gaps
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Services a source's runs in the window collected, then stopped collecting.
fn dropped_services(obs: &Observed, w: &Window) -> Vec<DroppedService> {
    let mut out = Vec::new();
    for (s, source) in obs.sources.iter().enumerate() {
        let runs: Vec<(chrono::NaiveDate, &[String])> = obs
            .runs
            .iter()
            .filter(|r| r.day_index.is_some())
            .filter_map(|r| {
                let so = r.sources.iter().find(|so| so.source == s)?;
                Some((r.day, so.record.services.as_slice()))
            })
            .collect();
        let services: BTreeSet<&String> = runs.iter().flat_map(|(_, sv)| sv.iter()).collect();
        for service in services {
            let Some(last) = runs.iter().rposition(|(_, sv)| sv.contains(service)) else {
                continue;
            };
            let Some((missing_from, _)) = runs.get(last + 1) else {
                continue;
            };
            let last_collected = runs[last].0;
            out.push(DroppedService {
                source: source.key.to_string(),
                service: service.clone(),
                last_collected,
                missing_from: *missing_from,
                statement: format!(
                    "{}: service {service} last collected on {last_collected}; not collected by its runs from {missing_from} to the window's end (until {})",
                    source.key, w.to
                ),
            });
        }
    }
    out
}

/// Rule settings that changed between consecutive runs of the same source (so two
/// pipelines with different configurations do not read as flapping).
fn rule_changes(obs: &Observed) -> Vec<RuleChange> {
    let mut previous: Vec<Option<&[RuleSetting]>> = vec![None; obs.sources.len()];
    type Key = (
        u64,
        String,
        RuleChangeKind,
        Option<Severity>,
        Option<Severity>,
    );
    let mut events: BTreeMap<Key, (chrono::NaiveDate, &[String], Vec<String>)> = BTreeMap::new();
    for run in &obs.runs {
        let now = run.run.record.meta.rules.as_slice();
        for so in &run.sources {
            let before = previous[so.source].replace(now);
            let Some(before) = before.filter(|b| *b != now) else {
                continue;
            };
            if run.day_index.is_none() {
                continue;
            }
            for b in before {
                let after = now.iter().find(|a| a.id == b.id);
                let change = match after {
                    None => Some((RuleChangeKind::Removed, None, None)),
                    Some(a) if b.enabled && !a.enabled => {
                        Some((RuleChangeKind::Disabled, None, None))
                    }
                    Some(a) if !b.enabled && a.enabled => {
                        Some((RuleChangeKind::Enabled, None, None))
                    }
                    Some(a) if a.enabled && a.severity < b.severity => Some((
                        RuleChangeKind::SeverityLowered,
                        Some(b.severity),
                        Some(a.severity),
                    )),
                    Some(a) if a.enabled && a.severity > b.severity => Some((
                        RuleChangeKind::SeverityRaised,
                        Some(b.severity),
                        Some(a.severity),
                    )),
                    _ => None,
                };
                if let Some((kind, from, to)) = change {
                    events
                        .entry((run.run.seq, b.id.clone(), kind, from, to))
                        .or_insert_with(|| (run.day, &b.controls, Vec::new()))
                        .2
                        .push(obs.sources[so.source].key.to_string());
                }
            }
        }
    }
    events
        .into_iter()
        .map(
            |((seq, rule, change, from, to), (date, controls, mut sources))| {
                sources.sort();
                let what = match (change, from, to) {
                    (RuleChangeKind::Disabled, ..) => "disabled".to_string(),
                    (RuleChangeKind::Enabled, ..) => "enabled again".to_string(),
                    (RuleChangeKind::Removed, ..) => "no longer in the catalogue".to_string(),
                    (RuleChangeKind::SeverityLowered, Some(f), Some(t)) => {
                        format!("lowered from {} to {}", f.as_str(), t.as_str())
                    }
                    (_, f, t) => format!(
                        "raised from {} to {}",
                        f.map_or("?", |s| s.as_str()),
                        t.map_or("?", |s| s.as_str())
                    ),
                };
                RuleChange {
                    statement: format!(
                        "{rule} {what} from {date} (run {seq}) on {}",
                        sources.join(", ")
                    ),
                    date,
                    seq,
                    rule,
                    change,
                    severity_from: from,
                    severity_to: to,
                    controls: controls.to_vec(),
                    sources,
                }
            },
        )
        .collect()
}

/// Collection gaps and parse errors of the runs in the window, one entry per source
/// and kind (code, service, operation, error class).
fn collection(obs: &Observed, w: &Window) -> Vec<CollectionGap> {
    type Key<'a> = (usize, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let mut groups: BTreeMap<Key, (BTreeSet<usize>, BTreeSet<u64>, Controls)> = BTreeMap::new();
    for run in &obs.runs {
        let Some(d) = run.day_index else { continue };
        for so in &run.sources {
            for g in &so.record.gaps {
                let key = (
                    so.source,
                    g.code.as_str(),
                    g.service.as_str(),
                    g.operation.as_deref(),
                    g.error_class.as_deref(),
                );
                let entry = groups.entry(key).or_default();
                entry.0.insert(d);
                entry.1.insert(run.run.seq);
                entry.2 |= so.incomplete;
            }
        }
    }
    groups
        .into_iter()
        .map(
            |((s, code, service, operation, error_class), (days, runs, controls))| {
                let r = ranges(w, days);
                let key = obs.sources[s].key;
                let call = match (operation, error_class) {
                    (Some(o), Some(e)) => format!(" {o} ({e})"),
                    (Some(o), None) => format!(" {o}"),
                    (None, Some(e)) => format!(" ({e})"),
                    (None, None) => String::new(),
                };
                let names = controls_of(controls);
                let effect = if names.is_empty() {
                    "no covered control affected".to_string()
                } else {
                    format!("{} incomplete", names.join(", "))
                };
                CollectionGap {
                    statement: format!(
                        "{key}: {code} in {service}{call} in {} {} on {}; {effect}",
                        runs.len(),
                        plural(runs.len(), "run"),
                        list_ranges(&r)
                    ),
                    source: key.to_string(),
                    code: code.to_string(),
                    service: service.to_string(),
                    operation: operation.map(str::to_string),
                    error_class: error_class.map(str::to_string),
                    controls: names,
                    runs: runs.len(),
                    ranges: r,
                }
            },
        )
        .collect()
}

/// Runs in the window whose clock reads earlier than the previous run's in the log,
/// or cannot be read at all. The log's order stands; the clock is only reported.
fn clock(obs: &Observed, w: &Window) -> Vec<ClockAnomaly> {
    let mut out = Vec::new();
    let mut previous: Option<(u64, &str, chrono::DateTime<chrono::FixedOffset>)> = None;
    for run in obs.all {
        let started = run.record.meta.started_at.as_str();
        let in_window = super::observe::run_day(run, w).is_some_and(|d| w.index(d).is_some());
        match parse_instant(started) {
            None => {
                if in_window {
                    out.push(ClockAnomaly {
                        seq: run.seq,
                        started_at: started.to_string(),
                        previous_seq: None,
                        previous_started_at: None,
                        statement: format!(
                            "run {}: start time \"{started}\" is not an RFC 3339 time; dated by its recording time {}",
                            run.seq, run.recorded_at
                        ),
                    });
                }
            }
            Some(t) => {
                if let Some((pseq, pstarted, pt)) = previous {
                    if t < pt && in_window {
                        out.push(ClockAnomaly {
                            seq: run.seq,
                            started_at: started.to_string(),
                            previous_seq: Some(pseq),
                            previous_started_at: Some(pstarted.to_string()),
                            statement: format!(
                                "run {} started at {started}, earlier than run {pseq} before it ({pstarted}): its clock went backwards; the report orders runs by the log",
                                run.seq
                            ),
                        });
                    }
                }
                previous = Some((run.seq, started, t));
            }
        }
    }
    out
}
