//! The command-line edge: resolve arguments, run, write outputs, choose the exit code.
//! Errors here are user-facing sentences; exit codes are documented in `--help`.

pub mod evidence;
pub mod manual;
pub mod output;
mod provenance;

use crate::baseline::{self, Baseline};
use crate::catalogue::{self, RuleMeta};
use crate::cli::{AwsArgs, BaselineArgs, Cli, Command, ConfigArgs, MergeArgs, OrgArgs, ScanArgs};
use crate::config::FileConfig;
use crate::config::{CliOverrides, Config, Settings};
use crate::finding::Severity;
use crate::finding::Status;
use crate::scan::{self, ScanRequest};
use crate::source::aws::{AwsOptions, OrgOptions, Shard, Tuning};
use crate::source::terraform::document::{DocumentInput, Kind};
use crate::source::terraform::TfOptions;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INCOMPLETE: u8 = 3;

/// A user-facing error with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

pub fn main(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Scan(args) => scan_command(*args),
        Command::Baseline(args) => baseline_command(args),
        Command::Merge(args) => merge_command(&args),
        Command::Rules { format } => rules_command(&format),
        Command::Explain { rule } => explain_command(&rule),
        Command::Init { dir, force } => init_command(&dir, force),
        Command::Completions { shell } => crate::app::manual::completions(shell),
        Command::Man { command } => crate::app::manual::man(&command),
        Command::Evidence { command } => crate::app::evidence::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("soc2scan: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn catalogue() -> Result<&'static [RuleMeta], Failure> {
    catalogue::catalogue().map_err(|e| Failure::usage(e.to_string()))
}

fn resolve_rule(id_or_name: &str) -> Result<&'static RuleMeta, Failure> {
    catalogue::find(id_or_name).ok_or_else(|| {
        Failure::usage(format!(
            "unknown rule \"{id_or_name}\"; `soc2scan rules` lists the catalogue"
        ))
    })
}

fn parse_var(s: &str) -> Result<(String, String), Failure> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(Failure::usage(format!(
            "--var expects NAME=VALUE, got \"{s}\""
        ))),
    }
}

/// The configuration that applies: `--config FILE`, else the `.soc2scan.toml` found
/// from `start` upwards, else none. A broken file is a usage error naming its problems.
pub(crate) fn load_config(args: &ConfigArgs, start: &Path) -> Result<Option<FileConfig>, Failure> {
    if args.no_config {
        return Ok(None);
    }
    let found = match &args.config {
        Some(path) => Config::load(path).map(Some),
        None => Config::discover(start).map(|f| f.map(|(_, config)| config)),
    };
    found.map_err(|e| Failure::usage(e.to_string()))
}

fn rule_ids(names: &[String]) -> Result<BTreeSet<String>, Failure> {
    names
        .iter()
        .map(|r| resolve_rule(r.trim()).map(|m| m.id.clone()))
        .collect()
}

fn settings_for(args: &ScanArgs, start: &Path) -> Result<Settings, Failure> {
    let mut cli = CliOverrides::default();
    for c in &args.controls {
        let c = c.trim().to_ascii_uppercase();
        if !catalogue::ALLOWED_CONTROLS.contains(&c.as_str()) {
            return Err(Failure::usage(format!(
                "unknown control \"{c}\"; known controls: {}",
                catalogue::ALLOWED_CONTROLS.join(", ")
            )));
        }
        cli.controls.insert(c);
    }
    cli.only_rules = rule_ids(&args.rules)?;
    cli.enable = rule_ids(&args.enable)?;
    cli.disable = rule_ids(&args.disable)?;
    if args.require_cmk {
        cli.require_cmk = Some(true);
    }
    if args.download_modules {
        cli.download_modules = Some(true);
    }
    if let Some(f) = &args.fail_on {
        cli.fail_on = parse_fail_on(f)?;
    }
    let file = load_config(&args.config, start)?;
    Ok(Settings::resolve(file.as_ref(), &cli))
}

