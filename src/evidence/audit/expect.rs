//! Which sources are expected to run, from when, how often, and for which controls.
//!
//! Configured expectations judge a source over the whole window, so days before its
//! first run are gaps. Without any, every source seen in the window is expected from
//! its first run on: a source added in March has no gap in January.

use super::grid::Grid;
use super::observe::Observed;
use super::window::Cadence;
use super::{AuditParams, Controls};

pub(crate) struct Expected {
    /// First expected day (window index).
    pub from: usize,
    pub cadence: Cadence,
    pub controls: Controls,
}

pub(crate) struct Expectations {
    pub by_source: Vec<Option<Expected>>,
    /// Configured patterns that matched no source.
    pub unmatched: Vec<String>,
}

pub(crate) fn resolve(obs: &Observed, grid: &Grid, params: &AuditParams) -> Expectations {
    let cadence = params.window.cadence;
    if params.expectations.is_empty() {
        let by_source = (0..obs.sources.len())
            .map(|s| {
                grid.first_run[s].map(|from| Expected {
                    from,
                    cadence,
                    controls: grid.covered_ever[s],
                })
            })
            .collect();
        return Expectations {
            by_source,
            unmatched: Vec::new(),
        };
    }
    let by_source = obs
        .sources
        .iter()
        .enumerate()
        .map(|(s, source)| {
            // The first matching entry wins, as in the configuration file's order.
            let e = params.expectations.iter().find(|e| e.matches(source.key))?;
            let controls = if e.controls.is_empty() {
                grid.covered_ever[s]
            } else {
                e.controls.iter().fold(0, |m, c| m | 1 << c)
            };
            Some(Expected {
                from: 0,
                cadence: e.cadence.unwrap_or(cadence),
                controls,
            })
        })
        .collect();
    let unmatched = params
        .expectations
        .iter()
        .filter(|e| !obs.sources.iter().any(|s| e.matches(s.key)))
        .map(|e| e.pattern.clone())
        .collect();
    Expectations {
        by_source,
        unmatched,
    }
}
