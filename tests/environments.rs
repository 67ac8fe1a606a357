//! Environment separation (ENV001-ENV007) across several roots: one tree with a
//! `.soc2scan.toml` declaring accounts, paths and networks, and the same tree without
//! it, where attribution falls back to tags and path names and what cannot be decided
//! is unknown. Markers as in the per-rule fixtures, checked exactly for the ENV rules.

use super::fixtures::{check_dir, fixture_root};
use soc2scan::config::{CliOverrides, Config, Settings, CONFIG_FILE_NAME};

fn env_rules() -> CliOverrides {
    CliOverrides {
        only_rules: (1..=7).map(|n| format!("ENV00{n}")).collect(),
        ..CliOverrides::default()
    }
}

fn assert_clean(failures: Vec<String>, passes: usize) {
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
    assert!(passes > 0, "no passing result");
}

#[test]
fn configured_environments_match_markers() {
    let dir = fixture_root().join("environments");
    let file = Config::load(&dir.join(CONFIG_FILE_NAME)).expect("fixture config is valid");
    let settings = Settings::resolve(Some(&file), &env_rules());
    let (failures, passes) = check_dir("environments", &dir, settings);
    assert_clean(failures, passes);
}

#[test]
fn unconfigured_environments_match_markers() {
    let dir = fixture_root().join("environments-noconfig");
    assert!(!dir.join(CONFIG_FILE_NAME).exists());
    let settings = Settings::resolve(None, &env_rules());
    let (failures, passes) = check_dir("environments-noconfig", &dir, settings);
    assert_clean(failures, passes);
}
