//! Identity and provenance carried by every resource in the inventory.

use super::Gap;
use serde::Serialize;
use std::collections::BTreeMap;

/// A range in a scanned file; lines and columns are one-based, `file` is relative to
/// the scanned root and uses `/` separators.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// A `module "name" { ... }` call on the path from a root module to a resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ModuleCall {
    /// `module.name` or `module.name["key"]`.
    pub address: String,
    pub location: Location,
}

/// Where a resource was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum Origin {
    Terraform {
        /// Root module directory, relative to the scanned root (`.` for the root itself).
        root: String,
        location: Location,
        /// Module calls from the root down to the resource, outermost first.
        module_calls: Vec<ModuleCall>,
    },
    Aws {
        account: Option<String>,
        region: String,
        /// The API operation that showed the facts judged, e.g. `s3:GetBucketEncryption`.
        operation: String,
    },
}

/// The root module or account and region a resource belongs to: references that only
/// mean something nearby (a bare key id, a name joined within a root) are matched
/// within it, and findings about a whole root or account are grouped by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope<'a> {
    /// A Terraform root module directory.
    Root(&'a str),
    /// A swept account (when known) and region.
    Account {
        account: Option<&'a str>,
        region: &'a str,
    },
}

impl Origin {
    pub fn scope(&self) -> Scope<'_> {
        match self {
            Origin::Terraform { root, .. } => Scope::Root(root),
            Origin::Aws {
                account, region, ..
            } => Scope::Account {
                account: account.as_deref(),
                region,
            },
        }
    }

    /// The swept account, for live resources whose account is known.
    pub fn account(&self) -> Option<&str> {
        match self {
            Origin::Aws { account, .. } => account.as_deref(),
            Origin::Terraform { .. } => None,
        }
    }

    /// Whether an account-level fact seen here applies to a resource seen at
    /// `resource`: the same Terraform root module (a root deploys to one account), or
    /// the same swept account. Terraform and live facts never meet: the scanner cannot
    /// tell which account a root deploys to.
    pub fn same_account(&self, resource: &Origin) -> bool {
        match (resource.scope(), self.scope()) {
            (Scope::Root(a), Scope::Root(b)) => a == b,
            (
                Scope::Account {
                    account: Some(a), ..
                },
                Scope::Account {
                    account: Some(b), ..
                },
            ) => a == b,
            _ => false,
        }
    }
}

/// How a source words the gaps in what it saw, so a rule's message speaks in the
/// source's terms (Terraform: values known only after apply; live: API answers that
/// could not be read) without the rule asking where a resource came from. Each source
/// gives its resources one of [`Wording::TERRAFORM`] and [`Wording::LIVE`].
#[derive(Debug, PartialEq, Eq)]
pub struct Wording {
    /// A value the source could not see.
    pub unknown: &'static str,
    /// Why a fact of this source that no one attribute carries is not known (some
    /// statements of a policy, the resource a reference names).
    pub gap: Gap,
    /// Why a bucket's versioning status is not known.
    pub versioning_unknown: &'static str,
    /// Why a key's policy is not known.
    pub key_policy_unknown: &'static str,
    /// Why a bucket's policies are not known.
    pub bucket_policy_unknown: &'static str,
    /// A bucket without a public access block of its own.
    pub no_bucket_block: &'static str,
    /// No account-level S3 public access block applies to a bucket.
    pub no_account_block: Missing,
    /// Appended when a bucket's configuration has no public access block at all: S3's
    /// own default for new buckets is not a control the configuration holds.
    pub bucket_block_default_note: &'static str,
}

/// What the absence of a fact means for a source.
#[derive(Debug, PartialEq, Eq)]
pub enum Missing {
    /// The source shows everything of its kind: the fact is absent, the setting off.
    Off(&'static str),
    /// The source did not collect it: nothing can be concluded.
    Unknown(&'static str),
}

impl Wording {
    pub const TERRAFORM: Wording = Wording {
        unknown: "not known before apply",
        gap: Gap::BeforeApply,
        versioning_unknown:
            "its status, or the bucket an aws_s3_bucket_versioning names, is not known before apply",
        key_policy_unknown: "it depends on values not known before apply, or an aws_kms_key_policy names a key that is not known before apply",
        bucket_policy_unknown: "an aws_s3_bucket_policy in this configuration names a bucket that is not known before apply and may be this one",
        no_bucket_block: "the bucket has no aws_s3_bucket_public_access_block",
        no_account_block: Missing::Off("this root has no aws_s3_account_public_access_block"),
        bucket_block_default_note: " (S3 turns all four on for buckets created since April 2023, but the configuration neither records nor enforces it)",
    };

    pub const LIVE: Wording = Wording {
        unknown: "could not be read",
        gap: Gap::NotCollected,
        versioning_unknown: "GetBucketVersioning failed",
        key_policy_unknown: "GetKeyPolicy failed or its answer did not parse",
        bucket_policy_unknown: "its bucket policy could not be read",
        no_bucket_block: "the bucket has no public access block",
        no_account_block: Missing::Unknown("the account's public access block was not collected"),
        bucket_block_default_note: "",
    };
}

/// Data classification levels; `Confidential` and `Restricted` raise severities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    Public,
    Internal,
    Confidential,
    Restricted,
}

impl Classification {
    pub fn parse(s: &str) -> Option<Classification> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Some(Classification::Public),
            "internal" | "private" => Some(Classification::Internal),
            "confidential" | "sensitive" => Some(Classification::Confidential),
            "restricted" | "secret" | "highly-confidential" | "highly_confidential" => {
                Some(Classification::Restricted)
            }
            _ => None,
        }
    }

    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            Classification::Confidential | Classification::Restricted
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Public => "public",
            Classification::Internal => "internal",
            Classification::Confidential => "confidential",
            Classification::Restricted => "restricted",
        }
    }
}

