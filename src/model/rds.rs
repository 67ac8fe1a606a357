//! RDS instances, clusters and their parameter groups.

use super::s3::KeyRef;
use super::{Inventory, Meta, Origin, Tri};
use serde::Serialize;

/// Another RDS resource that an instance or cluster names: the cluster it belongs
/// to, the database it replicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DbRef {
    /// Managed in the same configuration: its address (Terraform) or ARN (live).
    Managed(String),
    /// An identifier or ARN of a database the source did not see.
    External(String),
}

impl DbRef {
    pub fn as_str(&self) -> &str {
        match self {
            DbRef::Managed(s) | DbRef::External(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbInstance {
    pub meta: Meta,
    /// True for `aws_rds_cluster` / DBCluster.
    pub cluster: bool,
    pub engine: Tri<String>,
    /// `provisioned`, `serverless`, ... (clusters only).
    pub engine_mode: Tri<String>,
    pub storage_encrypted: Tri<bool>,
    /// The cluster an instance belongs to (`cluster_identifier` of an Aurora
    /// `aws_db_instance`): storage, backups and deletion protection are the cluster's.
    /// Absent for standalone instances and for clusters.
    pub cluster_member: Tri<DbRef>,
    /// The database this one replicates (`replicate_source_db`,
    /// `replication_source_identifier`): a replica's encryption follows its source.
    pub replicate_source: Tri<DbRef>,
    /// `snapshot_identifier`: created by restoring this snapshot, whose encryption it
    /// inherits.
    pub restored_from_snapshot: Tri<String>,
    pub parameter_group: Tri<String>,
    pub deletion_protection: Tri<bool>,
    pub backup_retention_days: Tri<f64>,
    pub kms_key: Tri<KeyRef>,
}

impl DbInstance {
    /// The cluster or source database `r` names, if the inventory holds it. A name the
    /// Terraform adapter could not join within its root is only looked up among live
    /// resources of the same account and region: a root's literal identifier says
    /// nothing about another root's databases, which may live in another account.
    pub fn resolve<'a>(&self, inv: &'a Inventory, r: &DbRef) -> Option<&'a DbInstance> {
        inv.db_instances.iter().find(|d| match r {
            DbRef::Managed(addr) => {
                d.meta.address == *addr && same_root(&d.meta.origin, &self.meta.origin)
            }
            DbRef::External(name) => {
                live_same_region(&d.meta.origin, &self.meta.origin)
                    && (d.meta.name.as_deref() == Some(name.as_str())
                        || d.meta.arn.as_deref() == Some(name.as_str()))
            }
        })
    }
}

fn same_root(a: &Origin, b: &Origin) -> bool {
    match (a, b) {
        (Origin::Terraform { root: ra, .. }, Origin::Terraform { root: rb, .. }) => ra == rb,
        (Origin::Aws { .. }, Origin::Aws { .. }) => live_same_region(a, b),
        _ => false,
    }
}

fn live_same_region(a: &Origin, b: &Origin) -> bool {
    match (a, b) {
        (
            Origin::Aws {
                account: aa,
                region: ra,
                ..
            },
            Origin::Aws {
                account: ab,
                region: rb,
                ..
            },
        ) => aa == ab && ra == rb,
        _ => false,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbParameter {
    pub name: String,
    pub value: Tri<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbParameterGroup {
    pub meta: Meta,
    pub cluster: bool,
    /// Parameter group name when known.
    pub group_name: Tri<String>,
    pub family: Tri<String>,
    pub parameters: Tri<Vec<DbParameter>>,
}
