//! The evidence ledger's storage and integrity: append and read back, shared rows,
//! each kind of tampering detected and named, concurrency, and refusal of files it
//! must not touch.

use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use soc2scan::evidence::ledger::{Appended, Ledger, LedgerError, ProblemKind};
use soc2scan::evidence::record::{ResultRecord, RunMeta, RunRecord};
use soc2scan::finding::{Severity, Status};
use soc2scan::provenance::{RuleSetting, SourceKind, SourceRecord};
use std::path::Path;
use std::sync::Arc;

pub fn result(source: &str, i: usize, version: u32) -> ResultRecord {
    ResultRecord {
        source: source.into(),
        rule_id: format!("ENC{:03}", i % 7),
        status: if version.is_multiple_of(2) {
            Status::Pass
        } else {
            Status::Fail
        },
        severity: Severity::High,
        controls: vec!["CC6.1".into(), "CC6.7".into()],
        resource: format!("aws_s3_bucket.b{i}"),
        resource_type: "aws_s3_bucket".into(),
        fingerprint: format!("{i:016x}"),
        environment: Some("production".into()),
        classification: None,
        location: Some(format!("main.tf:{}", i + version as usize)),
        message: format!("bucket b{i} \"quoted\" \u{1} é 😀 version {version}"),
        suppression: None,
    }
}

/// A run of day `day` (January 2026 onwards) with these results.
pub fn run(day: u32, results: Vec<Arc<ResultRecord>>) -> RunRecord {
    let date =
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
    RunRecord {
        run_id: format!("{:064x}", u64::from(day) * 1_000_003 + results.len() as u64),
        meta: RunMeta {
            started_at: format!("{date}T02:00:00Z"),
            finished_at: format!("{date}T02:01:00Z"),
            tool_version: "0.1.0".into(),
            schema: "soc2scan/report/v2".into(),
            host: Some("ci-runner".into()),
            ci: None,
            catalogue_digest: "c".repeat(64),
            config_digest: "d".repeat(64),
            rules: vec![RuleSetting {
                id: "ENC001".into(),
                enabled: true,
                severity: Severity::High,
                controls: vec!["CC6.1".into()],
            }],
            incomplete: false,
        },
        sources: vec![SourceRecord {
            key: "terraform:git@example.com/infra//.".into(),
            kind: SourceKind::Terraform,
            repository: Some("git@example.com/infra".into()),
            root: Some(".".into()),
            commit: Some("a".repeat(40)),
            branch: Some("main".into()),
            dirty: Some(false),
            account: None,
            region: None,
            services: vec![],
            rules: vec!["ENC001".into()],
            resources: results.len(),
            unknowns: 0,
            gaps: vec![],
        }],
        results,
    }
}

/// `days` runs of `n` results; on day d result d changes.
pub fn runs(days: u32, n: usize) -> Vec<RunRecord> {
    (0..days)
        .map(|d| {
            let results = (0..n)
                .map(|i| {
                    Arc::new(result(
                        "terraform:git@example.com/infra//.",
                        i,
                        u32::from(i == d as usize) * d,
                    ))
                })
                .collect();
            run(d, results)
        })
        .collect()
}

pub fn ledger_with(path: &Path, runs: &[RunRecord], key: Option<&SigningKey>) -> Ledger {
    let mut ledger = Ledger::open(path).unwrap();
    for r in runs {
        assert!(matches!(
            ledger.append(r, key).unwrap(),
            Appended::Added { .. }
        ));
    }
    ledger
}

fn sorted(mut r: RunRecord) -> RunRecord {
    r.results.sort_by(|a, b| {
        (&a.source, &a.rule_id, &a.fingerprint).cmp(&(&b.source, &b.rule_id, &b.fingerprint))
    });
    r
}

