//! `.soc2scan.toml`: validation naming file:line and key for every bad input, discovery
//! up to the repository root, precedence of command-line overrides, classification
//! precedence, and the `init` starter file.

use soc2scan::catalogue::RuleMeta;
use soc2scan::config::{
    init, CliOverrides, Config, ConfigError, FileConfig, Problem, Settings, CONFIG_FILE_NAME,
};
use soc2scan::finding::Severity;
use soc2scan::model::Classification;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Hand-built rules, so validation is tested independently of which rule TOMLs exist.
fn catalogue() -> Vec<RuleMeta> {
    [
        ("ENC001", "s3-bucket-no-explicit-encryption"),
        ("ENC010", "log-group-not-kms"),
        ("KMS004", "kms-deletion-window-short"),
    ]
    .iter()
    .map(|(id, name)| {
        toml::from_str(&format!(
            r#"id = "{id}"
name = "{name}"
title = "t"
severity = "high"
controls = ["CC6.1"]
terraform = []
live = []
description = "d"
rationale = "r"
remediation = {{ terraform = "t", cli = "c" }}
"#
        ))
        .expect("test rule parses")
    })
    .collect()
}

fn parse(text: &str) -> Result<FileConfig, ConfigError> {
    FileConfig::parse(text, Path::new("conf/.soc2scan.toml"), &catalogue())
}

fn problems(text: &str) -> Vec<Problem> {
    match parse(text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(ConfigError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// The file has exactly one problem, on `line`, for `key`, whose message contains
/// `needle`; the rendered error names file:line and the key.
fn one_problem(text: &str, line: usize, key: &str, needle: &str) {
    let err = parse(text).expect_err("invalid");
    let rendered = err.to_string();
    let ConfigError::Invalid { problems, .. } = err else {
        panic!("not a validation error: {rendered}");
    };
    assert_eq!(problems.len(), 1, "{rendered}");
    let p = &problems[0];
    assert_eq!((p.line, p.key.as_str()), (line, key), "{rendered}");
    assert!(p.message.contains(needle), "{rendered}");
    assert!(
        rendered.contains(&format!("conf/.soc2scan.toml:{line}:")) && rendered.contains(key),
        "{rendered}"
    );
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fenced `toml` block of docs/config.md.
fn docs_example() -> String {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.md"))
        .expect("docs/config.md");
    let start = doc.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("closed block");
    doc[start..start + len].to_string()
}

// ---- bad input ------------------------------------------------------------------------

#[test]
fn unknown_top_level_key_suggests_the_near_one() {
    one_problem(
        "fail-on = \"high\"\nfail_on = \"low\"\n",
        2,
        "fail_on",
        "did you mean \"fail-on\"",
    );
}

#[test]
fn unknown_nested_key() {
    one_problem(
        "[classification]\ntag-keys = []\n\n[[classification.paths]]\nglob = \"data/**\"\nlevel = \"confidential\"\nlvl = \"x\"\n",
        7,
        "classification.paths[0].lvl",
        "unknown key",
    );
}

#[test]
fn wrong_types() {
    let p = problems(
        "fail-on = 3\nrequire-cmk = \"yes\"\n[thresholds]\naccess-key-max-age-days = \"90\"\n",
    );
    let got: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "fail-on"),
            (2, "require-cmk"),
            (4, "thresholds.access-key-max-age-days")
        ]
    );
    assert!(p[0].message.contains("expected a string, found an integer"));
    assert!(p[1].message.contains("expected a boolean"));
}

#[test]
fn table_where_a_value_belongs() {
    one_problem("[fail-on]\nx = 1\n", 1, "fail-on", "found a table");
}

#[test]
fn unknown_rule_id_and_name() {
    let p = problems("[rules]\ndisable = [\"ENC001\",\n  \"ENC999\",\n  \"log-group-not-km\"]\n");
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!((p[0].line, p[0].key.as_str()), (3, "rules.disable[1]"));
    assert!(p[0].message.contains("unknown rule \"ENC999\""));
    assert_eq!((p[1].line, p[1].key.as_str()), (4, "rules.disable[2]"));
    assert!(
        p[1].message.contains("did you mean \"log-group-not-kms\""),
        "{}",
        p[1].message
    );
}

#[test]
fn unknown_rule_in_severity_overrides() {
    one_problem(
        "[rules.severity]\nENC001 = \"low\"\nXYZ001 = \"low\"\n",
        3,
        "rules.severity.XYZ001",
        "unknown rule",
    );
}

#[test]
fn invalid_severity() {
    one_problem(
        "[rules.severity]\nENC001 = \"urgent\"\n",
        2,
        "rules.severity.ENC001",
        "unknown severity \"urgent\"",
    );
    one_problem("fail-on = \"severe\"\n", 1, "fail-on", "unknown severity");
}

#[test]
fn invalid_classification_level() {
    one_problem(
        "[classification]\ndefault = \"top-secret\"\n",
        2,
        "classification.default",
        "unknown classification level",
    );
}

#[test]
fn invalid_glob() {
    one_problem(
        "[[classification.paths]]\nglob = \"data/[\"\nlevel = \"restricted\"\n",
        2,
        "classification.paths[0].glob",
        "invalid glob",
    );
    one_problem(
        "[environments.prod]\npaths = [\"./envs/prod/**\"]\n",
        2,
        "environments.prod.paths[0]",
        "never matches",
    );
}

#[test]
fn missing_required_key() {
    one_problem(
        "[[classification.paths]]\nglob = \"data/**\"\n",
        1,
        "classification.paths[0].level",
        "missing required key",
    );
}

#[test]
fn invalid_account_ids() {
    let p = problems(
        "[accounts]\norganisation = [\"12345\", 111111111111]\n[[accounts.trusted]]\nid = \"99999999999x\"\n",
    );
    let got: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        got,
        [
            (2, "accounts.organisation[0]"),
            (2, "accounts.organisation[1]"),
            (4, "accounts.trusted[0].id")
        ]
    );
    assert!(p[0].message.contains("12 digits"));
    assert!(p[1].message.contains("quote account ids"));
}

