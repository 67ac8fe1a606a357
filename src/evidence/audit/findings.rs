//! Findings over time: when each failure was first seen, last seen and resolved,
//! time to remediate per severity, and the accepted exceptions carried on the way.
//!
//! A finding is resolved only by a later run of its source that evaluated its rule
//! without a gap and no longer reports it failing (it passes, or the resource is
//! gone). A day without such a run resolves nothing: absence without coverage is not
//! remediation.

use super::model::{Exception, Findings, Occurrence, Remediation};
use super::observe::{expiry, Observed, Verdict};
use super::window::Window;
use super::{mask_of, Controls};
use crate::evidence::record::SuppressionRecord;
use crate::finding::Severity;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

pub(crate) struct Tracked {
    pub report: Findings,
    pub exceptions: Vec<Exception>,
    /// Controls of each occurrence and exception, in their order above.
    pub occurrence_controls: Vec<Controls>,
    pub exception_controls: Vec<Controls>,
}

struct Open {
    finding: u32,
    severity: Severity,
    first_seen: NaiveDate,
    last_seen: NaiveDate,
    resolved: Option<NaiveDate>,
    /// Under an accepted exception at its last run.
    accepted: bool,
    /// Days on which it went under an exception (true) or out of it (false).
    flips: Vec<(NaiveDate, bool)>,
}

impl Open {
    fn accept(&mut self, accepted: bool, day: NaiveDate) {
        if self.accepted != accepted {
            self.accepted = accepted;
            self.flips.push((day, accepted));
        }
    }

    /// Under an exception on `day`, as its runs up to that day said.
    fn accepted_on(&self, day: NaiveDate) -> bool {
        self.flips
            .iter()
            .take_while(|(d, _)| *d <= day)
            .last()
            .is_some_and(|(_, a)| *a)
    }
}

struct Carried {
    first_seq: u64,
    first_seen: NaiveDate,
    last_seq: u64,
    last_seen: NaiveDate,
}

