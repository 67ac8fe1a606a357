//! One view per control: its overall row, its rows per source, and the plain
//! sentence an auditor reads first, e.g. "CC6.7: evaluated on 179 of 181 days (not
//! collected 2026-03-04 and 2026-03-05); 3 findings opened, all resolved within 6
//! days; 1 accepted exception (...)".

use super::expect::Expectations;
use super::findings::Tracked;
use super::grid::Grid;
use super::model::{CellState, ControlView, Gaps, RuleChangeKind, SourceRow};
use super::observe::Observed;
use super::window::{list_ranges, ranges, Cadence, Window};
use crate::catalogue::ALLOWED_CONTROLS;
use std::collections::BTreeSet;

/// Past this many, exceptions are counted in the sentence and listed only in the
/// report's exceptions section.
const LISTED_EXCEPTIONS: usize = 3;

pub(crate) fn controls(
    obs: &Observed,
    grid: &Grid,
    expected: &Expectations,
    tracked: &Tracked,
    gaps: &Gaps,
    w: &Window,
) -> Vec<ControlView> {
    ALLOWED_CONTROLS
        .iter()
        .enumerate()
        .map(|(c, control)| {
            let days = grid.overall[c].clone();
            let periods = w.periods(w.cadence);
            let evaluated_in = |p: &std::ops::Range<usize>| {
                p.clone().any(|d| days[d].state != CellState::NotCollected)
            };
            let evaluated = periods.iter().filter(|p| evaluated_in(p)).count();
            let missing: Vec<usize> = periods
                .iter()
                .filter(|p| !evaluated_in(p))
                .flat_map(|p| p.clone())
                .collect();
            let unit = w.cadence.unit(periods.len());
            let on = match w.cadence {
                Cadence::Daily => "on",
                Cadence::Weekly => "in",
            };
            let mut parts = vec![match evaluated {
                0 => format!("not evaluated {on} any of the {} {unit}", periods.len()),
                n if n == periods.len() => format!("evaluated {on} all {n} {unit}"),
                n => format!(
                    "evaluated {on} {n} of {} {unit} (not collected {})",
                    periods.len(),
                    list_ranges(&ranges(w, missing.iter().copied()))
                ),
            }];
            let incomplete: Vec<usize> = (0..days.len())
                .filter(|d| days[*d].state == CellState::Incomplete)
                .collect();
            if !incomplete.is_empty() {
                parts.push(format!(
                    "incomplete on {} {} ({})",
                    incomplete.len(),
                    if incomplete.len() == 1 { "day" } else { "days" },
                    list_ranges(&ranges(w, incomplete))
                ));
            }
            parts.extend(missed_by_sources(obs, grid, expected, c, &missing, w));
            parts.extend(rule_changes(gaps, control));
            parts.push(findings_part(tracked, c, w));
            parts.push(exceptions_part(tracked, c));
            let sources = (0..obs.sources.len())
                .filter(|s| grid.covered_ever[*s] & (1 << c) != 0 || expects(expected, *s, c))
                .map(|s| SourceRow {
                    source: obs.sources[s].key.to_string(),
                    days: grid.row(s, c).to_vec(),
                })
                .collect();
            ControlView {
                control,
                summary: format!("{control}: {}.", parts.join("; ")),
                evaluated,
                days,
                sources,
            }
        })
        .collect()
}

fn expects(expected: &Expectations, s: usize, c: usize) -> bool {
    expected.by_source[s]
        .as_ref()
        .is_some_and(|e| e.controls & (1 << c) != 0)
}

/// Expected sources not collected for the control on periods the overall row does
/// not already name: one source down while another ran is still a gap.
fn missed_by_sources(
    obs: &Observed,
    grid: &Grid,
    expected: &Expectations,
    c: usize,
    overall_missing: &[usize],
    w: &Window,
) -> Vec<String> {
    let overall: BTreeSet<usize> = overall_missing.iter().copied().collect();
    let mut out = Vec::new();
    for (s, e) in expected.by_source.iter().enumerate() {
        let Some(e) = e.as_ref().filter(|e| e.controls & (1 << c) != 0) else {
            continue;
        };
        let days: Vec<usize> = w
            .periods(e.cadence)
            .into_iter()
            .filter(|p| p.end > e.from && !p.clone().any(|d| grid.covered(s, c, d)))
            .flat_map(|p| p.into_iter())
            .filter(|d| *d >= e.from && !overall.contains(d))
            .collect();
        if !days.is_empty() {
            out.push(format!(
                "not collected from {} on {}",
                obs.sources[s].key,
                list_ranges(&ranges(w, days))
            ));
        }
    }
    out
}