#[test]
fn trusted_account_that_is_also_the_organisations() {
    one_problem(
        "[accounts]\norganisation = [\"111111111111\"]\n[[accounts.trusted]]\nid = \"111111111111\"\n",
        4,
        "accounts.trusted[0].id",
        "also listed in accounts.organisation",
    );
}

#[test]
fn invalid_cidr() {
    let p = problems(
        "[environments.prod]\ncidrs = [\"10.0.0.0/16\", \"10.0.0.0/33\", \"10.0.0.300/8\", \"10.0.0.0\"]\n",
    );
    let keys: Vec<&str> = p.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "environments.prod.cidrs[1]",
            "environments.prod.cidrs[2]",
            "environments.prod.cidrs[3]"
        ]
    );
    assert!(p
        .iter()
        .all(|p| p.line == 2 && p.message.contains("invalid CIDR")));
}

#[test]
fn date_where_a_string_belongs() {
    one_problem(
        "[accounts]\norganisation = [2026-01-01]\n",
        2,
        "accounts.organisation[0]",
        "found a date",
    );
}

#[test]
fn threshold_out_of_range() {
    one_problem(
        "[thresholds]\nkms-min-deletion-window-days = 3\n",
        2,
        "thresholds.kms-min-deletion-window-days",
        "expected 7 to 30",
    );
}

#[test]
fn evaluation_budget_below_its_minimum() {
    one_problem(
        "[evaluation]\nmax-steps = 10\n",
        2,
        "evaluation.max-steps",
        "expected 1000 to",
    );
}

#[test]
fn evaluation_budgets_are_read() {
    let c = parse("[evaluation]\nmax-steps = 5000\nmax-elements = 20000\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let b = c.evaluation;
    assert_eq!((b.steps, b.elements), (5000, 20000));
    assert_eq!(
        b.string_bytes,
        soc2scan::source::terraform::budget::Budgets::default().string_bytes
    );
}

#[test]
fn overlapping_environment_accounts() {
    one_problem(
        "[environments.prod]\naccounts = [\"111111111111\"]\n\n[environments.staging]\naccounts = [\"222222222222\",\n  \"111111111111\"]\n",
        6,
        "environments.staging.accounts[1]",
        "already in environments.prod (line 2)",
    );
}

#[test]
fn two_names_for_one_environment() {
    one_problem(
        "[environments.prod]\n[environments.production]\n",
        2,
        "environments.production",
        "already names environment \"production\"",
    );
}

#[test]
fn syntax_error_names_line_and_key() {
    one_problem(
        "[rules]\ndisable = [\"ENC001\"\n",
        3,
        "rules.disable",
        "invalid TOML",
    );
    one_problem(
        "fail-on = \"high\"\n[thresholds]\naccess-key-max-age-days = = 3\n",
        3,
        "thresholds.access-key-max-age-days",
        "invalid TOML",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let p = problems(
        "fail-on = \"nope\"\nbogus = 1\n[rules]\ndisable = [\"NOPE1\"]\n[classification]\ndefault = \"x\"\n[environments.prod]\ncidrs = [\"x\"]\n",
    );
    let lines: Vec<usize> = p.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 2, 4, 6, 8], "{p:?}");
}

