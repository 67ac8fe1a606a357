//! Whether databases require TLS from their clients: RDS instances and clusters and
//! Redshift clusters, through their parameter groups.
//!
//! The RDS and Redshift at-rest models (`rds`, `datastores`) carry the parameter group
//! name only; TLS needs the group's parameters, the engine version and the AWS
//! defaults that apply when no custom group is used, so the join is done here.

use super::{Meta, Tri};
use serde::Serialize;
use std::collections::BTreeMap;

/// The parameter group a database uses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum ParameterGroup {
    /// No group named, or an AWS default group such as `default.postgres16` (its
    /// name): the engine's default parameter values apply.
    Default(Option<String>),
    /// A group managed in the same configuration.
    Managed(ManagedParameterGroup),
    /// A group named but not defined in the scanned configuration.
    External(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManagedParameterGroup {
    /// Terraform address of the group.
    pub address: String,
    /// `postgres16`, `mysql8.0`, `redshift-2.0`, ...
    pub family: Tri<String>,
    /// Parameters set in the group, by lower-cased name.
    pub parameters: BTreeMap<String, Tri<String>>,
    /// A dynamic `parameter` block over values not known before apply: parameters not
    /// listed may still be set.
    pub incomplete: bool,
}

impl ManagedParameterGroup {
    /// A parameter's value: absent when the group certainly does not set it (the
    /// family default applies).
    pub fn value(&self, name: &str) -> Tri<String> {
        match self.parameters.get(&name.to_ascii_lowercase()) {
            Some(v) => v.clone(),
            None if self.incomplete => Tri::Unknown,
            None => Tri::Absent,
        }
    }
}

/// An RDS DB instance (`aws_db_instance`) or cluster (`aws_rds_cluster`). Instances
/// that belong to a cluster are not listed: the cluster parameter group decides.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DbTransit {
    pub meta: Meta,
    pub cluster: bool,
    /// `postgres`, `mysql`, `mariadb`, `sqlserver-se`, `aurora-postgresql`, ...; for a
    /// read replica without one, the source instance's.
    pub engine: Tri<String>,
    /// `16.4`, `8.0.39`, ...; absent means the default version at creation time.
    pub engine_version: Tri<String>,
    /// `parameter_group_name` / `db_cluster_parameter_group_name`.
    pub parameter_group: Tri<ParameterGroup>,
}

/// A Redshift provisioned cluster (`aws_redshift_cluster`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RedshiftTransit {
    pub meta: Meta,
    /// `cluster_parameter_group_name`.
    pub parameter_group: Tri<ParameterGroup>,
}
