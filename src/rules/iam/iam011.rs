//! IAM011 iam-console-user-no-mfa: an IAM user who can sign in to the console with a
//! password and has no MFA device. A password alone falls to phishing and credential
//! stuffing; MFA on every interactive login is a baseline CC6.1 control.
//!
//! One result per IAM user row of the credential report, on the user (its
//! GetAccountAuthorizationDetails entry when the inventory has it). The root user is
//! not judged here: its row always says `not_supported` for the password. Users
//! without a password pass (they cannot sign in to the console). Live only.

use crate::model::account::CredentialReportRow;
use crate::model::{Inventory, Meta, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for report in &inv.credential_reports {
        let Tri::Known(rows) = &report.rows else {
            continue;
        };
        for row in rows.iter().filter(|r| !r.root) {
            let meta = user_meta(inv, row, &report.meta);
            judge(row, &meta, ctx);
        }
    }
}

/// The user's own `Meta` (tags, classification) when the inventory has the user,
/// else one derived from the report, named by the user's ARN.
fn user_meta(inv: &Inventory, row: &CredentialReportRow, report: &Meta) -> Meta {
    if let Some(u) = inv
        .iam_users
        .iter()
        .find(|u| u.meta.arn.as_deref() == Some(row.arn.as_str()))
    {
        return u.meta.clone();
    }
    let mut meta = report.clone();
    meta.address = row.arn.clone();
    meta.kind = "aws_iam_user".to_string();
    meta.arn = Some(row.arn.clone());
    meta.name = Some(row.user.clone());
    meta
}

fn judge(row: &CredentialReportRow, meta: &Meta, ctx: &mut Ctx) {
    let user = &row.user;
    match (&row.password_enabled, &row.mfa_active) {
        (Tri::Known(false), _) => ctx.pass(
            meta,
            format!("user {user} has no console password"),
        ),
        (Tri::Known(true), Tri::Known(true)) => ctx.pass(
            meta,
            format!("user {user} has a console password and an active MFA device"),
        ),
        (Tri::Known(true), Tri::Known(false)) => ctx.fail(
            meta,
            format!(
                "user {user} can sign in to the console with a password and has no MFA device; assign one (aws iam enable-mfa-device) or remove the login profile"
            ),
        ),
        (Tri::Known(true), _) => ctx.unknown(
            meta,
            format!("user {user} has a console password, but the credential report does not say whether MFA is active"),
        ),
        _ => ctx.unknown(
            meta,
            format!("the credential report does not say whether user {user} has a console password"),
        ),
    }
}