/// The sweep `--aws` asks for; an error before anything is scanned when this build
/// has no AWS support.
fn aws_options(args: &AwsArgs, org: &OrgArgs) -> Result<Option<AwsOptions>, Failure> {
    if !args.aws {
        return Ok(None);
    }
    crate::source::aws::ensure_built().map_err(|e| Failure::usage(e.to_string()))?;
    if args.external_id.is_some() && args.assume_role.is_none() && !org.org {
        return Err(Failure::usage(
            "--external-id is presented when assuming a role: give --assume-role ARN or --org",
        ));
    }
    let role_duration = match org.role_duration {
        Some(s @ 900..=43200) => Some(std::time::Duration::from_secs(s)),
        Some(s) => {
            return Err(Failure::usage(format!(
                "--role-duration expects 900 to 43200 seconds (AWS's bounds), got {s}"
            )))
        }
        None => None,
    };
    Ok(Some(AwsOptions {
        profile: args.profile.clone(),
        regions: args.regions.iter().map(|r| r.trim().to_string()).collect(),
        all_regions: args.all_regions,
        assume_role: args.assume_role.clone(),
        external_id: args.external_id.clone(),
        endpoint_url: args.endpoint_url.clone(),
        services: args.services.iter().map(|s| s.trim().to_string()).collect(),
        progress: std::io::stderr().is_terminal(),
        role_duration,
        org: org_options(org)?,
    }))
}

/// `--org` and the flags that narrow it.
fn org_options(args: &OrgArgs) -> Result<Option<OrgOptions>, Failure> {
    if !args.org {
        return Ok(None);
    }
    let ids = |flag: &str, list: &[String]| -> Result<Vec<String>, Failure> {
        list.iter()
            .map(|a| {
                let a = a.trim();
                match a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) {
                    true => Ok(a.to_string()),
                    false => Err(Failure::usage(format!(
                        "{flag} expects 12-digit account ids, got \"{a}\""
                    ))),
                }
            })
            .collect()
    };
    let defaults = OrgOptions::default();
    Ok(Some(OrgOptions {
        role: args.org_role.clone().unwrap_or(defaults.role),
        ou: args.ou.clone(),
        accounts: ids("--accounts", &args.accounts)?,
        exclude: ids("--exclude-accounts", &args.exclude_accounts)?,
        shard: args
            .shard
            .as_deref()
            .map(str::parse::<Shard>)
            .transpose()
            .map_err(Failure::usage)?,
    }))
}

/// Timeouts and bounds of the sweep: the defaults, with `--max-concurrency`.
fn aws_tuning(args: &OrgArgs) -> Result<Tuning, Failure> {
    let mut tuning = Tuning::default();
    match args.max_concurrency {
        Some(0) => return Err(Failure::usage("--max-concurrency must be at least 1")),
        Some(n) => tuning.max_concurrency = n,
        None => {}
    }
    Ok(tuning)
}

/// `none` disables failing on findings altogether.
fn parse_fail_on(s: &str) -> Result<Option<Severity>, Failure> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Severity::parse(s).map(Some).ok_or_else(|| {
        Failure::usage(format!(
            "--fail-on expects info, low, medium, high, critical or none, got \"{s}\""
        ))
    })
}

/// `--var NAME=VALUE` parsed, once every `--var-file` is known to exist.
fn terraform_inputs(
    vars: &[String],
    var_files: &[PathBuf],
) -> Result<Vec<(String, String)>, Failure> {
    for f in var_files {
        if !f.is_file() {
            return Err(Failure::usage(format!(
                "--var-file {}: no such file",
                f.display()
            )));
        }
    }
    vars.iter().map(|v| parse_var(v)).collect()
}

/// `--plan` and `--state` files, each checked to exist; `--source` must be a directory.
fn document_inputs(args: &ScanArgs) -> Result<Vec<DocumentInput>, Failure> {
    if let Some(dir) = &args.source {
        if !dir.is_dir() {
            return Err(Failure::usage(format!(
                "--source {}: no such directory",
                dir.display()
            )));
        }
    }
    let given = args
        .plans
        .iter()
        .map(|p| ("--plan", p, Kind::Plan))
        .chain(args.states.iter().map(|p| ("--state", p, Kind::State)));
    given
        .map(|(flag, path, kind)| {
            if path.is_file() {
                Ok(DocumentInput {
                    path: path.clone(),
                    kind: Some(kind),
                    source: args.source.clone(),
                })
            } else {
                Err(Failure::usage(format!(
                    "{flag} {}: no such file",
                    path.display()
                )))
            }
        })
        .collect()
}

