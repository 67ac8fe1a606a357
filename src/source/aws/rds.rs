//! RDS of one region: DB instances and clusters (encryption, deletion protection,
//! backups, cluster membership, replication) and the parameter groups they use,
//! joined to each database for the TLS rules.
//!
//! Parameters are read with `Source=user`: the values set in the group. A parameter
//! not listed takes the engine default, which is what "absent" means in the model.
//! AWS default groups (`default.*`) cannot be changed, so their parameters are the
//! engine defaults by definition and are not read.

use super::ctx::{flag, key_ref as key, key_value_tags, number, ops, opt, SweepState};
use crate::model::parameter_group::{ManagedParameterGroup, ParameterGroup};
use crate::model::rds::{DbInstance, DbParameter, DbParameterGroup, DbRef};
use crate::model::{Gap, Inventory, Tri};
use aws_sdk_rds::types::{DbCluster, DbInstance as ApiInstance, Parameter, Tag};
use futures_util::future::join_all;
use std::collections::BTreeMap;

const SVC: &str = "rds";

/// A parameter group in use, with what was read of it.
struct Group {
    cluster: bool,
    name: String,
    arn: Option<String>,
    family: Tri<String>,
    /// `None` when the parameters could not be read (a gap is recorded).
    parameters: Option<Vec<(String, Option<String>)>>,
}

