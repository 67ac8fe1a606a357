//! The half-year end to end: appended to a real ledger, reported by the binary as
//! users run it, then with one stored row tampered with.

use super::fixture::{intact, params, window};
use super::scenario;
use soc2scan::evidence::audit::analyse;
use soc2scan::evidence::audit::render::{render, ReportFormat};
use soc2scan::evidence::audit::window::Cadence;
use soc2scan::evidence::ledger::Ledger;
use std::path::Path;
use std::process::{Command, Output};

fn report(ledger: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["evidence", "report", "--no-config", "--ledger"])
        .arg(ledger)
        .args(["--from", scenario::FROM, "--to", scenario::TO])
        .args(extra)
        .output()
        .expect("run soc2scan")
}

fn seeded(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("evidence.db");
    let mut ledger = Ledger::open(&path).expect("open ledger");
    for run in scenario::ledger() {
        ledger.append(&run.record, None).expect("append");
    }
    path
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn the_ledger_reports_what_was_appended_and_names_a_tampered_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = seeded(dir.path());

    // Through the ledger and the command, the report is the in-memory one, with the
    // ledger's verification on top.
    let out = report(&path, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got = json(&out);
    let ledger = got
        .as_object_mut()
        .and_then(|o| o.remove("ledger"))
        .expect("ledger");
    assert_eq!(ledger["intact"], true);
    assert!(
        ledger["statement"]
            .as_str()
            .expect("statement")
            .starts_with("intact: 357 runs"),
        "{ledger}"
    );
    assert_eq!(ledger["checkpoint"]["size"], 357);
    assert_eq!(ledger["checkpoint"]["signature"], "unsigned");
    let runs = scenario::ledger();
    let memory = analyse(
        &runs,
        &params(window(scenario::FROM, scenario::TO, Cadence::Daily)),
        intact(),
    );
    let mut want: serde_json::Value =
        serde_json::from_str(&render(&memory, ReportFormat::Json).expect("json")).expect("parse");
    want.as_object_mut().map(|o| o.remove("ledger"));
    assert_eq!(got, want);

    // One stored result changed: the exception's reason, as first carried by run 63.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    let changed = conn
        .execute(
            "UPDATE results SET body = replace(body, 'no customer data', 'no customer data at all')
             WHERE body LIKE '%no customer data%'",
            [],
        )
        .expect("tamper");
    assert!(changed > 0);
    drop(conn);
    let out = report(&path, &["--format", "html", "-o"]);
    assert_eq!(out.status.code(), Some(2), "-o needs a file");
    let html_path = dir.path().join("report.html");
    let out = report(
        &path,
        &["--format", "html", "-o", html_path.to_str().expect("utf8")],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a ledger that does not verify exits 1"
    );
    let html = std::fs::read_to_string(&html_path).expect("report written all the same");
    assert!(
        html.contains("Ledger verification FAILED</strong>: NOT intact: run 63 (run-63) altered"),
        "{}",
        &html[..html.len().min(3000)]
    );
    let out = report(&path, &["--format", "json"]);
    let statement = json(&out)["ledger"]["statement"]
        .as_str()
        .expect("statement")
        .to_string();
    assert_eq!(
        statement,
        "NOT intact: run 63 (run-63) altered: result row 4 was changed (ENC001 on aws_s3_bucket.logs)"
    );
}

#[test]
fn csv_weekly_and_bad_arguments() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = seeded(dir.path());
    let out = report(&path, &["--format", "csv", "--cadence", "weekly"]);
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with("control,date,source,state,runs,failures\nCC6.1,2026-01-01,all,pass,2,0\n"),
        "{}",
        &csv[..200]
    );

    for (args, message) in [
        (vec!["--format", "pdf"], "unknown report format \"pdf\""),
        (
            vec!["--format", "json", "--cadence", "hourly"],
            "invalid cadence \"hourly\"",
        ),
        (
            vec!["--format", "json", "--tz", "Europe/Paris"],
            "invalid --tz \"Europe/Paris\"",
        ),
    ] {
        let out = report(&path, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(message),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["evidence", "report", "--no-config", "--ledger"])
        .arg(&path)
        .args(["--from", "2026-02-30", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("invalid date \"2026-02-30\"; use YYYY-MM-DD"));
}
