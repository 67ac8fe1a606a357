//! Settings handed to rules: the project configuration (`.soc2scan.toml`) merged with
//! command-line overrides. Everything has a default so no file is needed.
//!
//! Three layers, as in Ruff: what the user wrote ([`FileConfig`], validated with every
//! problem reported at once and each naming file, line and key), the command-line
//! overrides ([`CliOverrides`]), and the final [`Settings`] the rules read
//! ([`Settings::resolve`]). The format is documented in `docs/config.md`.

mod classify;
mod file;
pub mod init;

pub use classify::{Classified, UnrecognisedClassification};
pub use file::{
    ConfigError, EvidenceConfig, ExpectedSource, FileConfig, PathClassification, Problem,
    TrustedAccount, CONFIG_FILE_NAME,
};

use crate::catalogue::RuleMeta;
use crate::finding::Severity;
use crate::model::ClassificationSource;
use crate::rules::RuleSettings;
use crate::source::terraform::budget::Budgets;
use globset::GlobSet;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
    /// Path globs that classify the resources declared in matching files, in the order
    /// written; the first match wins. Index-aligned with `classification_globs`.
    pub classification_paths: Vec<PathClassification>,
    /// `classification_paths` compiled once, so classifying a resource is one match.
    pub classification_globs: GlobSet,
    /// The level of a resource that neither a tag nor a path glob classifies.
    pub classification_default: Option<ClassificationSource>,
    /// Download registry, git and HTTP modules that `terraform init` did not install.
    pub download_modules: bool,
    /// The configuration file these settings came from, if any, for reports.
    pub config_file: Option<PathBuf>,
    /// What rules read: thresholds, accounts, vendors, environments, drift
    /// exclusions, and the date age-based rules and suppression expiry judge against
    /// (`None`: today, UTC, when the scan runs).
    pub rules: RuleSettings,
    /// Where runs are recorded and what the auditor's report expects.
    pub evidence: EvidenceConfig,
    /// What evaluating one Terraform root may cost (`[evaluation]`).
    pub evaluation: Budgets,
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
            classification_paths: Vec::new(),
            classification_globs: GlobSet::empty(),
            classification_default: None,
            download_modules: false,
            rules: RuleSettings::default(),
            config_file: None,
            evidence: EvidenceConfig::default(),
            evaluation: Budgets::default(),
        }
    }
}

/// What the command line says, applied over the configuration file. Rule ids are
/// already resolved (the CLI accepts names too and reports unknown ones itself).
#[derive(Clone, Debug, Default)]
pub struct CliOverrides {
    /// `--fail-on`; `none` never reaches here, the caller's gate handles it.
    pub fail_on: Option<Severity>,
    /// `--controls`: only rules mapped to one of these run.
    pub controls: BTreeSet<String>,
    /// `--rule`: only these run, even when the file disables them, because naming a
    /// rule on the command line is the most specific request there is.
    pub only_rules: BTreeSet<String>,
    /// Rules to run although the file disables them.
    pub enable: BTreeSet<String>,
    /// Rules to switch off in addition to those the file disables.
    pub disable: BTreeSet<String>,
    pub require_cmk: Option<bool>,
    pub download_modules: Option<bool>,
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

    /// Defaults, then the file, then the command line: each later layer wins for the
    /// keys it sets.
    pub fn resolve(file: Option<&FileConfig>, cli: &CliOverrides) -> Settings {
        let mut s = Settings::default();
        if let Some(f) = file {
            f.apply_to(&mut s);
        }
        if let Some(fail_on) = cli.fail_on {
            s.fail_on = fail_on;
        }
        if let Some(cmk) = cli.require_cmk {
            s.rules.require_cmk = cmk;
        }
        if let Some(d) = cli.download_modules {
            s.download_modules = d;
        }
        s.controls.extend(cli.controls.iter().cloned());
        s.disabled_rules.extend(cli.disable.iter().cloned());
        for id in cli.enable.iter().chain(&cli.only_rules) {
            s.disabled_rules.remove(id);
        }
        s.only_rules.extend(cli.only_rules.iter().cloned());
        s
    }
}

/// Finding and reading `.soc2scan.toml`.
pub struct Config;

impl Config {
    /// The configuration file that applies to a scan of `start`: `.soc2scan.toml` in
    /// `start` (or its directory, for a file) or the nearest parent holding one. The
    /// search stops at the repository root (a directory containing `.git`) so a file in
    /// an unrelated outer directory never applies, and at the filesystem root.
    pub fn discover(start: &Path) -> Result<Option<(PathBuf, FileConfig)>, ConfigError> {
        let start = std::fs::canonicalize(start).map_err(|source| ConfigError::Read {
            path: start.to_path_buf(),
            source,
        })?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                let config = Config::load(&candidate)?;
                return Ok(Some((candidate, config)));
            }
            // `.git` is a directory in a clone and a file in a worktree or submodule.
            if d.join(".git").exists() {
                break;
            }
            dir = d.parent();
        }
        Ok(None)
    }

    /// Read and validate one file (`--config FILE`, or what discovery found) against the
    /// embedded rule catalogue.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let catalogue = crate::catalogue::catalogue()?;
        FileConfig::parse(&text, path, catalogue)
    }
}
