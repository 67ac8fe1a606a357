//! ENV004 env-resource-policy-cross-env: a bucket or key policy in one environment
//! grants access to another environment's account.

use super::{allowed_aws_principals, cross_env, env_of, Crossing};
use crate::model::s3::{judged_for, BucketSetting};
use crate::model::{Gap, Inventory, Meta, PolicyDocument, Tri};
use crate::rules::Ctx;

fn judge(ctx: &mut Ctx, meta: &Meta, docs: &[&Tri<PolicyDocument>]) {
    let Some(own) = env_of(meta) else {
        return;
    };
    let mut principals = Vec::new();
    let mut unknown: Option<Gap> = None;
    for d in docs {
        match d {
            Tri::Known(doc) => {
                let (p, u) = allowed_aws_principals(doc);
                principals.extend(p);
                if u {
                    unknown = unknown.or(Some(meta.wording.gap));
                }
            }
            Tri::Unknown(gap) => unknown = unknown.or(Some(*gap)),
            Tri::Absent => {}
        }
    }
    let accounts: Vec<&str> = principals
        .iter()
        .filter_map(|p| super::account_of(p))
        .collect();
    match cross_env(ctx.settings, own, &accounts, unknown) {
        Crossing::Other { account, env, .. } => ctx.fail(
            meta,
            format!("resource policy in {} grants access to account {account} of {env}; share data between environments through a reviewed pipeline, not direct grants", own.name),
        ),
        Crossing::Same => ctx.pass(meta, format!("resource policy grants no other environment's account (environment {})", own.name)),
        Crossing::Unknown(why) => ctx.unknown(meta, why),
    }
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::Policy) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        match &b.policies {
            Tri::Known(list) if !list.is_empty() => {
                let docs: Vec<&Tri<PolicyDocument>> = list.iter().map(|p| &p.document).collect();
                judge(ctx, &b.meta, &docs);
            }
            Tri::Unknown(gap) => judge(ctx, &b.meta, &[&Tri::Unknown(*gap)]),
            _ => {}
        }
    }
    for k in &inv.kms_keys {
        if !k.policy.is_absent() {
            ctx.set_note(&k.meta, k.elsewhere_note());
            judge(ctx, &k.meta, &[&k.policy]);
        }
    }
}
