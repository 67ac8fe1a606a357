//! Rules whose scope or thresholds come from the configuration, which the fixture
//! harness (default settings) cannot exercise: `require-cmk` (ENC002),
//! `kms-min-deletion-window-days` (KMS004), `backup-retention-min-days` (RES003), and
//! the organisation's and trusted vendors' accounts (IAM007).

use soc2scan::config::Settings;
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use std::fs;

/// `rule`'s results over one Terraform file: resource address, status and message.
fn results(tf: &str, rule: &str, settings: Settings) -> Vec<(String, Status, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("main.tf"), tf).expect("write");
    let mut settings = settings;
    settings.only_rules.insert(rule.to_string());
    let req = ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        settings,
        ..ScanRequest::default()
    };
    let o = run(&req).expect("scan");
    o.report
        .findings
        .iter()
        .map(|f| (f.resource.clone(), f.status, f.message.clone()))
        .collect()
}

/// Statuses of `rule`'s results by resource address.
fn statuses(tf: &str, rule: &str, settings: Settings) -> Vec<(String, Status)> {
    results(tf, rule, settings)
        .into_iter()
        .map(|(resource, status, _)| (resource, status))
        .collect()
}

#[test]
fn require_cmk_brings_unclassified_buckets_into_enc002() {
    let tf = r#"
resource "aws_s3_bucket" "plain" {
  bucket = "plain"
}
"#;
    assert!(statuses(tf, "ENC002", Settings::default()).is_empty());
    let mut settings = Settings::default();
    settings.rules.require_cmk = true;
    assert_eq!(
        statuses(tf, "ENC002", settings),
        vec![("aws_s3_bucket.plain".to_string(), Status::Fail)]
    );
}

#[test]
fn kms004_reads_the_configured_minimum() {
    let tf = r#"
resource "aws_kms_key" "k" {
  deletion_window_in_days = 10
}
"#;
    let k = || "aws_kms_key.k".to_string();
    assert_eq!(
        statuses(tf, "KMS004", Settings::default()),
        vec![(k(), Status::Fail)]
    );
    let mut settings = Settings::default();
    settings.rules.kms_min_deletion_window_days = 7;
    assert_eq!(statuses(tf, "KMS004", settings), vec![(k(), Status::Pass)]);
}

#[test]
fn res003_reads_the_configured_minimum() {
    let tf = r#"
resource "aws_db_instance" "db" {
  backup_retention_period = 3
}
"#;
    let db = || "aws_db_instance.db".to_string();
    assert_eq!(
        statuses(tf, "RES003", Settings::default()),
        vec![(db(), Status::Fail)]
    );
    let mut settings = Settings::default();
    settings.rules.min_backup_retention_days = 3;
    assert_eq!(statuses(tf, "RES003", settings), vec![(db(), Status::Pass)]);
}

/// IAM007's results over one Terraform file, with `settings`: which accounts are the
/// organisation's, which are trusted vendors and the ExternalId each must present.
fn iam007(tf: &str, settings: Settings) -> Vec<(String, Status, String)> {
    results(tf, "IAM007", settings)
}

fn role(name: &str, principal: &str, condition: &str) -> String {
    format!(
        r#"
resource "aws_iam_role" "{name}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
Version   = "2012-10-17"
Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ AWS = "{principal}" }}{condition} }}]
  }})
}}
"#
    )
}

const EXTERNAL_ID: &str = r#", Condition = { StringEquals = { "sts:ExternalId" = "vendor-42" } }"#;

fn status_of(results: &[(String, Status, String)], address: &str) -> Status {
    results
        .iter()
        .find(|(a, ..)| a == address)
        .map(|(_, s, _)| *s)
        .unwrap_or_else(|| panic!("no result for {address}: {results:?}"))
}