/// Rules of the control disabled, lowered or removed in the window: why it stopped
/// being evaluated, in the same sentence. One mention per rule, change and day, however
/// many sources it happened on.
fn rule_changes(gaps: &Gaps, control: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    gaps.rule_changes
        .iter()
        .filter(|r| r.controls.iter().any(|c| c == control))
        .filter(|r| {
            matches!(
                r.change,
                RuleChangeKind::Disabled
                    | RuleChangeKind::SeverityLowered
                    | RuleChangeKind::Removed
            )
        })
        .filter(|r| seen.insert((&r.rule, r.change, r.date)))
        .map(|r| {
            let what = match (r.change, r.severity_from, r.severity_to) {
                (RuleChangeKind::SeverityLowered, Some(f), Some(t)) => {
                    format!("lowered from {} to {}", f.as_str(), t.as_str())
                }
                (RuleChangeKind::Removed, ..) => "no longer in the catalogue".to_string(),
                _ => "disabled".to_string(),
            };
            format!("rule {} {what} from {}", r.rule, r.date)
        })
        .collect()
}

fn within(n: i64) -> String {
    match n {
        0 => "the same day".to_string(),
        1 => "within 1 day".to_string(),
        n => format!("within {n} days"),
    }
}

fn findings_part(tracked: &Tracked, c: usize, w: &Window) -> String {
    let from = w.from;
    let mine: Vec<_> = tracked
        .report
        .occurrences
        .iter()
        .zip(&tracked.occurrence_controls)
        .filter(|(_, m)| *m & (1 << c) != 0)
        .map(|(o, _)| o)
        .collect();
    let opened: Vec<_> = mine.iter().filter(|o| o.first_seen >= from).collect();
    let resolved: Vec<i64> = opened.iter().filter_map(|o| o.days_to_remediate).collect();
    let longest = resolved.iter().copied().max().unwrap_or(0);
    let mut s = match (opened.len(), resolved.len()) {
        (0, _) => "no findings opened".to_string(),
        (n, r) if r == n => format!(
            "{n} {} opened, {} {}",
            if n == 1 { "finding" } else { "findings" },
            if n == 1 { "resolved" } else { "all resolved" },
            within(longest)
        ),
        (n, 0) => format!(
            "{n} {} opened, none resolved",
            if n == 1 { "finding" } else { "findings" }
        ),
        (n, r) => format!("{n} findings opened, {r} resolved {}", within(longest)),
    };
    let open: Vec<_> = mine.iter().filter(|o| o.state == "open").collect();
    if let Some(oldest) = open.iter().min_by_key(|o| o.first_seen) {
        s.push_str(&format!(
            "; {} open at the window's end (oldest first seen {}, {} {} old)",
            open.len(),
            oldest.first_seen,
            oldest.age_days.unwrap_or(0),
            if oldest.age_days == Some(1) {
                "day"
            } else {
                "days"
            }
        ));
    }
    s
}

fn exceptions_part(tracked: &Tracked, c: usize) -> String {
    let mine: Vec<_> = tracked
        .exceptions
        .iter()
        .zip(&tracked.exception_controls)
        .filter(|(_, m)| *m & (1 << c) != 0)
        .map(|(e, _)| e)
        .collect();
    match mine.len() {
        0 => "no accepted exceptions".to_string(),
        n if n > LISTED_EXCEPTIONS => {
            format!("{n} accepted exceptions (listed under accepted exceptions)")
        }
        n => {
            let items: Vec<String> = mine
                .iter()
                .map(|e| {
                    let (reason, until) = (e.reason_phrase(), e.until_phrase());
                    let state = match e.state {
                        "active" => String::new(),
                        s => format!(", {s}"),
                    };
                    format!("{} on {}: {reason}, {until}{state}", e.rule, e.resource)
                })
                .collect();
            format!(
                "{n} accepted {} ({})",
                if n == 1 { "exception" } else { "exceptions" },
                items.join("; ")
            )
        }
    }
}
