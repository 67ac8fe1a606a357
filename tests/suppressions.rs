//! Inline suppressions in every supported syntax, expiry, and malformed comments.

use chrono::NaiveDate;
use soc2scan::finding::{Finding, Status};
use soc2scan::scan::{run, ScanOutcome, ScanRequest};
use std::fs;

fn scan(tf: &str, require_reason: bool) -> ScanOutcome {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("main.tf"), tf).expect("write");
    let mut req = ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        require_reason,
        ..ScanRequest::default()
    };
    req.settings.rules.today = NaiveDate::from_ymd_opt(2026, 6, 1);
    req.settings.only_rules.insert("ENC001".into());
    run(&req).expect("catalogue loads")
}

fn result<'a>(o: &'a ScanOutcome, name: &str) -> &'a Finding {
    o.report
        .findings
        .iter()
        .find(|f| f.resource == format!("aws_s3_bucket.{name}"))
        .unwrap_or_else(|| panic!("no result for {name}"))
}

fn bucket(name: &str, above: &str, inside: &str) -> String {
    format!("{above}\nresource \"aws_s3_bucket\" \"{name}\" {{ {inside}\n  bucket = \"acme-{name}\"\n}}\n")
}

#[test]
fn soc2scan_syntax_above_inside_and_by_name() {
    let tf = [
        bucket(
            "above",
            "# soc2scan:ignore:ENC001 reason=\"public website assets\"",
            "",
        ),
        bucket(
            "inside",
            "",
            "# soc2scan:ignore:s3-bucket-no-explicit-encryption reason=\"legacy\"",
        ),
        bucket("plain", "", ""),
    ]
    .concat();
    let o = scan(&tf, false);
    let above = result(&o, "above");
    assert_eq!(above.status, Status::Suppressed);
    let s = above.suppression.as_ref().expect("suppression recorded");
    assert_eq!(s.reason.as_deref(), Some("public website assets"));
    assert_eq!(s.location.as_ref().map(|l| l.start_line), Some(1));
    assert_eq!(result(&o, "inside").status, Status::Suppressed);
    assert_eq!(result(&o, "plain").status, Status::Fail);
}

#[test]
fn suppression_applies_only_to_the_next_block() {
    let tf = format!(
        "# soc2scan:ignore:ENC001 reason=\"first only\"{}{}",
        bucket("first", "", ""),
        bucket("second", "", "")
    );
    let o = scan(&tf, false);
    assert_eq!(result(&o, "first").status, Status::Suppressed);
    assert_eq!(result(&o, "second").status, Status::Fail);
}

#[test]
fn file_level_suppression_covers_every_block() {
    let tf = format!(
        "# soc2scan:ignore-file:ENC001 reason=\"sandbox account\"{}{}",
        bucket("a", "", ""),
        bucket("b", "", "")
    );
    let o = scan(&tf, false);
    assert!(o
        .report
        .findings
        .iter()
        .all(|f| f.status == Status::Suppressed));
}

#[test]
fn expired_suppression_no_longer_applies_and_says_so() {
    let tf = bucket(
        "old",
        "# soc2scan:ignore:ENC001 reason=\"temporary\" until=2026-01-31",
        "",
    );
    let o = scan(&tf, false);
    let f = result(&o, "old");
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("expired on 2026-01-31"), "{}", f.message);
    let tf = bucket("later", "#trivy:ignore:AVD-AWS-0088:exp:2026-01-01", "");
    assert_eq!(result(&scan(&tf, false), "later").status, Status::Fail);
}

#[test]
fn migrated_syntaxes_map_through_equivalent_ids() {
    let tf = [
        bucket(
            "checkov",
            "#checkov:skip=CKV_AWS_19:encrypted by the platform",
            "",
        ),
        bucket("trivy", "#trivy:ignore:AVD-AWS-0088:exp:2027-01-01", ""),
        bucket("tfsec", "#tfsec:ignore:aws-s3-enable-bucket-encryption", ""),
        bucket("kics", "# kics-scan ignore-block", ""),
        bucket(
            "other",
            "#checkov:skip=CKV_AWS_144:replication not needed",
            "",
        ),
    ]
    .concat();
    let o = scan(&tf, false);
    for name in ["trivy", "tfsec", "kics"] {
        assert_eq!(result(&o, name).status, Status::Suppressed, "{name}");
    }
    assert_eq!(
        result(&o, "other").status,
        Status::Fail,
        "a different check's skip must not apply"
    );
    // CKV_AWS_19 is not equivalent to ENC001 (see rules/ENC001.toml), so it must not apply.
    assert_eq!(result(&o, "checkov").status, Status::Fail);
}

#[test]
fn checkov_skip_maps_through_the_checkov_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_kms_key\" \"skipped\" {\n  #checkov:skip=CKV_AWS_7:rotated by the HSM vendor\n  description = \"k\"\n}\n\nresource \"aws_kms_key\" \"plain\" {\n  description = \"k\"\n}\n",
    )
    .expect("write");
    let mut req = ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        ..ScanRequest::default()
    };
    req.settings.rules.today = NaiveDate::from_ymd_opt(2026, 6, 1);
    req.settings.only_rules.insert("KMS001".into());
    let o = run(&req).expect("scan");
    let status = |addr: &str| {
        o.report
            .findings
            .iter()
            .find(|f| f.resource == addr)
            .map(|f| f.status)
    };
    assert_eq!(status("aws_kms_key.skipped"), Some(Status::Suppressed));
    assert_eq!(status("aws_kms_key.plain"), Some(Status::Fail));
    let s = o
        .report
        .findings
        .iter()
        .find_map(|f| f.suppression.as_ref())
        .expect("suppression");
    assert_eq!(s.reason.as_deref(), Some("rotated by the HSM vendor"));
}

#[test]
fn require_reason_rejects_bare_suppressions() {
    let tf = bucket("bare", "#tfsec:ignore:aws-s3-enable-bucket-encryption", "");
    let o = scan(&tf, true);
    assert_eq!(result(&o, "bare").status, Status::Fail);
    let d = o
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-suppression")
        .expect("warning");
    assert_eq!((d.file.as_deref(), d.line), (Some("main.tf"), Some(1)));
}

#[test]
fn malformed_suppressions_never_hide_a_finding() {
    let tf = [
        bucket(
            "baddate",
            "# soc2scan:ignore:ENC001 reason=\"x\" until=next-week",
            "",
        ),
        bucket("badid", "# soc2scan:ignore:ENC999 reason=\"x\"", ""),
    ]
    .concat();
    let o = scan(&tf, false);
    assert_eq!(result(&o, "baddate").status, Status::Fail);
    assert_eq!(result(&o, "badid").status, Status::Fail);
    let lines: Vec<Option<usize>> = o
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "invalid-suppression")
        .map(|d| d.line)
        .collect();
    assert_eq!(lines, vec![Some(1), Some(5)]);
}
