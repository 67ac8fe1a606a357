//! Providers, literal cross-account references, remote-state lookups and network
//! links, for the environment-separation rules.

use super::RootAdapter;
use crate::model::arn_account;
use crate::model::envlinks::{ExternalRefs, NetworkLink, ProviderConfig};
use crate::model::{Gap, Inventory, Meta, Origin, Tri, Value, Wording};
use crate::source::terraform::resource::{Body, TfResource};
use std::collections::BTreeSet;

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    providers(ctx, inv);
    external_refs(ctx, inv);
    network_links(ctx, inv);
}

fn providers(ctx: &RootAdapter, inv: &mut Inventory) {
    let root = ctx
        .resources
        .first()
        .map(|r| r.root.clone())
        .unwrap_or_else(|| ctx.root.clone());
    for p in ctx.providers.iter().filter(|p| p.name == "aws") {
        let alias = p.body.str("alias").known().cloned();
        let address = match &alias {
            Some(a) => format!("provider.aws.{a}"),
            None => "provider.aws".to_string(),
        };
        let mut arns = Vec::new();
        let mut unknown = false;
        for b in p.body.blocks("assume_role") {
            match b.body.str("role_arn") {
                Tri::Known(a) => arns.push(a),
                Tri::Unknown(_) => unknown = true,
                Tri::Absent => {}
            }
        }
        if p.body.unknown_blocks.contains("assume_role") {
            unknown = true;
        }
        let meta = Meta {
            address,
            kind: "provider".into(),
            arn: None,
            name: None,
            tags: p.default_tags(),
            classification: None,
            environment: None,
            origin: Origin::Terraform {
                root: root.clone(),
                location: p.location.clone(),
                module_calls: Vec::new(),
            },
            managed_by: None,
            wording: &Wording::TERRAFORM,
        };
        inv.provider_configs.push(ProviderConfig {
            meta,
            alias,
            assume_role_arns: if unknown {
                Tri::Unknown(Gap::BeforeApply)
            } else {
                Tri::Known(arns)
            },
            allowed_account_ids: p.body.str_list("allowed_account_ids"),
            forbidden_account_ids: p.body.str_list("forbidden_account_ids"),
        });
    }
}

