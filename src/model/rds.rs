//! RDS instances, clusters and their parameter groups: storage encryption, backups,
//! deletion protection, cluster membership, replication, and whether clients must use
//! TLS.

use super::parameter_group::ParameterGroup;
use super::s3::KeyRef;
use super::{Inventory, Meta, Origin, Tri};
use serde::Serialize;
use std::borrow::Cow;

kinds! {
    db_instances: DbInstance,
    db_parameter_groups: DbParameterGroup,
}

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
    /// `postgres`, `mysql`, `mariadb`, `sqlserver-se`, `aurora-postgresql`, ...; for a
    /// read replica without one, the source instance's.
    pub engine: Tri<String>,
    /// `16.4`, `8.0.39`, ...; absent means the default version at creation time.
    pub engine_version: Tri<String>,
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
    /// `parameter_group_name` / `db_cluster_parameter_group_name`, joined to the group.
    pub parameter_group: Tri<ParameterGroup>,
    /// A live instance in a cluster: the cluster's parameter group decides whether
    /// clients must use TLS, so the instance is not judged on its own. The Terraform
    /// adapter judges every `aws_db_instance` by the group it names.
    pub tls_from_cluster: bool,
    /// Live: the API operation that read the parameter group's parameters, named in
    /// TLS findings next to the one that showed the database.
    pub parameters_read_by: Option<&'static str>,
    pub deletion_protection: Tri<bool>,
    pub backup_retention_days: Tri<f64>,
    pub kms_key: Tri<KeyRef>,
}

impl DbInstance {
    /// The database as TLS findings name it: with the operation that read its
    /// parameter group, when that took one more call.
    pub fn tls_meta(&self) -> Cow<'_, Meta> {
        match self.parameters_read_by {
            Some(operation) => Cow::Owned(self.meta.also_read_by(operation)),
            None => Cow::Borrowed(&self.meta),
        }
    }

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