pub(crate) fn track(obs: &Observed, w: &Window) -> Tracked {
    let mut occurrences: Vec<Open> = Vec::new();
    // Per source: finding -> index of its open occurrence.
    let mut open: Vec<BTreeMap<u32, usize>> = vec![BTreeMap::new(); obs.sources.len()];
    let mut carried: HashMap<(u32, &SuppressionRecord), Carried> = HashMap::new();
    let mut last_seq = vec![0u64; obs.sources.len()];
    for run in &obs.runs {
        let seq = run.run.seq;
        for so in &run.sources {
            last_seq[so.source] = seq;
            for v in &so.verdicts {
                if let Verdict::Accepted(s) | Verdict::Expired(s) = v.verdict {
                    carried
                        .entry((v.finding, s))
                        .and_modify(|c| {
                            c.last_seq = seq;
                            c.last_seen = c.last_seen.max(run.day);
                        })
                        .or_insert(Carried {
                            first_seq: seq,
                            first_seen: run.day,
                            last_seq: seq,
                            last_seen: run.day,
                        });
                }
                let slot = open[so.source].get(&v.finding).copied();
                match (v.verdict.failing(), slot) {
                    (true, Some(i)) => {
                        let o = &mut occurrences[i];
                        o.last_seen = o.last_seen.max(run.day);
                        o.severity = o.severity.max(v.severity);
                        o.accept(false, run.day);
                    }
                    (true, None) => {
                        open[so.source].insert(v.finding, occurrences.len());
                        occurrences.push(Open {
                            finding: v.finding,
                            severity: v.severity,
                            first_seen: run.day,
                            last_seen: run.day,
                            resolved: None,
                            accepted: false,
                            flips: Vec::new(),
                        });
                    }
                    (false, Some(i)) => {
                        if let Verdict::Accepted(_) = v.verdict {
                            occurrences[i].accept(true, run.day);
                        }
                    }
                    (false, None) => {}
                }
            }
            let resolved: Vec<(u32, usize)> = open[so.source]
                .iter()
                .filter(|(f, _)| {
                    so.verdict(**f).is_none() && so.saw(&obs.findings[**f as usize].result.rule_id)
                })
                .map(|(f, i)| (*f, *i))
                .collect();
            for (f, i) in resolved {
                open[so.source].remove(&f);
                occurrences[i].resolved = Some(run.day);
            }
        }
    }

    let in_window = |o: &Open| o.resolved.is_none_or(|r| r >= w.from);
    let mut kept: Vec<&Open> = occurrences.iter().filter(|o| in_window(o)).collect();
    kept.sort_by(|a, b| {
        let (ka, kb) = (key(obs, a.finding), key(obs, b.finding));
        (a.first_seen, ka).cmp(&(b.first_seen, kb))
    });
    let mut open_per_day = vec![0u32; w.day_count()];
    let mut out = Vec::with_capacity(kept.len());
    let mut occurrence_controls = Vec::with_capacity(kept.len());
    for o in &kept {
        let r = obs.findings[o.finding as usize].result;
        let start = w.index(o.first_seen.max(w.from)).unwrap_or(0);
        let end = o
            .resolved
            .map_or(w.day_count(), |d| w.index(d).unwrap_or(w.day_count()));
        for (i, n) in open_per_day.iter_mut().enumerate().take(end).skip(start) {
            if !o.accepted_on(w.day(i)) {
                *n += 1;
            }
        }
        let days = o.resolved.map(|d| (d - o.first_seen).num_days().max(0));
        occurrence_controls.push(mask_of(&r.controls));
        out.push(Occurrence {
            source: obs.sources[obs.findings[o.finding as usize].source]
                .key
                .to_string(),
            rule: r.rule_id.clone(),
            resource: r.resource.clone(),
            fingerprint: r.fingerprint.clone(),
            severity: o.severity,
            controls: r.controls.clone(),
            first_seen: o.first_seen,
            last_seen: o.last_seen,
            resolved: o.resolved,
            days_to_remediate: days,
            state: match (o.resolved, o.accepted) {
                (Some(_), _) => "resolved",
                (None, true) => "accepted",
                (None, false) => "open",
            },
            age_days: o
                .resolved
                .is_none()
                .then(|| (w.to - o.first_seen).num_days()),
        });
    }
    let time_to_remediate = Severity::ALL
        .iter()
        .map(|sev| {
            let mut days: Vec<i64> = out
                .iter()
                .filter(|o| o.severity == *sev && o.resolved.is_some_and(|r| r >= w.from))
                .filter_map(|o| o.days_to_remediate)
                .collect();
            days.sort_unstable();
            Remediation {
                severity: *sev,
                resolved: days.len(),
                median_days: nearest_rank(&days, 50),
                p90_days: nearest_rank(&days, 90),
                max_days: days.last().copied(),
                open_at_end: out
                    .iter()
                    .filter(|o| o.severity == *sev && o.state == "open")
                    .count(),
            }
        })
        .collect();

    let mut exceptions: Vec<(Exception, Controls)> = carried
        .into_iter()
        .filter(|(_, c)| c.last_seen >= w.from)
        .map(|((f, s), c)| {
            let k = &obs.findings[f as usize];
            let expired = expiry(s).is_some_and(|u| u < w.to);
            let state = if expired {
                "expired"
            } else if c.last_seq < last_seq[k.source] {
                "withdrawn"
            } else {
                "active"
            };
            let e = Exception {
                source: obs.sources[k.source].key.to_string(),
                rule: k.result.rule_id.clone(),
                resource: k.result.resource.clone(),
                fingerprint: k.result.fingerprint.clone(),
                controls: k.result.controls.clone(),
                kind: s.kind.clone(),
                reason: s.reason.clone(),
                until: s.until.clone(),
                first_seq: c.first_seq,
                first_seen: c.first_seen,
                last_seen: c.last_seen,
                state,
            };
            (e, mask_of(&k.result.controls))
        })
        .collect();
    exceptions.sort_by(|(a, _), (b, _)| exception_order(a).cmp(&exception_order(b)));
    let (exceptions, exception_controls) = exceptions.into_iter().unzip();
    Tracked {
        report: Findings {
            occurrences: out,
            time_to_remediate,
            open_per_day,
        },
        exceptions,
        occurrence_controls,
        exception_controls,
    }
}

/// Every field that tells two exceptions apart, so their order never depends on
/// the order a hash map handed them out.
type ExceptionKey<'a> = (
    u64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a Option<String>,
    &'a Option<String>,
);

fn exception_order(e: &Exception) -> ExceptionKey<'_> {
    (
        e.first_seq,
        &e.source,
        &e.rule,
        &e.fingerprint,
        &e.kind,
        &e.until,
        &e.reason,
    )
}

fn key<'a>(obs: &'a Observed, f: u32) -> (&'a str, &'a str, &'a str) {
    let k = &obs.findings[f as usize];
    (
        obs.sources[k.source].key,
        &k.result.rule_id,
        &k.result.fingerprint,
    )
}

/// The nearest-rank percentile of sorted values: always a real finding's figure,
/// never an interpolation between two.
fn nearest_rank(sorted: &[i64], pct: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[4], 90), Some(4));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&ten, 50), Some(5));
    }
}
