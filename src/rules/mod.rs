//! The rule registry: one line per rule. Metadata lives in `rules/<ID>.toml`, logic in
//! one file per rule under `src/rules/<area>/`.

pub mod context;
pub mod enc;
pub mod env;
pub mod iam;
pub mod kms;
pub mod meta;
pub mod res;
pub mod tls;

use crate::config::Settings;
use crate::finding::Finding;
use crate::model::Inventory;
pub use context::Ctx;
use rayon::prelude::*;

/// A rule's logic: judge the inventory, report one result per evaluated resource.
pub type Check = fn(&Inventory, &mut Ctx);

pub struct Rule {
    pub id: &'static str,
    pub check: Check,
}

/// Every implemented rule, by id. Keep sorted.
pub static REGISTRY: &[Rule] = &[
    Rule {
        id: "ENC001",
        check: enc::enc001::check,
    },
    Rule {
        id: "ENC002",
        check: enc::enc002::check,
    },
    Rule {
        id: "ENC003",
        check: enc::enc003::check,
    },
    Rule {
        id: "ENC004",
        check: enc::enc004::check,
    },
    Rule {
        id: "ENC005",
        check: enc::enc005::check,
    },
    Rule {
        id: "ENC006",
        check: enc::enc006::check,
    },
    Rule {
        id: "ENC007",
        check: enc::enc007::check,
    },
    Rule {
        id: "ENC008",
        check: enc::enc008::check,
    },
    Rule {
        id: "ENC009",
        check: enc::enc009::check,
    },
    Rule {
        id: "ENC010",
        check: enc::enc010::check,
    },
    Rule {
        id: "ENC011",
        check: enc::enc011::check,
    },
    Rule {
        id: "ENC012",
        check: enc::enc012::check,
    },
    Rule {
        id: "ENC013",
        check: enc::enc013::check,
    },
    Rule {
        id: "ENC014",
        check: enc::enc014::check,
    },
    Rule {
        id: "ENC015",
        check: enc::enc015::check,
    },
    Rule {
        id: "ENV001",
        check: env::env001::check,
    },
    Rule {
        id: "ENV002",
        check: env::env002::check,
    },
    Rule {
        id: "ENV003",
        check: env::env003::check,
    },
    Rule {
        id: "ENV004",
        check: env::env004::check,
    },
    Rule {
        id: "ENV005",
        check: env::env005::check,
    },
    Rule {
        id: "ENV006",
        check: env::env006::check,
    },
    Rule {
        id: "ENV007",
        check: env::env007::check,
    },
    Rule {
        id: "IAM001",
        check: iam::iam001::check,
    },
    Rule {
        id: "IAM002",
        check: iam::iam002::check,
    },
    Rule {
        id: "IAM003",
        check: iam::iam003::check,
    },
    Rule {
        id: "IAM004",
        check: iam::iam004::check,
    },
    Rule {
        id: "IAM005",
        check: iam::iam005::check,
    },
    Rule {
        id: "IAM006",
        check: iam::iam006::check,
    },
    Rule {
        id: "IAM007",
        check: iam::iam007::check,
    },
    Rule {
        id: "IAM008",
        check: iam::iam008::check,
    },
    Rule {
        id: "IAM009",
        check: iam::iam009::check,
    },
    Rule {
        id: "IAM010",
        check: iam::iam010::check,
    },
    Rule {
        id: "IAM011",
        check: iam::iam011::check,
    },
    Rule {
        id: "IAM012",
        check: iam::iam012::check,
    },
    Rule {
        id: "IAM013",
        check: iam::iam013::check,
    },
    Rule {
        id: "IAM014",
        check: iam::iam014::check,
    },
    Rule {
        id: "KMS001",
        check: kms::kms001::check,
    },
    Rule {
        id: "KMS002",
        check: kms::kms002::check,
    },
    Rule {
        id: "KMS003",
        check: kms::kms003::check,
    },
    Rule {
        id: "KMS004",
        check: kms::kms004::check,
    },
    Rule {
        id: "KMS005",
        check: kms::kms005::check,
    },
    Rule {
        id: "RES001",
        check: res::res001::check,
    },
    Rule {
        id: "RES002",
        check: res::res002::check,
    },
    Rule {
        id: "RES003",
        check: res::res003::check,
    },
    Rule {
        id: "TLS001",
        check: tls::tls001::check,
    },
    Rule {
        id: "TLS002",
        check: tls::tls002::check,
    },
    Rule {
        id: "TLS003",
        check: tls::tls003::check,
    },
    Rule {
        id: "TLS004",
        check: tls::tls004::check,
    },
    Rule {
        id: "TLS005",
        check: tls::tls005::check,
    },
    Rule {
        id: "TLS006",
        check: tls::tls006::check,
    },
    Rule {
        id: "TLS007",
        check: tls::tls007::check,
    },
    Rule {
        id: "TLS008",
        check: tls::tls008::check,
    },
    Rule {
        id: "TLS009",
        check: tls::tls009::check,
    },
    Rule {
        id: "TLS010",
        check: tls::tls010::check,
    },
    Rule {
        id: "TLS011",
        check: tls::tls011::check,
    },
    Rule {
        id: "TLS012",
        check: tls::tls012::check,
    },
];

/// Run every enabled rule over the inventory; results sorted deterministically.
pub fn run(inventory: &Inventory, settings: &Settings) -> Result<Vec<Finding>, String> {
    let catalogue = meta::catalogue()?;
    let mut results: Vec<Finding> = REGISTRY
        .par_iter()
        .filter_map(|rule| {
            let meta = catalogue.iter().find(|m| m.id == rule.id)?;
            if !settings.rule_enabled(meta) {
                return None;
            }
            let mut ctx = Ctx::new(settings, meta);
            (rule.check)(inventory, &mut ctx);
            Some(ctx.into_results())
        })
        .flatten()
        .collect();
    for f in &mut results {
        if let Some(sev) = settings.severity_override(f.rule_id) {
            f.severity = sev;
            f.severity_reason = Some(format!("set to {sev} by configuration"));
        }
    }
    results.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
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
        let catalogue = meta::catalogue().expect("catalogue loads");
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
    }
}
