//! The fixture harness: every rule's Terraform fixtures under `fixtures/terraform/<ID>/`
//! carry their expected results as comments on the resource line:
//!
//! - `# expect: ENC001` — one failure of ENC001 reported at this line (`ENC001*3` for
//!   three instances, `ENC001, KMS001` for several rules);
//! - `# expect-unknown: ENC001` — an `unknown` result at this line.
//!
//! Each directory is scanned with only its rule enabled, and the failures and
//! unknowns must match the markers exactly: a missing or an extra result fails. The
//! rule must also report at least one pass, so a rule that reports nothing cannot
//! pass its fixtures.

use soc2scan::config::{CliOverrides, Config, Settings, CONFIG_FILE_NAME};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Key = (String, usize, String, &'static str);

pub fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("terraform")
}

fn rule_dirs() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(fixture_root())
        .expect("fixtures/terraform exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            let is_rule = name.len() >= 6
                && name.chars().take_while(|c| c.is_ascii_uppercase()).count() >= 3
                && name.chars().rev().take(3).all(|c| c.is_ascii_digit());
            is_rule.then_some((name, p))
        })
        .collect();
    out.sort();
    out
}

/// Parse `# expect:` / `# expect-unknown:` markers of every .tf file under `dir`.
pub fn expected(dir: &Path) -> BTreeMap<Key, usize> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("readable fixture dir")
            .flatten()
        {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "tf") {
                continue;
            }
            let rel = p
                .strip_prefix(dir)
                .expect("under fixture dir")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("readable fixture");
            for (i, line) in text.lines().enumerate() {
                for (marker, status) in [("# expect-unknown:", "unknown"), ("# expect:", "fail")] {
                    if let Some(pos) = line.find(marker) {
                        for item in line[pos + marker.len()..].split(',') {
                            let item = item.trim();
                            let (id, n) = match item.split_once('*') {
                                Some((id, n)) => {
                                    (id.trim(), n.trim().parse::<usize>().expect("count after *"))
                                }
                                None => (item, 1),
                            };
                            *out.entry((rel.clone(), i + 1, id.to_string(), status))
                                .or_insert(0) += n;
                        }
                    }
                }
            }
        }
    }
    out
}

/// Only the directory's rule runs, under the directory's `.soc2scan.toml` when it has
/// one (rules with settings, such as trusted accounts, need it).
fn settings_for(id: &str, dir: &Path) -> Settings {
    let cli = CliOverrides {
        only_rules: [id.to_string()].into(),
        ..CliOverrides::default()
    };
    let config = dir.join(CONFIG_FILE_NAME);
    let file = config
        .is_file()
        .then(|| Config::load(&config).unwrap_or_else(|e| panic!("{}: {e}", config.display())));
    Settings::resolve(file.as_ref(), &cli)
}

/// Scan `dir` under `settings` and compare its failures and unknowns with the markers
/// exactly. Returns the mismatches (each prefixed with `label`) and the number of passes.
pub fn check_dir(label: &str, dir: &Path, settings: Settings) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let req = ScanRequest {
        paths: vec![dir.to_path_buf()],
        settings,
        ..ScanRequest::default()
    };
    let outcome = run(&req).expect("catalogue loads");
    for d in &outcome.report.diagnostics {
        if d.level == soc2scan::diagnostic::Level::Error {
            failures.push(format!("{label}: fixture has a scan error: {}", d.render()));
        }
    }
    let mut actual: BTreeMap<Key, usize> = BTreeMap::new();
    let mut passes = 0;
    for f in &outcome.report.findings {
        let status = match f.status {
            Status::Fail | Status::Suppressed => "fail",
            Status::Unknown => "unknown",
            Status::Pass => {
                passes += 1;
                continue;
            }
        };
        let loc = f.location().expect("terraform findings have locations");
        *actual
            .entry((
                loc.file.clone(),
                loc.start_line,
                f.rule_id.to_string(),
                status,
            ))
            .or_insert(0) += 1;
    }
    let want = expected(dir);
    for (k, n) in &want {
        let got = actual.get(k).copied().unwrap_or(0);
        if got != *n {
            failures.push(format!(
                "{label}: {}:{} expected {n} {} {}, got {got}",
                k.0, k.1, k.3, k.2
            ));
        }
    }
    for (k, n) in &actual {
        if !want.contains_key(k) {
            let msgs: Vec<&str> = outcome
                .report
                .findings
                .iter()
                .filter(|f| {
                    f.location()
                        .is_some_and(|l| l.file == k.0 && l.start_line == k.1)
                })
                .map(|f| f.message.as_str())
                .collect();
            failures.push(format!(
                "{label}: {}:{} unexpected {n} {} {}: {msgs:?}",
                k.0, k.1, k.3, k.2
            ));
        }
    }
    (failures, passes)
}

#[test]
fn every_rule_matches_its_fixtures_exactly() {
    let dirs = rule_dirs();
    assert!(!dirs.is_empty(), "no fixture directories found");
    let mut failures = Vec::new();
    for (id, dir) in &dirs {
        let (mut mismatches, passes) = check_dir(id, dir, settings_for(id, dir));
        failures.append(&mut mismatches);
        if passes == 0 {
            failures.push(format!("{id}: fixtures produced no passing result"));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// Every rule that reads Terraform has a fixture directory (environment rules, which
/// need several roots, may instead be marked in the `environments` trees), and every
/// fixture directory belongs to a rule: a rule cannot ship untested, nor a fixture
/// outlive it.
#[test]
fn every_terraform_rule_has_fixtures() {
    let catalogue = soc2scan::catalogue::catalogue().expect("catalogue loads");
    let dirs: std::collections::BTreeSet<String> =
        rule_dirs().into_iter().map(|(id, _)| id).collect();
    let mut covered = dirs.clone();
    for tree in ["environments", "environments-noconfig"] {
        covered.extend(
            expected(&fixture_root().join(tree))
                .into_keys()
                .map(|k| k.2),
        );
    }
    for r in soc2scan::rules::REGISTRY {
        let meta = catalogue
            .iter()
            .find(|m| m.id == r.id)
            .expect("registered rules have metadata");
        if !meta.terraform.is_empty() {
            assert!(
                covered.contains(r.id),
                "{} reads Terraform but has no fixtures/terraform/{}/",
                r.id,
                r.id
            );
        }
    }
    for d in &dirs {
        assert!(
            soc2scan::rules::REGISTRY.iter().any(|r| r.id == d),
            "fixtures/terraform/{d}/ belongs to no registered rule"
        );
    }
}
