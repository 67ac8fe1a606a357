//! The crate's modules form layers: each imports only from layers below its own, so
//! none imports, directly or through others, from a module that imports it. The
//! units are the top-level modules of `src/`, with `source/terraform` and
//! `source/aws` apart (they are independent sources). Edges are the `crate::` paths
//! in non-test code; comments do not count. `docs/CONTRIBUTING.md` draws the same
//! picture.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn unit_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
    let first = parts.next().unwrap_or_default();
    let first = first.trim_end_matches(".rs").to_string();
    match (first.as_str(), parts.next()) {
        ("source", Some(second)) => format!("source/{}", second.trim_end_matches(".rs")),
        _ => first,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::a` and `crate::source::b` paths in code, before the file's test module.
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let pattern = regex::Regex::new(r"crate::(\w+)(?:::(\w+))?").expect("regex");
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or(line);
        for c in pattern.captures_iter(line) {
            let first = &c[1];
            match (first, c.get(2)) {
                ("source", Some(second)) => out.insert(format!("source/{}", second.as_str())),
                _ => out.insert(first.to_string()),
            };
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let unit = unit_of(&src, &file);
        let text = std::fs::read_to_string(&file).expect("read file");
        let targets = edges.entry(unit.clone()).or_default();
        for target in imports(&text) {
            if target != unit && !unit.starts_with(&format!("{target}/")) {
                targets.insert(target);
            }
        }
    }
    edges
}

/// The layers, top first. A unit imports only from units of layers below its own;
/// this list is the one place the allowed edges are written.
const LAYERS: &[&[&str]] = &[
    // The command line: parses arguments, prints, maps errors to exit codes.
    &["app"],
    // The command line's definition; the evidence ledger, which reads reports.
    &["cli", "evidence"],
    // Renders (and reads back) the pipeline's result.
    &["report"],
    // The pipeline: sources, rules, suppressions, over the resolved configuration.
    &["scan"],
    // The configuration loader; it hands rules their narrow `RuleSettings` view.
    &["config"],
    // Exceptions applied after the rules.
    &["suppress", "baseline"],
    // Rules judge the model; they never read the configuration loader.
    &["rules"],
    // Sources adapt what they read into the model.
    &["source/terraform", "source/aws"],
    &["catalogue", "environment", "provenance"],
    &["finding", "diagnostic"],
    &["model"],
];

fn layer_of(unit: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&unit))
}

/// Edges that do not point to a lower layer, and units missing from [`LAYERS`].
fn upward_edges(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, targets) in edges {
        for to in targets {
            match (layer_of(from), layer_of(to)) {
                (Some(a), Some(b)) if a < b => {}
                (Some(_), Some(_)) => bad.push(format!("{from} -> {to}")),
                (None, _) => bad.push(format!("{from} is not in LAYERS")),
                (_, None) => bad.push(format!("{to} is not in LAYERS")),
            }
        }
    }
    bad
}

/// A cycle through `start`, if there is one: the path back to it.
fn cycle_from(
    start: &str,
    edges: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let here = path.last().cloned().unwrap_or_else(|| start.to_string());
    for next in edges.get(&here).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            return Some(cycle);
        }
        if path.contains(next) {
            continue;
        }
        path.push(next.clone());
        if let Some(c) = cycle_from(start, edges, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let edges = graph();
    assert!(edges.len() > 10, "the crate's modules were found");
    for unit in edges.keys() {
        let mut path = vec![unit.clone()];
        if let Some(cycle) = cycle_from(unit, &edges, &mut path) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn every_import_points_to_a_lower_layer() {
    let bad = upward_edges(&graph());
    assert!(bad.is_empty(), "imports against the layers: {bad:?}");
}

/// Settings reach rules through `rules::RuleSettings`, which the loader fills and
/// the pipeline hands on: a rule that needs a new setting gets it added there, not
/// to the loader's `Settings`.
#[test]
fn rules_do_not_import_the_configuration_loader() {
    let edges = graph();
    let rules = edges.get("rules").expect("the rules module");
    assert!(!rules.contains("config"), "rules import config: {rules:?}");
}

#[test]
fn the_layer_check_sees_an_upward_edge() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges
        .entry("rules".into())
        .or_default()
        .insert("model".into());
    assert!(upward_edges(&edges).is_empty());
    edges
        .entry("rules".into())
        .or_default()
        .insert("config".into());
    edges
        .entry("nowhere".into())
        .or_default()
        .insert("model".into());
    assert_eq!(
        upward_edges(&edges),
        vec![
            "nowhere is not in LAYERS".to_string(),
            "rules -> config".to_string()
        ]
    );
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert!(cycle_from("a", &edges, &mut vec!["a".into()]).is_none());
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle_from("a", &edges, &mut vec!["a".into()]),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        imports("use crate::model::Tri; // see crate::app\nlet x = crate::source::aws::X;"),
        ["model".to_string(), "source/aws".to_string()].into()
    );
}
