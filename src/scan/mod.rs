//! One scan, end to end: sources → inventory → rules → report, with the time spent in
//! each phase.

mod result;

pub use result::{AccountStats, LiveScope, LiveStats, ScanReport, Scope, Stats};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
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
    /// What the rules judged: the Terraform source and a single account's sweep. An
    /// organization sweep's accounts are judged one by one and not kept.
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
    if let Some(opts) = req.aws.as_ref().filter(|a| a.org.is_some()) {
        return run_organization(req, opts);
    }
    // The sweep waits on the network and the Terraform scan on the CPU: run them side
    // by side, the sweep on its own thread with its own runtime.
    let (mut part, live) = std::thread::scope(|s| {
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
    if let Some(live) = live {
        let (sweep, elapsed) = live?;
        part.timings.aws = elapsed;
        part.stats.live = Some(live_stats(&sweep));
        part.scope.live.push(live_scope(&sweep));
        part.inventory.extend(sweep.inventory);
        part.diagnostics.extend(sweep.gaps);
    }
    let mut judge = Judge::new(req);
    let findings = judge.part(&mut part.inventory, &mut part.diagnostics)?;
    judge.finish(part, findings)
}

/// `--org`: the Terraform source beside an organization sweep whose accounts arrive
/// one at a time. Each account is judged on its own as it arrives and its inventory
/// dropped, so the scan holds the findings and the few accounts in flight, never
/// the whole organization's resources. No rule relates resources of two accounts
/// (environment separation reads account ids from policies and the configuration),
/// so judging accounts apart gives the results of judging them together.
fn run_organization(req: &ScanRequest, opts: &AwsOptions) -> Result<ScanOutcome, ScanError> {
    let mut judge = Judge::new(req);
    let started = Instant::now();
    // Accounts finished while the Terraform source still runs wait here; the sweep
    // blocks when it is full, which bounds what it holds.
    let (send, receive) = std::sync::mpsc::sync_channel::<aws::AccountSweep>(
        req.aws_tuning.accounts_in_flight.max(1),
    );
    let (mut part, findings, mut live, org) = std::thread::scope(|s| {
        let tuning = &req.aws_tuning;
        let sweeper = s.spawn(move || {
            // The receiver below lives until the last account is sent.
            aws::sweep_org_blocking(opts, tuning, |account| {
                let _ = send.send(account);
            })
        });
        let mut part = scan_terraform(req);
        let mut findings = judge.part(&mut part.inventory, &mut part.diagnostics);
        let mut live = LiveStats::default();
        for account in receive {
            let mut sweep = account.sweep;
            live.add_account(account.id, account.name, live_stats(&sweep));
            part.scope.live.push(live_scope(&sweep));
            part.diagnostics.append(&mut sweep.gaps);
            // After a failure the remaining accounts are still received, so that the
            // sweep is not left blocked, but not judged.
            if let Ok(f) = &mut findings {
                match judge.part(&mut sweep.inventory, &mut part.diagnostics) {
                    Ok(mut more) => f.append(&mut more),
                    Err(e) => findings = Err(e),
                }
            }
        }
        let org = match sweeper.join() {
            Ok(swept) => swept.map_err(ScanError::from),
            Err(_) => Err(ScanError::SweepPanicked),
        };
        (part, findings, live, org)
    });
    let org = org?;
    let findings = findings?;
    part.timings.aws = started.elapsed();
    live.account = org.lister;
    live.api_calls += org.calls;
    live.accounts.sort_by(|a, b| a.account.cmp(&b.account));
    part.scope.live.sort_by(|a, b| a.account.cmp(&b.account));
    part.stats.live = Some(live);
    part.diagnostics.extend(org.notes);
    judge.finish(part, findings)
}

/// What one account's sweep counts for the report.
fn live_stats(sweep: &AwsSweep) -> LiveStats {
    LiveStats {
        account: sweep.account.clone(),
        resources: sweep.inventory.metas().len(),
        api_calls: sweep.calls,
        gaps: sweep.gaps.len(),
        accounts: Vec::new(),
    }
}

/// What one account's sweep covered.
fn live_scope(sweep: &AwsSweep) -> LiveScope {
    LiveScope {
        account: sweep.account.clone(),
        regions: sweep.regions.clone(),
        services: sweep.services.clone(),
    }
}

/// Rules over one part of the scan at a time (the Terraform source, a live account),
/// then suppressions over all results.
struct Judge<'a> {
    req: &'a ScanRequest,
    settings: Settings,
    /// Time spent in rules so far, over every part.
    spent: Duration,
}

impl<'a> Judge<'a> {
    fn new(req: &'a ScanRequest) -> Judge<'a> {
        // One date for suppression expiry and key ages (`Settings::today` replays a
        // scan as of a day).
        let mut settings = req.settings.clone();
        settings.today = Some(
            req.settings
                .today
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        );
        Judge {
            req,
            settings,
            spent: Duration::ZERO,
        }
    }

    /// Classifies and places the part's resources in their environments, then runs
    /// the rules over them.
    fn part(
        &mut self,
        inventory: &mut Inventory,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Vec<Finding>, ScanError> {
        let t = Instant::now();
        let settings = &self.req.settings;
        for meta in inventory.metas_mut() {
            let location = meta.location();
            let classified = settings.classify(&meta.tags, location.map(|l| l.file.as_str()));
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
            meta.environment = crate::env::resolve(meta, &settings.environments);
        }
        diagnostics.extend(crate::env::config_warnings(
            &inventory.metas(),
            &settings.environments,
            settings.config_file.as_deref(),
        ));
        let findings = crate::rules::run(inventory, &self.settings)?;
        self.spent += t.elapsed();
        Ok(findings)
    }

    /// Suppressions over every result, then the report.
    fn finish(
        self,
        part: TerraformPart,
        mut findings: Vec<Finding>,
    ) -> Result<ScanOutcome, ScanError> {
        let TerraformPart {
            inventory,
            mut diagnostics,
            stats,
            mut timings,
            unresolved,
            suppressions,
            scope,
        } = part;
        let t = Instant::now();
        diagnostics.extend(crate::suppress::apply(
            &mut findings,
            &suppressions,
            crate::catalogue::catalogue()?,
            self.settings.today.unwrap_or_default(),
            self.req.require_reason,
        ));
        // Parts arrive in any order; accounts break ties between equal keys.
        findings.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.origin.account().cmp(&b.origin.account()))
        });
        timings.rules = self.spent + t.elapsed();
        diagnostics.sort();
        diagnostics.dedup();
        Ok(ScanOutcome {
            report: ScanReport {
                scanned_paths: self
                    .req
                    .paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
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
