//! An IAM policy document as AWS returns it (JSON text), through every question the
//! rules ask of one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soc2scan::model::PolicyDocument;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = PolicyDocument::from_api_text(text) else {
        return;
    };
    let _ = doc.denies_insecure_transport();
    let _ = doc.grants_full_admin();
    let _ = doc.escalation_paths();
    for (_, statement) in doc.allow_statements() {
        let _ = statement.principal_is_public();
        let _ = statement.principal_accounts();
        let _ = statement.allows_public_access();
        let _ = statement.grants_all_actions();
        let _ = statement.resource_scope();
    }
});
