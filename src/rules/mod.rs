//! The rule registry: one line per rule. Metadata lives in `rules/<ID>.toml`, logic in
//! one file per rule under `src/rules/<area>/`.

pub mod context;
pub mod enc;
pub mod meta;
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
    Rule { id: "ENC001", check: enc::enc001::check },
    Rule { id: "TLS002", check: tls::tls002::check },
    Rule { id: "TLS003", check: tls::tls003::check },
    Rule { id: "ENC002", check: enc::enc002::check },
    Rule { id: "ENC003", check: enc::enc003::check },
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
