//! `scan --evidence` and `evidence export` as users run them: a scan appends its run
//! (the same run its JSON report would import), a ledger that cannot be written fails
//! the job with exit 2 after the other outputs are written, and the attestation signs
//! exactly the report `evidence report --format json` writes.

use sha2::{Digest, Sha256};
use soc2scan::evidence::attest;
use soc2scan::evidence::ledger::{keys, Ledger};
use soc2scan::evidence::record::RunRecord;
use std::path::Path;
use std::process::{Command, Output};

fn soc2scan(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run soc2scan")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A root with one bucket whose policy allows everyone: fails, passes and unknowns.
fn terraform(dir: &Path) {
    std::fs::write(
        dir.join("main.tf"),
        r#"resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "*" }]
  })
}
"#,
    )
    .expect("write main.tf");
}

/// `scan . --format json=REPORT --evidence LEDGER`.
fn scan_args(report: &Path, ledger: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["scan", ".", "--no-config", "--fail-on", "none", "--format"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(format!("json={}", report.display()));
    args.push("--evidence".into());
    args.push(ledger.display().to_string());
    args
}

#[test]
fn a_scan_appends_the_run_its_json_report_describes() {
    let dir = tempfile::tempdir().expect("tempdir");
    terraform(dir.path());
    let ledger = dir.path().join("evidence.db");
    let report = dir.path().join("report.json");
    let args = scan_args(&report, &ledger);
    let o = soc2scan(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("recorded run 1 in"), "{}", text(&o));

    let runs = Ledger::open_read_only(&ledger)
        .expect("ledger")
        .runs_all()
        .expect("runs");
    assert_eq!(runs.len(), 1);
    let recorded = &runs[0].record;
    let from_report =
        RunRecord::from_report_json(&std::fs::read(&report).expect("report")).expect("record");
    assert_eq!(
        recorded.run_id, from_report.run_id,
        "one path into the ledger"
    );
    assert!(recorded
        .results
        .iter()
        .any(|r| r.rule_id == "IAM012" && r.status == soc2scan::finding::Status::Fail));
    assert_eq!(recorded.sources.len(), 1);
    assert!(
        recorded.sources[0].key.starts_with("terraform:"),
        "{}",
        recorded.sources[0].key
    );
    assert!(!recorded.sources[0].rules.is_empty());

    // Importing the report the scan wrote beside it finds the run already there.
    let o = soc2scan(
        &[
            "evidence",
            "import",
            "--ledger",
            &ledger.display().to_string(),
            &report.display().to_string(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        Ledger::open_read_only(&ledger)
            .expect("ledger")
            .runs_all()
            .expect("runs")
            .len(),
        1
    );
}

#[cfg(unix)]
#[test]
fn a_ledger_that_cannot_be_written_exits_2_after_the_other_outputs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    // Run as an unprivileged user (root ignores permissions): it reads the tree,
    // writes the report, and cannot create a file in `locked`.
    mode(dir.path(), 0o755);
    terraform(dir.path());
    mode(&dir.path().join("main.tf"), 0o644);
    let out = dir.path().join("out");
    let locked = dir.path().join("locked");
    for (d, m) in [(&out, 0o777), (&locked, 0o555)] {
        std::fs::create_dir(d).expect("mkdir");
        mode(d, m);
    }
    let ledger = locked.join("evidence.db");
    let report = out.join("report.json");
    let args = scan_args(&report, &ledger);
    let o = crate::evidence_commands::soc2scan_unprivileged(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&ledger.display().to_string()),
        "{}",
        text(&o)
    );
    assert!(report.is_file(), "the JSON report is written all the same");
}

#[test]
fn sign_key_without_a_ledger_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    terraform(dir.path());
    let o = soc2scan(
        &["scan", ".", "--no-config", "--sign-key", "missing.key"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--evidence"), "{}", text(&o));
}
#[test]
fn the_attestation_signs_the_json_report_of_the_same_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    terraform(dir.path());
    let ledger = dir.path().join("evidence.db").display().to_string();
    let key = dir.path().join("evidence.key");
    let o = soc2scan(
        &["evidence", "keygen", "-o", &key.display().to_string()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let key_arg = key.display().to_string();
    let o = soc2scan(
        &[
            "scan",
            ".",
            "--no-config",
            "--fail-on",
            "none",
            "--evidence",
            &ledger,
            "--sign-key",
            &key_arg,
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let today = chrono::Utc::now().date_naive().to_string();
    let window = ["--ledger", &ledger, "--from", &today, "--to", &today];
    let public = keys::public_path(&key).display().to_string();

    let mut args = vec!["evidence", "export"];
    args.extend(window);
    args.extend([
        "--format",
        "intoto",
        "--sign-key",
        &key_arg,
        "--public-key",
        &public,
    ]);
    let o = soc2scan(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let envelope = String::from_utf8_lossy(&o.stdout).into_owned();
    let vk = keys::load_verifying_key(Path::new(&public)).expect("public key");
    let statement = attest::verify(&envelope, &vk).expect("signature verifies");
    assert_eq!(statement["_type"], attest::STATEMENT_TYPE);

    let mut args = vec!["evidence", "report"];
    args.extend(window);
    args.extend(["--format", "json", "--public-key", &public]);
    let o = soc2scan(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    let digest = hex::encode(Sha256::digest(
        serde_jcs::to_vec(&report).expect("canonical"),
    ));
    assert_eq!(statement["subject"][0]["digest"]["sha256"], digest);
    assert_eq!(statement["predicate"]["report"], report);

    // Signed by another key: the signature check fails.
    let other = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    assert!(attest::verify(&envelope, &other).is_err());

    // CSV: one row per control, day and source.
    let mut args = vec!["evidence", "export"];
    args.extend(window);
    args.extend(["--format", "csv"]);
    let o = soc2scan(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(csv.lines().count() > 1, "{csv}");
    assert!(csv.contains(&today), "{csv}");

    // intoto without a key says how to get one.
    let mut args = vec!["evidence", "export"];
    args.extend(window);
    args.extend(["--format", "intoto"]);
    let o = soc2scan(&args, dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--sign-key"), "{}", text(&o));
}
