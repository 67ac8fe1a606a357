//! `soc2scan evidence import | verify | keygen`: the command-line edge of the ledger.

pub mod export;
pub mod report;

use crate::app::{Failure, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::cli::{EvidenceCommand, LedgerArgs};
use crate::config::EvidenceConfig;
use crate::evidence::ledger::{self, keys, Appended, Ledger};
use crate::evidence::record::RunRecord;
use std::path::{Path, PathBuf};

pub fn run(command: EvidenceCommand) -> Result<u8, Failure> {
    match command {
        EvidenceCommand::Import {
            ledger,
            reports,
            sign_key,
        } => import(&ledger, &reports, sign_key.as_deref()),
        EvidenceCommand::Verify { ledger, public_key } => verify(&ledger, public_key.as_deref()),
        EvidenceCommand::Keygen { output, force } => keygen(&output, force),
        EvidenceCommand::Report(args) => report::report(&args),
        EvidenceCommand::Export { report, sign_key } => {
            export::export(&report, sign_key.as_deref())
        }
    }
}

/// The ledger file the command names: `--ledger`, else `evidence` in the
/// configuration, which is returned too (the report reads its other settings).
pub fn ledger_file(args: &LedgerArgs) -> Result<(PathBuf, EvidenceConfig), Failure> {
    let config = crate::app::load_config(&args.config, Path::new("."))?
        .map(|c| c.evidence)
        .unwrap_or_default();
    let path = args
        .ledger
        .clone()
        .or_else(|| config.ledger.clone())
        .ok_or_else(|| {
            Failure::usage(
                "no ledger given: pass --ledger FILE, or set evidence = \"FILE\" in .soc2scan.toml",
            )
        })?;
    Ok((path, config))
}

fn failure(e: impl std::fmt::Display) -> Failure {
    Failure::usage(e.to_string())
}

/// Append each report; one that cannot be read is named and the others still go
/// in. Exit 2 when any could not be recorded.
fn import(args: &LedgerArgs, reports: &[PathBuf], sign_key: Option<&Path>) -> Result<u8, Failure> {
    let (path, _) = ledger_file(args)?;
    let path = path.as_path();
    let key = sign_key
        .map(keys::load_signing_key)
        .transpose()
        .map_err(failure)?;
    let mut ledger = Ledger::open(path).map_err(failure)?;
    let mut failed = 0usize;
    for report in reports {
        let recorded = std::fs::read(report)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|bytes| RunRecord::from_report_json(&bytes).map_err(|e| e.to_string()));
        let run = match recorded {
            Ok(run) => run,
            Err(e) => {
                eprintln!("soc2scan: {}: {e}", report.display());
                failed += 1;
                continue;
            }
        };
        match ledger.append(&run, key.as_ref()).map_err(failure)? {
            Appended::Added { seq, checkpoint } => eprintln!(
                "soc2scan: {}: recorded as run {seq} ({} results){}",
                report.display(),
                run.results.len(),
                if checkpoint.signed() {
                    ", checkpoint signed"
                } else {
                    ""
                }
            ),
            Appended::AlreadyPresent { seq } => eprintln!(
                "soc2scan: {}: already in the ledger as run {seq}; nothing written",
                report.display()
            ),
        }
    }
    Ok(if failed > 0 { EXIT_USAGE } else { EXIT_CLEAN })
}

/// Exit 0 when everything recomputes, 1 naming the first run that does not.
fn verify(args: &LedgerArgs, public_key: Option<&Path>) -> Result<u8, Failure> {
    let (path, _) = ledger_file(args)?;
    let path = path.as_path();
    let key = public_key
        .map(keys::load_verifying_key)
        .transpose()
        .map_err(failure)?;
    let ledger = Ledger::open_read_only(path).map_err(failure)?;
    let v = ledger.verify(key.as_ref()).map_err(failure)?;
    println!("{}: {}", path.display(), v.statement());
    if let Some(cp) = &v.checkpoint {
        println!("latest checkpoint: {} runs at {}", cp.size, cp.time);
    }
    Ok(if v.intact() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn keygen(output: &Path, force: bool) -> Result<u8, Failure> {
    let public = keys::generate(output, force).map_err(failure)?;
    eprintln!(
        "soc2scan: wrote {} (private, keep it secret) and {}",
        output.display(),
        keys::public_path(output).display()
    );
    println!("{}", ledger::vkey(&public));
    Ok(EXIT_CLEAN)
}
