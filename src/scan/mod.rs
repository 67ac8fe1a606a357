//! One scan, end to end: sources → inventory → rules → report, with the time spent in
//! each phase.

mod link;
mod result;

pub use result::{AccountStats, LiveScope, LiveStats, ScanReport, Scope, Stats};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
use crate::model::Inventory;
use crate::rules::RuleSettings;
use crate::source::aws::{self, AwsOptions, AwsSweep};
use crate::source::terraform::document::{self, DocumentInput};
use crate::source::terraform::{self, TfOptions};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// Terraform paths to scan; empty means no Terraform source. A file that is not
    /// `.tf` or `.tfvars` is read as a plan or state, told by its content.
    pub paths: Vec<PathBuf>,
    /// Plans and states given as such (`--plan`, `--state`).
    pub documents: Vec<DocumentInput>,
    /// The configuration that plans and states given as paths were made from
    /// (`--source DIR`), for locations; default: their own directory.
    pub document_source: Option<PathBuf>,
    /// Read each root's state from the S3 backend it configures, through the sweep's
    /// read-only client (`--state-from-backend`, with `aws`).
    pub state_from_backend: bool,
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
        link::link(&mut part.inventory, &req.settings.rules.environments);
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
    /// One date for suppression expiry and key ages (`Settings::today` replays a
    /// scan as of a day).
    today: chrono::NaiveDate,
    /// What the rules read of the settings, with `today` fixed.
    rules: RuleSettings,
    /// Time spent in rules so far, over every part.
    spent: Duration,
}