fn collect(v: &Value, arns: &mut BTreeSet<String>, states: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            if s.starts_with("arn:") && arn_account(s).is_some() {
                arns.insert(s.clone());
            } else if s.trim_start().starts_with('{') {
                // A JSON policy: look inside, minus its principals.
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(s) {
                    collect(&Value::from_json(&json), arns, states);
                }
            }
        }
        Value::List(items) => items.iter().for_each(|i| collect(i, arns, states)),
        // Principals of a policy are grants (ENV001/ENV004 judge them), not references.
        Value::Map(m) => m
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Principal" | "NotPrincipal"))
            .for_each(|(_, i)| collect(i, arns, states)),
        Value::Json(inner) => collect(inner, arns, states),
        Value::Unknown(u) => {
            for r in &u.refs {
                // `data.terraform_remote_state.NAME.outputs...` in this module.
                if let Some(rest) = r.split("data.terraform_remote_state.").nth(1) {
                    if let Some(name) = rest.split(['.', '[']).next() {
                        states.insert(name.to_string());
                    }
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn collect_body(b: &Body, arns: &mut BTreeSet<String>, states: &mut BTreeSet<String>) {
    for a in b.attrs.values() {
        collect(&a.value, arns, states);
    }
    for blk in b
        .blocks
        .iter()
        .filter(|blk| !matches!(blk.kind.as_str(), "principals" | "not_principals"))
    {
        collect_body(&blk.body, arns, states);
    }
}

/// Where a remote state lives, as far as known: its config values joined.
fn state_location(r: &TfResource) -> Tri<String> {
    let mut parts = Vec::new();
    if let Some(Value::Map(cfg)) = r.body.get("config") {
        for key in [
            "bucket",
            "key",
            "prefix",
            "path",
            "workspace_key_prefix",
            "organization",
            "name",
        ] {
            match cfg.get(key) {
                Some(Value::String(s)) => parts.push(s.clone()),
                Some(Value::Unknown(_)) => return Tri::Unknown(Gap::BeforeApply),
                Some(Value::Map(ws)) => {
                    if let Some(Value::String(n)) = ws.get("name") {
                        parts.push(n.clone());
                    }
                }
                _ => {}
            }
        }
    } else if r.body.get("config").is_some_and(Value::is_unknown) {
        return Tri::Unknown(Gap::BeforeApply);
    }
    match r.body.str("workspace") {
        Tri::Known(w) => parts.push(w),
        Tri::Unknown(gap) => return Tri::Unknown(gap),
        Tri::Absent => {}
    }
    if parts.is_empty() {
        Tri::Unknown(Gap::BeforeApply)
    } else {
        Tri::Known(parts.join("/"))
    }
}

fn external_refs(ctx: &RootAdapter, inv: &mut Inventory) {
    for r in ctx.resources.iter().filter(|r| !r.is_data()) {
        let mut arns = BTreeSet::new();
        let mut states = BTreeSet::new();
        collect_body(&r.body, &mut arns, &mut states);
        if arns.is_empty() && states.is_empty() {
            continue;
        }
        let module_prefix = r
            .address
            .rsplit_once(&format!("{}.{}", r.rtype, r.name))
            .map(|(p, _)| p)
            .unwrap_or("");
        let remote_states = states
            .into_iter()
            .map(|name| {
                let addr = format!("{module_prefix}data.terraform_remote_state.{name}");
                let loc = ctx
                    .resources
                    .iter()
                    .find(|d| {
                        d.is_data()
                            && (d.address == addr || d.address.starts_with(&format!("{addr}[")))
                    })
                    .map(state_location)
                    .unwrap_or(Tri::Unknown(Gap::BeforeApply));
                (name, loc)
            })
            .collect();
        inv.external_refs.push(ExternalRefs {
            meta: ctx.meta(r, None),
            arns: arns.into_iter().collect(),
            remote_states,
        });
    }
}

fn cidrs_of(b: &Body, keys: &[&str]) -> Tri<Vec<String>> {
    let mut out = Vec::new();
    for k in keys {
        match b.value(k) {
            Tri::Known(Value::List(items)) => {
                for i in items {
                    match i.to_tf_string() {
                        Some(c) => out.push(c),
                        None => return Tri::Unknown(Gap::BeforeApply),
                    }
                }
            }
            Tri::Known(v) => match v.to_tf_string() {
                Some(c) => out.push(c),
                None => return Tri::Unknown(Gap::BeforeApply),
            },
            Tri::Unknown(gap) => return Tri::Unknown(gap),
            Tri::Absent => {}
        }
    }
    Tri::Known(out)
}

/// Resources that are one link each: its kind, the attribute naming the peer
/// account, and the attribute holding the CIDR blocks it opens to.
const LINKS: [(&str, &str, Option<&str>, Option<&str>); 6] = [
    (
        "aws_vpc_peering_connection",
        "vpc-peering",
        Some("peer_owner_id"),
        None,
    ),
    (
        "aws_ec2_transit_gateway_vpc_attachment",
        "tgw-attachment",
        Some("peer_account_id"),
        None,
    ),
    (
        "aws_ec2_transit_gateway_peering_attachment",
        "tgw-attachment",
        Some("peer_account_id"),
        None,
    ),
    (
        "aws_security_group_rule",
        "security-group-rule",
        None,
        Some("cidr_blocks"),
    ),
    (
        "aws_vpc_security_group_ingress_rule",
        "security-group-rule",
        None,
        Some("cidr_ipv4"),
    ),
    (
        "aws_vpc_security_group_egress_rule",
        "security-group-rule",
        None,
        Some("cidr_ipv4"),
    ),
];

fn network_links(ctx: &RootAdapter, inv: &mut Inventory) {
    for (t, kind, peer, cidrs) in LINKS {
        for r in ctx.of_type(t) {
            inv.network_links.push(NetworkLink {
                meta: ctx.meta(r, None),
                kind: kind.into(),
                peer_account: peer.map_or(Tri::Absent, |a| r.body.str(a)),
                cidrs: cidrs.map_or(Tri::Absent, |a| cidrs_of(&r.body, &[a])),
            });
        }
    }
    for r in ctx.of_type("aws_security_group") {
        let unknown =
            r.body.unknown_blocks.contains("ingress") || r.body.unknown_blocks.contains("egress");
        let mut all = Vec::new();
        let mut any_unknown = unknown;
        let mut any = false;
        for b in r.body.blocks("ingress").chain(r.body.blocks("egress")) {
            any = true;
            match cidrs_of(&b.body, &["cidr_blocks"]) {
                Tri::Known(c) => all.extend(c),
                _ => any_unknown = true,
            }
        }
        if any || unknown {
            inv.network_links.push(NetworkLink {
                meta: ctx.meta(r, None),
                kind: "security-group-rule".into(),
                peer_account: Tri::Absent,
                cidrs: if any_unknown {
                    Tri::Unknown(Gap::BeforeApply)
                } else {
                    Tri::Known(all)
                },
            });
        }
    }
}
