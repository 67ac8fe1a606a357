//! IAM: managed and inline identity policies with what they are attached to, role
//! trust policies, users, and attachments of policies defined elsewhere (by ARN).
//!
//! Inline policies have three Terraform forms (`aws_iam_role_policy` and friends, and
//! the `inline_policy` blocks of `aws_iam_role`); attachments four
//! (`aws_iam_{role,user,group}_policy_attachment`, `aws_iam_policy_attachment`, and a
//! role's `managed_policy_arns`). All of them land in the same model.

use super::{RootAdapter, Target};
use crate::model::iam::{IamGroup, IamRole, IamUser, IdentityPolicy, PolicyAttachment, Principal};
use crate::model::policy::aws_managed_path;
use crate::model::value::HOLE;
use crate::model::{Gap, Inventory, Tri, Value};
use crate::source::terraform::resource::TfResource;

/// The principal a `role`/`user`/`group` argument names: the managed resource's name
/// when known, else its address, else the literal.
fn principal(
    ctx: &RootAdapter,
    value: Option<&Value>,
    rtype: &'static str,
    make: fn(String) -> Principal,
) -> Tri<Principal> {
    match ctx.target(value, &[rtype], "name") {
        Target::Resource(r) => Tri::Known(make(
            r.body
                .get("name")
                .and_then(Value::to_tf_string)
                .unwrap_or_else(|| r.address.clone()),
        )),
        Target::External(name) => Tri::Known(make(name)),
        Target::Unknown => Tri::Unknown(Gap::BeforeApply),
    }
}

/// A policy ARN as far as it is known: literal; a template whose only unknown part is
/// the partition or account (`arn:${partition}:iam::aws:policy/AdministratorAccess`),
/// normalised to the `aws` partition so rules can recognise AWS-managed policies; or the
/// `arn` of a `data "aws_iam_policy"` lookup (see [`looked_up_arn`]).
fn policy_arn(ctx: &RootAdapter, v: Option<&Value>) -> Tri<String> {
    match v {
        None | Some(Value::Null) => Tri::Absent,
        Some(Value::String(s)) => Tri::Known(s.clone()),
        Some(Value::Unknown(u)) => match u.shape.as_deref().and_then(aws_managed_path) {
            Some(path) => Tri::Known(format!("arn:aws:iam::aws:policy/{path}")),
            None if u.refs.len() == 1
                && u.shape.as_deref().is_none_or(|s| s.chars().eq([HOLE])) =>
            {
                looked_up_arn(ctx, &u.refs[0])
            }
            _ => Tri::Unknown(Gap::BeforeApply),
        },
        Some(_) => Tri::Unknown(Gap::BeforeApply),
    }
}

/// The name that ends a policy ARN template whose path is literal
/// (`arn:${partition}:iam::${account_id}:policy/AmazonEKS_CNI_IPv6_Policy`).
fn policy_name(v: Option<&Value>) -> Option<String> {
    let text = match v? {
        Value::String(s) => s.as_str(),
        Value::Unknown(u) => u.shape.as_deref()?,
        _ => return None,
    };
    let (_, path) = text.split_once(":policy/")?;
    let name = path.rsplit('/').next()?;
    (!path.contains(HOLE) && !name.is_empty()).then(|| name.to_string())
}

/// The ARN a `data "aws_iam_policy"` lookup returns, when its arguments say: its `arn`
/// argument, or for `name = "AdministratorAccess"` the AWS-managed policy of that name
/// (it exists in every account, and a customer policy of the same name would make the
/// lookup ambiguous, which the provider refuses). A lookup by any other name may find
/// a customer-managed policy whose ARN holds the account: unknown.
fn looked_up_arn(ctx: &RootAdapter, reference: &str) -> Tri<String> {
    if !reference.ends_with(".arn") {
        return Tri::Unknown(Gap::BeforeApply);
    }
    let found = ctx
        .resources
        .iter()
        .find(|r| r.is_data() && r.rtype == "aws_iam_policy" && r.is_referenced_by(reference));
    let Some(data) = found else {
        return Tri::Unknown(Gap::BeforeApply);
    };
    if let Some(Value::String(arn)) = data.body.get("arn") {
        return Tri::Known(arn.clone());
    }
    let no_prefix = match data.body.get("path_prefix") {
        None | Some(Value::Null) => true,
        Some(Value::String(p)) => p == "/",
        Some(_) => false,
    };
    match data.body.get("name") {
        Some(Value::String(n)) if n == "AdministratorAccess" && no_prefix => {
            Tri::Known("arn:aws:iam::aws:policy/AdministratorAccess".to_string())
        }
        _ => Tri::Unknown(Gap::BeforeApply),
    }
}