impl<'a> Judge<'a> {
    fn new(req: &'a ScanRequest) -> Judge<'a> {
        let today = req
            .settings
            .rules
            .today
            .unwrap_or_else(|| chrono::Utc::now().date_naive());
        let mut rules = req.settings.rules.clone();
        rules.today = Some(today);
        Judge {
            req,
            today,
            rules,
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
        // Each resource on its own, so in parallel; the diagnostics are sorted when
        // the scan finishes.
        let warnings: Vec<Diagnostic> = inventory
            .metas_mut()
            .into_par_iter()
            .flat_map_iter(|meta| {
                let location = meta.location();
                let classified = settings.classify(&meta.tags, location.map(|l| l.file.as_str()));
                let warnings: Vec<Diagnostic> = classified
                    .warnings
                    .into_iter()
                    .map(|w| {
                        let d = Diagnostic::warning(
                            "unrecognised-classification",
                            format!("{}: {w}", meta.address),
                        );
                        match location {
                            Some(l) => {
                                d.at(l.file.clone(), Some(l.start_line), Some(l.start_column))
                            }
                            None => d,
                        }
                    })
                    .collect();
                meta.classification = classified.source;
                meta.environment = crate::environment::resolve(meta, &settings.rules.environments);
                warnings
            })
            .collect();
        diagnostics.extend(warnings);
        diagnostics.extend(crate::environment::config_warnings(
            &inventory.metas(),
            &settings.rules.environments,
            settings.config_file.as_deref(),
        ));
        let mut findings =
            crate::rules::run(inventory, &self.rules, &|meta| settings.rule_enabled(meta))?;
        for f in &mut findings {
            if let Some(sev) = settings.severity_override(f.rule_id) {
                f.severity = sev;
                f.severity_reason = Some(format!("set to {sev} by configuration"));
            }
        }
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
            self.today,
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
    let (documents, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = req
        .paths
        .iter()
        .partition(|p| document::is_document_path(p));
    let documents: Vec<DocumentInput> = documents
        .into_iter()
        .map(|p| DocumentInput {
            path: p.clone(),
            kind: None,
            source: req.document_source.clone(),
        })
        .chain(req.documents.iter().cloned())
        .collect();
    let with_configuration = !paths.is_empty();
    if with_configuration {
        let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
        scan_configuration(req, &paths, &mut part);
    }
    for input in &documents {
        scan_document(input, with_configuration, &mut part);
    }
    if let (true, Some(aws)) = (req.state_from_backend, &req.aws) {
        states_from_backends(aws, &req.aws_tuning, &mut part);
    }
    part.scope.roots.sort();
    part.scope.roots.dedup();
    part
}

/// One plan or state, adapted by the same adapters as HCL; an unreadable one is an
/// error naming the file, and the rest of the scan goes on.
///
/// A state read with the configuration it was applied from only lends that
/// configuration's resources their ARNs: judging its copies of the same resources
/// again would report each finding twice.
fn scan_document(input: &DocumentInput, with_configuration: bool, part: &mut TerraformPart) {
    let t = Instant::now();
    let doc = match document::read(input) {
        Ok(doc) => doc,
        Err(e) => {
            part.diagnostics.push(e.diagnostic());
            return;
        }
    };
    // A state of a configuration not scanned here is judged on its own.
    if with_configuration
        && doc.kind == document::Kind::State
        && (lend_identities(&doc, part) > 0 || doc.resources.is_empty())
    {
        part.stats.files += 1;
        return;
    }
    part.stats.files += 1;
    part.stats.bytes += std::fs::metadata(&input.path).map_or(0, |m| m.len());
    part.stats.root_modules += 1;
    for r in &doc.resources {
        part.stats.resources += 1;
        count_attrs(&r.body, &mut part.stats);
    }
    part.timings.parse += t.elapsed();
    let t = Instant::now();
    let root = terraform::RootResources {
        root: doc.root.clone(),
        resources: doc.resources,
        providers: doc.providers,
    };
    let (mut inv, diags) = terraform::adapt::adapt(&root);
    for meta in inv.metas_mut() {
        if let Some(arn) = doc
            .identities
            .get(&meta.address)
            .filter(|a| a.starts_with("arn:"))
        {
            meta.arn = Some(arn.clone());
        }
    }
    part.timings.adapt += t.elapsed();
    part.inventory.extend(inv);
    part.diagnostics.extend(diags);
    part.diagnostics.extend(doc.diagnostics);
    part.suppressions.extend(doc.suppressions);
    part.scope.roots.push(doc.root);
    part.scope.terraform_base.get_or_insert(doc.base);
}

/// Give the configuration's resources of the state's root their ARNs from the state;
/// returns how many got one. The state's root is the configuration beside it (or
/// `--source`); a state with none beside it belongs to the only root scanned, if
/// only one is.
fn lend_identities(doc: &document::DocumentResources, part: &mut TerraformPart) -> usize {
    let base = part.scope.terraform_base.clone().unwrap_or_default();
    let only_root = match part.scope.roots.as_slice() {
        [one] if !doc.configured => Some(one.clone()),
        _ => None,
    };
    let mut lent = 0;
    for meta in part.inventory.metas_mut() {
        let crate::model::Origin::Terraform { root, .. } = &meta.origin else {
            continue;
        };
        let same_root = only_root.as_ref() == Some(root)
            || base.join(root).canonicalize().ok().as_ref() == Some(&doc.base);
        if let (true, Some(arn)) = (same_root, doc.identities.get(&meta.address)) {
            if arn.starts_with("arn:") {
                meta.arn = Some(arn.clone());
                lent += 1;
            }
        }
    }
    lent
}

/// `--state-from-backend`: each scanned root's state, read from the S3 backend it
/// configures, lends the root's resources their ARNs. A root without an S3 backend
/// is left as it is; one whose state cannot be read is an error naming the object.
fn states_from_backends(aws: &aws::AwsOptions, tuning: &aws::Tuning, part: &mut TerraformPart) {
    let base = part.scope.terraform_base.clone().unwrap_or_default();
    let mut found = 0;
    for root in part.scope.roots.clone() {
        let dir = base.join(&root);
        let backend = match document::backend::find(&dir) {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(d) => {
                part.diagnostics.push(d);
                continue;
            }
        };
        found += 1;
        let url = backend.url();
        let bytes = match aws::backend::read_object_blocking(
            aws,
            tuning,
            &backend.bucket,
            &backend.key,
            backend.region.as_deref(),
        ) {
            Ok(b) => b,
            Err(e) => {
                part.diagnostics.push(
                    Diagnostic::error(
                        "state-backend",
                        format!(
                            "{url} (backend of {}): cannot read the state: {e}",
                            backend.at
                        ),
                    )
                    .at(url.clone(), None, None),
                );
                continue;
            }
        };
        let input = DocumentInput {
            path: PathBuf::from(&url),
            kind: Some(document::Kind::State),
            source: Some(backend.root.clone()),
        };
        match document::read_bytes(&bytes, &url, &input) {
            Ok(doc) => {
                lend_identities(&doc, part);
                part.stats.files += 1;
            }
            Err(e) => part.diagnostics.push(e.diagnostic()),
        }
    }
    if found == 0 {
        part.diagnostics.push(Diagnostic::warning(
            "state-backend",
            "--state-from-backend: no scanned root configures an s3 backend with a literal bucket and key",
        ));
    }
}

fn scan_configuration(req: &ScanRequest, paths: &[PathBuf], part: &mut TerraformPart) {
    let tf = terraform::scan(paths, &req.terraform, |root| {
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