fn scan_command(args: ScanArgs) -> Result<u8, Failure> {
    catalogue()?;
    let vars = terraform_inputs(&args.vars, &args.var_files)?;
    // `--aws`, `--plan` or `--state` alone read only those; otherwise Terraform
    // defaults to `.`.
    let documents = document_inputs(&args)?;
    let paths = if args.paths.is_empty() && !args.aws.aws && documents.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if !p.exists() {
            return Err(Failure::usage(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let settings = settings_for(&args, &start)?;
    let req = ScanRequest {
        paths,
        documents,
        document_source: args.source.clone(),
        state_from_backend: args.state_from_backend,
        terraform: terraform_options(&args.var_files, vars, &settings),
        settings,
        require_reason: args.require_reason,
        aws: aws_options(&args.aws, &args.org)?,
        aws_tuning: aws_tuning(&args.org)?,
    };
    let known = match &args.baseline {
        Some(path) => Some(
            Baseline::load(path)
                .map_err(|e| Failure::usage(e.to_string()))?
                .fingerprints(),
        ),
        None => None,
    };
    let evidence = evidence_target(&args, &req.settings)?;
    let started = std::time::Instant::now();
    let started_at = chrono::Utc::now();
    let mut outcome = scan::run(&req).map_err(|e| Failure::usage(e.to_string()))?;
    // Judged: only the results are reported. On a large estate the resources take as
    // much memory as the report, and tearing them down takes a noticeable share of
    // the scan, so they are freed on another thread while the report is written.
    let inventory = std::mem::take(&mut outcome.inventory);
    let freeing = std::thread::spawn(move || drop(inventory));
    if let Some(known) = &known {
        let source = args
            .baseline
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        baseline::mark_known(&mut outcome.report.findings, known, "baseline", &source);
    }
    if let Some(reference) = &args.diff_base {
        let base =
            baseline::checkout(reference, &req.paths).map_err(|e| Failure::usage(e.to_string()))?;
        let mut base_fingerprints = std::collections::BTreeSet::new();
        if !base.paths.is_empty() {
            let base_req = ScanRequest {
                paths: base.paths.clone(),
                ..req.clone()
            };
            let base_outcome = scan::run(&base_req).map_err(|e| Failure::usage(e.to_string()))?;
            base_fingerprints.extend(
                base_outcome
                    .report
                    .findings
                    .iter()
                    .filter(|f| matches!(f.status, Status::Fail | Status::Suppressed))
                    .map(|f| f.fingerprint.clone()),
            );
        }
        baseline::mark_known(
            &mut outcome.report.findings,
            &base_fingerprints,
            "diff-base",
            &format!("git ref {reference}"),
        );
    }
    let report_started = std::time::Instant::now();

    if let Some(wanted) = &args.env {
        let wanted = crate::environment::canonical(wanted)
            .map(|(n, _)| n.to_string())
            .unwrap_or_else(|| wanted.to_ascii_lowercase());
        outcome.report.findings.retain(|f| {
            f.environment
                .as_ref()
                .is_some_and(|e| e.name.eq_ignore_ascii_case(&wanted))
        });
    }
    outcome.report.provenance = Some(provenance::collect(
        &req.settings,
        catalogue()?,
        outcome.report.scope.terraform_base.as_deref(),
        started_at,
    ));
    // Recorded before `--env` narrows the results: the ledger keeps the whole run,
    // or a resource left out would read as resolved.
    let recorded = evidence
        .as_ref()
        .map(|(ledger, key)| record_run(&outcome.report, ledger, key.as_ref()));
    print_diagnostics(&outcome.report.diagnostics);
    let outputs = crate::app::output::plan(&args.formats, args.output.as_deref())?;
    let options = crate::report::RenderOptions {
        color: !args.no_color && std::io::stdout().is_terminal(),
        sarif_category: args.sarif_category.clone(),
        include_suppressed: args.sarif_suppressed,
        path_prefix: args.path_prefix.clone().or_else(|| {
            req.paths
                .first()
                .and_then(|p| crate::app::output::repo_prefix(p))
        }),
        link_base: args.link_base.clone(),
        ..crate::report::RenderOptions::default()
    };
    for out in &outputs {
        crate::app::output::emit(out, &outcome.report, catalogue()?, &options)?;
    }
    // Dropping cannot panic, so there is no error to report.
    let _ = freeing.join();

    if args.timings {
        let t = &outcome.timings;
        let s = &outcome.report.stats;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "timings: discover {:.3}s, parse {:.3}s, evaluate {:.3}s, adapt {:.3}s, rules {:.3}s, report {:.3}s, total {:.3}s",
            t.discover.as_secs_f64(),
            t.parse.as_secs_f64(),
            t.evaluate.as_secs_f64(),
            t.adapt.as_secs_f64(),
            t.rules.as_secs_f64(),
            report_started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        if let Some(live) = &s.live {
            let accounts = match live.accounts.len() {
                0 => format!("account {}", live.account.as_deref().unwrap_or("unknown")),
                n => format!(
                    "{n} accounts of the organization listed by {}",
                    live.account.as_deref().unwrap_or("unknown")
                ),
            };
            let _ = writeln!(
                err,
                "aws: sweep {:.3}s (alongside Terraform), {accounts}, {} resources, {} API calls, {} gaps",
                t.aws.as_secs_f64(),
                live.resources,
                live.api_calls,
                live.gaps
            );
        }
        let _ = writeln!(
            err,
            "scanned: {} files, {:.1} MB, {} root modules, {} module instances, {} resources, {} attributes ({} unknown, {} unresolved), {} results",
            s.files,
            s.bytes as f64 / 1e6,
            s.root_modules,
            s.module_instances,
            s.resources,
            s.attributes,
            s.unknown_attributes,
            s.unresolved_attributes,
            outcome.report.findings.len()
        );
        let mut reasons: Vec<(&String, &usize)> = outcome.unresolved.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, n) in reasons.into_iter().take(10) {
            let _ = writeln!(err, "  unresolved x{n}: {reason}");
        }
    }

    // The other outputs are written by now; a run that could not be recorded is
    // still a failure of the job, which asked for evidence.
    if let Some(Err(f)) = recorded {
        eprintln!("soc2scan: {}", f.message);
        return Ok(f.code);
    }
    // An interrupted sweep is never a clean run, even with --allow-incomplete: the
    // job was stopped, and whatever schedules it must see that.
    let interrupted = outcome.report.diagnostics.iter().any(|d| {
        d.gap
            .as_ref()
            .is_some_and(|g| g.error_class == crate::diagnostic::Gap::INTERRUPTED)
    });
    if interrupted {
        eprintln!("soc2scan: the AWS sweep was interrupted; the outputs hold what was collected before it stopped");
        return Ok(EXIT_INCOMPLETE);
    }
    // `--fail-on none` turns the gate off; any other value is already in the settings.
    let gate = match &args.fail_on {
        Some(f) if f.eq_ignore_ascii_case("none") => None,
        _ => Some(req.settings.fail_on),
    };
    Ok(exit_code(&outcome.report, gate, args.allow_incomplete))
}

/// 3 for an incomplete report (unless allowed), else 1 for failures at or above
/// `gate`, else 0.
fn exit_code(
    report: &crate::scan::ScanReport,
    gate: Option<Severity>,
    allow_incomplete: bool,
) -> u8 {
    if report.incomplete() && !allow_incomplete {
        eprintln!(
            "soc2scan: scan incomplete: {} error(s) above; results cover only what could be read (use --allow-incomplete to gate on findings anyway)",
            report.error_count()
        );
        return EXIT_INCOMPLETE;
    }
    match gate {
        Some(threshold) if report.failures_at_or_above(threshold) > 0 => EXIT_FINDINGS,
        _ => EXIT_CLEAN,
    }
}

/// `soc2scan merge`: the reports as one, rendered as asked, gated like a scan.
fn merge_command(args: &MergeArgs) -> Result<u8, Failure> {
    let cat = catalogue()?;
    let mut texts = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        texts.push((path.display().to_string(), text));
    }
    let inputs: Vec<crate::report::merge::Input<'_>> = texts
        .iter()
        .map(|(name, text)| crate::report::merge::Input { name, text })
        .collect();
    let report =
        crate::report::merge::merge(&inputs, cat).map_err(|e| Failure::usage(e.to_string()))?;
    let gate = parse_fail_on(&args.fail_on)?;
    print_diagnostics(&report.diagnostics);
    let options = crate::report::RenderOptions {
        color: !args.no_color && std::io::stdout().is_terminal(),
        ..crate::report::RenderOptions::default()
    };
    for out in &crate::app::output::plan(&args.formats, args.output.as_deref())? {
        crate::app::output::emit(out, &report, cat, &options)?;
    }
    Ok(exit_code(&report, gate, args.allow_incomplete))
}

/// The ledger a scan appends to (`--evidence`, else `evidence` in the configuration)
/// and the key that signs its checkpoint, read before scanning so that a wrong path
/// fails at once.
fn evidence_target(
    args: &ScanArgs,
    settings: &crate::config::Settings,
) -> Result<Option<(PathBuf, Option<ed25519_dalek::SigningKey>)>, Failure> {
    let ledger = args
        .evidence
        .clone()
        .or_else(|| settings.evidence.ledger.clone());
    let key_path = args
        .sign_key
        .clone()
        .or_else(|| settings.evidence.sign_key.clone());
    let Some(ledger) = ledger else {
        return match args.sign_key {
            Some(_) => Err(Failure::usage(
                "--sign-key signs the evidence ledger's checkpoint: give --evidence FILE too",
            )),
            None => Ok(None),
        };
    };
    let key = key_path
        .map(|p| crate::evidence::ledger::keys::load_signing_key(&p))
        .transpose()
        .map_err(|e| Failure::usage(e.to_string()))?;
    Ok(Some((ledger, key)))
}

/// Append the scan's run to the ledger, as `evidence import` would append its JSON
/// report: one path into the ledger.
fn record_run(
    report: &crate::scan::ScanReport,
    ledger: &Path,
    key: Option<&ed25519_dalek::SigningKey>,
) -> Result<(), Failure> {
    use crate::evidence::ledger::{Appended, Ledger};
    let json = crate::report::render(
        crate::report::Format::Json,
        report,
        catalogue()?,
        &crate::report::RenderOptions::default(),
    );
    let run = crate::evidence::record::RunRecord::from_report_json(json.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot record the run: {e}")))?;
    let appended = Ledger::open(ledger)
        .and_then(|mut l| l.append(&run, key))
        .map_err(|e| Failure::usage(format!("evidence ledger {e}")))?;
    match appended {
        Appended::Added { seq, checkpoint } => eprintln!(
            "soc2scan: recorded run {seq} in {} (checkpoint {}{})",
            ledger.display(),
            checkpoint.size,
            if key.is_some() { ", signed" } else { "" }
        ),
        Appended::AlreadyPresent { seq } => eprintln!(
            "soc2scan: this run is already run {seq} of {}",
            ledger.display()
        ),
    }
    Ok(())
}

/// Diagnostics go to stderr; a large tree with many uninstalled modules would drown
/// the terminal, so past a screenful they are counted (every output format has all).
fn print_diagnostics(diags: &[crate::diagnostic::Diagnostic]) {
    const SHOWN: usize = 40;
    for d in diags.iter().take(SHOWN) {
        eprintln!("{}", d.render());
    }
    if diags.len() > SHOWN {
        let mut by_code: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for d in &diags[SHOWN..] {
            *by_code.entry(d.code).or_insert(0) += 1;
        }
        let summary: Vec<String> = by_code.iter().map(|(c, n)| format!("{n} {c}")).collect();
        eprintln!(
            "... and {} more ({}); the json and sarif outputs list them all",
            diags.len() - SHOWN,
            summary.join(", ")
        );
    }
}

/// How Terraform is read: the command line's variables with the settings' module
/// downloads and evaluation budgets.
fn terraform_options(
    var_files: &[PathBuf],
    vars: Vec<(String, String)>,
    settings: &Settings,
) -> TfOptions {
    TfOptions {
        var_files: var_files.to_vec(),
        vars,
        download_modules: settings.download_modules,
        budgets: settings.evaluation,
    }
}

fn baseline_command(args: BaselineArgs) -> Result<u8, Failure> {
    catalogue()?;
    let vars = terraform_inputs(&args.vars, &args.var_files)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let file = load_config(&args.config, &start)?;
    let settings = Settings::resolve(file.as_ref(), &CliOverrides::default());
    let req = ScanRequest {
        paths,
        terraform: terraform_options(&args.var_files, vars, &settings),
        settings,
        ..ScanRequest::default()
    };
    let outcome = scan::run(&req).map_err(|e| Failure::usage(e.to_string()))?;
    print_diagnostics(&outcome.report.diagnostics);
    let b = Baseline::from_findings(&outcome.report.findings);
    crate::app::output::write_text(Some(&args.output), &(b.to_json() + "\n"))?;
    eprintln!(
        "soc2scan: recorded {} failing results in {}",
        b.entries.len(),
        args.output.display()
    );
    Ok(EXIT_CLEAN)
}

fn init_command(dir: &Path, force: bool) -> Result<u8, Failure> {
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{}: no such directory",
            dir.display()
        )));
    }
    let path = dir.join(crate::config::CONFIG_FILE_NAME);
    if path.exists() && !force {
        return Err(Failure::usage(format!(
            "{} exists; pass --force to overwrite it",
            path.display()
        )));
    }
    crate::app::output::write_text(Some(&path), crate::config::init::starter_file())?;
    eprintln!("soc2scan: wrote {}", path.display());
    Ok(EXIT_CLEAN)
}

