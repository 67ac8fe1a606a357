//! One scan, end to end: sources → inventory → rules → report, with the time spent in
//! each phase.

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use crate::report::{ScanReport, Stats};
use crate::source::terraform::{self, TfOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// Terraform paths to scan; empty means no Terraform source.
    pub paths: Vec<PathBuf>,
    pub terraform: TfOptions,
    pub settings: Settings,
    /// The date suppressions' expiry is judged against (today when `None`).
    pub today: Option<chrono::NaiveDate>,
    /// Reject suppressions that give no reason.
    pub require_reason: bool,
}

/// Wall time of each phase, for `--timings`.
#[derive(Clone, Debug, Default)]
pub struct PhaseTimings {
    pub discover: Duration,
    pub parse: Duration,
    pub evaluate: Duration,
    pub adapt: Duration,
    pub rules: Duration,
}

pub struct ScanOutcome {
    pub report: ScanReport,
    pub inventory: Inventory,
    pub timings: PhaseTimings,
    /// Evaluation errors that became unknowns, by message and count.
    pub unresolved: std::collections::BTreeMap<String, usize>,
}

/// Run a scan. `Err` only for defects in the embedded rule catalogue.
pub fn run(req: &ScanRequest) -> Result<ScanOutcome, String> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut stats = Stats::default();
    let mut timings = PhaseTimings::default();
    let mut inventory = Inventory::default();
    let mut unresolved = std::collections::BTreeMap::new();
    let mut suppressions = std::collections::BTreeMap::new();

    if !req.paths.is_empty() {
        let settings = &req.settings;
        let tf = terraform::scan(&req.paths, &req.terraform, |root| {
            let mut root_stats = Stats::default();
            for r in &root.resources {
                root_stats.resources += 1;
                count_attrs(&r.body, &mut root_stats);
            }
            let t = Instant::now();
            let (inv, diags) = terraform::adapt::adapt(&root, settings);
            (inv, diags, root_stats, t.elapsed())
        });
        timings.discover = tf.timings.discover;
        timings.parse = tf.timings.parse;
        stats.files = tf.files;
        stats.bytes = tf.bytes;
        stats.root_modules = tf.roots.len();
        stats.module_instances = tf.module_instances;
        let mut adapt_time = Duration::ZERO;
        for (inv, mut diags, s, t) in tf.roots {
            stats.resources += s.resources;
            stats.attributes += s.attributes;
            stats.unknown_attributes += s.unknown_attributes;
            stats.unresolved_attributes += s.unresolved_attributes;
            inventory.extend(inv);
            diagnostics.append(&mut diags);
            adapt_time += t;
        }
        // Adaptation runs inside the per-root evaluation; report it apart.
        timings.adapt = adapt_time;
        timings.evaluate = tf.timings.evaluate.saturating_sub(adapt_time);
        unresolved = tf.unresolved;
        diagnostics.extend(tf.diagnostics);
        suppressions = tf.suppressions;
    }

    for meta in inventory.metas_mut() {
        meta.environment = crate::env::resolve(meta, &req.settings.environments);
    }
    let t = Instant::now();
    let mut findings = crate::rules::run(&inventory, &req.settings)?;
    let today = req
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    diagnostics.extend(crate::suppress::apply(
        &mut findings,
        &suppressions,
        crate::rules::meta::catalogue()?,
        today,
        req.require_reason,
    ));
    timings.rules = t.elapsed();
    diagnostics.sort();
    diagnostics.dedup();
    Ok(ScanOutcome {
        report: ScanReport {
            scanned_paths: req.paths.iter().map(|p| p.display().to_string()).collect(),
            findings,
            diagnostics,
            stats,
        },
        inventory,
        timings,
        unresolved,
    })
}

fn count_attrs(body: &terraform::resource::Body, stats: &mut Stats) {
    for a in body.attrs.values() {
        stats.attributes += 1;
        if a.value.contains_unknown() {
            stats.unknown_attributes += 1;
        }
        if a.value.contains_unresolved() {
            stats.unresolved_attributes += 1;
        }
    }
    for b in &body.blocks {
        count_attrs(&b.body, stats);
    }
}
