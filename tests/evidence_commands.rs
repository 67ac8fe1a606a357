//! `soc2scan evidence import | verify | keygen` as users run them: exit codes and
//! messages, a process killed mid-import, processes appending at once, read-only files.

use crate::cli::{code, soc2scan};
use soc2scan::evidence::ledger::Ledger;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A JSON report written by `soc2scan scan` of a small Terraform tree.
fn scan_report(dir: &Path, name: &str, buckets: usize) -> PathBuf {
    let tf = dir.join(format!("tf-{name}"));
    std::fs::create_dir_all(&tf).unwrap();
    let body: String = (0..buckets)
        .map(|i| format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"acme-{i}\"\n}}\n"))
        .collect();
    std::fs::write(tf.join("main.tf"), body).unwrap();
    let out = dir.join(format!("{name}.json"));
    let o = soc2scan(
        &[
            "scan",
            "--no-config",
            "--format",
            &format!("json={}", out.display()),
            "--fail-on",
            "none",
            ".",
        ],
        &tf,
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    out
}

/// `copies` distinct reports of `results` results each (day i starts on day i), from
/// scripts/gen-evidence-report.py.
fn generated_reports(dir: &Path, copies: usize, results: usize) -> Vec<PathBuf> {
    let first = dir.join("gen-0.json");
    let o = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-evidence-report.py"))
        .args(["--day", "0", "--results", &results.to_string(), "-o"])
        .arg(&first)
        .output()
        .expect("python3 runs");
    assert!(o.status.success(), "{}", text(&o));
    let template = std::fs::read_to_string(&first).unwrap();
    (0..copies)
        .map(|i| {
            let path = dir.join(format!("gen-{i}.json"));
            let day = format!("2026-0{}-{:02}T02:", 1 + i / 28, 1 + i % 28);
            std::fs::write(&path, template.replace("2026-01-01T02:", &day)).unwrap();
            path
        })
        .collect()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn importing_a_report_twice_is_a_no_op_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let report = scan_report(dir.path(), "a", 3);
    let ledger = dir.path().join("evidence.db");
    let o = soc2scan(
        &["evidence", "import", "--ledger", arg(&ledger), arg(&report)],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("recorded as run 1"), "{}", text(&o));
    let o = soc2scan(
        &["evidence", "import", "--ledger", arg(&ledger), arg(&report)],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("already in the ledger as run 1; nothing written"),
        "{}",
        text(&o)
    );
    let runs = Ledger::open_read_only(&ledger).unwrap().runs_all().unwrap();
    assert_eq!(runs.len(), 1);
    assert!(!runs[0].record.results.is_empty());
    let o = soc2scan(
        &["evidence", "verify", "--ledger", arg(&ledger)],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("intact: 1 runs"), "{}", text(&o));
}

#[test]
fn import_names_a_bad_report_and_records_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let good = scan_report(dir.path(), "a", 1);
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"schema\": \"soc2scan/report/v1\", \"results\": []}",
    )
    .unwrap();
    let ledger = dir.path().join("evidence.db");
    let o = soc2scan(
        &[
            "evidence",
            "import",
            "--ledger",
            arg(&ledger),
            arg(&bad),
            arg(&good),
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("bad.json"), "{}", text(&o));
    assert!(text(&o).contains("recorded as run 1"), "{}", text(&o));
    let o = soc2scan(&["evidence", "import", arg(&good)], dir.path());
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("--ledger"), "{}", text(&o));
}

#[test]
fn verify_exits_1_naming_the_run_and_2_when_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("evidence.db");
    let reports = generated_reports(dir.path(), 4, 20);
    let mut args = vec!["evidence", "import", "--ledger", arg(&ledger)];
    args.extend(reports.iter().map(|r| arg(r)));
    assert_eq!(code(&soc2scan(&args, dir.path())), 0);
    let run_id = Ledger::open_read_only(&ledger).unwrap().runs_all().unwrap()[2]
        .record
        .run_id
        .clone();
    rusqlite::Connection::open(&ledger)
        .unwrap()
        .execute(
            "UPDATE runs SET record = replace(record, 'ci-runner-7', 'ci-runner-8') WHERE seq = 3",
            [],
        )
        .unwrap();
    let o = soc2scan(
        &["evidence", "verify", "--ledger", arg(&ledger)],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains(&format!("run 3 ({run_id}) altered")),
        "{}",
        text(&o)
    );
    let o = soc2scan(
        &["evidence", "verify", "--ledger", "missing.db"],
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("missing.db: no such ledger"),
        "{}",
        text(&o)
    );
    rusqlite::Connection::open(&ledger)
        .unwrap()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    let o = soc2scan(
        &["evidence", "verify", "--ledger", arg(&ledger)],
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("written by a newer soc2scan (ledger schema 7"),
        "{}",
        text(&o)
    );
}

