//! ENC003 rds-storage-not-encrypted: an RDS instance or cluster whose storage (and so
//! its automated backups, snapshots and replicas) is not encrypted at rest.
//! `storage_encrypted` defaults to false, except for Aurora Serverless v1, which is
//! always encrypted.
//!
//! Some databases take their encryption from elsewhere: an Aurora member instance
//! from its cluster (no result of its own when the cluster is in the inventory, which
//! carries the result), a read replica from its source (or from its own `kms_key_id`
//! for cross-Region replicas), a database restored from a snapshot from the snapshot.

use crate::model::kms::key_label;
use crate::model::rds::DbInstance;
use crate::model::{Inventory, Tri};
use crate::rules::db::own_setting_decides;
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for d in &inv.db_instances {
        let own = own_setting_decides(
            inv,
            d,
            ctx,
            |c| {
                format!("instance belongs to cluster {c}, which is not in the scanned configuration; its storage encryption is the cluster's")
            },
            |gap| {
                format!("cluster_identifier is {gap}, so whether the instance's storage encryption is its own or a cluster's cannot be judged")
            },
        );
        if own {
            judge(inv, d, ctx);
        }
    }
}

fn judge(inv: &Inventory, d: &DbInstance, ctx: &mut Ctx) {
    let what = if d.cluster { "cluster" } else { "instance" };
    match d.storage_encrypted {
        Tri::Known(true) => {
            ctx.pass(
                &d.meta,
                format!("{what} storage is encrypted (storage_encrypted = true)"),
            );
            return;
        }
        Tri::Unknown(gap) => {
            ctx.unknown(&d.meta, format!("storage_encrypted is {gap}"));
            return;
        }
        Tri::Known(false) | Tri::Absent => {}
    }
    if d.cluster {
        match &d.engine_mode {
            Tri::Known(m) if m == "serverless" => {
                ctx.pass(
                    &d.meta,
                    "Aurora Serverless v1 cluster (engine_mode = \"serverless\"): its storage is always encrypted",
                );
                return;
            }
            Tri::Unknown(gap) => {
                ctx.unknown(
                    &d.meta,
                    format!("engine_mode is {gap}, and storage_encrypted defaults to true only for Aurora Serverless v1"),
                );
                return;
            }
            _ => {}
        }
    }
    if let Tri::Known(source) = &d.replicate_source {
        if let Tri::Known(k) = &d.kms_key {
            ctx.pass(
                &d.meta,
                format!(
                    "read replica of {} encrypted with kms_key_id {}",
                    source.as_str(),
                    key_label(k)
                ),
            );
            return;
        }
        match d.resolve(inv, source).map(encrypted) {
            Some(Some(true)) => ctx.pass(
                &d.meta,
                format!("read replica of {}, whose storage is encrypted; a replica inherits its source's encryption", source.as_str()),
            ),
            Some(Some(false)) => ctx.fail(
                &d.meta,
                format!("read replica of {}, whose storage is not encrypted, so neither is the replica's; encrypt the source (snapshot, copy with a KMS key, restore) and recreate the replica", source.as_str()),
            ),
            Some(None) => ctx.unknown(
                &d.meta,
                format!("read replica of {}, whose storage encryption is {gap}", source.as_str(), gap = d.meta.wording.gap),
            ),
            None => ctx.unknown(
                &d.meta,
                format!("read replica of {}, which is not in the scanned configuration; a replica inherits its source's encryption", source.as_str()),
            ),
        }
        return;
    }
    if d.replicate_source.is_unknown() {
        ctx.unknown(
            &d.meta,
            format!(
                "the replication source is {gap}, and a replica's encryption follows its source",
                gap = d.meta.wording.gap
            ),
        );
        return;
    }
    if !d.restored_from_snapshot.is_absent() {
        let snapshot = d
            .restored_from_snapshot
            .known()
            .map_or_else(|| format!("({})", d.meta.wording.gap), String::clone);
        if d.cluster && d.kms_key.is_known() {
            ctx.pass(
                &d.meta,
                format!("cluster restored from snapshot {snapshot} with kms_key_id set, which encrypts the restored storage"),
            );
        } else {
            ctx.unknown(
                &d.meta,
                format!("{what} is restored from snapshot {snapshot} and inherits its encryption, which the configuration does not show; set storage_encrypted = true to be explicit"),
            );
        }
        return;
    }
    let default = if matches!(d.storage_encrypted, Tri::Absent) {
        "storage_encrypted is not set and defaults to false"
    } else {
        "storage_encrypted = false"
    };
    let key_note = match &d.kms_key {
        Tri::Known(k) => format!(
            " (kms_key_id {} alone does not enable encryption)",
            key_label(k)
        ),
        _ => String::new(),
    };
    ctx.fail(
        &d.meta,
        format!("{what} storage is not encrypted: {default}{key_note}; set storage_encrypted = true (an existing database must be migrated through an encrypted snapshot)"),
    );
}

/// Whether a replication source's storage is encrypted, as far as the configuration
/// shows (its own setting or Aurora Serverless v1); `None` when not known.
fn encrypted(s: &DbInstance) -> Option<bool> {
    match s.storage_encrypted {
        Tri::Known(b) if b => return Some(true),
        Tri::Unknown(_) => return None,
        _ => {}
    }
    if s.cluster {
        match &s.engine_mode {
            Tri::Known(m) if m == "serverless" => return Some(true),
            Tri::Unknown(_) => return None,
            _ => {}
        }
    }
    if !s.replicate_source.is_absent() || !s.restored_from_snapshot.is_absent() {
        // A chained replica or a restored source: follow no further.
        return None;
    }
    Some(false)
}