#[test]
fn runs_read_back_as_appended_sharing_unchanged_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let written = runs(5, 20);
    let ledger = ledger_with(&path, &written, None);
    let read = ledger.runs_all().unwrap();
    assert_eq!(read.len(), 5);
    for (i, (r, w)) in read.iter().zip(&written).enumerate() {
        assert_eq!(r.seq, i as u64 + 1);
        assert_eq!(r.record, sorted(w.clone()));
    }
    // Result 0 is the same in runs 2..5: one shared row.
    let find = |run: &soc2scan::evidence::record::LedgerRun, fp: &str| {
        run.record
            .results
            .iter()
            .find(|x| x.fingerprint == fp)
            .cloned()
            .unwrap()
    };
    let fp = format!("{:016x}", 0);
    assert!(Arc::ptr_eq(&find(&read[1], &fp), &find(&read[4], &fp)));
    assert!(!Arc::ptr_eq(
        &find(&read[1], &format!("{:016x}", 2)),
        &find(&read[2], &format!("{:016x}", 2))
    ));
    // 20 rows on day 0, then one changed row per day.
    let conn = Connection::open(&path).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 24);
    let v = ledger.verify(None).unwrap();
    assert!(v.intact(), "{:?}", v.problem);
    assert_eq!(v.size, 5);
    assert_eq!(v.checkpoint.unwrap().size, 5);
}

#[test]
fn a_window_reads_runs_by_their_start_time_in_log_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = runs(6, 3);
    // Run 6 started (by its clock) before run 5: the log keeps the append order.
    all[5].meta.started_at = "2026-01-02T23:00:00Z".into();
    let ledger = ledger_with(&dir.path().join("l.db"), &all, None);
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    let window = ledger
        .runs(
            Some(at("2026-01-02T00:00:00Z")),
            Some(at("2026-01-04T00:00:00Z")),
        )
        .unwrap();
    let seqs: Vec<u64> = window.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, vec![2, 3, 6]);
    assert_eq!(
        ledger
            .runs(None, Some(at("2026-01-02T00:00:00Z")))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn appending_the_same_run_twice_is_a_no_op_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let all = runs(2, 3);
    let mut ledger = ledger_with(&dir.path().join("l.db"), &all, None);
    assert_eq!(
        ledger.append(&all[0], None).unwrap(),
        Appended::AlreadyPresent { seq: 1 }
    );
    assert_eq!(ledger.runs_all().unwrap().len(), 2);
    assert_eq!(ledger.checkpoint().unwrap().unwrap().size, 2);
}

fn tampered(
    days: u32,
    key: Option<&SigningKey>,
    tamper: impl FnOnce(&Connection),
) -> (Vec<RunRecord>, soc2scan::evidence::ledger::Verification) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let all = runs(days, 10);
    drop(ledger_with(&path, &all, key));
    tamper(&Connection::open(&path).unwrap());
    let ledger = Ledger::open_read_only(&path).unwrap();
    let v = ledger
        .verify(key.map(|k| k.verifying_key()).as_ref())
        .unwrap();
    (all, v)
}

#[test]
fn one_byte_of_one_stored_result_changed_names_the_first_run_using_it() {
    let (all, v) = tampered(6, None, |c| {
        // Result 3 as it was before day 3 changed it: used by runs 1..3 and 5..6.
        let id: i64 = c
            .query_row("SELECT id FROM results WHERE body LIKE '%b3 \\\"quoted%version 0%' ORDER BY id LIMIT 1", [], |r| r.get(0))
            .unwrap();
        c.execute(
            "UPDATE results SET body = replace(body, 'version 0', 'version 1') WHERE id = ?1",
            [id],
        )
        .unwrap();
    });
    let p = v.problem.expect("tampering detected");
    assert_eq!((p.seq, p.kind), (1, ProblemKind::Altered), "{p}");
    assert_eq!(p.run_id.as_deref(), Some(all[0].run_id.as_str()));
    assert!(p.to_string().contains("ENC003 on aws_s3_bucket.b3"), "{p}");
}

