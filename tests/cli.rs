//! The binary as users run it: exit codes, rule listing, baseline and --diff-base.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

pub(crate) const INSECURE: &str =
    "resource \"aws_s3_bucket\" \"old\" {\n  bucket = \"acme-old\"\n}\n";
pub(crate) const NEW_INSECURE: &str =
    "resource \"aws_s3_bucket\" \"new\" {\n  bucket = \"acme-new\"\n}\n";

pub(crate) fn soc2scan(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run soc2scan")
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn results(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json output: {e}\n{}", String::from_utf8_lossy(&o.stdout)));
    v["results"].as_array().cloned().unwrap_or_default()
}

fn statuses(o: &Output) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = results(o)
        .iter()
        .map(|r| {
            (
                r["resource"].as_str().unwrap_or_default().to_string(),
                r["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    s.sort();
    s
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("main.tf"), INSECURE).expect("write");
    let p = dir.path().to_str().expect("utf8 path");
    // ENC001 is low: below the default high threshold.
    assert_eq!(
        code(&soc2scan(&["scan", p, "--rule", "ENC001"], dir.path())),
        0
    );
    assert_eq!(
        code(&soc2scan(
            &["scan", p, "--rule", "ENC001", "--fail-on", "low"],
            dir.path()
        )),
        1
    );
    assert_eq!(
        code(&soc2scan(
            &["scan", p, "--fail-on", "sometimes"],
            dir.path()
        )),
        2
    );
    assert_eq!(
        code(&soc2scan(&["scan", "/nonexistent/soc2scan"], dir.path())),
        2
    );
    assert_eq!(
        code(&soc2scan(&["scan", p, "--rule", "NOPE001"], dir.path())),
        2
    );
    fs::write(dir.path().join("broken.tf"), "resource {").expect("write");
    assert_eq!(
        code(&soc2scan(&["scan", p, "--rule", "ENC001"], dir.path())),
        3
    );
    assert_eq!(
        code(&soc2scan(
            &[
                "scan",
                p,
                "--rule",
                "ENC001",
                "--allow-incomplete",
                "--fail-on",
                "low"
            ],
            dir.path()
        )),
        1
    );
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = soc2scan(&["rules"], dir.path());
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("s3-bucket-no-explicit-encryption"));
    let o = soc2scan(&["explain", "s3-bucket-no-explicit-encryption"], dir.path());
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("ENC001 s3-bucket-no-explicit-encryption"),
        "{text}"
    );
    assert!(text.contains("AVD-AWS-0088"), "{text}");
    assert_eq!(code(&soc2scan(&["explain", "ENC999"], dir.path())), 2);
}

#[test]
fn baseline_gates_only_new_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    let tf = dir.path().join("infra");
    fs::create_dir(&tf).expect("mkdir");
    fs::write(tf.join("main.tf"), INSECURE).expect("write");
    let o = soc2scan(&["baseline", "infra", "-o", "base.json"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let args = [
        "scan",
        "infra",
        "--rule",
        "ENC001",
        "--fail-on",
        "low",
        "--baseline",
        "base.json",
        "--format",
        "json",
    ];
    let o = soc2scan(&args, dir.path());
    assert_eq!(code(&o), 0);
    assert_eq!(
        statuses(&o),
        vec![("aws_s3_bucket.old".to_string(), "suppressed".to_string())]
    );
    // Lines inserted above the resource keep its fingerprint.
    fs::write(
        tf.join("main.tf"),
        format!("# a comment\n\n{INSECURE}{NEW_INSECURE}"),
    )
    .expect("write");
    let o = soc2scan(&args, dir.path());
    assert_eq!(code(&o), 1);
    assert_eq!(
        statuses(&o),
        vec![
            ("aws_s3_bucket.new".to_string(), "fail".to_string()),
            ("aws_s3_bucket.old".to_string(), "suppressed".to_string())
        ]
    );
    fs::write(
        dir.path().join("corrupt.json"),
        "{\"schema\": \"soc2scan/baseline/v1\", \"entries\": [",
    )
    .expect("write");
    let o = soc2scan(&["scan", "infra", "--baseline", "corrupt.json"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("corrupt.json"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

pub(crate) fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn diff_base_reports_exactly_what_a_commit_adds() {
    let dir = tempfile::tempdir().expect("tmp");
    let repo = dir.path();
    fs::create_dir(repo.join("infra")).expect("mkdir");
    fs::write(repo.join("infra/main.tf"), INSECURE).expect("write");
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    fs::write(repo.join("infra/new.tf"), NEW_INSECURE).expect("write");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "adds one insecure bucket"]);
    let args = [
        "scan",
        "infra",
        "--rule",
        "ENC001",
        "--fail-on",
        "low",
        "--diff-base",
        "HEAD~1",
        "--format",
        "json",
    ];
    let o = soc2scan(&args, repo);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let failing: Vec<_> = statuses(&o)
        .into_iter()
        .filter(|(_, s)| s == "fail")
        .collect();
    assert_eq!(
        failing,
        vec![("aws_s3_bucket.new".to_string(), "fail".to_string())]
    );
    // The working tree is untouched.
    assert!(repo.join("infra/new.tf").exists());

    let o = soc2scan(&["scan", "infra", "--diff-base", "no-such-ref"], repo);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-ref"));
    let outside = tempfile::tempdir().expect("tmp");
    fs::write(outside.path().join("main.tf"), INSECURE).expect("write");
    let o = soc2scan(&["scan", ".", "--diff-base", "main"], outside.path());
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not inside a git repository"));
}

/// `init` writes a starter file that the next scan discovers and applies; the file's
/// settings lose to the command line; a broken file stops the scan with exit 2 naming
/// the file and line; `--no-config` ignores it.
#[test]
fn configuration_is_discovered_applied_and_validated() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::create_dir(dir.path().join(".git")).expect("repository root");
    fs::write(dir.path().join("main.tf"), INSECURE).expect("write");
    let o = soc2scan(&["init"], dir.path());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let starter = fs::read_to_string(dir.path().join(".soc2scan.toml")).expect("written");
    assert_eq!(code(&soc2scan(&["init"], dir.path())), 2, "no overwrite");
    assert_eq!(code(&soc2scan(&["init", "--force"], dir.path())), 0);

    // The starter file changes nothing: ENC003 (no public access block, high) fails.
    let o = soc2scan(
        &["scan", ".", "-f", "json", "--fail-on", "none"],
        dir.path(),
    );
    assert_eq!(code(&o), 0);
    let rules_before: std::collections::BTreeSet<String> = results(&o)
        .iter()
        .filter(|r| r["status"] == "fail")
        .filter_map(|r| r["rule_id"].as_str().map(str::to_string))
        .collect();
    assert!(!rules_before.is_empty());

    // Disable every failing rule in the file: the scan passes the gate.
    let disabled: Vec<String> = rules_before.iter().map(|r| format!("\"{r}\"")).collect();
    let text = starter.replacen(
        "[rules]\n",
        &format!("[rules]\ndisable = [{}]\n", disabled.join(", ")),
        1,
    );
    fs::write(dir.path().join(".soc2scan.toml"), &text).expect("write config");
    let o = soc2scan(
        &["scan", ".", "-f", "json", "--fail-on", "info"],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(results(&o).iter().all(|r| r["status"] != "fail"));
    // --enable wins over the file.
    let first = rules_before.iter().next().expect("a rule");
    let o = soc2scan(
        &[
            "scan",
            ".",
            "-f",
            "json",
            "--fail-on",
            "info",
            "--enable",
            first,
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 1);
    // --no-config ignores the file.
    let o = soc2scan(
        &["scan", ".", "--no-config", "--fail-on", "info"],
        dir.path(),
    );
    assert_eq!(code(&o), 1);

    // A typo is a usage error that names the file, line and key.
    fs::write(
        dir.path().join(".soc2scan.toml"),
        "fail-on = \"high\"\nfail_onn = \"low\"\n",
    )
    .expect("write config");
    let o = soc2scan(&["scan", "."], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{stderr}");
    assert!(
        stderr.contains(".soc2scan.toml") && stderr.contains('2') && stderr.contains("fail_onn"),
        "{stderr}"
    );
    // An explicit --config that does not exist is an error too.
    let o = soc2scan(&["scan", ".", "--config", "missing.toml"], dir.path());
    assert_eq!(code(&o), 2);
}
