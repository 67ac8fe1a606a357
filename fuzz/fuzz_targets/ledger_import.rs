//! `evidence import`: a JSON report read as a run, then appended to a ledger and the
//! ledger verified, as the command does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::evidence::ledger::Ledger;
use soc2scan::evidence::record::RunRecord;
use std::sync::OnceLock;

static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(run) = RunRecord::from_report_json(data) else {
        return;
    };
    let Some(dir) = DIR.get_or_init(|| tempfile::tempdir().ok()).as_ref() else {
        return;
    };
    let path = dir.path().join("evidence.db");
    let _ = std::fs::remove_file(&path);
    let Ok(mut ledger) = Ledger::open(&path) else {
        return;
    };
    if ledger.append(&run, None).is_ok() {
        let verified = ledger.verify(None).map(|v| v.intact());
        assert!(
            matches!(verified, Ok(true)),
            "a ledger holding one freshly appended run must verify: {verified:?}"
        );
    }
});
