//! Joins a database's parameter group name to the group: a managed group with its
//! parameters, an AWS default group (`default.*`, or no name at all), or a name this
//! configuration does not define. RDS and Redshift share it.

use super::{RootAdapter, Target};
use crate::model::parameter_group::{ManagedParameterGroup, ParameterGroup};
use crate::model::{Gap, Tri};
use crate::source::terraform::resource::TfResource;
use std::collections::BTreeMap;

/// The group named by `attr`: a managed group, an AWS default group (`default.*`, or
/// no name at all), or a name this configuration does not define.
pub(super) fn parameter_group(
    ctx: &RootAdapter,
    r: &TfResource,
    attr: &str,
    types: &[&str],
) -> Tri<ParameterGroup> {
    if r.body.value(attr).is_absent() {
        return Tri::Known(ParameterGroup::Default(None));
    }
    match ctx.target(r.body.get(attr), types, "name") {
        Target::Resource(g) => Tri::Known(ParameterGroup::Managed(managed(g))),
        Target::External(name) if name.starts_with("default.") => {
            Tri::Known(ParameterGroup::Default(Some(name)))
        }
        Target::External(name) => Tri::Known(ParameterGroup::External(name)),
        Target::Unknown => Tri::Unknown(Gap::BeforeApply),
    }
}

fn managed(g: &TfResource) -> ManagedParameterGroup {
    let mut parameters = BTreeMap::new();
    let mut incomplete = g.body.unknown_blocks.contains("parameter");
    for p in g.body.blocks("parameter") {
        match p.body.str("name") {
            Tri::Known(name) => {
                parameters.insert(name.to_ascii_lowercase(), p.body.str("value"));
            }
            // A parameter whose name is not known could be any of them.
            Tri::Unknown(_) | Tri::Absent => incomplete = true,
        }
    }
    ManagedParameterGroup {
        address: g.address.clone(),
        family: g.body.str("family"),
        parameters,
        incomplete: incomplete.then_some(Gap::BeforeApply),
    }
}
