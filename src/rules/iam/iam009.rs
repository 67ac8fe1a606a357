//! IAM009 iam-access-key-stale: an active IAM user access key created more than the
//! configured number of days ago (`access-key-max-age-days`, default 90), or not used
//! for that long. Long-lived keys are the credential most often leaked (in code, CI
//! logs, laptops); rotating them bounds how long a leaked key works, and a key nobody
//! uses is access nobody needs.
//!
//! Keys come from ListAccessKeys/GetAccessKeyLastUsed; a user whose keys could not be
//! listed is judged from the credential report instead (`last_rotated` is the key's
//! creation or last change), addressed `<user ARN>#access-key-<n>`. The root user's
//! keys are IAM010's. Ages count whole days up to `RuleSettings::today` (the current UTC
//! date when unset). Terraform cannot show key ages: this rule is live only.

use crate::model::account::CredentialReportRow;
use crate::model::{Inventory, Meta, Tri};
use crate::rules::Ctx;
use chrono::NaiveDate;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let today = ctx
        .settings
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let max = i64::from(ctx.settings.access_key_max_age_days);
    for k in &inv.iam_access_keys {
        let key = Key {
            id: format!("access key {} of user {}", k.access_key_id, k.user),
            active: &k.active,
            created: &k.created,
            created_word: "created",
            last_used: &k.last_used,
        };
        judge(&key, &k.meta, today, max, ctx);
    }
    for report in &inv.credential_reports {
        let Tri::Known(rows) = &report.rows else {
            continue;
        };
        for row in rows.iter().filter(|r| !r.root) {
            let listed = inv
                .iam_access_keys
                .iter()
                .any(|k| k.user == row.user && report.meta.origin.same_account(&k.meta.origin));
            if !listed {
                from_report(row, &report.meta, today, max, ctx);
            }
        }
    }
}

/// Keys of a user whose ListAccessKeys answer is missing, as the report shows them.
fn from_report(
    row: &CredentialReportRow,
    report: &Meta,
    today: NaiveDate,
    max: i64,
    ctx: &mut Ctx,
) {
    for (i, k) in row.access_keys.iter().enumerate() {
        let mut meta = report.clone();
        meta.address = format!("{}#access-key-{}", row.arn, i + 1);
        meta.kind = "aws_iam_access_key".to_string();
        meta.arn = None;
        meta.name = Some(format!("{} key {}", row.user, i + 1));
        let key = Key {
            id: format!(
                "access key {} of user {} (credential report)",
                i + 1,
                row.user
            ),
            active: &k.active,
            created: &k.last_rotated,
            created_word: "created or last rotated",
            last_used: &k.last_used,
        };
        judge(&key, &meta, today, max, ctx);
    }
}

struct Key<'a> {
    /// How messages name the key.
    id: String,
    active: &'a Tri<bool>,
    created: &'a Tri<String>,
    created_word: &'static str,
    /// Absent: never used.
    last_used: &'a Tri<String>,
}

/// Whole days from an RFC 3339 time to `today`; `None` when it does not parse.
fn days_since(time: &str, today: NaiveDate) -> Option<i64> {
    let date = chrono::DateTime::parse_from_rfc3339(time)
        .ok()?
        .date_naive();
    Some((today - date).num_days())
}