pub async fn collect(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.rds(region);
    let mut inv = Inventory::default();
    let (instances, clusters) = tokio::join!(
        ctx.pages(
            SVC,
            region,
            "DescribeDBInstances",
            "the region",
            "every DB instance",
            |marker| client.describe_db_instances().set_marker(marker).send(),
            |o| (o.db_instances().to_vec(), o.marker().map(str::to_owned))
        ),
        ctx.pages(
            SVC,
            region,
            "DescribeDBClusters",
            "the region",
            "every DB cluster",
            |marker| client.describe_db_clusters().set_marker(marker).send(),
            |o| (o.db_clusters().to_vec(), o.marker().map(str::to_owned))
        ),
    );
    let instances = instances.unwrap_or_default();
    let clusters_known = clusters.is_some();
    let clusters = clusters.unwrap_or_default();

    let groups = parameter_groups(ctx, &client, region, &instances, &clusters).await;
    let group_of = |cluster: bool, name: &str| {
        groups
            .iter()
            .find(|g| g.cluster == cluster && g.name == name)
    };

    // Identifiers and ARNs of what was collected, to tell managed references from
    // external ones.
    let mut known: BTreeMap<String, String> = BTreeMap::new();
    for i in &instances {
        if let (Some(id), Some(arn)) = (i.db_instance_identifier(), i.db_instance_arn()) {
            known.insert(id.to_string(), arn.to_string());
            known.insert(arn.to_string(), arn.to_string());
        }
    }
    for c in &clusters {
        if let (Some(id), Some(arn)) = (c.db_cluster_identifier(), c.db_cluster_arn()) {
            known.insert(id.to_string(), arn.to_string());
            known.insert(arn.to_string(), arn.to_string());
        }
    }
    let db_ref = |r: Option<&str>| match r {
        Some(r) if !r.is_empty() => Tri::Known(match known.get(r) {
            Some(arn) => DbRef::Managed(arn.clone()),
            None => DbRef::External(r.to_string()),
        }),
        _ => Tri::Absent,
    };

    for i in &instances {
        let (Some(id), Some(arn)) = (i.db_instance_identifier(), i.db_instance_arn()) else {
            continue;
        };
        let group = i
            .db_parameter_groups()
            .iter()
            .find_map(|g| g.db_parameter_group_name())
            .map(str::to_owned);
        let member = i.db_cluster_identifier();
        let mut meta = ctx.meta(
            "aws_db_instance",
            arn,
            Some(id),
            region,
            ops(SVC, &["DescribeDBInstances"]),
        );
        meta.tags = tags(i.tag_list());
        let read = group_of(false, group.as_deref().unwrap_or_default());
        inv.db_instances.push(DbInstance {
            cluster: false,
            engine: opt(i.engine()),
            engine_version: opt(i.engine_version()),
            engine_mode: Tri::Absent,
            storage_encrypted: flag(i.storage_encrypted()),
            cluster_member: match member {
                // Membership is only "managed" when the cluster list was read.
                Some(c) if !clusters_known => Tri::Known(DbRef::External(c.to_string())),
                other => db_ref(other),
            },
            replicate_source: db_ref(
                i.read_replica_source_db_instance_identifier()
                    .or(i.read_replica_source_db_cluster_identifier()),
            ),
            // DescribeDBInstances does not say; the encryption it reports already
            // reflects any snapshot the instance was restored from.
            restored_from_snapshot: Tri::Absent,
            parameter_group: parameter_group(group.as_deref(), read),
            tls_from_cluster: member.is_some(),
            parameters_read_by: parameters_read_by(&group, read),
            deletion_protection: flag(i.deletion_protection()),
            backup_retention_days: number(i.backup_retention_period()),
            kms_key: key(i.kms_key_id()),
            meta,
        });
    }
    for c in &clusters {
        let (Some(id), Some(arn)) = (c.db_cluster_identifier(), c.db_cluster_arn()) else {
            continue;
        };
        let group = c.db_cluster_parameter_group().map(str::to_owned);
        let mut meta = ctx.meta(
            "aws_rds_cluster",
            arn,
            Some(id),
            region,
            ops(SVC, &["DescribeDBClusters"]),
        );
        meta.tags = tags(c.tag_list());
        let read = group_of(true, group.as_deref().unwrap_or_default());
        inv.db_instances
            .push(cluster(c, meta, group, read, &db_ref));
    }
    for g in &groups {
        let Some(arn) = &g.arn else { continue };
        let (kind, op, params_op) = if g.cluster {
            (
                "aws_rds_cluster_parameter_group",
                "DescribeDBClusterParameterGroups",
                "DescribeDBClusterParameters",
            )
        } else {
            (
                "aws_db_parameter_group",
                "DescribeDBParameterGroups",
                "DescribeDBParameters",
            )
        };
        let used: Vec<&str> = if g.parameters.is_some() {
            vec![op, params_op]
        } else {
            vec![op]
        };
        inv.db_parameter_groups.push(DbParameterGroup {
            meta: ctx.meta(kind, arn, Some(&g.name), region, ops(SVC, &used)),
            cluster: g.cluster,
            group_name: Tri::Known(g.name.clone()),
            family: g.family.clone(),
            parameters: match &g.parameters {
                Some(p) => Tri::Known(
                    p.iter()
                        .map(|(name, value)| DbParameter {
                            name: name.clone(),
                            value: opt(value.as_deref()),
                        })
                        .collect(),
                ),
                None => Tri::Unknown(Gap::NotCollected),
            },
        });
    }
    inv.db_instances
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv.db_parameter_groups
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

fn cluster(
    c: &DbCluster,
    meta: crate::model::Meta,
    group: Option<String>,
    read: Option<&Group>,
    db_ref: &dyn Fn(Option<&str>) -> Tri<DbRef>,
) -> DbInstance {
    DbInstance {
        meta,
        cluster: true,
        engine: opt(c.engine()),
        engine_version: opt(c.engine_version()),
        engine_mode: opt(c.engine_mode()),
        storage_encrypted: flag(c.storage_encrypted()),
        cluster_member: Tri::Absent,
        replicate_source: db_ref(c.replication_source_identifier()),
        restored_from_snapshot: Tri::Absent,
        parameter_group: parameter_group(group.as_deref(), read),
        tls_from_cluster: false,
        parameters_read_by: parameters_read_by(&group, read),
        deletion_protection: flag(c.deletion_protection()),
        backup_retention_days: number(c.backup_retention_period()),
        kms_key: key(c.kms_key_id()),
    }
}

/// The operation that read the parameters of the group a database names, when they
/// were read: TLS findings name it next to the database's own.
fn parameters_read_by(group: &Option<String>, read: Option<&Group>) -> Option<&'static str> {
    match (group, read) {
        (Some(_), Some(g)) if g.parameters.is_some() => Some(if g.cluster {
            "DescribeDBClusterParameters"
        } else {
            "DescribeDBParameters"
        }),
        _ => None,
    }
}

fn parameter_group(name: Option<&str>, read: Option<&Group>) -> Tri<ParameterGroup> {
    match name {
        None => Tri::Known(ParameterGroup::Default(None)),
        Some(n) if is_default_group(n) => Tri::Known(ParameterGroup::Default(Some(n.to_string()))),
        Some(n) => match read {
            Some(g) => match (&g.parameters, &g.arn) {
                (Some(params), Some(arn)) => {
                    Tri::Known(ParameterGroup::Managed(ManagedParameterGroup {
                        address: arn.clone(),
                        family: g.family.clone(),
                        parameters: params
                            .iter()
                            .map(|(k, v)| (k.to_ascii_lowercase(), opt(v.as_deref())))
                            .collect(),
                        incomplete: None,
                    }))
                }
                _ => Tri::Unknown(Gap::NotCollected),
            },
            None => Tri::Known(ParameterGroup::External(n.to_string())),
        },
    }
}

fn is_default_group(name: &str) -> bool {
    name.starts_with("default.") || name.starts_with("default:")
}

