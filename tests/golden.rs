//! Behaviour lock for refactoring: the JSON report of the bundled fixtures and of the
//! shared corpus (`../shared/corpus`), without what says when, where and from which
//! commit it ran, must stay byte for byte what `tests/golden/*.json.gz` holds.
//!
//! A change that is meant to change results regenerates the files with
//! `SOC2SCAN_UPDATE_GOLDEN=1 cargo test golden`, and the diff of the commit shows
//! exactly which results moved. On a mismatch the actual report is written beside the
//! test's target directory and the first differing line is shown.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::cli::soc2scan;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Drop what varies between runs and machines: times, host and CI, the git state of
/// the scanned roots, and absolute paths (`<scanned>`, and `<repository>` for the
/// work tree that holds the fixtures).
fn normalise(report: &mut Value, scanned: &Path) {
    let Some(top) = report.as_object_mut() else {
        panic!("the report is not an object");
    };
    for volatile in ["started_at", "finished_at", "invocation", "scanned_paths"] {
        top.remove(volatile);
    }
    if let Some(Value::Array(sources)) = top.get_mut("sources") {
        for source in sources.iter_mut().filter_map(Value::as_object_mut) {
            for volatile in ["commit", "branch", "dirty", "repository"] {
                source.remove(volatile);
            }
        }
    }
    let absolute = scanned.display().to_string();
    let text = serde_json::to_string_pretty(report).expect("serialise");
    let repository = repo()
        .canonicalize()
        .expect("repository path")
        .display()
        .to_string();
    let text = text
        .replace(&absolute, "<scanned>")
        .replace(&repository, "<repository>");
    // A source key names the repository by its remote when it has one, and a clone's
    // remote differs from machine to machine.
    let remote = regex::Regex::new(r#""terraform:[^"]*?//"#).expect("regex");
    let text = remote.replace_all(&text, r#""terraform:<repository>//"#);
    *report = serde_json::from_str(&text).expect("reparse");
}

fn check(name: &str, scanned: &Path) {
    let scanned = scanned.canonicalize().expect("scanned path exists");
    let out = soc2scan(
        &[
            "scan",
            &scanned.display().to_string(),
            "-f",
            "json",
            "--fail-on",
            "none",
            "--allow-incomplete",
        ],
        &repo(),
    );
    let mut report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: no JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    normalise(&mut report, &scanned);
    let actual = serde_json::to_string_pretty(&report).expect("serialise") + "\n";

    let golden = repo().join("tests/golden").join(format!("{name}.json.gz"));
    if std::env::var_os("SOC2SCAN_UPDATE_GOLDEN").is_some() {
        let file = std::fs::File::create(&golden).expect("create golden file");
        let mut gz = GzEncoder::new(file, flate2::Compression::best());
        gz.write_all(actual.as_bytes()).expect("write golden file");
        gz.finish().expect("finish golden file");
        return;
    }
    let mut expected = String::new();
    GzDecoder::new(std::fs::File::open(&golden).expect("golden file exists"))
        .read_to_string(&mut expected)
        .expect("read golden file");
    if actual != expected {
        let dump = repo().join(format!("target/golden-{name}.actual.json"));
        let _ = std::fs::write(&dump, &actual);
        let (line, (want, got)) = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((
                expected.lines().count().min(actual.lines().count()),
                ("<end>", "<end>"),
            ));
        panic!(
            "{name}: the report differs from {} at line {}:\n  golden: {want}\n  actual: {got}\n\
             the whole report is in {}; if the change is intended, rerun with \
             SOC2SCAN_UPDATE_GOLDEN=1",
            golden.display(),
            line + 1,
            dump.display()
        );
    }
}

#[test]
fn the_fixtures_report_is_unchanged() {
    check("fixtures", &repo().join("fixtures"));
}

#[test]
fn the_corpus_report_is_unchanged() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.is_dir() {
        // CI always has ../shared beside the clone; a developer machine may not.
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing"
        );
        eprintln!("skipped: ../shared/corpus is not beside the repository");
        return;
    }
    check("corpus", &corpus);
}
