//! Cell states per control, source and day, and the overall row of each control.

use super::model::{CellState, DayCell};
use super::observe::Observed;
use super::window::Window;
use super::Controls;
use crate::catalogue::ALLOWED_CONTROLS;
use chrono::NaiveDate;

const N: usize = ALLOWED_CONTROLS.len();

pub(crate) struct Grid {
    days: usize,
    /// `[source][control][day]`, flattened.
    cells: Vec<DayCell>,
    /// `[control][day]`.
    pub overall: Vec<Vec<DayCell>>,
    /// `[source][day]`: runs that listed the source, whatever they covered.
    pub ran: Vec<Vec<u32>>,
    /// Runs of each source dated inside the window.
    pub source_runs: Vec<usize>,
    /// Day index of each source's first and last run inside the window.
    pub first_run: Vec<Option<usize>>,
    pub last_run: Vec<Option<usize>>,
    /// Each source's last run up to the window's end, before the window included.
    pub last_day: Vec<Option<NaiveDate>>,
    /// Controls each source covered in any run up to the window's end.
    pub covered_ever: Vec<Controls>,
}

impl Grid {
    pub fn cell(&self, source: usize, control: usize, day: usize) -> &DayCell {
        &self.cells[(source * N + control) * self.days + day]
    }

    pub fn row(&self, source: usize, control: usize) -> &[DayCell] {
        let start = (source * N + control) * self.days;
        &self.cells[start..start + self.days]
    }

    /// The source's control was covered by some run that day.
    pub fn covered(&self, source: usize, control: usize, day: usize) -> bool {
        self.cell(source, control, day).state != CellState::NotCollected
    }
}

#[derive(Default, Clone)]
struct Acc {
    runs: u32,
    incomplete: bool,
    failing: Vec<u32>,
}

pub(crate) fn build(obs: &Observed, w: &Window) -> Grid {
    let (days, sources) = (w.day_count(), obs.sources.len());
    let mut acc = vec![Acc::default(); sources * N * days];
    let mut overall_runs = vec![vec![0u32; days]; N];
    let mut ran = vec![vec![0u32; days]; sources];
    let mut source_runs = vec![0; sources];
    let mut first_run = vec![None; sources];
    let mut last_run: Vec<Option<usize>> = vec![None; sources];
    let mut last_day: Vec<Option<NaiveDate>> = vec![None; sources];
    let mut covered_ever = vec![0; sources];
    for run in &obs.runs {
        for so in &run.sources {
            let s = so.source;
            covered_ever[s] |= so.covered;
            last_day[s] = last_day[s].max(Some(run.day));
        }
        let Some(d) = run.day_index else { continue };
        let mut run_covers: Controls = 0;
        for so in &run.sources {
            let s = so.source;
            ran[s][d] += 1;
            source_runs[s] += 1;
            first_run[s] = Some(first_run[s].map_or(d, |f: usize| f.min(d)));
            last_run[s] = last_run[s].max(Some(d));
            run_covers |= so.covered;
            for c in 0..N {
                let bit = 1 << c;
                if so.covered & bit == 0 {
                    continue;
                }
                let a = &mut acc[(s * N + c) * days + d];
                a.runs += 1;
                a.incomplete |= so.incomplete & bit != 0;
                a.failing.extend(
                    so.verdicts
                        .iter()
                        .filter(|v| v.verdict.failing() && v.controls & bit != 0)
                        .map(|v| v.finding),
                );
            }
        }
        for (c, row) in overall_runs.iter_mut().enumerate() {
            row[d] += u32::from(run_covers & (1 << c) != 0);
        }
    }
    let cells: Vec<DayCell> = acc
        .into_iter()
        .enumerate()
        .map(|(i, mut a)| {
            a.failing.sort_unstable();
            a.failing.dedup();
            let state = if !a.failing.is_empty() {
                CellState::Fail
            } else if a.incomplete {
                CellState::Incomplete
            } else if a.runs > 0 {
                CellState::Pass
            } else {
                CellState::NotCollected
            };
            DayCell {
                date: w.day(i % days),
                state,
                runs: a.runs,
                failures: a.failing.len() as u32,
            }
        })
        .collect();
    let overall = (0..N)
        .map(|c| {
            (0..days)
                .map(|d| {
                    let row = (0..sources).map(|s| &cells[(s * N + c) * days + d]);
                    let (state, failures) = row.fold((CellState::NotCollected, 0), |(st, f), x| {
                        (st.max(x.state), f + x.failures)
                    });
                    DayCell {
                        date: w.day(d),
                        state,
                        runs: overall_runs[c][d],
                        failures,
                    }
                })
                .collect()
        })
        .collect();
    Grid {
        days,
        cells,
        overall,
        ran,
        source_runs,
        first_run,
        last_run,
        last_day,
        covered_ever,
    }
}