#[test]
fn keygen_signs_and_verify_checks_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = soc2scan(&["evidence", "keygen", "-o", "ours.key"], d);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("soc2scan-evidence+"),
        "{}",
        text(&o)
    );
    let private = std::fs::read_to_string(d.join("ours.key")).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(std::fs::read_to_string(d.join("ours.key.pub"))
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let o = soc2scan(&["evidence", "keygen", "-o", "ours.key"], d);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("ours.key exists; pass --force"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("ours.key")).unwrap(),
        private
    );
    assert_eq!(
        code(&soc2scan(&["evidence", "keygen", "-o", "theirs.key"], d)),
        0
    );

    let reports = generated_reports(d, 3, 10);
    let import = |report: &Path, key: &str| {
        soc2scan(
            &[
                "evidence",
                "import",
                "--ledger",
                "e.db",
                "--sign-key",
                key,
                arg(report),
            ],
            d,
        )
    };
    let verify_with = |public_key: &str| {
        soc2scan(
            &[
                "evidence",
                "verify",
                "--ledger",
                "e.db",
                "--public-key",
                public_key,
            ],
            d,
        )
    };
    assert_eq!(code(&import(&reports[0], "ours.key")), 0);
    assert_eq!(code(&import(&reports[1], "ours.key")), 0);
    let o = verify_with("ours.key.pub");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("2 of 2 checkpoints signed"),
        "{}",
        text(&o)
    );
    assert_eq!(code(&import(&reports[2], "theirs.key")), 0);
    let o = verify_with("ours.key.pub");
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("run 3") && text(&o).contains("bad signature"),
        "{}",
        text(&o)
    );
    let o = verify_with("ours.key");
    assert_eq!(
        code(&o),
        2,
        "a private key is not a public key: {}",
        text(&o)
    );
}

#[test]
fn a_process_killed_mid_import_leaves_each_run_fully_present_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("evidence.db");
    let reports = generated_reports(dir.path(), 16, 10_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["evidence", "import", "--ledger", arg(&ledger)])
        .args(&reports)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some runs are in, while it is writing the next ones.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let recorded = Ledger::open_read_only(&ledger)
            .and_then(|l| l.checkpoint())
            .ok()
            .flatten();
        if recorded.is_some_and(|c| c.size >= 2) || std::time::Instant::now() > deadline {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();

    let l = Ledger::open_read_only(&ledger).unwrap();
    let v = l.verify(None).unwrap();
    assert!(v.intact(), "{:?}", v.problem);
    assert!(
        v.size >= 2 && v.size < 16,
        "killed mid-import, {} runs in",
        v.size
    );
    for run in l.runs_all().unwrap() {
        assert_eq!(
            run.record.results.len(),
            10_000,
            "run {} is complete",
            run.seq
        );
    }
    drop(l);
    // The rest goes in afterwards; what was in already is skipped.
    let mut args = vec!["evidence", "import", "--ledger", arg(&ledger)];
    args.extend(reports.iter().map(|r| arg(r)));
    let o = soc2scan(&args, dir.path());
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v = Ledger::open_read_only(&ledger)
        .unwrap()
        .verify(None)
        .unwrap();
    assert!(v.intact() && v.size == 16, "{v:?}");
}

#[test]
fn processes_importing_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("evidence.db");
    let reports = generated_reports(dir.path(), 8, 3000);
    let children: Vec<_> = reports
        .chunks(2)
        .map(|chunk| {
            Command::new(env!("CARGO_BIN_EXE_soc2scan"))
                .args(["evidence", "import", "--ledger", arg(&ledger)])
                .args(chunk)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", text(&o));
    }
    let v = Ledger::open_read_only(&ledger)
        .unwrap()
        .verify(None)
        .unwrap();
    assert!(v.intact() && v.size == 8, "{v:?}");
}

/// Run soc2scan as an unprivileged user: as root, file permissions do not apply.
pub(crate) fn soc2scan_unprivileged(args: &[&str], cwd: &Path) -> Output {
    let root = effective_uid() == 0;
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_soc2scan"),
        ]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_soc2scan"))
    };
    cmd.args(args)
        .current_dir(cwd)
        .output()
        .expect("run soc2scan")
}

fn effective_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // A file this process creates is owned by its effective uid.
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid()
}

#[test]
fn a_read_only_ledger_or_directory_is_a_clear_error_with_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let reports = generated_reports(d, 2, 5);
    for r in &reports {
        std::fs::set_permissions(r, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let ledger = d.join("evidence.db");
    assert_eq!(
        code(&soc2scan(
            &[
                "evidence",
                "import",
                "--ledger",
                arg(&ledger),
                arg(&reports[0])
            ],
            d
        )),
        0
    );

    let import_as_user = |ledger: &Path| {
        soc2scan_unprivileged(
            &[
                "evidence",
                "import",
                "--ledger",
                arg(ledger),
                arg(&reports[1]),
            ],
            d,
        )
    };

    // The file is read-only for the user: verifying works, importing says why not.
    std::fs::set_permissions(&ledger, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = soc2scan_unprivileged(&["evidence", "verify", "--ledger", arg(&ledger)], d);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = import_as_user(&ledger);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{}: cannot write", ledger.display())),
        "{}",
        text(&o)
    );

    // The file is writable but its directory is not (no room for the journal).
    std::fs::set_permissions(&ledger, std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = import_as_user(&ledger);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{}: cannot", ledger.display())),
        "{}",
        text(&o)
    );
    // A new ledger in that directory cannot be created.
    let o = import_as_user(&d.join("new.db"));
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("new.db: cannot"), "{}", text(&o));
    let v = Ledger::open_read_only(&ledger)
        .unwrap()
        .verify(None)
        .unwrap();
    assert!(v.intact() && v.size == 1, "{v:?}");
}