/// The parameter groups the instances and clusters use, with the parameters set in
/// the custom ones.
async fn parameter_groups(
    ctx: &SweepState,
    client: &aws_sdk_rds::Client,
    region: &str,
    instances: &[ApiInstance],
    clusters: &[DbCluster],
) -> Vec<Group> {
    let mut wanted: Vec<(bool, String)> = Vec::new();
    for i in instances {
        for g in i.db_parameter_groups() {
            if let Some(n) = g.db_parameter_group_name() {
                wanted.push((false, n.to_string()));
            }
        }
    }
    for c in clusters {
        if let Some(n) = c.db_cluster_parameter_group() {
            wanted.push((true, n.to_string()));
        }
    }
    wanted.retain(|(_, n)| !is_default_group(n));
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Vec::new();
    }

    let need_instance = wanted.iter().any(|(c, _)| !c);
    let need_cluster = wanted.iter().any(|(c, _)| *c);
    let mut listed: Vec<(bool, String, String, Option<String>)> = Vec::new();
    // Each listing is taken apart into `(cluster, name, ARN, family)` as its pages
    // arrive; a group without a name or ARN cannot be matched and is left out.
    if need_instance {
        listed.extend(
            ctx.pages(
                SVC,
                region,
                "DescribeDBParameterGroups",
                "the region",
                "DB parameter groups (TLS settings)",
                |marker| {
                    client
                        .describe_db_parameter_groups()
                        .set_marker(marker)
                        .send()
                },
                |o| {
                    let groups = o.db_parameter_groups().iter().filter_map(|g| {
                        Some((
                            false,
                            g.db_parameter_group_name()?.to_string(),
                            g.db_parameter_group_arn()?.to_string(),
                            g.db_parameter_group_family().map(str::to_owned),
                        ))
                    });
                    (groups.collect(), o.marker().map(str::to_owned))
                },
            )
            .await
            .unwrap_or_default(),
        );
    }
    if need_cluster {
        listed.extend(
            ctx.pages(
                SVC,
                region,
                "DescribeDBClusterParameterGroups",
                "the region",
                "DB cluster parameter groups (TLS settings)",
                |marker| {
                    client
                        .describe_db_cluster_parameter_groups()
                        .set_marker(marker)
                        .send()
                },
                |o| {
                    let groups = o.db_cluster_parameter_groups().iter().filter_map(|g| {
                        Some((
                            true,
                            g.db_cluster_parameter_group_name()?.to_string(),
                            g.db_cluster_parameter_group_arn()?.to_string(),
                            g.db_parameter_group_family().map(str::to_owned),
                        ))
                    });
                    (groups.collect(), o.marker().map(str::to_owned))
                },
            )
            .await
            .unwrap_or_default(),
        );
    }

    join_all(wanted.into_iter().map(|(cluster, name)| {
        let found = listed
            .iter()
            .find(|(c, n, _, _)| *c == cluster && *n == name)
            .cloned();
        async move {
            let target = format!("parameter group {name}");
            let parameters = if cluster {
                ctx.pages(
                    SVC,
                    region,
                    "DescribeDBClusterParameters",
                    &target,
                    "the parameters set in the group (TLS settings)",
                    |marker| {
                        client
                            .describe_db_cluster_parameters()
                            .db_cluster_parameter_group_name(&name)
                            .source("user")
                            .set_marker(marker)
                            .send()
                    },
                    |o| (params(o.parameters()), o.marker().map(str::to_owned)),
                )
                .await
            } else {
                ctx.pages(
                    SVC,
                    region,
                    "DescribeDBParameters",
                    &target,
                    "the parameters set in the group (TLS settings)",
                    |marker| {
                        client
                            .describe_db_parameters()
                            .db_parameter_group_name(&name)
                            .source("user")
                            .set_marker(marker)
                            .send()
                    },
                    |o| (params(o.parameters()), o.marker().map(str::to_owned)),
                )
                .await
            };
            Group {
                cluster,
                arn: found.as_ref().map(|f| f.2.clone()),
                family: match found.as_ref() {
                    Some((_, _, _, Some(f))) => Tri::Known(f.clone()),
                    Some(_) => Tri::Absent,
                    None => Tri::Unknown(Gap::NotCollected),
                },
                name,
                parameters,
            }
        }
    }))
    .await
}

fn params(list: &[Parameter]) -> Vec<(String, Option<String>)> {
    list.iter()
        .filter_map(|p| {
            p.parameter_name()
                .map(|n| (n.to_string(), p.parameter_value().map(str::to_owned)))
        })
        .collect()
}

fn tags(list: &[Tag]) -> BTreeMap<String, String> {
    key_value_tags(list.iter().map(|t| (t.key(), t.value())))
}
