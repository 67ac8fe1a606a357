//! Generates two tables from `rules/<ID>.toml`, so a rule is declared by its files
//! alone and its id is written nowhere else:
//! - `RULE_TOML`: every rule file's text, embedded, so rule text and SOC 2 mapping live
//!   in one reviewable place and the binary needs no data files at run time;
//! - `REGISTRY`: one entry per rule, pointing at `src/rules/<area>/<id>.rs`'s `check`.
//!   A TOML file without its Rust file is a compile error naming the missing module.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();

    let mut toml = String::from("/// `(file name, contents)` of every rules/*.toml, sorted by name.\npub static RULE_TOML: &[(&str, &str)] = &[\n");
    let mut registry = String::from("/// Every rule, sorted by id: one per `rules/<ID>.toml`.\npub static REGISTRY: &[Rule] = &[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let Some(id) = f.file_stem().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let _ = writeln!(
            toml,
            "    ({:?}, include_str!({:?})),",
            format!("{id}.toml"),
            f.display().to_string()
        );
        let module = id.to_ascii_lowercase();
        let area = module.trim_end_matches(|c: char| c.is_ascii_digit());
        let _ = writeln!(
            registry,
            "    Rule {{ id: {id:?}, check: {area}::{module}::check }},"
        );
    }
    toml.push_str("];\n");
    registry.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out.join("rule_toml.rs"), toml).expect("write rule_toml.rs");
    std::fs::write(out.join("rule_registry.rs"), registry).expect("write rule_registry.rs");
}
