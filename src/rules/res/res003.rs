//! RES003 rds-backup-retention-short: automated backups (and point-in-time recovery)
//! kept for fewer days than the configured minimum (`min_backup_retention_days`,
//! default 7), or switched off (0). An absent `backup_retention_period` means 1 day:
//! the provider default for clusters and the RDS API default for instances.
//!
//! An Aurora member instance is backed up by its cluster and a read replica's data by
//! its source: no result when that database is in the inventory (it carries the
//! result), unknown when it is not.

use crate::model::rds::DbInstance;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// Retention in days when `backup_retention_period` is absent.
const DEFAULT_RETENTION_DAYS: f64 = 1.0;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let min = f64::from(ctx.settings.min_backup_retention_days);
    for d in &inv.db_instances {
        if judged_elsewhere(inv, d, ctx) {
            continue;
        }
        let what = if d.cluster { "cluster" } else { "instance" };
        let (days, how) = match d.backup_retention_days {
            Tri::Known(n) => (n, format!("backup_retention_period = {n}")),
            Tri::Absent => (
                DEFAULT_RETENTION_DAYS,
                format!(
                    "backup_retention_period is not set and defaults to {DEFAULT_RETENTION_DAYS}"
                ),
            ),
            Tri::Unknown(gap) => {
                ctx.unknown(&d.meta, format!("backup_retention_period is {gap}"));
                continue;
            }
        };
        if days < min {
            let off = if days == 0.0 {
                " (automated backups are off)"
            } else {
                ""
            };
            ctx.fail(
                &d.meta,
                format!("{what} keeps automated backups for fewer than {min} days: {how}{off}; set backup_retention_period to at least {min}"),
            );
        } else {
            ctx.pass(
                &d.meta,
                format!("{what} keeps automated backups for {days} days ({how}), at least the required {min}"),
            );
        }
    }
}

/// Members and replicas: whose backups cover them, and whether that database is
/// seen. Reports unknown when it is not; true when this database gets no result of
/// its own.
fn judged_elsewhere(inv: &Inventory, d: &DbInstance, ctx: &mut Ctx) -> bool {
    let (reference, role, attr, whose) = match (&d.cluster_member, &d.replicate_source) {
        (Tri::Absent, Tri::Absent) => return false,
        (Tri::Absent, r) => (r, "read replica of", "replicate_source_db", "its source's"),
        (c, _) => (
            c,
            "member of cluster",
            "cluster_identifier",
            "the cluster's",
        ),
    };
    match reference {
        Tri::Known(r) if d.resolve(inv, r).is_some() => {}
        Tri::Known(r) => ctx.unknown(
            &d.meta,
            format!(
                "{role} {}, which is not in the scanned configuration; backups of this data are {whose}",
                r.as_str()
            ),
        ),
        _ => ctx.unknown(
            &d.meta,
            format!("{attr} is {gap}, and backups of this data are {whose}", gap = d.meta.wording.gap),
        ),
    }
    true
}
