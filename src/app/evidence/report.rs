//! `soc2scan evidence report`: read the ledger, verify it, and write the auditor's
//! view of a window. `evidence export` builds its report through [`audit`] too, so an
//! attestation signs exactly what `evidence report --format json` writes.

use crate::app::{Failure, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::EvidenceReportArgs;
use crate::config::EvidenceConfig;
use crate::evidence::audit::render::{render, ReportFormat};
use crate::evidence::audit::window::{parse_day, parse_tz, Cadence, Window};
use crate::evidence::audit::{
    analyse, AuditParams, AuditReport, CheckpointSummary, Expectation, LedgerStatus,
};
use crate::evidence::ledger::{keys, Ledger, Verification};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{Duration, TimeZone, Utc};
use std::path::Path;

/// Write the report; exit 1 when the ledger did not verify (the report says so on
/// its first lines, and is written all the same: the auditor needs to see it).
pub fn report(args: &EvidenceReportArgs) -> Result<u8, Failure> {
    let format: ReportFormat = args.format.parse().map_err(Failure::usage)?;
    let report = audit(args)?;
    let text = render(&report, format).map_err(|e| Failure::usage(e.to_string()))?;
    crate::app::output::write_text(args.output.as_deref(), &text)?;
    Ok(if report.ledger.intact {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// The auditor's view the arguments ask for, from the ledger as it is now.
pub fn audit(args: &EvidenceReportArgs) -> Result<AuditReport, Failure> {
    let (path, config) = super::ledger_file(&args.ledger)?;
    let params = params(args, &config)?;
    let key = args
        .public_key
        .as_deref()
        .map(keys::load_verifying_key)
        .transpose()
        .map_err(|e| Failure::usage(e.to_string()))?;
    // Runs before the window are read too: findings already open and exceptions
    // already carried when it starts.
    let w = &params.window;
    let end = w.tz.from_local_datetime(
        &(w.to + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let end = end.single().map(|t| t.with_timezone(&Utc));
    let open = || Ledger::open_read_only(&path).map_err(|e| Failure::usage(e.to_string()));
    let (verifier, reader) = (open()?, open()?);
    // Verifying and reading are independent passes over the same file, each on its
    // own connection (a connection is not shared between threads), so they overlap.
    let key = key.as_ref();
    let (verification, runs) = std::thread::scope(|s| {
        let verifying = s.spawn(move || verifier.verify(key));
        let runs = reader.runs(None, end);
        let verification = verifying
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (verification, runs)
    });
    let verification = verification.map_err(|e| Failure::usage(e.to_string()))?;
    let mut runs = runs.map_err(|e| Failure::usage(e.to_string()))?;
    // A run appended between the two reads was not verified: the report covers what
    // the verification covered.
    runs.retain(|r| r.seq <= verification.last_seq);
    let status = status(&path, &verification, key.is_some());
    Ok(analyse(&runs, &params, status))
}

/// Flags win over the configuration, which wins over the defaults (daily, UTC,
/// today, unknowns never incomplete).
fn params(args: &EvidenceReportArgs, config: &EvidenceConfig) -> Result<AuditParams, Failure> {
    let usage = |e: crate::evidence::audit::AuditError| Failure::usage(e.to_string());
    let tz = args
        .tz
        .as_deref()
        .map_or_else(|| parse_tz("UTC"), parse_tz)
        .map_err(usage)?;
    let from = parse_day(&args.from).map_err(usage)?;
    let to = match &args.to {
        Some(d) => parse_day(d).map_err(usage)?,
        None => Utc::now().with_timezone(&tz).date_naive(),
    };
    let cadence: Cadence = args
        .cadence
        .as_deref()
        .or(config.cadence.as_deref())
        .unwrap_or("daily")
        .parse()
        .map_err(usage)?;
    let window = Window::new(from, to, tz, cadence).map_err(usage)?;
    let expectations = config
        .expect
        .iter()
        .map(|e| {
            let cadence = e.cadence.as_deref().map(str::parse).transpose()?;
            Expectation::new(&e.source, cadence, &e.controls)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(usage)?;
    let share = config.max_unknown_percent.map(|p| f64::from(p) / 100.0);
    AuditParams::new(window, expectations, share).map_err(usage)
}

/// What `evidence verify` would say, as the report prints it.
fn status(path: &Path, v: &Verification, key_given: bool) -> LedgerStatus {
    let statement = match &v.problem {
        Some(p) => format!("NOT intact: {p}"),
        None => format!(
            "intact: {} runs, every result, leaf, chain head and checkpoint recomputed (head {})",
            v.size,
            B64.encode(v.head)
        ),
    };
    let checkpoint = v.checkpoint.as_ref().map(|c| CheckpointSummary {
        size: c.size,
        head: B64.encode(c.head),
        time: c.time.clone(),
        signature: match (c.signed(), key_given, v.signed) {
            (false, _, _) => "unsigned".to_string(),
            (true, false, _) => {
                "signed; signatures not checked (no --public-key given)".to_string()
            }
            (true, true, Some(n)) => {
                format!("signed; {n} checkpoints verified with the given public key")
            }
            (true, true, None) => {
                "signed; the signature does not verify with the given public key".to_string()
            }
        },
    });
    LedgerStatus {
        file: path.display().to_string(),
        intact: v.intact(),
        statement,
        checkpoint,
    }
}