fn rules_command(format: &str) -> Result<u8, Failure> {
    let cat = catalogue()?;
    match format {
        "json" => {
            let rows: Vec<serde_json::Value> = cat
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "id": m.id, "name": m.name, "title": m.title,
                        "severity": m.severity, "controls": m.controls,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            );
        }
        "table" => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(["id", "name", "severity", "controls", "title"]);
            for m in cat {
                table.add_row([
                    m.id.as_str(),
                    m.name.as_str(),
                    m.severity.as_str(),
                    &m.controls.join(" "),
                    m.title.as_str(),
                ]);
            }
            println!("{table}");
            println!("{} rules", cat.len());
        }
        other => {
            return Err(Failure::usage(format!(
                "rules --format expects table or json, got \"{other}\""
            )))
        }
    }
    Ok(EXIT_CLEAN)
}

fn explain_command(rule: &str) -> Result<u8, Failure> {
    catalogue()?;
    let m = resolve_rule(rule)?;
    println!("{}", explain_text(m));
    Ok(EXIT_CLEAN)
}

/// A rule's full documentation, as `soc2scan explain` prints it.
pub fn explain_text(m: &RuleMeta) -> String {
    let eq = &m.equivalents;
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut s = format!(
        "{} {}\n{}\n\nseverity: {}{}\ncontrols: {}\nterraform: {}\nlive: {}\n\n",
        m.id,
        m.name,
        m.title,
        m.severity,
        if m.raise_when_classified {
            " (raised one step for confidential/restricted data)"
        } else {
            ""
        },
        m.controls.join(", "),
        if m.terraform.is_empty() {
            "-".to_string()
        } else {
            m.terraform.join(", ")
        },
        if m.live.is_empty() {
            "-".to_string()
        } else {
            m.live.join(", ")
        },
    );
    s.push_str(&format!("What it checks\n{}\n\n", m.description.trim()));
    s.push_str(&format!("Why it matters\n{}\n\n", m.rationale.trim()));
    s.push_str(&format!(
        "Remediation (Terraform)\n{}\n\nRemediation (CLI)\n{}\n\n",
        m.remediation.terraform.trim_end(),
        m.remediation.cli.trim()
    ));
    s.push_str(&format!(
        "Equivalent checks\ncheckov: {}\ntrivy: {}\ntfsec: {}\nkics: {}\n",
        list(&eq.checkov),
        list(&eq.trivy),
        list(&eq.tfsec),
        list(&eq.kics)
    ));
    if !m.references.is_empty() {
        s.push_str("\nReferences\n");
        for r in &m.references {
            s.push_str(&format!("- {r}\n"));
        }
    }
    s
}