#[test]
fn load_names_the_file_on_read_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("absent.toml");
    let err = Config::load(&missing).expect_err("missing file");
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().contains("absent.toml"), "{err}");
}

// ---- valid files ------------------------------------------------------------------------

#[test]
fn docs_example_validates_and_reads_every_key() {
    let c = parse(&docs_example()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.fail_on, Some(Severity::High));
    assert_eq!(
        c.evaluation,
        soc2scan::source::terraform::budget::Budgets::default()
    );
    assert_eq!(c.require_cmk, Some(false));
    assert!(c.disabled_rules.contains("ENC010"));
    assert_eq!(c.severity_overrides.get("ENC001"), Some(&Severity::Medium));
    assert_eq!(
        c.classification_default.as_ref().map(|d| d.level),
        Some(Classification::Internal)
    );
    assert_eq!(c.classification_paths.len(), 2);
    assert!(c.org_accounts.contains("111111111111"));
    let t = &c.trusted_accounts[0];
    assert_eq!(
        (t.id.as_str(), t.name.as_deref(), t.external_id.as_deref()),
        ("999999999999", Some("Datadog"), Some("abc"))
    );
    assert_eq!(c.access_key_max_age_days, Some(90));
    assert_eq!(c.kms_min_deletion_window_days, Some(30));
    assert_eq!(c.backup_retention_min_days, Some(7));
    let prod = &c.environments[0];
    assert_eq!(prod.name, "prod");
    assert!(prod.production);
    assert_eq!(prod.accounts, ["111111111111"]);
    assert!(prod.paths.is_match("envs/prod/main.tf"));
    assert!(prod.paths.is_match("envs/prod/"));
    assert_eq!(
        prod.tags.get("Environment").map(String::as_str),
        Some("production")
    );
    assert_eq!(prod.cidrs, ["10.0.0.0/16"]);
    let staging = &c.environments[1];
    assert!(!staging.production);
}

#[test]
fn empty_file_is_all_defaults() {
    let c = parse("").expect("empty file is valid");
    let s = Settings::resolve(Some(&c), &CliOverrides::default());
    let d = Settings::default();
    assert_eq!(s.fail_on, d.fail_on);
    assert_eq!(s.classification_tags, d.classification_tags);
    assert_eq!(
        s.rules.access_key_max_age_days,
        d.rules.access_key_max_age_days
    );
    assert_eq!(
        s.config_file.as_deref(),
        Some(Path::new("conf/.soc2scan.toml"))
    );
}

// ---- discovery ----------------------------------------------------------------------------

#[test]
fn discovery_walks_up_to_the_repository_root() {
    let outer = tempfile::tempdir().expect("temp dir");
    let repo = outer.path().join("repo");
    let deep = repo.join("infra/envs/prod");
    fs::create_dir_all(&deep).expect("mkdir");
    fs::create_dir(repo.join(".git")).expect("mkdir .git");
    fs::write(repo.join(CONFIG_FILE_NAME), "fail-on = \"medium\"\n").expect("write");

    let (path, c) = Config::discover(&deep)
        .expect("valid")
        .expect("found at the repo root");
    assert_eq!(
        path,
        repo.join(CONFIG_FILE_NAME)
            .canonicalize()
            .expect("canonical")
    );
    assert_eq!(c.fail_on, Some(Severity::Medium));

    // A file in the scanned directory itself is nearer and wins.
    fs::write(deep.join(CONFIG_FILE_NAME), "fail-on = \"low\"\n").expect("write");
    let (_, c) = Config::discover(&deep).expect("valid").expect("found");
    assert_eq!(c.fail_on, Some(Severity::Low));

    // Starting from a file looks in its directory.
    let tf = deep.join("main.tf");
    fs::write(&tf, "").expect("write");
    let (path, _) = Config::discover(&tf).expect("valid").expect("found");
    assert_eq!(path.parent(), deep.canonicalize().ok().as_deref());
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().expect("temp dir");
    // A configuration above the repository belongs to something else.
    fs::write(outer.path().join(CONFIG_FILE_NAME), "fail-on = \"low\"\n").expect("write");
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join("infra")).expect("mkdir");
    // A worktree's `.git` is a file.
    fs::write(repo.join(".git"), "gitdir: /elsewhere\n").expect("write");
    assert!(Config::discover(&repo.join("infra")).expect("ok").is_none());
}

