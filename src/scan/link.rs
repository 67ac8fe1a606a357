//! Live resources linked to the Terraform resources that manage them, when one run
//! reads both.
//!
//! A state (or a plan) gives an address its real ARN: that link is exact. Without
//! one, a live resource is linked by the name the HCL gives it (bucket, role, queue
//! name), when exactly one Terraform resource of its kind has that name. A linked live
//! finding then sits on the `.tf` line that should fix it, and DRIFT001 compares the
//! two.

use crate::environment::EnvConfig;
use crate::model::{arn_account, Inventory, ManagedBy, Meta, Origin};
use std::collections::BTreeMap;

/// Link every live resource to its Terraform resource, and record which accounts the
/// Terraform covers (DRIFT002 judges only those).
pub fn link(inv: &mut Inventory, environments: &[EnvConfig]) {
    let metas = inv.metas();
    let terraform: Vec<&Meta> = metas
        .iter()
        .copied()
        .filter(|m| matches!(m.origin, Origin::Terraform { .. }))
        .collect();
    if terraform.is_empty() {
        return;
    }
    let mut by_arn: BTreeMap<&str, ManagedBy> = BTreeMap::new();
    let mut by_name: BTreeMap<(&str, &str), Vec<ManagedBy>> = BTreeMap::new();
    let mut accounts: BTreeMap<String, String> = BTreeMap::new();
    for m in &terraform {
        let Origin::Terraform { root, location, .. } = &m.origin else {
            continue;
        };
        let link = |by: String| ManagedBy {
            address: m.address.clone(),
            root: root.clone(),
            location: location.clone(),
            by,
        };
        if let Some(arn) = &m.arn {
            by_arn.insert(arn, link(format!("ARN {arn} from {root}")));
            if let Some(a) = arn_account(arn) {
                accounts.entry(a.to_string()).or_insert_with(|| {
                    format!(
                        "Terraform state records {arn} for {} (root {root})",
                        m.address
                    )
                });
            }
        }
        if let Some(name) = &m.name {
            by_name
                .entry((m.kind.as_str(), name.as_str()))
                .or_default()
                .push(link(format!("{} name \"{name}\"", m.kind)));
        }
        for c in environments
            .iter()
            .filter(|c| c.paths.is_match(&location.file))
        {
            for a in &c.accounts {
                accounts.entry(a.clone()).or_insert_with(|| {
                    format!(
                        "config environments.{} maps {} to account {a}",
                        c.name, location.file
                    )
                });
            }
        }
    }
    let mut links: BTreeMap<String, ManagedBy> = BTreeMap::new();
    for m in metas
        .iter()
        .filter(|m| matches!(m.origin, Origin::Aws { .. }))
    {
        let by_state = m.arn.as_deref().and_then(|a| by_arn.get(a)).cloned();
        let by_hcl = || match m
            .name
            .as_deref()
            .and_then(|n| by_name.get(&(m.kind.as_str(), n)))
        {
            Some(found) if found.len() == 1 => found.first().cloned(),
            _ => None,
        };
        if let Some(l) = by_state.or_else(by_hcl) {
            if let (
                Origin::Aws {
                    account: Some(a), ..
                },
                false,
            ) = (&m.origin, l.by.starts_with("ARN"))
            {
                accounts
                    .entry(a.clone())
                    .or_insert_with(|| format!("{} manages {} by its name", l.address, m.address));
            }
            links.insert(m.address.clone(), l);
        }
    }
    for m in inv.metas_mut() {
        if matches!(m.origin, Origin::Aws { .. }) {
            if let Some(l) = links.get(&m.address) {
                m.managed_by = Some(l.clone());
            }
        }
    }
    inv.terraform_accounts.extend(accounts);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::s3::S3Bucket;
    use crate::model::{Location, Tri, Wording};

    fn bucket(address: &str, name: &str, origin: Origin) -> S3Bucket {
        let live = matches!(origin, Origin::Aws { .. });
        S3Bucket {
            meta: Meta {
                address: address.into(),
                kind: "aws_s3_bucket".into(),
                arn: live.then(|| format!("arn:aws:s3:::{name}")),
                name: Some(name.into()),
                tags: Default::default(),
                classification: None,
                environment: None,
                origin,
                managed_by: None,
                wording: if live {
                    &Wording::LIVE
                } else {
                    &Wording::TERRAFORM
                },
            },
            bucket: Tri::Known(name.into()),
            encryption: Tri::Absent,
            policies: Tri::Absent,
            public_access_block: Tri::Absent,
            acl: Tri::Absent,
            versioning: Tri::Absent,
            log_destination_for: None,
            declared_elsewhere: None,
        }
    }

    fn tf(root: &str, file: &str) -> Origin {
        Origin::Terraform {
            root: root.into(),
            location: Location {
                file: file.into(),
                start_line: 3,
                start_column: 1,
                end_line: 5,
                end_column: 2,
            },
            module_calls: Vec::new(),
        }
    }

    fn live() -> Origin {
        Origin::Aws {
            account: Some("222222222222".into()),
            region: "eu-west-1".into(),
            operation: "s3:ListBuckets".into(),
        }
    }

    #[test]
    fn names_link_when_unique_and_config_maps_accounts() {
        let mut inv = Inventory {
            s3_buckets: vec![
                bucket("aws_s3_bucket.a", "a", tf("envs/prod", "envs/prod/main.tf")),
                bucket(
                    "aws_s3_bucket.dup",
                    "dup",
                    tf("envs/prod", "envs/prod/main.tf"),
                ),
                bucket(
                    "aws_s3_bucket.dup",
                    "dup",
                    tf("envs/dev", "envs/dev/main.tf"),
                ),
                bucket("arn:aws:s3:::a", "a", live()),
                bucket("arn:aws:s3:::dup", "dup", live()),
            ],
            ..Inventory::default()
        };
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("envs/prod/**").expect("glob"));
        let prod = EnvConfig {
            name: "prod".into(),
            production: true,
            accounts: vec!["222222222222".into()],
            paths: globs.build().expect("globs"),
            path_patterns: vec!["envs/prod/**".into()],
            path_lines: vec![1],
            tags: Default::default(),
            cidrs: Vec::new(),
        };
        link(&mut inv, &[prod]);
        let a = inv.s3_buckets[3]
            .meta
            .managed_by
            .as_ref()
            .expect("linked by name");
        assert_eq!(
            (a.address.as_str(), a.root.as_str(), a.by.as_str()),
            ("aws_s3_bucket.a", "envs/prod", "aws_s3_bucket name \"a\"")
        );
        assert_eq!(a.location.file, "envs/prod/main.tf");
        // Two Terraform buckets of that name: which one manages it is not known.
        assert!(inv.s3_buckets[4].meta.managed_by.is_none());
        assert_eq!(
            inv.terraform_accounts
                .get("222222222222")
                .map(String::as_str),
            Some("config environments.prod maps envs/prod/main.tf to account 222222222222")
        );
    }
}
