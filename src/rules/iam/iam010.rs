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

#[cfg(test)]
mod tests {
    use super::super::exposure::testing::{live_meta, run};
    use crate::finding::Status;
    use crate::model::account::{CredentialReport, CredentialReportRow, ReportAccessKey};
    use crate::model::{Gap, Inventory, Tri};
    use crate::rules::RuleSettings;

    fn report(rows: Tri<Vec<CredentialReportRow>>) -> Inventory {
        Inventory {
            credential_reports: vec![CredentialReport {
                meta: live_meta(
                    "aws_iam_credential_report",
                    "arn:aws:iam::123456789012:credential-report",
                ),
                rows,
            }],
            ..Inventory::default()
        }
    }

    fn root(keys: Vec<Tri<bool>>) -> CredentialReportRow {
        CredentialReportRow {
            user: "<root_account>".into(),
            arn: "arn:aws:iam::123456789012:root".into(),
            root: true,
            password_enabled: Tri::Unknown(Gap::NotCollected),
            mfa_active: Tri::Known(true),
            access_keys: keys
                .into_iter()
                .map(|active| ReportAccessKey {
                    active,
                    last_rotated: Tri::Known("2020-01-01T00:00:00+00:00".into()),
                    last_used: Tri::Absent,
                })
                .collect(),
        }
    }

    /// moto's credential report has no root row, so these cases are tested here.
    #[test]
    fn root_keys_from_the_credential_report() {
        let s = RuleSettings::default();
        let judge = |inv: &Inventory| {
            let out = run("IAM010", super::check, inv, &s);
            assert_eq!(out.len(), 1, "{out:?}");
            out[0].clone()
        };
        let active = judge(&report(Tri::Known(vec![root(vec![
            Tri::Known(false),
            Tri::Known(true),
        ])])));
        assert_eq!(active.0, Status::Fail);
        assert!(
            active.2.contains("1 active access key (access_key_2)"),
            "{active:?}"
        );
        let none = judge(&report(Tri::Known(vec![root(vec![Tri::Known(false)])])));
        assert_eq!(none.0, Status::Pass);
        let no_keys = judge(&report(Tri::Known(vec![root(Vec::new())])));
        assert_eq!(no_keys.0, Status::Pass);
        let unclear = judge(&report(Tri::Known(vec![root(vec![Tri::Unknown(
            Gap::NotCollected,
        )])])));
        assert_eq!(unclear.0, Status::Unknown);
        let unread = judge(&report(Tri::Unknown(Gap::NotCollected)));
        assert_eq!(unread.0, Status::Unknown);
        let rootless = judge(&report(Tri::Known(Vec::new())));
        assert_eq!(rootless.0, Status::Unknown);
    }
}
