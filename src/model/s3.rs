//! S3 buckets, with the split resources of AWS provider v4+ already merged in.

use super::{Meta, PolicyDocument, Tri};
use serde::Serialize;

kinds! {
    s3_buckets: S3Bucket,
}

/// How a bucket encrypts new objects: not a boolean (see RULES.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SseAlgorithm {
    /// `AES256`.
    SseS3,
    /// `aws:kms`.
    SseKms,
    /// `aws:kms:dsse`.
    DsseKms,
    /// Something this version does not know.
    Other(String),
}

impl SseAlgorithm {
    pub fn parse(s: &str) -> SseAlgorithm {
        match s {
            "AES256" => SseAlgorithm::SseS3,
            "aws:kms" => SseAlgorithm::SseKms,
            "aws:kms:dsse" => SseAlgorithm::DsseKms,
            other => SseAlgorithm::Other(other.to_string()),
        }
    }

    pub fn uses_kms(&self) -> bool {
        matches!(self, SseAlgorithm::SseKms | SseAlgorithm::DsseKms)
    }
}

/// The bucket's default encryption as configured explicitly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BucketEncryption {
    pub algorithm: Tri<SseAlgorithm>,
    /// `kms_master_key_id`: absent means the AWS-managed `aws/s3` key.
    pub kms_key: Tri<KeyRef>,
    /// Where it was configured: the split resource's address, or the bucket's own.
    pub configured_by: String,
}

/// A reference to a KMS key as written: an ARN/id/alias string, or a Terraform
/// reference to a managed `aws_kms_key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRef {
    /// A key managed in the scanned configuration (`aws_kms_key.x.arn`): customer managed.
    Managed(String),
    /// A literal id, ARN or alias.
    Literal(String),
}

impl KeyRef {
    /// AWS-managed keys are addressed by `alias/aws/<service>`.
    pub fn is_aws_managed_alias(&self) -> bool {
        match self {
            KeyRef::Literal(s) => s.starts_with("alias/aws/") || s.contains(":alias/aws/"),
            KeyRef::Managed(_) => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: Tri<bool>,
    pub block_public_policy: Tri<bool>,
    pub ignore_public_acls: Tri<bool>,
    pub restrict_public_buckets: Tri<bool>,
    pub configured_by: String,
}

impl PublicAccessBlock {
    /// All four flags: `Some(true)` all known true, `Some(false)` one known false or
    /// absent (defaults are false), `None` when one is unknown and none is false.
    pub fn all_on(&self) -> Option<bool> {
        let flags = [
            &self.block_public_acls,
            &self.block_public_policy,
            &self.ignore_public_acls,
            &self.restrict_public_buckets,
        ];
        let truths: Vec<Option<bool>> = flags.iter().map(|f| f.truth(false)).collect();
        if truths.contains(&Some(false)) {
            Some(false)
        } else if truths.contains(&None) {
            None
        } else {
            Some(true)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BucketAcl {
    /// Canned ACL (`private`, `public-read`, ...).
    pub canned: Tri<String>,
    /// Grantee URIs of explicit grants (AllUsers / AuthenticatedUsers groups).
    pub grantee_uris: Vec<String>,
    /// True when some grant could not be evaluated.
    pub grants_unknown: bool,
    pub configured_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BucketPolicy {
    pub document: Tri<PolicyDocument>,
    pub configured_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct S3Bucket {
    pub meta: Meta,
    /// Bucket name when known.
    pub bucket: Tri<String>,
    /// `None` when no encryption configuration exists (neither split resource nor
    /// inline block; live: ServerSideEncryptionConfigurationNotFound).
    pub encryption: Tri<Option<BucketEncryption>>,
    /// Bucket policies attached (a Terraform config can have several, last one wins on apply).
    pub policies: Tri<Vec<BucketPolicy>>,
    pub public_access_block: Tri<Option<PublicAccessBlock>>,
    pub acl: Tri<Option<BucketAcl>>,
    /// Versioning status: `Enabled`, `Suspended`, or absent (never enabled).
    pub versioning: Tri<String>,
    /// Why this bucket must use SSE-S3 (it receives S3 server access logs, ELB or
    /// CloudFront logs), when it does.
    pub log_destination_for: Option<String>,
    /// Set when this entry is a split configuration resource whose bucket is not
    /// declared in the scanned configuration; `meta` is then the split resource's.
    pub declared_elsewhere: Option<Elsewhere>,
}

/// The settings a bucket's split resources configure (AWS provider v4+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BucketSetting {
    Encryption,
    Policy,
    PublicAccessBlock,
    Acl,
    Versioning,
}

/// A split resource judged on its own address because its bucket is declared
/// elsewhere (a data source, a literal name, another root): silence would hide a
/// public policy on a shared bucket, and judging anything but the setting it
/// configures would judge a bucket nobody here describes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Elsewhere {
    /// How the configuration names the bucket (`bucket "acme-shared"`).
    pub bucket: String,
    pub configures: BucketSetting,
}

/// The entries of `buckets` that rules about `setting` judge.
pub fn judged_for(buckets: &[S3Bucket], setting: BucketSetting) -> impl Iterator<Item = &S3Bucket> {
    buckets.iter().filter(move |b| b.judged_for(setting))
}

impl S3Bucket {
    /// Whether rules about `setting` judge this entry: a declared bucket always, a
    /// split resource of a bucket declared elsewhere only for what it configures.
    pub fn judged_for(&self, setting: BucketSetting) -> bool {
        self.declared_elsewhere
            .as_ref()
            .is_none_or(|e| e.configures == setting)
    }

    /// Appended to every message about an entry whose bucket is declared elsewhere.
    pub fn elsewhere_note(&self) -> String {
        match &self.declared_elsewhere {
            Some(e) => format!(
                " (judged on this resource: {} is not declared in the scanned configuration)",
                e.bucket
            ),
            None => String::new(),
        }
    }
}
