//! IAM identities and policies.

use super::{Meta, PolicyDocument, Tri};
use serde::Serialize;

kinds! {
    identity_policies: IdentityPolicy,
    policy_attachments: PolicyAttachment,
    iam_roles: IamRole,
    iam_users: IamUser,
    iam_groups: IamGroup,
}

/// Who a policy is attached to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Principal {
    Role(String),
    User(String),
    Group(String),
}

/// An identity policy: a managed policy or an inline policy of a role, user or group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IdentityPolicy {
    pub meta: Meta,
    pub document: Tri<PolicyDocument>,
    /// Inline policies name their single owner; managed policies list attachments
    /// found in the inventory.
    pub attached_to: Vec<Principal>,
    pub inline: bool,
}

/// Attachment of an AWS-managed or externally-defined policy by ARN.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyAttachment {
    pub meta: Meta,
    /// The policy ARN (may be partly known, e.g. with an unknown partition).
    pub policy_arn: Tri<String>,
    /// The policy's name when its ARN is not known but ends in a literal name
    /// (`arn:${partition}:iam::${account_id}:policy/AmazonEKS_CNI_IPv6_Policy`): enough
    /// to tell which AWS-managed policy it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    pub attached_to: Tri<Principal>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IamRole {
    pub meta: Meta,
    pub trust_policy: Tri<PolicyDocument>,
}

/// An IAM group: a principal whose policies reach every member, judged like a role
/// or a user.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IamGroup {
    pub meta: Meta,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IamUser {
    pub meta: Meta,
    /// Names of inline policies and ARNs of directly attached managed policies.
    pub direct_policies: Vec<String>,
}