#[test]
fn discovery_reports_an_invalid_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(".git")).expect("mkdir");
    fs::write(dir.path().join(CONFIG_FILE_NAME), "\nfail-on = true\n").expect("write");
    let err = Config::discover(dir.path()).expect_err("invalid");
    let text = err.to_string();
    assert!(
        text.contains(".soc2scan.toml:2:") && text.contains("fail-on"),
        "{text}"
    );
}

// ---- precedence ---------------------------------------------------------------------------

#[test]
fn command_line_overrides_the_file_which_overrides_defaults() {
    let c = parse(
        "fail-on = \"medium\"\nrequire-cmk = true\n[rules]\ndisable = [\"ENC010\", \"kms-deletion-window-short\"]\n[thresholds]\naccess-key-max-age-days = 30\n",
    )
    .expect("valid");

    let s = Settings::resolve(Some(&c), &CliOverrides::default());
    assert_eq!(s.fail_on, Severity::Medium);
    assert!(s.rules.require_cmk);
    assert_eq!(s.rules.access_key_max_age_days, 30);
    assert_eq!(s.rules.kms_min_deletion_window_days, 30, "default kept");
    assert!(s.disabled_rules.contains("ENC010") && s.disabled_rules.contains("KMS004"));

    let cli = CliOverrides {
        fail_on: Some(Severity::Critical),
        require_cmk: Some(false),
        enable: ["KMS004".to_string()].into(),
        disable: ["ENC001".to_string()].into(),
        ..CliOverrides::default()
    };
    let s = Settings::resolve(Some(&c), &cli);
    assert_eq!(s.fail_on, Severity::Critical);
    assert!(!s.rules.require_cmk);
    let disabled: Vec<&str> = s.disabled_rules.iter().map(String::as_str).collect();
    assert_eq!(disabled, ["ENC001", "ENC010"]);

    // Naming a rule with --rule runs it even though the file disables it.
    let cat = catalogue();
    let cli = CliOverrides {
        only_rules: ["ENC010".to_string()].into(),
        ..CliOverrides::default()
    };
    let s = Settings::resolve(Some(&c), &cli);
    assert!(s.rule_enabled(&cat[1]));
    assert!(!s.rule_enabled(&cat[0]));

    // No file: defaults, then the command line.
    let s = Settings::resolve(None, &CliOverrides::default());
    assert_eq!(s.fail_on, Severity::High);
    assert!(s.config_file.is_none());
}

#[test]
fn severity_overrides_and_classification_reach_settings() {
    let c = parse(
        "[rules.severity]\nlog-group-not-kms = \"critical\"\n[classification]\ntag-keys = [\"Sensitivity\"]\n",
    )
    .expect("valid");
    let s = Settings::resolve(Some(&c), &CliOverrides::default());
    assert_eq!(s.severity_override("ENC010"), Some(Severity::Critical));
    assert_eq!(s.classification_tags, ["Sensitivity"]);
}

// ---- classification -------------------------------------------------------------------------

const CLASSIFIED: &str = r#"[classification]
tag-keys = ["DataClassification", "Classification"]
default = "internal"

[[classification.paths]]
glob = "data/public/**"
level = "public"

[[classification.paths]]
glob = "data/**"
level = "confidential"
"#;

fn classified_settings() -> Settings {
    Settings::resolve(
        Some(&parse(CLASSIFIED).expect("valid")),
        &CliOverrides::default(),
    )
}

