//! Resource-based policies (IAM014) joined to the resource they govern: queue, topic
//! and secret policies (inline `policy` or the separate `aws_*_policy` resource), ECR
//! repository policies and Lambda permissions. See [`crate::model::resource_policy`].
//!
//! A separate policy resource whose target is a literal not managed in this root, or
//! a value unknown before apply, becomes a detached policy judged on its own: it is
//! applied to *something*, and a public grant is a finding whatever it governs. Holders
//! of that type without a policy of their own then get `Unknown` policies, since the
//! unresolved one may be theirs (as for split S3 resources).

use super::{RootAdapter, Target};
use crate::model::policy::PStr;
use crate::model::resource_policy::{
    DetachedGrant, DetachedResourcePolicy, EcrRepository, LambdaFunction, LambdaPermission,
    ResourcePolicy,
};
use crate::model::{Gap, Inventory, Tri, Value};
use crate::source::terraform::resource::TfResource;

/// A separate policy resource type: which argument names its target, the target's
/// type, and the target's argument a literal name is matched against.
pub struct SplitKind {
    pub rtype: &'static str,
    pub target_arg: &'static str,
    pub holder: &'static str,
    pub name_attr: &'static str,
}

pub const SQS: SplitKind = SplitKind {
    rtype: "aws_sqs_queue_policy",
    target_arg: "queue_url",
    holder: "aws_sqs_queue",
    name_attr: "name",
};
pub const SNS: SplitKind = SplitKind {
    rtype: "aws_sns_topic_policy",
    target_arg: "arn",
    holder: "aws_sns_topic",
    name_attr: "name",
};
pub const SECRET: SplitKind = SplitKind {
    rtype: "aws_secretsmanager_secret_policy",
    target_arg: "secret_arn",
    holder: "aws_secretsmanager_secret",
    name_attr: "name",
};
const ECR: SplitKind = SplitKind {
    rtype: "aws_ecr_repository_policy",
    target_arg: "repository",
    holder: "aws_ecr_repository",
    name_attr: "name",
};
const LAMBDA: SplitKind = SplitKind {
    rtype: "aws_lambda_permission",
    target_arg: "function_name",
    holder: "aws_lambda_function",
    name_attr: "function_name",
};

/// The separate policy resources of one kind, by the holder they target.
pub struct Splits<'a> {
    by_holder: Vec<(&'a TfResource, &'a TfResource)>,
    /// Some resource of this kind targets a holder that cannot be identified.
    unattributed: bool,
}

impl<'a> Splits<'a> {
    pub fn collect(ctx: &RootAdapter<'a>, kind: &SplitKind) -> Splits<'a> {
        let mut by_holder = Vec::new();
        let mut unattributed = false;
        for r in ctx.of_type(kind.rtype) {
            match ctx.target(r.body.get(kind.target_arg), &[kind.holder], kind.name_attr) {
                Target::Resource(h) => by_holder.push((h, r)),
                Target::External(_) => {}
                Target::Unknown => unattributed = true,
            }
        }
        Splits {
            by_holder,
            unattributed,
        }
    }

    fn for_holder(&self, holder: &TfResource) -> Vec<&'a TfResource> {
        self.by_holder
            .iter()
            .filter(|(h, _)| h.address == holder.address)
            .map(|(_, r)| *r)
            .collect()
    }

    /// Known (possibly empty) when every policy resource of this kind was attributed
    /// or the holder has policies of its own; unknown otherwise.
    fn tri<T>(&self, list: Vec<T>) -> Tri<Vec<T>> {
        if list.is_empty() && self.unattributed {
            Tri::Unknown(Gap::BeforeApply)
        } else {
            Tri::Known(list)
        }
    }
}