/// An attachment resource: the managed policy it attaches when that policy is in this
/// root, the attachment itself, the policy ARN as written, and to whom.
type Attachment<'a> = (
    Option<&'a TfResource>,
    &'a TfResource,
    Tri<String>,
    Tri<Principal>,
);

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    // Managed policies, with attachments found anywhere in the root.
    let managed: Vec<&TfResource> = ctx.of_type("aws_iam_policy").collect();
    let mut attachments: Vec<Attachment> = Vec::new();
    for (rtype, arg, kind, make) in [
        (
            "aws_iam_role_policy_attachment",
            "role",
            "aws_iam_role",
            Principal::Role as fn(String) -> Principal,
        ),
        (
            "aws_iam_user_policy_attachment",
            "user",
            "aws_iam_user",
            Principal::User,
        ),
        (
            "aws_iam_group_policy_attachment",
            "group",
            "aws_iam_group",
            Principal::Group,
        ),
    ] {
        for a in ctx.of_type(rtype) {
            let target = match ctx.target(a.body.get("policy_arn"), &["aws_iam_policy"], "arn") {
                Target::Resource(p) => Some(p),
                _ => None,
            };
            let who = principal(ctx, a.body.get(arg), kind, make);
            attachments.push((target, a, policy_arn(ctx, a.body.get("policy_arn")), who));
        }
    }
    for a in ctx.of_type("aws_iam_policy_attachment") {
        let target = match ctx.target(a.body.get("policy_arn"), &["aws_iam_policy"], "arn") {
            Target::Resource(p) => Some(p),
            _ => None,
        };
        for (arg, kind, make) in [
            (
                "roles",
                "aws_iam_role",
                Principal::Role as fn(String) -> Principal,
            ),
            ("users", "aws_iam_user", Principal::User),
            ("groups", "aws_iam_group", Principal::Group),
        ] {
            match a.body.get(arg) {
                Some(Value::List(items)) => {
                    for item in items {
                        let who = principal(ctx, Some(item), kind, make);
                        attachments.push((
                            target,
                            a,
                            policy_arn(ctx, a.body.get("policy_arn")),
                            who,
                        ));
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => attachments.push((
                    target,
                    a,
                    policy_arn(ctx, a.body.get("policy_arn")),
                    Tri::Unknown(Gap::BeforeApply),
                )),
            }
        }
    }

    for p in &managed {
        let attached_to = attachments
            .iter()
            .filter(|(t, ..)| t.is_some_and(|t| t.address == p.address))
            .filter_map(|(_, _, _, who)| who.known().cloned())
            .collect();
        let meta = ctx.meta(p, Some("name"));
        inv.identity_policies.push(IdentityPolicy {
            meta,
            document: ctx.policy(p, "policy"),
            attached_to,
            inline: false,
        });
    }
    // Attachments of policies not defined in this root (AWS-managed, other stacks).
    for (target, a, arn, who) in &attachments {
        if target.is_none() {
            let meta = ctx.meta(a, None);
            inv.policy_attachments.push(PolicyAttachment {
                meta,
                policy_arn: arn.clone(),
                policy_name: policy_name(a.body.get("policy_arn")),
                attached_to: who.clone(),
            });
        }
    }

    // Inline policies as separate resources.
    for (rtype, arg, kind, make) in [
        (
            "aws_iam_role_policy",
            "role",
            "aws_iam_role",
            Principal::Role as fn(String) -> Principal,
        ),
        (
            "aws_iam_user_policy",
            "user",
            "aws_iam_user",
            Principal::User,
        ),
        (
            "aws_iam_group_policy",
            "group",
            "aws_iam_group",
            Principal::Group,
        ),
    ] {
        let list: Vec<&TfResource> = ctx.of_type(rtype).collect();
        for r in list {
            let who = principal(ctx, r.body.get(arg), kind, make);
            let meta = ctx.meta(r, Some("name"));
            inv.identity_policies.push(IdentityPolicy {
                meta,
                document: ctx.policy(r, "policy"),
                attached_to: who.known().cloned().into_iter().collect(),
                inline: true,
            });
        }
    }

    // Roles: trust policy, inline_policy blocks, managed_policy_arns.
    let roles: Vec<&TfResource> = ctx.of_type("aws_iam_role").collect();
    for r in roles {
        let meta = ctx.meta(r, Some("name"));
        let who = Principal::Role(meta.name.clone().unwrap_or_else(|| r.address.clone()));
        for block in r.body.blocks("inline_policy") {
            let Some(attr) = block.body.attrs.get("policy") else {
                continue;
            };
            let document = ctx.policy_of(&r.address, "inline_policy.policy", attr);
            if document.is_absent() {
                continue;
            }
            inv.identity_policies.push(IdentityPolicy {
                meta: meta.clone(),
                document,
                attached_to: vec![who.clone()],
                inline: true,
            });
        }
        match r.body.get("managed_policy_arns") {
            Some(Value::List(arns)) => {
                for arn in arns {
                    // A policy of this configuration is customer-managed, whatever
                    // its ARN turns out to be; its document is judged on its own.
                    let declared = match ctx.target(Some(arn), &["aws_iam_policy"], "arn") {
                        Target::Resource(p) => Some(
                            p.body
                                .get("name")
                                .and_then(Value::to_tf_string)
                                .unwrap_or_else(|| p.address.clone()),
                        ),
                        _ => None,
                    };
                    inv.policy_attachments.push(PolicyAttachment {
                        meta: meta.clone(),
                        policy_arn: policy_arn(ctx, Some(arn)),
                        policy_name: declared.or_else(|| policy_name(Some(arn))),
                        attached_to: Tri::Known(who.clone()),
                    });
                }
            }
            Some(Value::Unknown(_)) => inv.policy_attachments.push(PolicyAttachment {
                meta: meta.clone(),
                policy_arn: Tri::Unknown(Gap::BeforeApply),
                policy_name: None,
                attached_to: Tri::Known(who.clone()),
            }),
            _ => {}
        }
        let trust_policy = ctx.policy(r, "assume_role_policy");
        inv.iam_roles.push(IamRole { meta, trust_policy });
    }

    let groups: Vec<&TfResource> = ctx.of_type("aws_iam_group").collect();
    for g in groups {
        let meta = ctx.meta(g, Some("name"));
        inv.iam_groups.push(IamGroup { meta });
    }

    // Users and the policies given to them directly.
    let users: Vec<&TfResource> = ctx.of_type("aws_iam_user").collect();
    for u in users {
        let meta = ctx.meta(u, Some("name"));
        let name = meta.name.clone().unwrap_or_else(|| u.address.clone());
        let mut direct: Vec<String> = inv
            .identity_policies
            .iter()
            .filter(|p| p.attached_to.contains(&Principal::User(name.clone())))
            .map(|p| p.meta.address.clone())
            .collect();
        direct.extend(
            inv.policy_attachments
                .iter()
                .filter(|a| a.attached_to == Tri::Known(Principal::User(name.clone())))
                .map(|a| {
                    a.policy_arn
                        .known()
                        .cloned()
                        .unwrap_or_else(|| a.meta.address.clone())
                }),
        );
        direct.sort();
        direct.dedup();
        inv.iam_users.push(IamUser {
            meta,
            direct_policies: direct,
        });
    }
}