#[test]
fn tags_win_over_paths_which_win_over_the_default() {
    let s = classified_settings();
    let c = s.classify(
        &tags(&[("DataClassification", "Restricted")]),
        Some("data/x.tf"),
    );
    let src = c.source.expect("classified");
    assert_eq!(src.level, Classification::Restricted);
    assert_eq!(src.because, "tag DataClassification=Restricted");

    let src = s
        .classify(&tags(&[]), Some("data/x.tf"))
        .source
        .expect("classified");
    assert_eq!(src.level, Classification::Confidential);
    assert_eq!(
        src.because,
        "config path glob \"data/**\" (.soc2scan.toml:10)"
    );

    let src = s
        .classify(&tags(&[]), Some("app/main.tf"))
        .source
        .expect("default");
    assert_eq!(src.level, Classification::Internal);
    assert_eq!(
        src.because,
        "config classification.default (.soc2scan.toml:3)"
    );

    // Live resources have no file: tags, then the default.
    let src = s.classify(&tags(&[]), None).source.expect("default");
    assert_eq!(src.level, Classification::Internal);
}

#[test]
fn first_matching_glob_wins_and_star_stays_in_a_directory() {
    let s = classified_settings();
    let src = s
        .classify(&tags(&[]), Some("data/public/site.tf"))
        .source
        .expect("x");
    assert_eq!(src.level, Classification::Public);

    let mut s = s;
    let c = parse("[[classification.paths]]\nglob = \"data/*.tf\"\nlevel = \"restricted\"\n")
        .expect("valid");
    s.classification_globs = c.classification_globs;
    s.classification_paths = c.classification_paths;
    s.classification_default = None;
    assert!(s.classify(&tags(&[]), Some("data/a.tf")).source.is_some());
    assert!(s
        .classify(&tags(&[]), Some("data/sub/a.tf"))
        .source
        .is_none());
}

#[test]
fn tag_keys_in_priority_order_and_case_sensitive() {
    let s = classified_settings();
    let c = s.classify(
        &tags(&[
            ("Classification", "public"),
            ("DataClassification", "confidential"),
        ]),
        None,
    );
    assert_eq!(
        c.source.map(|s| s.level),
        Some(Classification::Confidential)
    );

    // `dataclassification` is not a configured key: the default applies.
    let c = s.classify(&tags(&[("dataclassification", "restricted")]), None);
    assert_eq!(
        c.source.map(|s| s.because),
        Some("config classification.default (.soc2scan.toml:3)".to_string())
    );
    assert!(c.warnings.is_empty());
}

#[test]
fn unrecognised_tag_value_is_a_warning_not_a_guess() {
    let s = classified_settings();
    let c = s.classify(
        &tags(&[
            ("DataClassification", "top-secret"),
            ("Classification", "sensitive"),
        ]),
        Some("app/main.tf"),
    );
    let src = c.source.expect("next key used");
    assert_eq!(src.because, "tag Classification=sensitive");
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].key, "DataClassification");
    assert!(c.warnings[0].to_string().contains("\"top-secret\""));

    // With nothing else to go on, the warning stands and the default applies.
    let c = s.classify(&tags(&[("DataClassification", "tbd")]), Some("data/x.tf"));
    assert_eq!(
        c.source.map(|s| s.level),
        Some(Classification::Confidential)
    );
    assert_eq!(c.warnings.len(), 1);
}

#[test]
fn default_settings_classify_by_the_default_tag_keys_only() {
    let s = Settings::default();
    let c = s.classify(
        &tags(&[("data_classification", "confidential")]),
        Some("data/x.tf"),
    );
    assert_eq!(
        c.source.map(|s| s.level),
        Some(Classification::Confidential)
    );
    assert!(s.classify(&tags(&[]), Some("data/x.tf")).source.is_none());
}

// ---- init -----------------------------------------------------------------------------------

