//! One Terraform file, loaded and evaluated as a root module (parse, expressions,
//! functions, count/for_each, policies), under the default evaluation budgets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::source::terraform::{scan, TfOptions};
use std::sync::OnceLock;

static ROOT: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(root) = ROOT.get_or_init(|| tempfile::tempdir().ok()).as_ref() else {
        return;
    };
    if std::fs::write(root.path().join("main.tf"), data).is_err() {
        return;
    }
    let _ = scan(&[root.path().to_path_buf()], &TfOptions::default(), |r| r);
});
