//! The live AWS sweep against moto's server on 127.0.0.1: read-only guard, exact
//! inventories for seeded accounts, and faults injected by a proxy.

mod cli;
mod drift;
mod environments;
mod faults;
mod guard;
mod moto;
mod org;
mod proxy;
mod rules;
mod rules_kms_s3;
mod seed;
mod sweep;
mod versioning;

use serde_json::Value;
use soc2scan::model::Inventory;
use std::path::PathBuf;

/// The inventory as JSON with what moto generates at random (key ids, access key
/// ids, times) replaced by stable names, and every resource list sorted by address.
pub fn normalized(inv: &Inventory, names: &[(String, String)]) -> Value {
    let mut text = serde_json::to_string(inv).expect("inventory serializes");
    for (from, to) in names {
        text = text.replace(from.as_str(), to);
    }
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
        .expect("regex");
    let text = time.replace_all(&text, "<time>");
    // Load balancer and listener ids are random too.
    let lb_ids = regex::Regex::new(r"/[0-9a-f]{16}").expect("regex");
    let text = lb_ids.replace_all(&text, "/<id>");
    let mut v: Value = serde_json::from_str(&text).expect("json");
    if let Value::Object(map) = &mut v {
        map.retain(|_, list| !list.as_array().is_some_and(Vec::is_empty));
        for list in map.values_mut() {
            if let Value::Array(items) = list {
                items.sort_by_key(|i| {
                    (
                        i["meta"]["address"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        i.to_string(),
                    )
                });
            }
        }
    }
    v
}

/// Compares with `tests/live/expected/<name>.json`. With `SOC2SCAN_BLESS=1` the file
/// is written instead (review the diff before committing it).
pub fn assert_expected(name: &str, actual: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/live/expected")
        .join(format!("{name}.json"));
    let pretty = serde_json::to_string_pretty(actual).expect("json") + "\n";
    if std::env::var_os("SOC2SCAN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &pretty).expect("write expected");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected: Value = serde_json::from_str(&expected).expect("expected json");
    if &expected != actual {
        panic!(
            "inventory differs from {}; actual:\n{pretty}",
            path.display()
        );
    }
}
