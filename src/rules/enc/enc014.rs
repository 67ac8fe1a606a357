//! ENC014 opensearch-at-rest-off: an OpenSearch or Elasticsearch domain whose indices,
//! logs, swap and automated snapshots are not encrypted at rest. Without an
//! `encrypt_at_rest` block the provider creates the domain unencrypted.

use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.opensearch_domains {
        match d.encrypt_at_rest {
            Tri::Known(true) => {
                let key = match &d.kms_key {
                    Tri::Known(k) => format!("key {}", key_label(k)),
                    _ => "the AWS-managed aws/es key".to_string(),
                };
                ctx.pass(&d.meta, format!("domain encrypts data at rest with {key}"));
            }
            Tri::Unknown(gap) => ctx.unknown(&d.meta, format!("encrypt_at_rest.enabled is {gap}")),
            Tri::Known(false) => ctx.fail(
                &d.meta,
                "domain does not encrypt data at rest (encrypt_at_rest.enabled = false); set enabled = true",
            ),
            Tri::Absent => ctx.fail(
                &d.meta,
                "domain does not encrypt data at rest (no encrypt_at_rest block, which defaults to off); add encrypt_at_rest { enabled = true }",
            ),
        }
    }
}
