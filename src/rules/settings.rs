//! What rules read of the configuration: the loader fills it (`config::Settings::rules`)
//! and the pipeline hands it to [`super::run`], so rules depend on these facts, not
//! on the configuration loader, and a configuration key no rule reads never reaches
//! them.

use crate::environment::EnvConfig;
use globset::GlobSet;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
pub struct RuleSettings {
    /// ENC002: require a customer-managed key on every bucket, not only classified ones.
    pub require_cmk: bool,
    /// The organisation's own AWS account ids (IAM007).
    pub org_accounts: BTreeSet<String>,
    /// Trusted third-party accounts and the ExternalId each must present (IAM007).
    pub trusted_accounts: BTreeMap<String, Option<String>>,
    /// Display names of trusted accounts (`Datadog`), so findings can name the vendor.
    pub trusted_account_names: BTreeMap<String, String>,
    /// IAM009: an active access key older than this, or unused for this long, fails.
    pub access_key_max_age_days: u32,
    /// The date age-based rules (IAM009) and suppression expiry judge against;
    /// `None` means today (UTC) when the scan runs. Set it to judge reproducibly.
    pub today: Option<chrono::NaiveDate>,
    /// KMS004: the shortest acceptable deletion window.
    pub kms_min_deletion_window_days: u32,
    /// RES003: the shortest acceptable backup retention.
    pub min_backup_retention_days: u32,
    /// Environments declared in the configuration, for the ENV rules and IAM007.
    pub environments: Vec<EnvConfig>,
    /// DRIFT002: globs over live resources left out of Terraform on purpose, as written
    /// and compiled (index-aligned).
    pub unmanaged: Vec<String>,
    pub unmanaged_globs: GlobSet,
}

/// The defaults of a run without configuration; the configuration starts from these.
impl Default for RuleSettings {
    fn default() -> RuleSettings {
        RuleSettings {
            require_cmk: false,
            org_accounts: BTreeSet::new(),
            trusted_accounts: BTreeMap::new(),
            trusted_account_names: BTreeMap::new(),
            access_key_max_age_days: 90,
            today: None,
            kms_min_deletion_window_days: 30,
            min_backup_retention_days: 7,
            environments: Vec::new(),
            unmanaged: Vec::new(),
            unmanaged_globs: GlobSet::empty(),
        }
    }
}
