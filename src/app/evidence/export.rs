//! `soc2scan evidence export`: the auditor's view as a signed in-toto attestation
//! (for tools that verify attestations), or as CSV (one row per control, day and
//! source, for spreadsheets and compliance platforms).

use crate::app::{Failure, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::EvidenceReportArgs;
use crate::evidence::attest;
use crate::evidence::audit::render::{render, ReportFormat};
use crate::evidence::ledger::keys;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The subject's name in the attestation: what `evidence report --format json`
/// writes for the same window.
const SUBJECT: &str = "soc2scan-evidence-report.json";

/// Write the export; exit 1 when the ledger did not verify (the export carries that
/// status, and is written all the same).
pub fn export(args: &EvidenceReportArgs, sign_key: Option<&Path>) -> Result<u8, Failure> {
    let format = args.format.trim().to_ascii_lowercase();
    // Checked before the ledger is read: a wrong flag should fail at once.
    let key = match format.as_str() {
        "intoto" | "in-toto" => {
            let path = sign_key.ok_or_else(|| {
                Failure::usage(
                    "--format intoto signs the attestation: give --sign-key FILE (`soc2scan evidence keygen` makes one)",
                )
            })?;
            Some(keys::load_signing_key(path).map_err(|e| Failure::usage(e.to_string()))?)
        }
        "csv" => None,
        other => {
            return Err(Failure::usage(format!(
                "evidence export --format expects intoto or csv, got \"{other}\" (`evidence report` writes html, json, csv and markdown)"
            )))
        }
    };
    let report = super::report::audit(args)?;
    let render_failure = |e: crate::evidence::audit::AuditError| Failure::usage(e.to_string());
    let text = match &key {
        None => render(&report, ReportFormat::Csv).map_err(render_failure)?,
        Some(key) => {
            let json = render(&report, ReportFormat::Json).map_err(render_failure)?;
            let value: serde_json::Value = serde_json::from_str(&json)
                .map_err(|e| Failure::usage(format!("cannot read back the JSON report: {e}")))?;
            // The subject is the report's canonical form, so the digest can be
            // recomputed from the predicate whatever whitespace a tool adds.
            let canonical = serde_jcs::to_vec(&value)
                .map_err(|e| Failure::usage(format!("cannot canonicalise the report: {e}")))?;
            let predicate = serde_json::json!({
                "subject_encoding": "RFC 8785 canonical JSON of predicate.report",
                "report_sha256": hex::encode(Sha256::digest(&canonical)),
                "report": value,
            });
            attest::envelope(SUBJECT, &canonical, predicate, key)
        }
    };
    crate::app::output::write_text(args.output.as_deref(), &text)?;
    Ok(if report.ledger.intact {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