#[test]
fn organisation_accounts_decide_what_is_outside() {
    let tf = role("peer", "arn:aws:iam::222222222222:root", "");
    // Nothing configured and no provider pins an account: cannot tell.
    let none = iam007(&tf, Settings::default());
    assert_eq!(status_of(&none, "aws_iam_role.peer"), Status::Unknown);
    // The peer is one of the organisation's accounts.
    let mut own = Settings::default();
    own.rules.org_accounts.insert("222222222222".into());
    assert_eq!(
        status_of(&iam007(&tf, own), "aws_iam_role.peer"),
        Status::Pass
    );
    // The organisation is configured and the peer is not in it.
    let mut other = Settings::default();
    other.rules.org_accounts.insert("111111111111".into());
    let r = iam007(&tf, other);
    assert_eq!(status_of(&r, "aws_iam_role.peer"), Status::Fail);
    assert!(r[0].2.contains("222222222222"), "{r:?}");
    // An ExternalId suffices for an outside account when no vendor list exists.
    let mut other = Settings::default();
    other.rules.org_accounts.insert("111111111111".into());
    let with_id = role("peer", "arn:aws:iam::222222222222:root", EXTERNAL_ID);
    assert_eq!(
        status_of(&iam007(&with_id, other), "aws_iam_role.peer"),
        Status::Pass
    );
}

#[test]
fn trusted_vendors_must_present_the_configured_external_id() {
    let vendor = "999999999999";
    let settings = || {
        let mut s = Settings::default();
        s.rules.org_accounts.insert("111111111111".into());
        s.rules
            .trusted_accounts
            .insert(vendor.into(), Some("vendor-42".to_string()));
        s.rules
            .trusted_account_names
            .insert(vendor.into(), "Datadog".to_string());
        s
    };
    let principal = format!("arn:aws:iam::{vendor}:root");
    let right = role("right", &principal, EXTERNAL_ID);
    assert_eq!(
        status_of(&iam007(&right, settings()), "aws_iam_role.right"),
        Status::Pass
    );
    let wrong = role(
        "wrong",
        &principal,
        r#", Condition = { StringEquals = { "sts:ExternalId" = "guessable" } }"#,
    );
    let r = iam007(&wrong, settings());
    assert_eq!(status_of(&r, "aws_iam_role.wrong"), Status::Fail);
    assert!(r[0].2.contains("Datadog"), "{r:?}");
    assert!(!r[0].2.contains("vendor-42"), "never echo the id: {r:?}");
    let missing = role("missing", &principal, "");
    assert_eq!(
        status_of(&iam007(&missing, settings()), "aws_iam_role.missing"),
        Status::Fail
    );
    // Once vendors are listed, an unlisted outside account fails even with an id.
    let unlisted = role("unlisted", "arn:aws:iam::333333333333:root", EXTERNAL_ID);
    let r = iam007(&unlisted, settings());
    assert_eq!(status_of(&r, "aws_iam_role.unlisted"), Status::Fail);
    assert!(r[0].2.contains("accounts.trusted"), "{r:?}");
}

/// Settings from a `.soc2scan.toml` text, as users write it.
fn configured(text: &str) -> Settings {
    let catalogue = soc2scan::catalogue::catalogue().expect("catalogue");
    let file = soc2scan::config::FileConfig::parse(
        text,
        std::path::Path::new(".soc2scan.toml"),
        catalogue,
    )
    .expect("valid configuration");
    Settings::resolve(Some(&file), &soc2scan::config::CliOverrides::default())
}

#[test]
fn configured_environment_and_vendor_accounts() {
    let tf =
        role("staging", "444444444444", "") + &role("vendor", "arn:aws:iam::999999999999:root", "");
    let s = configured(
        r#"
[accounts]
organisation = ["111111111111"]

[[accounts.trusted]]
id = "999999999999"
name = "Datadog"

[environments.staging]
accounts = ["444444444444"]
"#,
    );
    let r = iam007(&tf, s);
    assert_eq!(status_of(&r, "aws_iam_role.staging"), Status::Pass);
    assert_eq!(status_of(&r, "aws_iam_role.vendor"), Status::Fail);
}
