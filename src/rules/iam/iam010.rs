//! IAM010 iam-root-access-key: the account's root user has an active access key. Root
//! keys cannot be limited by any IAM policy or permissions boundary; a leaked one
//! hands over the whole account. AWS's guidance is to have none. One result per
//! account, from the IAM credential report (the only API that shows root keys):
//! unknown when the report could not be read or has no root row. Live only.

use crate::model::account::CredentialReport;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for report in &inv.credential_reports {
        judge(report, ctx);
    }
}

fn judge(report: &CredentialReport, ctx: &mut Ctx) {
    let meta = &report.meta;
    let Tri::Known(rows) = &report.rows else {
        ctx.unknown(
            meta,
            "the credential report could not be generated or read, so the root user's access keys are unknown",
        );
        return;
    };
    let Some(root) = rows.iter().find(|r| r.root) else {
        ctx.unknown(meta, "the credential report has no row for the root user");
        return;
    };
    let active: Vec<usize> = root
        .access_keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.active == Tri::Known(true))
        .map(|(i, _)| i + 1)
        .collect();
    let unknown = root.access_keys.iter().any(|k| !k.active.is_known());
    match active.as_slice() {
        [] if unknown => ctx.unknown(
            meta,
            "the credential report does not say whether the root user's access keys are active",
        ),
        [] => ctx.pass(meta, "the root user has no active access key"),
        keys => {
            let which: Vec<String> = keys.iter().map(|n| format!("access_key_{n}")).collect();
            ctx.fail(
                meta,
                format!(
                    "the root user has {} active access key{} ({}); delete {} (sign in as root, Security credentials) and use IAM roles instead",
                    keys.len(),
                    if keys.len() == 1 { "" } else { "s" },
                    which.join(", "),
                    if keys.len() == 1 { "it" } else { "them" },
                ),
            );
        }
    }
}
