//! Resource-based policies of queues, topics, secrets, ECR repositories and Lambda
//! functions (IAM014), joined to the resource they govern like the split S3
//! resources are joined to their bucket.
//!
//! A resource policy can be written on the resource itself (`aws_sqs_queue.policy`)
//! or as a separate resource (`aws_sqs_queue_policy`, `aws_sns_topic_policy`,
//! `aws_secretsmanager_secret_policy`, `aws_ecr_repository_policy`,
//! `aws_lambda_permission`). A separate one whose target is not in the scanned
//! configuration (another stack owns the queue) or cannot be resolved is still a
//! policy someone applies: it becomes a [`DetachedResourcePolicy`], judged on its own.

use super::policy::PStr;
use super::{Meta, PolicyDocument, Tri};
use serde::Serialize;

kinds! {
    ecr_repositories: EcrRepository,
    lambda_functions: LambdaFunction,
    detached_resource_policies: DetachedResourcePolicy,
}

/// One policy document attached to a resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourcePolicy {
    pub document: Tri<PolicyDocument>,
    /// The resource that wrote it: the split policy resource's address, or the
    /// governed resource's own (inline `policy` argument, live API answer).
    pub configured_by: String,
}

/// One `aws_lambda_permission` (live: a statement of GetPolicy, not collected here).
/// Lambda permissions are not policy documents in Terraform: the provider builds one
/// statement from these arguments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LambdaPermission {
    /// `principal`: `*`, an account id, an ARN or a service (`s3.amazonaws.com`).
    /// `None` when not set. A [`PStr`] rather than a plain string so that a reference
    /// to a managed resource (`data.aws_caller_identity.current.account_id`) is known
    /// not to be `*` even before apply.
    pub principal: Option<PStr>,
    /// `source_arn`, `source_account`, `principal_org_id`: each becomes a condition
    /// (`AWS:SourceArn`, `AWS:SourceAccount`, `aws:PrincipalOrgID`) that limits who can
    /// invoke through the grant. `None` when not set; an unknown that only refers to
    /// managed resources is set (e.g. `aws_s3_bucket.b.arn`).
    pub source_arn: Option<PStr>,
    pub source_account: Option<PStr>,
    pub principal_org_id: Option<PStr>,
    /// `function_url_auth_type`: `NONE` makes a grant to `*` a public function URL.
    pub function_url_auth_type: Tri<String>,
    /// `action`, e.g. `lambda:InvokeFunction`.
    pub action: Tri<String>,
    pub configured_by: String,
}

/// `aws_ecr_repository` with its repository policies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EcrRepository {
    pub meta: Meta,
    /// Unknown when some `aws_ecr_repository_policy` of the root names a repository
    /// that cannot be resolved and none names this one.
    pub policies: Tri<Vec<ResourcePolicy>>,
}

/// `aws_lambda_function` with the permissions granted on it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LambdaFunction {
    pub meta: Meta,
    /// Unknown like [`EcrRepository::policies`].
    pub permissions: Tri<Vec<LambdaPermission>>,
}

/// What a detached policy grants.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DetachedGrant {
    Document(Tri<PolicyDocument>),
    /// Boxed: a permission is much larger than a document handle.
    LambdaPermission(Box<LambdaPermission>),
}

/// A separate policy resource whose governed resource is not in the inventory: a
/// literal name, URL or ARN of a resource managed elsewhere, or a reference that
/// cannot be resolved before apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetachedResourcePolicy {
    /// The policy resource itself (`aws_sqs_queue_policy.x`).
    pub meta: Meta,
    /// The target as written (`queue_url`, `arn`, `secret_arn`, `repository`,
    /// `function_name`); unknown when it cannot be known before apply.
    pub target: Tri<String>,
    pub grant: DetachedGrant,
}
