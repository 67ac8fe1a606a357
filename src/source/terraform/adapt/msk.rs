//! MSK clusters (`aws_msk_cluster`): `encryption_info.encryption_in_transit`.

use super::RootAdapter;
use crate::model::msk::MskCluster;
use crate::model::{Inventory, Tri};

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for c in ctx.of_type("aws_msk_cluster") {
        let (client_broker, in_cluster) =
            match c.body.nested(&["encryption_info", "encryption_in_transit"]) {
                Tri::Known(Some(t)) => (t.str("client_broker"), t.bool("in_cluster")),
                Tri::Unknown(gap) => (Tri::Unknown(gap), Tri::Unknown(gap)),
                Tri::Known(None) | Tri::Absent => (Tri::Absent, Tri::Absent),
            };
        inv.msk_clusters.push(MskCluster {
            meta: ctx.meta(c, Some("cluster_name")),
            client_broker,
            in_cluster,
        });
    }
}
