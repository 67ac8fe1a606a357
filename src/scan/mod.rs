//! One scan, end to end: sources → inventory → rules → report, with the time spent in
//! each phase.

mod result;

pub use result::{LiveScope, LiveStats, ScanReport, Scope, Stats};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use crate::source::aws::{self, AwsOptions, AwsSweep};
use crate::source::terraform::{self, TfOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// Terraform paths to scan; empty means no Terraform source.
    pub paths: Vec<PathBuf>,
    pub terraform: TfOptions,
    pub settings: Settings,
    /// Reject suppressions that give no reason.
    pub require_reason: bool,
    /// Sweep the live AWS account too (`--aws`), concurrently with Terraform.
    pub aws: Option<AwsOptions>,
    /// Timeouts, retries and injected credentials for the sweep.
    pub aws_tuning: aws::Tuning,
}

/// Wall time of each phase, for `--timings`.
#[derive(Clone, Debug, Default)]
pub struct PhaseTimings {
    pub discover: Duration,
    pub parse: Duration,
    pub evaluate: Duration,
    pub adapt: Duration,
    /// The live sweep, which overlaps the Terraform phases.
    pub aws: Duration,
    pub rules: Duration,
}

pub struct ScanOutcome {
    pub report: ScanReport,
    pub inventory: Inventory,
    pub timings: PhaseTimings,
    /// Evaluation errors that became unknowns, by message and count.
    pub unresolved: std::collections::BTreeMap<String, usize>,
}

/// Why a scan could not run at all. Everything less (a file that does not parse, an
/// API call that fails) is a diagnostic in the report, and the scan goes on.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Catalogue(#[from] crate::catalogue::CatalogueError),
    /// The live sweep could not start (no credentials, no region, not built in).
    #[error(transparent)]
    Aws(#[from] aws::AwsError),
    #[error("the AWS sweep stopped unexpectedly")]
    SweepPanicked,
}

/// Run a scan. `Err` for defects in the embedded rule catalogue and for a live sweep
/// that cannot start: both are the user's to fix.
pub fn run(req: &ScanRequest) -> Result<ScanOutcome, ScanError> {
    // The sweep waits on the network and the Terraform scan on the CPU: run them side
    // by side, the sweep on its own thread with its own runtime.
    let (terraform, live) = std::thread::scope(|s| {
        let live = req.aws.as_ref().map(|opts| {
            let tuning = &req.aws_tuning;
            s.spawn(move || -> Result<(AwsSweep, Duration), ScanError> {
                let started = Instant::now();
                let sweep = aws::sweep_blocking(opts, tuning)?;
                Ok((sweep, started.elapsed()))
            })
        });
        let terraform = scan_terraform(req);
        let live = live.map(|h| h.join().unwrap_or(Err(ScanError::SweepPanicked)));
        (terraform, live)
    });
    let TerraformPart {
        mut inventory,
        mut diagnostics,
        mut stats,
        mut timings,
        unresolved,
        suppressions,
        mut scope,
    } = terraform;
    if let Some(live) = live {
        let (sweep, elapsed) = live?;
        timings.aws = elapsed;
        let resources = sweep.inventory.metas().len();
        stats.live = Some(LiveStats {
            account: sweep.account.clone(),
            resources,
            api_calls: sweep.calls,
            gaps: sweep.gaps.len(),
        });
        scope.live = Some(LiveScope {
            account: sweep.account.clone(),
            regions: sweep.regions.clone(),
            services: sweep.services.clone(),
        });
        inventory.extend(sweep.inventory);
        diagnostics.extend(sweep.gaps);
    }

    for meta in inventory.metas_mut() {
        let location = meta.location();
        let classified = req
            .settings
            .classify(&meta.tags, location.map(|l| l.file.as_str()));
        for w in classified.warnings {
            let d = Diagnostic::warning(
                "unrecognised-classification",
                format!("{}: {w}", meta.address),
            );
            diagnostics.push(match location {
                Some(l) => d.at(l.file.clone(), Some(l.start_line), Some(l.start_column)),
                None => d,
            });
        }
        meta.classification = classified.source;
        meta.environment = crate::environment::resolve(meta, &req.settings.environments);
    }
    diagnostics.extend(crate::environment::config_warnings(
        &inventory.metas(),
        &req.settings.environments,
        req.settings.config_file.as_deref(),
    ));
    let t = Instant::now();
    // One date for suppression expiry and key ages (`Settings::today` replays a scan
    // as of a day).
    let today = req
        .settings
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let mut settings = req.settings.clone();
    settings.today = Some(today);
    let mut findings = crate::rules::run(&inventory, &settings)?;
    diagnostics.extend(crate::suppress::apply(
        &mut findings,
        &suppressions,
        crate::catalogue::catalogue()?,
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
            scope,
            provenance: None,
        },
        inventory,
        timings,
        unresolved,
    })
}

/// What the Terraform source produced, before rules.
#[derive(Default)]
struct TerraformPart {
    inventory: Inventory,
    diagnostics: Vec<Diagnostic>,
    stats: Stats,
    timings: PhaseTimings,
    unresolved: std::collections::BTreeMap<String, usize>,
    suppressions:
        std::collections::BTreeMap<String, crate::source::terraform::directives::FileDirectives>,
    scope: Scope,
}

fn scan_terraform(req: &ScanRequest) -> TerraformPart {
    let mut part = TerraformPart::default();
    if req.paths.is_empty() {
        return part;
    }
    let tf = terraform::scan(&req.paths, &req.terraform, |root| {
        let mut root_stats = Stats::default();
        for r in &root.resources {
            root_stats.resources += 1;
            count_attrs(&r.body, &mut root_stats);
        }
        let t = Instant::now();
        let (inv, diags) = terraform::adapt::adapt(&root);
        (inv, diags, root_stats, t.elapsed(), root.root)
    });
    part.scope.terraform_base = Some(tf.base.clone());
    part.timings.discover = tf.timings.discover;
    part.timings.parse = tf.timings.parse;
    let stats = &mut part.stats;
    stats.files = tf.files;
    stats.bytes = tf.bytes;
    stats.root_modules = tf.roots.len();
    stats.module_instances = tf.module_instances;
    let mut adapt_time = Duration::ZERO;
    for (inv, mut diags, s, t, root) in tf.roots {
        part.scope.roots.push(root);
        stats.resources += s.resources;
        stats.attributes += s.attributes;
        stats.unknown_attributes += s.unknown_attributes;
        stats.unresolved_attributes += s.unresolved_attributes;
        part.inventory.extend(inv);
        part.diagnostics.append(&mut diags);
        adapt_time += t;
    }
    // Adaptation runs inside the per-root evaluation; report it apart.
    part.timings.adapt = adapt_time;
    part.timings.evaluate = tf.timings.evaluate.saturating_sub(adapt_time);
    part.unresolved = tf.unresolved;
    part.diagnostics.extend(tf.diagnostics);
    part.suppressions = tf.suppressions;
    part.scope.roots.sort();
    part.scope.roots.dedup();
    part
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
