//! ENC006 dynamodb-not-cmk: a DynamoDB table (or replica) not encrypted with a
//! customer-managed key. DynamoDB always encrypts at rest, but without
//! `server_side_encryption` it uses an AWS-owned key (no key policy, no CloudTrail
//! record of use) and with it but no `kms_key_arn` the AWS-managed `aws/dynamodb` key
//! (whose policy the customer cannot change). Replicas of a global table are judged
//! with it: each region's replica needs its own customer-managed key.

use crate::model::datastores::DynamoTable;
use crate::model::kms::key_label;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for t in &inv.dynamo_tables {
        let what = if t.meta.kind == "aws_dynamodb_table_replica" {
            "replica"
        } else {
            "table"
        };
        let key = match (&t.sse_enabled, &t.kms_key) {
            (Tri::Unknown(gap), _) => {
                ctx.unknown(&t.meta, format!("server_side_encryption.enabled is {gap}"));
                continue;
            }
            (Tri::Known(false) | Tri::Absent, _) => {
                let why = if t.sse_enabled.is_absent() {
                    "no server_side_encryption block"
                } else {
                    "server_side_encryption.enabled = false"
                };
                ctx.fail(
                    &t.meta,
                    format!("{what} is encrypted only with an AWS-owned key ({why}); add server_side_encryption {{ enabled = true, kms_key_arn = <customer-managed key> }}"),
                );
                continue;
            }
            (Tri::Known(true), Tri::Absent) => {
                ctx.fail(
                    &t.meta,
                    format!("{what} uses the AWS-managed aws/dynamodb key (no kms_key_arn); set kms_key_arn to a customer-managed key"),
                );
                continue;
            }
            (Tri::Known(true), Tri::Known(k)) if k.is_aws_managed_alias() => {
                ctx.fail(
                    &t.meta,
                    format!("{what} uses the AWS-managed key {}; set kms_key_arn to a customer-managed key", key_label(k)),
                );
                continue;
            }
            (Tri::Known(true), Tri::Unknown(gap)) => {
                ctx.unknown(
                    &t.meta,
                    format!("whether kms_key_arn names a customer-managed key is {gap}"),
                );
                continue;
            }
            (Tri::Known(true), Tri::Known(k)) => key_label(k),
        };
        match replicas(t) {
            Ok(()) => ctx.pass(
                &t.meta,
                format!(
                    "encrypted with customer-managed key {key}{}",
                    if t.replicas.is_empty() {
                        ""
                    } else {
                        ", replicas too"
                    }
                ),
            ),
            Err((false, why)) => ctx.fail(&t.meta, why),
            Err((true, why)) => ctx.unknown(&t.meta, why),
        }
    }
}

/// Replicas without a customer-managed key: `Err((is_unknown, message))`.
fn replicas(t: &DynamoTable) -> Result<(), (bool, String)> {
    let mut unknown = None;
    for r in &t.replicas {
        let region = r
            .region
            .known()
            .map_or("(region not known)", String::as_str);
        match &r.kms_key {
            Tri::Absent => {
                return Err((false, format!("replica in {region} uses the AWS-managed aws/dynamodb key (no kms_key_arn in its replica block); set kms_key_arn to a customer-managed key of that region")));
            }
            Tri::Known(k) if k.is_aws_managed_alias() => {
                return Err((false, format!("replica in {region} uses the AWS-managed key {}; set kms_key_arn to a customer-managed key of that region", key_label(k))));
            }
            Tri::Unknown(gap) => {
                unknown = Some(format!(
                    "whether the replica in {region} uses a customer-managed key is {gap}"
                ));
            }
            Tri::Known(_) => {}
        }
    }
    if t.replicas_unknown {
        unknown = Some(format!(
            "replicas come from a dynamic block over values {}",
            t.meta.wording.gap
        ));
    }
    match unknown {
        Some(why) => Err((true, why)),
        None => Ok(()),
    }
}
