//! Rules whose scope or thresholds come from the configuration, which the fixture
//! harness (default settings) cannot exercise: `require-cmk` (ENC002),
//! `kms-min-deletion-window-days` (KMS004), `backup-retention-min-days` (RES003).

use soc2scan::config::Settings;
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use std::fs;

/// Statuses of `rule`'s results by resource address.
fn statuses(tf: &str, rule: &str, settings: Settings) -> Vec<(String, Status)> {
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
        .map(|f| (f.resource.clone(), f.status))
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
    let settings = Settings {
        require_cmk: true,
        ..Settings::default()
    };
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
    let settings = Settings {
        kms_min_deletion_window_days: 7,
        ..Settings::default()
    };
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
    let settings = Settings {
        min_backup_retention_days: 3,
        ..Settings::default()
    };
    assert_eq!(statuses(tf, "RES003", settings), vec![(db(), Status::Pass)]);
}
