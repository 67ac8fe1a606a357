//! RDS: `aws_db_instance`, `aws_rds_cluster` and their parameter groups.
//!
//! Each database is joined to its parameter group by reference or by name, for the
//! TLS rules (`aws_rds_cluster_instance` members follow their cluster's group). An
//! instance names its cluster (`cluster_identifier`, Aurora) or its replication
//! source (`replicate_source_db`) by reference, identifier or ARN; both are joined
//! here so rules can judge a member by its cluster and a replica by its source.
//! `aws_rds_cluster_instance` is not adapted: everything the rules judge about it
//! (storage encryption, backups, deletion protection) belongs to its cluster.

use super::kms::key_attr;
use super::parameter_group::parameter_group;
use super::{RootAdapter, Target};
use crate::model::rds::{DbInstance, DbParameter, DbParameterGroup, DbRef};
use crate::model::{Gap, Inventory, Tri};
use crate::source::terraform::resource::TfResource;

const INSTANCE: &[&str] = &["aws_db_instance"];
const CLUSTER: &[&str] = &["aws_rds_cluster"];

/// Join `attr` (a reference, identifier or ARN) to a resource of `types` whose
/// `name_attr` matches; absent when the attribute is unset.
fn db_ref(
    ctx: &RootAdapter,
    r: &TfResource,
    attr: &str,
    types: &[&str],
    name_attr: &str,
) -> Tri<DbRef> {
    match r.body.value(attr) {
        Tri::Absent => Tri::Absent,
        Tri::Unknown(_) | Tri::Known(_) => match ctx.target(r.body.get(attr), types, name_attr) {
            Target::Resource(d) => Tri::Known(DbRef::Managed(d.address.clone())),
            Target::External(name) => Tri::Known(DbRef::External(name)),
            Target::Unknown => Tri::Unknown(Gap::BeforeApply),
        },
    }
}

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for r in ctx.of_type("aws_db_instance") {
        let (engine, engine_version) = engine_of_instance(ctx, r);
        inv.db_instances.push(DbInstance {
            meta: ctx.meta(r, Some("identifier")),
            cluster: false,
            engine,
            engine_version,
            engine_mode: Tri::Absent,
            storage_encrypted: r.body.bool("storage_encrypted"),
            cluster_member: db_ref(ctx, r, "cluster_identifier", CLUSTER, "cluster_identifier"),
            replicate_source: db_ref(ctx, r, "replicate_source_db", INSTANCE, "identifier"),
            restored_from_snapshot: r.body.str("snapshot_identifier"),
            parameter_group: parameter_group(
                ctx,
                r,
                "parameter_group_name",
                &["aws_db_parameter_group"],
            ),
            tls_from_cluster: false,
            parameters_read_by: None,
            deletion_protection: r.body.bool("deletion_protection"),
            backup_retention_days: r.body.number("backup_retention_period"),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
        });
    }

    for r in ctx.of_type("aws_rds_cluster") {
        inv.db_instances.push(DbInstance {
            meta: ctx.meta(r, Some("cluster_identifier")),
            cluster: true,
            // AWS provider v4 and earlier defaulted the engine to `aurora` (MySQL 5.6
            // compatible); v5 requires it.
            engine: r.body.str("engine").or_default_value("aurora".to_string()),
            engine_version: r.body.str("engine_version"),
            engine_mode: r.body.str("engine_mode"),
            storage_encrypted: r.body.bool("storage_encrypted"),
            cluster_member: Tri::Absent,
            replicate_source: db_ref(
                ctx,
                r,
                "replication_source_identifier",
                &["aws_rds_cluster", "aws_db_instance"],
                "arn",
            ),
            restored_from_snapshot: r.body.str("snapshot_identifier"),
            parameter_group: parameter_group(
                ctx,
                r,
                "db_cluster_parameter_group_name",
                &["aws_rds_cluster_parameter_group"],
            ),
            tls_from_cluster: false,
            parameters_read_by: None,
            deletion_protection: r.body.bool("deletion_protection"),
            backup_retention_days: r.body.number("backup_retention_period"),
            kms_key: key_attr(ctx, &r.body, "kms_key_id"),
        });
    }

    for (rtype, cluster) in [
        ("aws_db_parameter_group", false),
        ("aws_rds_cluster_parameter_group", true),
    ] {
        for r in ctx.of_type(rtype) {
            inv.db_parameter_groups.push(DbParameterGroup {
                meta: ctx.meta(r, Some("name")),
                cluster,
                group_name: r.body.str("name"),
                family: r.body.str("family"),
                parameters: parameters(r),
            });
        }
    }
}

/// An instance's engine and version; a read replica may leave both to its source.
fn engine_of_instance(ctx: &RootAdapter, db: &TfResource) -> (Tri<String>, Tri<String>) {
    let mut engine = db.body.str("engine");
    let mut engine_version = db.body.str("engine_version");
    if engine.is_absent() && !db.body.value("replicate_source_db").is_absent() {
        match ctx.target(db.body.get("replicate_source_db"), INSTANCE, "identifier") {
            Target::Resource(source) => {
                engine = source.body.str("engine");
                if engine_version.is_absent() {
                    engine_version = source.body.str("engine_version");
                }
            }
            Target::External(_) | Target::Unknown => engine = Tri::Unknown(Gap::BeforeApply),
        }
    }
    (engine, engine_version)
}

/// `parameter { name, value }` blocks; unknown when a dynamic block could not be
/// expanded or a parameter's name is not known.
fn parameters(r: &TfResource) -> Tri<Vec<DbParameter>> {
    if r.body.unknown_blocks.contains("parameter") {
        return Tri::Unknown(Gap::BeforeApply);
    }
    let mut out = Vec::new();
    for p in r.body.blocks("parameter") {
        let Tri::Known(name) = p.body.str("name") else {
            return Tri::Unknown(Gap::BeforeApply);
        };
        out.push(DbParameter {
            name,
            value: p.body.str("value"),
        });
    }
    Tri::Known(out)
}
