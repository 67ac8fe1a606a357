//! `aws_redshift_cluster`: encryption at rest and its parameter group.

use super::kms::key_attr;
use super::parameter_group::parameter_group;
use super::RootAdapter;
use crate::model::redshift::RedshiftCluster;
use crate::model::Inventory;

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for r in ctx.of_type("aws_redshift_cluster") {
        inv.redshift_clusters.push(RedshiftCluster {
            meta: ctx.meta(r, Some("cluster_identifier")),
            encrypted: r.body.bool("encrypted"),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
            parameter_group: parameter_group(
                ctx,
                r,
                "cluster_parameter_group_name",
                &["aws_redshift_parameter_group"],
            ),
        });
    }
}
