//! Databases that require TLS through a parameter group: `aws_db_instance`,
//! `aws_rds_cluster` (Aurora and Multi-AZ DB clusters; `aws_rds_cluster_instance`
//! members follow their cluster's group) and `aws_redshift_cluster`, each joined to
//! its parameter group by reference or by name.

use super::{Ctx, Target};
use crate::model::db_tls::{DbTransit, ManagedParameterGroup, ParameterGroup, RedshiftTransit};
use crate::model::{Inventory, Tri};
use crate::source::terraform::resource::TfResource;
use std::collections::BTreeMap;

const INSTANCE_GROUPS: &[&str] = &["aws_db_parameter_group"];
const CLUSTER_GROUPS: &[&str] = &["aws_rds_cluster_parameter_group"];
const REDSHIFT_GROUPS: &[&str] = &["aws_redshift_parameter_group"];

pub fn adapt(ctx: &mut Ctx, inv: &mut Inventory) {
    for db in ctx.of_type("aws_db_instance") {
        let mut engine = db.body.str("engine");
        let mut engine_version = db.body.str("engine_version");
        // A read replica may leave the engine to its source.
        if engine.is_absent() && !db.body.value("replicate_source_db").is_absent() {
            match ctx.target(
                db.body.get("replicate_source_db"),
                &["aws_db_instance"],
                "identifier",
            ) {
                Target::Resource(source) => {
                    engine = source.body.str("engine");
                    if engine_version.is_absent() {
                        engine_version = source.body.str("engine_version");
                    }
                }
                Target::External(_) | Target::Unknown => engine = Tri::Unknown,
            }
        }
        inv.db_transit.push(DbTransit {
            meta: ctx.meta(db, Some("identifier")),
            cluster: false,
            engine,
            engine_version,
            parameter_group: parameter_group(ctx, db, "parameter_group_name", INSTANCE_GROUPS),
        });
    }
    for c in ctx.of_type("aws_rds_cluster") {
        inv.db_transit.push(DbTransit {
            meta: ctx.meta(c, Some("cluster_identifier")),
            cluster: true,
            // AWS provider v4 and earlier defaulted the engine to `aurora` (MySQL 5.6
            // compatible); v5 requires it.
            engine: c.body.str("engine").or_default_value("aurora".to_string()),
            engine_version: c.body.str("engine_version"),
            parameter_group: parameter_group(
                ctx,
                c,
                "db_cluster_parameter_group_name",
                CLUSTER_GROUPS,
            ),
        });
    }
    for r in ctx.of_type("aws_redshift_cluster") {
        inv.redshift_transit.push(RedshiftTransit {
            meta: ctx.meta(r, Some("cluster_identifier")),
            parameter_group: parameter_group(
                ctx,
                r,
                "cluster_parameter_group_name",
                REDSHIFT_GROUPS,
            ),
        });
    }
}

/// The group named by `attr`: a managed group, an AWS default group (`default.*`, or
/// no name at all), or a name this configuration does not define.
fn parameter_group(ctx: &Ctx, r: &TfResource, attr: &str, types: &[&str]) -> Tri<ParameterGroup> {
    if r.body.value(attr).is_absent() {
        return Tri::Known(ParameterGroup::Default(None));
    }
    match ctx.target(r.body.get(attr), types, "name") {
        Target::Resource(g) => Tri::Known(ParameterGroup::Managed(managed(g))),
        Target::External(name) if name.starts_with("default.") => {
            Tri::Known(ParameterGroup::Default(Some(name)))
        }
        Target::External(name) => Tri::Known(ParameterGroup::External(name)),
        Target::Unknown => Tri::Unknown,
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
            Tri::Unknown | Tri::Absent => incomplete = true,
        }
    }
    ManagedParameterGroup {
        address: g.address.clone(),
        family: g.body.str("family"),
        parameters,
        incomplete,
    }
}