#[test]
fn a_result_rewritten_with_its_hash_still_breaks_the_chain() {
    let (_, v) = tampered(4, None, |c| {
        c.execute(
            "UPDATE results SET body = replace(body, '\"pass\"', '\"fail\"') WHERE id = 1",
            [],
        )
        .unwrap();
        let body: String = c
            .query_row("SELECT body FROM results WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        let hash = sha2::Sha256::digest(body.as_bytes()).to_vec();
        c.execute("UPDATE results SET hash = ?1 WHERE id = 1", [hash])
            .unwrap();
    });
    let p = v.problem.expect("tampering detected");
    assert_eq!((p.seq, p.kind), (1, ProblemKind::Altered), "{p}");
}

use sha2::Digest;

#[test]
fn a_deleted_run_is_named() {
    let (_, v) = tampered(5, None, |c| {
        c.execute("DELETE FROM runs WHERE seq = 3", []).unwrap();
    });
    let p = v.problem.expect("deletion detected");
    assert_eq!((p.seq, p.kind), (3, ProblemKind::Removed), "{p}");
    // Renumbering the later runs to close the gap does not hide it.
    let (all, v) = tampered(5, None, |c| {
        c.execute("DELETE FROM runs WHERE seq = 3", []).unwrap();
        c.execute("UPDATE runs SET seq = seq - 1 WHERE seq > 3", [])
            .unwrap();
    });
    let p = v.problem.expect("deletion detected");
    assert_eq!((p.seq, p.kind), (3, ProblemKind::Removed), "{p}");
    assert_eq!(p.run_id.as_deref(), Some(all[3].run_id.as_str()));
    // Deleting the last run but not its checkpoint.
    let (_, v) = tampered(5, None, |c| {
        c.execute("DELETE FROM runs WHERE seq = 5", []).unwrap();
    });
    assert_eq!(
        v.problem.map(|p| (p.seq, p.kind)),
        Some((5, ProblemKind::Removed))
    );
}

#[test]
fn two_swapped_runs_are_named() {
    let (all, v) = tampered(6, None, |c| {
        c.execute_batch(
            "UPDATE runs SET seq = -2 WHERE seq = 2;
             UPDATE runs SET seq = 2 WHERE seq = 5;
             UPDATE runs SET seq = 5 WHERE seq = -2;",
        )
        .unwrap();
    });
    let p = v.problem.expect("swap detected");
    assert_eq!((p.seq, p.kind), (2, ProblemKind::Reordered), "{p}");
    assert_eq!(p.run_id.as_deref(), Some(all[4].run_id.as_str()));
    assert!(p.detail.contains("appended as run 5"), "{p}");
}

#[test]
fn a_checkpoint_signed_by_another_key_fails_verification() {
    let ours = SigningKey::from_bytes(&[1; 32]);
    let theirs = SigningKey::from_bytes(&[2; 32]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let all = runs(4, 5);
    let mut ledger = ledger_with(&path, &all[..3], Some(&ours));
    let v = ledger.verify(Some(&ours.verifying_key())).unwrap();
    assert!(v.intact(), "{:?}", v.problem);
    assert_eq!(v.signed, Some(3));
    ledger.append(&all[3], Some(&theirs)).unwrap();
    let p = ledger
        .verify(Some(&ours.verifying_key()))
        .unwrap()
        .problem
        .expect("other key detected");
    assert_eq!((p.seq, p.kind), (4, ProblemKind::BadSignature), "{p}");
    assert!(p.detail.contains("another key"), "{p}");
    // Replacing an earlier checkpoint's signature with the other key's is caught too.
    let c = Connection::open(&path).unwrap();
    let note: String = c
        .query_row("SELECT note FROM checkpoints WHERE size = 4", [], |r| {
            r.get(0)
        })
        .unwrap();
    let signature = note.split("\n\n").nth(1).unwrap().to_string();
    let old: String = c
        .query_row("SELECT note FROM checkpoints WHERE size = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    let forged = format!("{}\n\n{signature}", old.split("\n\n").next().unwrap());
    c.execute("UPDATE checkpoints SET note = ?1 WHERE size = 2", [forged])
        .unwrap();
    let p = ledger
        .verify(Some(&ours.verifying_key()))
        .unwrap()
        .problem
        .unwrap();
    assert_eq!((p.seq, p.kind), (2, ProblemKind::BadSignature), "{p}");
    // Without the key, signatures are not checked and the log itself holds.
    assert!(ledger.verify(None).unwrap().intact());
}

#[test]
fn an_unsigned_latest_checkpoint_fails_verification_with_a_key() {
    let key = SigningKey::from_bytes(&[1; 32]);
    let dir = tempfile::tempdir().unwrap();
    let all = runs(3, 5);
    let mut ledger = ledger_with(&dir.path().join("l.db"), &all[..2], Some(&key));
    ledger.append(&all[2], None).unwrap();
    let p = ledger
        .verify(Some(&key.verifying_key()))
        .unwrap()
        .problem
        .expect("unsigned head detected");
    assert_eq!((p.seq, p.kind), (3, ProblemKind::BadSignature), "{p}");
}

#[test]
fn an_altered_checkpoint_or_index_is_detected() {
    let (_, v) = tampered(3, None, |c| {
        c.execute(
            "UPDATE checkpoints SET time = '2020-01-01T00:00:00.000Z' WHERE size = 2",
            [],
        )
        .unwrap();
    });
    assert_eq!(
        v.problem.map(|p| (p.seq, p.kind)),
        Some((2, ProblemKind::Altered))
    );
    let (_, v) = tampered(3, None, |c| {
        c.execute("UPDATE runs SET started_ms = 0 WHERE seq = 3", [])
            .unwrap();
    });
    assert_eq!(
        v.problem.map(|p| (p.seq, p.kind)),
        Some((3, ProblemKind::Altered))
    );
    let (_, v) = tampered(3, None, |c| {
        c.execute("DELETE FROM checkpoints WHERE size = 2", [])
            .unwrap();
    });
    assert_eq!(
        v.problem.map(|p| (p.seq, p.kind)),
        Some((2, ProblemKind::Removed))
    );
}

#[test]
fn concurrent_appends_all_land_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let all = runs(8, 500);
    std::thread::scope(|s| {
        for chunk in all.chunks(2) {
            let path = &path;
            s.spawn(move || {
                let mut ledger = Ledger::open(path).unwrap();
                for r in chunk {
                    ledger.append(r, None).unwrap();
                }
            });
        }
    });
    let ledger = Ledger::open_read_only(&path).unwrap();
    let v = ledger.verify(None).unwrap();
    assert!(v.intact(), "{:?}", v.problem);
    assert_eq!(v.size, 8);
}

#[test]
fn a_newer_schema_or_another_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    drop(ledger_with(&path, &runs(1, 1), None));
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    for e in [
        Ledger::open(&path).err(),
        Ledger::open_read_only(&path).err(),
    ] {
        let e = e.expect("refused");
        assert!(matches!(e, LedgerError::Newer { found: 99, .. }), "{e}");
        assert!(
            e.to_string().contains("l.db") && e.to_string().contains("newer soc2scan"),
            "{e}"
        );
    }
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        Ledger::open(&other),
        Err(LedgerError::Foreign { .. })
    ));
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some text that is long enough",
    )
    .unwrap();
    let e = Ledger::open(&text).err().expect("refused");
    assert!(e.to_string().contains("notes.txt"), "{e}");
    assert!(matches!(
        Ledger::open_read_only(&dir.path().join("missing.db")),
        Err(LedgerError::Missing { .. })
    ));
}

