//! Live resources linked to the Terraform resources that manage them, when one run
//! reads both.
//!
//! A state (or a plan) gives an address its real ARN: that link is exact. Without
//! one, a live resource is linked by the name the HCL gives it (bucket, role, queue
//! name), when exactly one Terraform resource of its kind has that name. A linked live
//! finding then sits on the `.tf` line that should fix it, and DRIFT001 compares the
//! two.

use crate::env::EnvConfig;
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
