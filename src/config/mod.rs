//! Settings handed to rules: the project configuration (`.soc2scan.toml`) merged with
//! command-line overrides. Everything has a default so no file is needed.

use crate::finding::Severity;
use crate::rules::meta::RuleMeta;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
pub struct Settings {
    /// Rules switched off, by id.
    pub disabled_rules: BTreeSet<String>,
    /// When non-empty, only these rules run.
    pub only_rules: BTreeSet<String>,
    /// When non-empty, only rules mapped to one of these controls run.
    pub controls: BTreeSet<String>,
    pub severity_overrides: BTreeMap<String, Severity>,
    pub fail_on: Severity,
    /// Tag keys read for data classification, in priority order.
    pub classification_tags: Vec<String>,
    /// Require a customer-managed key on every bucket (ENC002), not only classified ones.
    pub require_cmk: bool,
    /// The organisation's own AWS account ids.
    pub org_accounts: BTreeSet<String>,
    /// Trusted third-party accounts and the ExternalId each must present.
    pub trusted_accounts: BTreeMap<String, Option<String>>,
    pub access_key_max_age_days: u32,
    pub kms_min_deletion_window_days: u32,
    pub min_backup_retention_days: u32,
    /// Environments declared in the configuration (`[environments.<name>]`).
    pub environments: Vec<crate::env::EnvConfig>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            disabled_rules: BTreeSet::new(),
            only_rules: BTreeSet::new(),
            controls: BTreeSet::new(),
            severity_overrides: BTreeMap::new(),
            fail_on: Severity::High,
            classification_tags: vec![
                "DataClassification".into(),
                "data_classification".into(),
                "Classification".into(),
            ],
            require_cmk: false,
            org_accounts: BTreeSet::new(),
            trusted_accounts: BTreeMap::new(),
            access_key_max_age_days: 90,
            kms_min_deletion_window_days: 30,
            min_backup_retention_days: 7,
            environments: Vec::new(),
        }
    }
}

impl Settings {
    pub fn rule_enabled(&self, meta: &RuleMeta) -> bool {
        if self.disabled_rules.contains(&meta.id) {
            return false;
        }
        if !self.only_rules.is_empty() && !self.only_rules.contains(&meta.id) {
            return false;
        }
        self.controls.is_empty() || meta.controls.iter().any(|c| self.controls.contains(c))
    }

    pub fn severity_override(&self, rule_id: &str) -> Option<Severity> {
        self.severity_overrides.get(rule_id).copied()
    }
}
