//! Account-level facts: the account's S3 public access block, IAM access keys and the
//! IAM credential report. Live sweeps fill them; a Terraform
//! `aws_s3_account_public_access_block` is the same fact as the first.

use super::s3::PublicAccessBlock;
use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    s3_account_public_access_blocks: S3AccountPublicAccessBlock,
    iam_access_keys: IamAccessKey,
    credential_reports: CredentialReport,
}

/// The account-wide S3 public access block (s3control GetPublicAccessBlock), which
/// applies to every bucket on top of the bucket's own.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct S3AccountPublicAccessBlock {
    pub meta: Meta,
    /// `None` when the account has none configured.
    pub block: Tri<Option<PublicAccessBlock>>,
}

/// An IAM user's access key (ListAccessKeys, GetAccessKeyLastUsed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IamAccessKey {
    pub meta: Meta,
    pub user: String,
    /// The key id (`AKIA...`): an identifier, not a secret.
    pub access_key_id: String,
    /// Status `Active` (true) or `Inactive` (false).
    pub active: Tri<bool>,
    /// Creation time, RFC 3339.
    pub created: Tri<String>,
    /// Last use, RFC 3339; absent when the key was never used.
    pub last_used: Tri<String>,
}

/// The IAM credential report of one account: one row per user and one for the root
/// user. `rows` is unknown when the report could not be generated or read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CredentialReport {
    pub meta: Meta,
    pub rows: Tri<Vec<CredentialReportRow>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CredentialReportRow {
    /// `<root_account>` for the root user.
    pub user: String,
    pub arn: String,
    pub root: bool,
    /// Whether the user has a console password; unknown for the root user, whose
    /// row says `not_supported`.
    pub password_enabled: Tri<bool>,
    pub mfa_active: Tri<bool>,
    /// The user's (at most two) access keys, in report order.
    pub access_keys: Vec<ReportAccessKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportAccessKey {
    pub active: Tri<bool>,
    /// RFC 3339; absent when the report says `N/A`.
    pub last_rotated: Tri<String>,
    /// RFC 3339; absent when never used.
    pub last_used: Tri<String>,
}