#[test]
fn starter_file_validates_and_equals_the_defaults() {
    let text = init::starter_file();
    let c = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let s = Settings::resolve(Some(&c), &CliOverrides::default());
    let d = Settings::default();
    assert_eq!(s.fail_on, d.fail_on);
    assert_eq!(s.rules.require_cmk, d.rules.require_cmk);
    assert_eq!(s.classification_tags, d.classification_tags);
    assert_eq!(
        s.rules.access_key_max_age_days,
        d.rules.access_key_max_age_days
    );
    assert_eq!(
        s.rules.kms_min_deletion_window_days,
        d.rules.kms_min_deletion_window_days
    );
    assert_eq!(
        s.rules.min_backup_retention_days,
        d.rules.min_backup_retention_days
    );
    assert!(s.disabled_rules.is_empty() && s.rules.environments.is_empty());
    // And against the real catalogue, as `soc2scan init` users will load it.
    let real = soc2scan::catalogue::catalogue().expect("catalogue");
    FileConfig::parse(text, Path::new(".soc2scan.toml"), real).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn starter_file_with_every_setting_on_validates_and_covers_the_docs() {
    let on: String = init::starter_file()
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let c = parse(&on).unwrap_or_else(|e| panic!("{e}\n{on}"));
    assert!(c.classification_default.is_some());
    assert_eq!(c.classification_paths.len(), 1);
    assert_eq!(c.trusted_accounts.len(), 1);
    assert_eq!(c.environments.len(), 2);
    assert!(!c.disabled_rules.is_empty() && !c.severity_overrides.is_empty());

    // Every key of the documented example is in the starter file.
    let starter_keys = keys_of(&on);
    for key in keys_of(&docs_example()) {
        assert!(starter_keys.contains(&key), "starter file lacks {key}");
    }
}

/// Dotted key paths of a TOML text, with environment names and rule ids generalised so
/// that different examples compare.
fn keys_of(text: &str) -> std::collections::BTreeSet<String> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let k = match prefix {
                        "environments" => "<name>",
                        "rules.severity" => "<rule>",
                        _ => k.as_str(),
                    };
                    let path = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.insert(path.clone());
                    if !path.ends_with(".tags") {
                        walk(&path, v, out);
                    }
                }
            }
            toml::Value::Array(items) => {
                for item in items {
                    walk(prefix, item, out);
                }
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(
        "",
        &toml::from_str::<toml::Value>(text).expect("toml"),
        &mut out,
    );
    out
}

// ---- evidence -------------------------------------------------------------------------

#[test]
fn evidence_shorthand_names_the_ledger_beside_the_file() {
    let c = parse("evidence = \"evidence/ledger.db\"\n").expect("valid");
    assert_eq!(
        c.evidence.ledger.as_deref(),
        Some(Path::new("conf/evidence/ledger.db"))
    );
}

#[test]
fn evidence_table_with_expected_sources() {
    let c = parse(
        r#"[evidence]
ledger = "ledger.db"
sign-key = "keys/evidence.key"
cadence = "weekly"
max-unknown-percent = 25

[[evidence.expect]]
source = "aws:123456789012/*"
cadence = "daily"
controls = ["cc6.1", "CC6.7"]

[[evidence.expect]]
source = "terraform:*//infra/prod"
"#,
    )
    .expect("valid");
    let e = &c.evidence;
    assert_eq!(e.ledger.as_deref(), Some(Path::new("conf/ledger.db")));
    assert_eq!(
        e.sign_key.as_deref(),
        Some(Path::new("conf/keys/evidence.key"))
    );
    assert_eq!(e.cadence.as_deref(), Some("weekly"));
    assert_eq!(e.max_unknown_percent, Some(25));
    assert_eq!(e.expect.len(), 2);
    assert_eq!(e.expect[0].source, "aws:123456789012/*");
    assert_eq!(e.expect[0].cadence.as_deref(), Some("daily"));
    assert_eq!(e.expect[0].controls, ["CC6.1", "CC6.7"]);
    assert!(e.expect[1].controls.is_empty() && e.expect[1].cadence.is_none());
}

#[test]
fn evidence_bad_values_name_their_key() {
    one_problem(
        "[evidence]\ncadence = \"hourly\"\n",
        2,
        "evidence.cadence",
        "expected daily or weekly",
    );
    one_problem(
        "[evidence]\nmax-unknown-percent = 101\n",
        2,
        "evidence.max-unknown-percent",
        "",
    );
    one_problem(
        "[[evidence.expect]]\nsource = \"aws:*\"\ncontrols = [\"CC7.2\"]\n",
        3,
        "evidence.expect.controls",
        "unknown control \"CC7.2\"",
    );
    let p = problems("[[evidence.expect]]\ncadence = \"daily\"\n");
    assert!(p.iter().any(|p| p.key == "evidence.expect.source"), "{p:?}");
}
