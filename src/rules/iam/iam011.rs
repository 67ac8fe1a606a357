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

#[cfg(test)]
mod tests {
    use super::super::exposure::testing::{live_meta, run};
    use crate::finding::Status;
    use crate::model::account::{CredentialReport, CredentialReportRow};
    use crate::model::{Gap, Inventory, Tri};
    use crate::rules::RuleSettings;

    fn row(user: &str, password: Tri<bool>, mfa: Tri<bool>) -> CredentialReportRow {
        CredentialReportRow {
            user: user.into(),
            arn: format!("arn:aws:iam::123456789012:user/{user}"),
            root: user == "<root_account>",
            password_enabled: password,
            mfa_active: mfa,
            access_keys: Vec::new(),
        }
    }

    #[test]
    fn console_users_need_mfa_and_the_root_row_is_not_judged() {
        let inv = Inventory {
            credential_reports: vec![CredentialReport {
                meta: live_meta(
                    "aws_iam_credential_report",
                    "arn:aws:iam::123456789012:credential-report",
                ),
                rows: Tri::Known(vec![
                    row(
                        "<root_account>",
                        Tri::Unknown(Gap::NotCollected),
                        Tri::Known(false),
                    ),
                    row("nomfa", Tri::Known(true), Tri::Known(false)),
                    row("mfa", Tri::Known(true), Tri::Known(true)),
                    row("api", Tri::Known(false), Tri::Known(false)),
                    row("odd", Tri::Known(true), Tri::Unknown(Gap::NotCollected)),
                ]),
            }],
            ..Inventory::default()
        };
        let out = run("IAM011", super::check, &inv, &RuleSettings::default());
        let got: Vec<(Status, &str)> = out.iter().map(|(s, r, _)| (*s, r.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Status::Fail, "arn:aws:iam::123456789012:user/nomfa"),
                (Status::Pass, "arn:aws:iam::123456789012:user/mfa"),
                (Status::Pass, "arn:aws:iam::123456789012:user/api"),
                (Status::Unknown, "arn:aws:iam::123456789012:user/odd"),
            ]
        );
    }
}