fn judge(k: &Key, meta: &Meta, today: NaiveDate, max: i64, ctx: &mut Ctx) {
    let id = &k.id;
    match k.active {
        Tri::Known(false) => {
            ctx.pass(meta, format!("{id} is inactive"));
            return;
        }
        Tri::Known(true) => {}
        Tri::Unknown(_) | Tri::Absent => {
            ctx.unknown(meta, format!("whether {id} is active could not be read"));
            return;
        }
    }
    let age = match k.created {
        Tri::Known(t) => days_since(t, today),
        _ => None,
    };
    let Some(age) = age else {
        ctx.unknown(
            meta,
            format!(
                "{id} is active but when it was {} could not be read",
                k.created_word
            ),
        );
        return;
    };
    if age > max {
        ctx.fail(
            meta,
            format!(
                "{id} is active and was {} {age} days ago, more than the {max} days allowed; rotate it (create a new key, switch, deactivate and delete the old one)",
                k.created_word
            ),
        );
        return;
    }
    match k.last_used {
        Tri::Absent => ctx.pass(
            meta,
            format!(
                "{id} was {} {age} days ago (at most {max}) and has not been used yet",
                k.created_word
            ),
        ),
        Tri::Known(t) => match days_since(t, today) {
            Some(idle) if idle > max => ctx.fail(
                meta,
                format!(
                    "{id} is active but was last used {idle} days ago, more than the {max} days allowed; deactivate and delete it if nobody needs it"
                ),
            ),
            Some(idle) => ctx.pass(
                meta,
                format!(
                    "{id} was {} {age} days ago and last used {idle} days ago (at most {max})",
                    k.created_word
                ),
            ),
            None => ctx.unknown(meta, format!("{id}: its last use ({t}) could not be read")),
        },
        Tri::Unknown(_) => ctx.unknown(
            meta,
            format!(
                "{id} was {} {age} days ago (at most {max}), but when it was last used could not be read",
                k.created_word
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::exposure::testing::{live_meta, run};
    use crate::finding::Status;
    use crate::model::account::{
        CredentialReport, CredentialReportRow, IamAccessKey, ReportAccessKey,
    };
    use crate::model::{Gap, Inventory, Tri};
    use crate::rules::RuleSettings;

    const USER: &str = "arn:aws:iam::123456789012:user/ci";

    fn key(id: &str, active: bool, created: &str, last_used: Tri<String>) -> IamAccessKey {
        IamAccessKey {
            meta: live_meta("aws_iam_access_key", &format!("{USER}#access-key/{id}")),
            user: "ci".into(),
            access_key_id: id.into(),
            active: Tri::Known(active),
            created: Tri::Known(created.into()),
            last_used,
        }
    }

    fn settings() -> RuleSettings {
        RuleSettings {
            today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1),
            ..RuleSettings::default()
        }
    }

    #[test]
    fn age_and_idleness_against_the_configured_date_and_threshold() {
        let used = |t: &str| Tri::Known(t.to_string());
        let inv = Inventory {
            iam_access_keys: vec![
                // 91 days old: fails on age.
                key(
                    "AKIAOLD",
                    true,
                    "2026-03-02T10:00:00Z",
                    used("2026-05-31T00:00:00Z"),
                ),
                // 90 days old exactly: not older than 90.
                key("AKIAEDGE", true, "2026-03-03T00:00:00Z", Tri::Absent),
                // Young but idle for 100 days: fails on use.
                key(
                    "AKIAIDLE",
                    true,
                    "2026-02-20T00:00:00+00:00",
                    used("2026-02-21T00:00:00+00:00"),
                ),
                // Old but inactive: passes.
                key("AKIAOFF", false, "2020-01-01T00:00:00Z", Tri::Absent),
                // Young, last use unknown: unknown.
                key(
                    "AKIAUNK",
                    true,
                    "2026-05-01T00:00:00Z",
                    Tri::Unknown(Gap::NotCollected),
                ),
            ],
            ..Inventory::default()
        };
        let mut s = settings();
        s.access_key_max_age_days = 90;
        let out = run("IAM009", super::check, &inv, &s);
        let status = |id: &str| {
            out.iter()
                .find(|(_, r, _)| r.ends_with(id))
                .map(|(s, _, m)| (*s, m.clone()))
                .expect("a result")
        };
        assert_eq!(status("AKIAOLD").0, Status::Fail, "{:?}", status("AKIAOLD"));
        assert!(status("AKIAOLD").1.contains("91 days ago"));
        assert_eq!(status("AKIAEDGE").0, Status::Pass);
        // 2026-02-20 is 101 days before 2026-06-01: too old as well; the age is said.
        assert_eq!(status("AKIAIDLE").0, Status::Fail);
        assert_eq!(status("AKIAOFF").0, Status::Pass);
        assert_eq!(status("AKIAUNK").0, Status::Unknown);
        assert_eq!(out.len(), 5);

        // A longer threshold turns the age failure into a pass, but not idleness.
        s.access_key_max_age_days = 120;
        let inv = Inventory {
            iam_access_keys: vec![key(
                "AKIAIDLE",
                true,
                "2026-03-01T00:00:00Z",
                used("2026-01-01T00:00:00Z"),
            )],
            ..Inventory::default()
        };
        let out = run("IAM009", super::check, &inv, &s);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, Status::Fail, "{out:?}");
        assert!(out[0].2.contains("last used 151 days ago"), "{out:?}");
    }

    #[test]
    fn users_whose_keys_were_not_listed_are_judged_from_the_report() {
        let report = CredentialReport {
            meta: live_meta(
                "aws_iam_credential_report",
                "arn:aws:iam::123456789012:credential-report",
            ),
            rows: Tri::Known(vec![CredentialReportRow {
                user: "legacy".into(),
                arn: "arn:aws:iam::123456789012:user/legacy".into(),
                root: false,
                password_enabled: Tri::Known(false),
                mfa_active: Tri::Known(false),
                access_keys: vec![ReportAccessKey {
                    active: Tri::Known(true),
                    last_rotated: Tri::Known("2024-01-01T00:00:00+00:00".into()),
                    last_used: Tri::Absent,
                }],
            }]),
        };
        let inv = Inventory {
            credential_reports: vec![report],
            ..Inventory::default()
        };
        let out = run("IAM009", super::check, &inv, &settings());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, Status::Fail);
        assert_eq!(
            out[0].1,
            "arn:aws:iam::123456789012:user/legacy#access-key-1"
        );
    }
}
