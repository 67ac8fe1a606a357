//! A baseline file (`--baseline FILE`), read from disk as the scan reads it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::baseline::Baseline;
use std::sync::OnceLock;

static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(dir) = DIR.get_or_init(|| tempfile::tempdir().ok()).as_ref() else {
        return;
    };
    let path = dir.path().join("baseline.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(baseline) = Baseline::load(&path) {
        let _ = baseline.fingerprints();
        let _ = baseline.to_json();
    }
});
