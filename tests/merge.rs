//! `soc2scan merge`: reports of one scope merge into the same report, in any format,
//! and reports of another version, catalogue or configuration are refused by name.

use crate::cli::{code, soc2scan};
use serde_json::Value;
use std::path::Path;

/// A JSON report of the KMS fixtures, scanned in a scratch copy (`--no-config`).
fn scan(dir: &Path, name: &str, extra: &[&str]) -> Value {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/KMS001");
    let out = format!("json={}", dir.join(name).display());
    let mut args = vec![
        "scan",
        fixtures.to_str().unwrap_or_default(),
        "--no-config",
        "--fail-on",
        "none",
        "-f",
        &out,
    ];
    args.extend_from_slice(extra);
    let o = soc2scan(&args, dir);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    read(&dir.join(name))
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("json")
}

fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).expect("json")).expect("write");
}

#[test]
fn reports_of_one_scope_merge_into_the_same_results() {
    let dir = tempfile::tempdir().expect("dir");
    let one = scan(dir.path(), "a.json", &[]);
    scan(dir.path(), "b.json", &[]);
    let o = soc2scan(
        &[
            "merge",
            "a.json",
            "b.json",
            "-f",
            "json",
            "--fail-on",
            "none",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let merged: Value = serde_json::from_slice(&o.stdout).expect("merged json");
    // The same results once, not twice; the summary and sources computed again.
    for field in [
        "results",
        "summary",
        "rules",
        "diagnostics",
        "configuration",
    ] {
        assert_eq!(merged[field], one[field], "{field} differs");
    }
    let keys = |r: &Value| -> Vec<Value> {
        r["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| s["key"].clone())
            .collect()
    };
    assert_eq!(keys(&merged), keys(&one));
    assert!(!keys(&one).is_empty());

    // Other formats, and the gate: KMS001's fixtures hold failures.
    let o = soc2scan(
        &[
            "merge",
            "a.json",
            "b.json",
            "-f",
            "sarif",
            "--fail-on",
            "low",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let sarif: Value = serde_json::from_slice(&o.stdout).expect("sarif");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn reports_of_another_version_catalogue_or_configuration_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let good = scan(dir.path(), "good.json", &[]);
    // Another configuration: one rule only.
    scan(dir.path(), "narrow.json", &["--rule", "KMS001"]);
    let mut old = good.clone();
    old["tool"]["version"] = "0.0.1".into();
    write(&dir.path().join("old.json"), &old);
    let mut other = good.clone();
    other["catalogue_digest"] = "0".repeat(64).into();
    write(&dir.path().join("other.json"), &other);
    std::fs::write(dir.path().join("junk.json"), "{ not json").expect("write");

    for (second, says) in [
        ("old.json", "old.json: written by soc2scan 0.0.1, this is"),
        (
            "other.json",
            "other.json: judged by a different rule catalogue",
        ),
        (
            "narrow.json",
            "narrow.json: scanned with a different configuration",
        ),
        ("junk.json", "junk.json: not a soc2scan JSON report"),
        ("missing.json", "missing.json: "),
    ] {
        let o = soc2scan(&["merge", "good.json", second, "-f", "json"], dir.path());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{second}: {stderr}");
        assert!(stderr.contains(says), "{second}: {stderr}");
        assert!(o.stdout.is_empty(), "{second}: nothing is written");
    }
}
