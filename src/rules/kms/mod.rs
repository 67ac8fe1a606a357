//! Key management (CC6.1, C1.2, CC9.1).

// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/kms.rs"));

use crate::model::kms::KmsKey;
use crate::model::policy::Statement;
use crate::model::{Inventory, PolicyDocument, Tri};
use crate::rules::Ctx;

/// The keys every KMS rule judges: AWS-managed keys (live) get no result, since AWS
/// writes their policies and rotation and customers cannot change them.
fn customer_keys(inv: &Inventory) -> impl Iterator<Item = &KmsKey> {
    inv.kms_keys
        .iter()
        .filter(|k| k.customer_managed != Tri::Known(false))
}

/// The key policy KMS002 and KMS003 judge. A key without one has the default policy,
/// which trusts only the key's own account: it passes with `default_pass`. An unknown
/// policy is reported as `unknown_what` cannot be judged, with why in its source's
/// terms. Either way `None`: nothing is left to judge.
fn key_policy<'k>(
    k: &'k KmsKey,
    ctx: &mut Ctx,
    default_pass: &str,
    unknown_what: &str,
) -> Option<&'k PolicyDocument> {
    match &k.policy {
        Tri::Known(doc) => Some(doc),
        Tri::Absent => {
            ctx.pass(&k.meta, default_pass);
            None
        }
        Tri::Unknown(_) => {
            let why = k.meta.wording.key_policy_unknown;
            ctx.unknown(&k.meta, format!("{unknown_what} cannot be judged: {why}"));
            None
        }
    }
}

/// The action part of a key policy statement as written: `kms:*`, `*`, or `every
/// action except ...`.
fn actions(s: &Statement) -> String {
    match (&s.action, &s.not_action) {
        (Some(list), _) => list.written(),
        (None, Some(list)) => format!("every action except {}", list.written()),
        (None, None) => "no action".to_string(),
    }
}