/// A classification with the reason it was assigned, so a finding can say why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassificationSource {
    pub level: Classification,
    /// e.g. `tag DataClassification=confidential` or `config path glob "data/**"`.
    pub because: String,
}

/// The environment a resource belongs to, with the reason, so a reader of a finding
/// sees why (`config paths "envs/prod/**"`, `tag Environment=prd`, `path segment prod`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// Canonical name: `production`, `staging`, `development`, `test`, `sandbox`, or a
    /// name from the configuration.
    pub name: String,
    pub production: bool,
    pub because: String,
    /// Other environments that matched with the same priority: the resource is
    /// ambiguous and environment rules treat it as unattributed.
    pub conflicts: Vec<String>,
}

/// The Terraform resource that manages a live one, and how the two were linked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManagedBy {
    /// `module.data.aws_s3_bucket.this`.
    pub address: String,
    /// The Terraform root module (or plan, or state) that declares it.
    pub root: String,
    /// Where it is written: the `.tf` block, or the plan or state naming it.
    pub location: Location,
    /// How the link was made: `ARN from state`, `bucket name`, ...
    pub by: String,
}

/// What every resource carries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Meta {
    /// Terraform address (`module.a.aws_s3_bucket.b["logs"]`) or, for live resources, the ARN.
    pub address: String,
    /// Terraform resource type (`aws_s3_bucket`), also used for live resources.
    pub kind: String,
    pub arn: Option<String>,
    /// The resource's name as AWS knows it, when known (bucket name, role name).
    pub name: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub classification: Option<ClassificationSource>,
    /// Resolved after adaptation, from configuration, tags, paths or account.
    pub environment: Option<Environment>,
    pub origin: Origin,
    /// For a live resource: the Terraform resource that manages it, when one run reads
    /// both (linked after the sources are merged, see `scan::link`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<ManagedBy>,
    /// The words of the source that saw the resource, for gaps in what it saw.
    #[serde(skip)]
    pub wording: &'static Wording,
}

impl Meta {
    pub fn location(&self) -> Option<&Location> {
        match &self.origin {
            Origin::Terraform { location, .. } => Some(location),
            Origin::Aws { .. } => None,
        }
    }

    /// The same resource with one more API operation of its service named among those
    /// that showed the facts judged; a Terraform resource is unchanged.
    pub fn also_read_by(&self, operation: &str) -> Meta {
        let mut meta = self.clone();
        if let Origin::Aws { operation: ops, .. } = &mut meta.origin {
            ops.push(',');
            ops.push_str(operation);
        }
        meta
    }

    /// A stand-in for the whole root module or account this resource belongs to, named
    /// `address`, for findings about the scope rather than one resource: it keeps the
    /// resource's location (so the finding has a line to point at) but none of its
    /// own facts. An account stands for itself: the facts are everything the sweep
    /// read in it, not one resource's API answer.
    pub fn scope_stand_in(&self, address: String) -> Meta {
        let mut rep = self.clone();
        rep.address = address;
        rep.environment = None;
        rep.tags.clear();
        match &mut rep.origin {
            Origin::Terraform { .. } => rep.kind = "terraform_root".into(),
            Origin::Aws {
                account, operation, ..
            } => {
                rep.kind = "aws_account".into();
                rep.arn = None;
                rep.name = account.clone();
                *operation = "sweep of the account".into();
            }
        }
        rep
    }

    /// What tells apart two resources with one address in one report, for
    /// fingerprints: a module called from two root modules yields the same address in
    /// the same file twice, and the root tells the instances apart. Live addresses are
    /// ARNs, unique on their own.
    pub fn fingerprint_scope(&self) -> String {
        match &self.origin {
            Origin::Terraform { root, location, .. } => format!("{}\u{0}{root}", location.file),
            Origin::Aws { .. } => String::new(),
        }
    }

    pub fn is_sensitive(&self) -> bool {
        self.classification
            .as_ref()
            .is_some_and(|c| c.level.is_sensitive())
    }
}

/// The 12-digit account of an ARN (`arn:partition:service:region:account:resource`);
/// `None` for ARNs without one (S3 buckets, AWS-managed policies) and non-ARNs.
pub fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}
