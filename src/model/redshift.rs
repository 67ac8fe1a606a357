//! Redshift provisioned clusters (`aws_redshift_cluster`): encryption at rest and the
//! parameter group that decides whether clients must use TLS.

use super::parameter_group::ParameterGroup;
use super::s3::KeyRef;
use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    redshift_clusters: RedshiftCluster,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RedshiftCluster {
    pub meta: Meta,
    /// Absent: AWS provider v6+ defaults to `true`, v5 and earlier to `false`.
    pub encrypted: Tri<bool>,
    pub kms_key: Tri<KeyRef>,
    /// `cluster_parameter_group_name`, joined to the group.
    pub parameter_group: Tri<ParameterGroup>,
}
