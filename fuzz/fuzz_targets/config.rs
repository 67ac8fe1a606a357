//! `.soc2scan.toml`: parsed and validated against the embedded rule catalogue.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::config::FileConfig;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(catalogue) = soc2scan::catalogue::catalogue() else {
        return;
    };
    let _ = FileConfig::parse(text, Path::new(".soc2scan.toml"), catalogue);
});