/// scripts/verify-ledger.py: a third party's verifier, standard library only.
fn python_verify(path: &Path) -> (i32, String) {
    let o = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-ledger.py"))
        .arg(path)
        .output()
        .expect("python3 runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[test]
fn the_standalone_python_verifier_agrees() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let key = SigningKey::from_bytes(&[1; 32]);
    let ledger = ledger_with(&path, &runs(4, 30), Some(&key));
    let head = base64::engine::general_purpose::STANDARD.encode(ledger.verify(None).unwrap().head);
    let (code, out) = python_verify(&path);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("intact: 4 runs, head {head}")),
        "{out}"
    );
    drop(ledger);
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE results SET body = replace(body, 'version 0', 'version 9') WHERE id = 2",
            [],
        )
        .unwrap();
    let (code, out) = python_verify(&path);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("run 1 ") && out.contains("result row 2 was changed"),
        "{out}"
    );
}

#[test]
fn the_documented_openssl_recipe_checks_a_checkpoint_signature() {
    use soc2scan::evidence::ledger::keys;
    let dir = tempfile::tempdir().unwrap();
    let key_path = dir.path().join("evidence.key");
    keys::generate(&key_path, false).unwrap();
    let key = keys::load_signing_key(&key_path).unwrap();
    drop(ledger_with(
        &dir.path().join("evidence.db"),
        &runs(2, 3),
        Some(&key),
    ));
    let recipe = "python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
  \"SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1\").fetchone()[0], end=\"\")' evidence.db > note
head -n 3 note > body
sed -n 5p note | cut -d ' ' -f 3 | base64 -d | tail -c 64 > signature
openssl pkeyutl -verify -pubin -inkey evidence.key.pub -rawin -in body -sigfile signature";
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/evidence.md"))
            .unwrap();
    assert!(docs.contains(recipe), "docs/evidence.md gives this recipe");
    let run = |script: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let o = run(recipe);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&recipe.replace("> body", "> body && echo 3 >> body"));
    assert!(!o.status.success());
}
