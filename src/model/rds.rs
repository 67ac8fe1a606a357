//! RDS instances, clusters and their parameter groups.

use super::{Meta, Tri};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbInstance {
    pub meta: Meta,
    /// True for `aws_rds_cluster` / DBCluster.
    pub cluster: bool,
    pub engine: Tri<String>,
    /// `provisioned`, `serverless`, ... (clusters only).
    pub engine_mode: Tri<String>,
    pub storage_encrypted: Tri<bool>,
    /// For instances that belong to a cluster, storage encryption is the cluster's.
    pub cluster_member: Tri<String>,
    pub parameter_group: Tri<String>,
    pub deletion_protection: Tri<bool>,
    pub backup_retention_days: Tri<f64>,
    pub kms_key: Tri<String>,
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
