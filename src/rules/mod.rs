//! The rules: metadata in `rules/<ID>.toml`, logic in `src/rules/<area>/<id>.rs` (its
//! `check` function), fixtures in `fixtures/terraform/<ID>/`. The registry and each
//! area's module declarations are generated from the TOML files by build.rs, so a
//! rule's id is written in its file names only.

pub mod context;
pub mod db;
pub mod drift;
pub mod enc;
pub mod env;
pub mod iam;
pub mod kms;

pub mod res;
pub mod settings;
pub mod tls;

use crate::catalogue::RuleMeta;
use crate::finding::Finding;
use crate::model::Inventory;
pub use context::Ctx;
use rayon::prelude::*;
pub use settings::RuleSettings;

/// A rule's logic: judge the inventory, report one result per evaluated resource.
pub type Check = fn(&Inventory, &mut Ctx);

pub struct Rule {
    pub id: &'static str,
    pub check: Check,
}

include!(concat!(env!("OUT_DIR"), "/rule_registry.rs"));

/// Run every rule that `selected` accepts over the inventory; results sorted
/// deterministically. Which rules run and at which severity is the configuration's
/// business, decided by the pipeline; rules only see their [`RuleSettings`].
pub fn run(
    inventory: &Inventory,
    settings: &RuleSettings,
    selected: &(dyn Fn(&RuleMeta) -> bool + Sync),
) -> Result<Vec<Finding>, crate::catalogue::CatalogueError> {
    let catalogue = crate::catalogue::catalogue()?;
    let mut results: Vec<Finding> = REGISTRY
        .par_iter()
        .filter_map(|rule| {
            let meta = catalogue.iter().find(|m| m.id == rule.id)?;
            if !selected(meta) {
                return None;
            }
            let mut ctx = Ctx::new(settings, meta);
            (rule.check)(inventory, &mut ctx);
            Some(ctx.into_results())
        })
        .flatten()
        .collect();
    // In parallel: a large estate has hundreds of thousands of results to order.
    results.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry and `rules/*.toml` agree one to one, the registry is sorted, and
    /// each rule's logic lives in `src/rules/<area>/<id>.rs` whose first line names
    /// the rule as its metadata does: the two halves of a rule cannot drift apart.
    #[test]
    fn registry_metadata_and_files_agree() {
        let catalogue = crate::catalogue::catalogue().expect("catalogue loads");
        let ids: Vec<&str> = REGISTRY.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "REGISTRY must be sorted by id, without duplicates"
        );
        let meta_ids: Vec<&str> = catalogue.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids, meta_ids,
            "every registered rule has rules/<ID>.toml and back"
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for m in catalogue {
            let area = m.id.trim_end_matches(|c: char| c.is_ascii_digit());
            let file = root
                .join("src/rules")
                .join(area.to_ascii_lowercase())
                .join(format!("{}.rs", m.id.to_ascii_lowercase()));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let first = text.lines().next().unwrap_or_default();
            assert!(
                first.starts_with(&format!("//! {} {}", m.id, m.name)),
                "{}: first line should name `{} {}`, is `{first}`",
                file.display(),
                m.id,
                m.name
            );
        }
        // And back: a rule file without its TOML would never run.
        for area in std::fs::read_dir(root.join("src/rules")).expect("src/rules") {
            let area = area.expect("entry").path();
            let Some(prefix) = area.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Ok(entries) = std::fs::read_dir(&area) else {
                continue;
            };
            for file in entries {
                let name = file.expect("entry").file_name();
                let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".rs")) else {
                    continue;
                };
                let digits = stem.strip_prefix(prefix).unwrap_or_default();
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    let id = stem.to_ascii_uppercase();
                    assert!(
                        ids.contains(&id.as_str()),
                        "src/rules/{prefix}/{stem}.rs has no rules/{id}.toml"
                    );
                }
            }
        }
    }
}