/// The policies of a queue, topic or secret: its inline `policy` argument and the
/// separate policy resources that target it.
pub fn policies_of(
    ctx: &mut RootAdapter,
    holder: &TfResource,
    splits: &Splits,
) -> Tri<Vec<ResourcePolicy>> {
    let mut list = Vec::new();
    if holder.body.get("policy").is_some_and(|v| !v.is_null()) {
        list.push(ResourcePolicy {
            document: ctx.policy(holder, "policy"),
            configured_by: holder.address.clone(),
        });
    }
    for p in splits.for_holder(holder) {
        list.push(ResourcePolicy {
            document: ctx.policy(p, "policy"),
            configured_by: p.address.clone(),
        });
    }
    splits.tri(list)
}

/// ECR repositories, Lambda functions, and every separate policy resource (of the
/// five kinds) that targets no resource of this root.
pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    let ecr = Splits::collect(ctx, &ECR);
    let repos: Vec<&TfResource> = ctx.of_type(ECR.holder).collect();
    for r in repos {
        let policies = splits_policies(ctx, r, &ecr);
        inv.ecr_repositories.push(EcrRepository {
            meta: ctx.meta(r, Some("name")),
            policies,
        });
    }

    let lambda = Splits::collect(ctx, &LAMBDA);
    let functions: Vec<&TfResource> = ctx.of_type(LAMBDA.holder).collect();
    for f in functions {
        let permissions = lambda.tri(
            lambda
                .for_holder(f)
                .into_iter()
                .map(lambda_permission)
                .collect(),
        );
        inv.lambda_functions.push(LambdaFunction {
            meta: ctx.meta(f, Some("function_name")),
            permissions,
        });
    }

    for kind in [&SQS, &SNS, &SECRET, &ECR, &LAMBDA] {
        let detached: Vec<(&TfResource, Tri<String>)> = ctx
            .of_type(kind.rtype)
            .filter_map(|r| {
                match ctx.target(r.body.get(kind.target_arg), &[kind.holder], kind.name_attr) {
                    Target::Resource(_) => None,
                    Target::External(name) => Some((r, Tri::Known(name))),
                    Target::Unknown => Some((r, Tri::Unknown(Gap::BeforeApply))),
                }
            })
            .collect();
        for (r, target) in detached {
            let grant = if kind.rtype == LAMBDA.rtype {
                DetachedGrant::LambdaPermission(Box::new(lambda_permission(r)))
            } else {
                DetachedGrant::Document(ctx.policy(r, "policy"))
            };
            inv.detached_resource_policies.push(DetachedResourcePolicy {
                meta: ctx.meta(r, None),
                target,
                grant,
            });
        }
    }
}

/// The policies of separate resources only (ECR repositories have no inline policy).
fn splits_policies(
    ctx: &mut RootAdapter,
    holder: &TfResource,
    splits: &Splits,
) -> Tri<Vec<ResourcePolicy>> {
    let list = splits
        .for_holder(holder)
        .into_iter()
        .map(|p| ResourcePolicy {
            document: ctx.policy(p, "policy"),
            configured_by: p.address.clone(),
        })
        .collect();
    splits.tri(list)
}

fn lambda_permission(r: &TfResource) -> LambdaPermission {
    LambdaPermission {
        principal: pstr(r.body.get("principal")),
        source_arn: pstr(r.body.get("source_arn")),
        source_account: pstr(r.body.get("source_account")),
        principal_org_id: pstr(r.body.get("principal_org_id")),
        function_url_auth_type: r.body.str("function_url_auth_type"),
        action: r.body.str("action"),
        configured_by: r.address.clone(),
    }
}

/// An argument as a policy string: `None` when not set (or null), a literal, or an
/// unknown that remembers whether it only refers to managed resources (then it is set
/// and specific, e.g. `aws_s3_bucket.b.arn`) or could be anything, null included.
fn pstr(v: Option<&Value>) -> Option<PStr> {
    let v = v.filter(|v| !v.is_null())?;
    if let Some(s) = v.to_tf_string() {
        return Some(PStr::Lit(s));
    }
    Some(match v {
        Value::Unknown(u) => PStr::Unknown {
            refs: u.refs.clone(),
            shape: u.shape.clone(),
            unresolved: u.unresolved || u.refs.is_empty(),
        },
        _ => PStr::Unknown {
            refs: Vec::new(),
            shape: None,
            unresolved: true,
        },
    })
}
