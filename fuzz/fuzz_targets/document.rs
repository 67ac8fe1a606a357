//! A `terraform show -json` plan or a `terraform.tfstate`, told apart by content and
//! read into resources as the scan reads them (values, unknowns, sensitive paths,
//! references through module calls, locations).
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::source::terraform::document::{read_bytes, DocumentInput};

fuzz_target!(|data: &[u8]| {
    let input = DocumentInput {
        path: "plan.json".into(),
        kind: None,
        source: None,
    };
    let _ = read_bytes(data, "plan.json", &input);
});
