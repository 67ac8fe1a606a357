//! The part of a run's provenance only the command line knows: the settings it was
//! judged by, as rule settings and a configuration digest.

use crate::catalogue::RuleMeta;
use crate::config::Settings;
use crate::provenance::{ci, git, host, rfc3339, Provenance, RuleSetting};
use sha2::{Digest, Sha256};
use std::path::Path;

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
        .map(|bytes| hex::encode(Sha256::digest(bytes)));
    let effective = serde_json::json!({
        "config_file_sha256": file,
        "rules": rules,
        "fail_on": settings.fail_on,
        "require_cmk": settings.rules.require_cmk,
        "access_key_max_age_days": settings.rules.access_key_max_age_days,
        "kms_min_deletion_window_days": settings.rules.kms_min_deletion_window_days,
        "min_backup_retention_days": settings.rules.min_backup_retention_days,
    });
    let canonical = serde_jcs::to_vec(&effective).unwrap_or_default();
    hex::encode(Sha256::digest(canonical))
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
        catalogue_digest: crate::catalogue::digest(),
        config_digest: config_digest(settings, &rules),
        rules,
        checkout: terraform_base.and_then(git::checkout),
    }
}
