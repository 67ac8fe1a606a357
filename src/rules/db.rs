//! What the rules over DB instances share: an instance in a cluster takes its storage
//! encryption (ENC003) and deletion protection (RES002) from the cluster, so only the
//! cluster's result counts, and the instance is judged on its own setting only when
//! it is in no cluster.

use crate::model::rds::DbInstance;
use crate::model::{Gap, Inventory, Tri};
use crate::rules::Ctx;

/// Whether `d`'s own setting decides. A member of a cluster in the inventory is left
/// to the cluster's result; a member of a cluster outside it, or an instance whose
/// cluster is not known, is unknown with `outside(cluster)` or `unknown(gap)`.
pub fn own_setting_decides(
    inv: &Inventory,
    d: &DbInstance,
    ctx: &mut Ctx,
    outside: impl FnOnce(&str) -> String,
    unknown: impl FnOnce(Gap) -> String,
) -> bool {
    match &d.cluster_member {
        Tri::Absent => true,
        Tri::Known(c) => {
            if d.resolve(inv, c).is_none() {
                ctx.unknown(&d.meta, outside(c.as_str()));
            }
            false
        }
        Tri::Unknown(gap) => {
            ctx.unknown(&d.meta, unknown(*gap));
            false
        }
    }
}
