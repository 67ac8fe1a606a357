//! Where a run came from: the machine, the CI job and the git state of what was
//! scanned, and the rules and configuration it was judged by. An auditor reads a run
//! as evidence only when it is attributable.

pub mod ci;
pub mod git;

use crate::config::Settings;
use crate::evidence::record::RuleSetting;
use crate::report::Provenance;
use crate::rules::meta::RuleMeta;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Lowercase hex of a digest. By table, not `format!`: `evidence verify` writes every
/// result hash of every run (3.65 million for a year of 10,000-result runs), and one
/// formatted string per byte took most of its time.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    hex_into(bytes, &mut s);
    s
}

/// [`hex`], appended to `out` (no allocation per call).
pub fn hex_into(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// The host name, when the system reports one.
pub fn host() -> Option<String> {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    (!name.is_empty()).then_some(name)
}

/// Every catalogue rule as `settings` configure it, by id.
pub fn rule_settings(settings: &Settings, catalogue: &[RuleMeta]) -> Vec<RuleSetting> {
    catalogue
        .iter()
        .map(|m| RuleSetting {
            id: m.id.clone(),
            enabled: settings.rule_enabled(m),
            severity: settings.severity_override(&m.id).unwrap_or(m.severity),
            controls: m.controls.clone(),
        })
        .collect()
}

/// SHA-256 of the effective configuration: the configuration file's bytes (its
/// environments, classifications and accounts are only there) and the settings that
/// command-line flags can change, in RFC 8785 canonical JSON.
pub fn config_digest(settings: &Settings, rules: &[RuleSetting]) -> String {
    let file = settings
        .config_file
        .as_deref()
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| hex(&Sha256::digest(bytes)));
    let effective = serde_json::json!({
        "config_file_sha256": file,
        "rules": rules,
        "fail_on": settings.fail_on,
        "require_cmk": settings.require_cmk,
        "access_key_max_age_days": settings.access_key_max_age_days,
        "kms_min_deletion_window_days": settings.kms_min_deletion_window_days,
        "min_backup_retention_days": settings.min_backup_retention_days,
    });
    let canonical = serde_jcs::to_vec(&effective).unwrap_or_default();
    hex(&Sha256::digest(canonical))
}

/// The provenance of a scan that started at `started` and has just finished.
pub fn collect(
    settings: &Settings,
    catalogue: &[RuleMeta],
    terraform_base: Option<&Path>,
    started: chrono::DateTime<chrono::Utc>,
) -> Provenance {
    let rules = rule_settings(settings, catalogue);
    Provenance {
        started_at: rfc3339(started),
        finished_at: rfc3339(chrono::Utc::now()),
        host: host(),
        ci: ci::detect(),
        catalogue_digest: crate::rules::meta::digest(),
        config_digest: config_digest(settings, &rules),
        rules,
        checkout: terraform_base.and_then(git::checkout),
    }
}

/// RFC 3339 in UTC to the second, `Z` suffix: one spelling, so reports compare.
pub fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
