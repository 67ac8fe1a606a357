//! The live AWS source: a read-only sweep of one account that fills the same
//! [`Inventory`] the Terraform source fills.
//!
//! - Clients come from aws-config's default chain (or `--profile`, `--assume-role`,
//!   `--endpoint-url`), with adaptive retries and timeouts ([`client`]).
//! - Every client refuses operations outside an allowlist of reads before anything is
//!   sent ([`guard`]).
//! - Collectors run per service and region concurrently, bounded overall (one bound
//!   for the whole run, every account included), per service, and paced per service
//!   under AWS's request rates ([`ctx::SweepState::call`]).
//! - With `--org`, every member account of an AWS Organization is swept through a
//!   role assumed in it, a few accounts at a time, and each account's result is
//!   handed on as soon as it is complete ([`org`]), so memory follows the accounts in
//!   flight, not the organization's size. `--shard I/N` keeps one share of them
//!   ([`Shard`]).
//! - A call that fails (AccessDenied, throttling beyond the retries, a timeout, a
//!   disabled region, an answer that does not parse) becomes a `collection-gap`
//!   diagnostic naming service, region, operation and error code, and the facts it
//!   would have shown become [`Tri::Unknown(Gap::NotCollected)`](crate::model::Tri::Unknown(Gap::NotCollected)). An S3
//!   "not found" for a setting that was never configured means absent, not a gap.
//!
//! The AWS SDK is most of the build, and a pull-request job never calls AWS: the
//! sweep is the Cargo feature `aws` (on by default). Without it the options and
//! results below still exist, so the rest of the scanner compiles unchanged, and
//! asking for a sweep says that this build has none ([`ensure_built`]).

#[cfg(feature = "aws")]
pub mod backend;
#[cfg(feature = "aws")]
pub mod client;
#[cfg(feature = "aws")]
mod cloudfront;
#[cfg(feature = "aws")]
mod ctx;
#[cfg(feature = "aws")]
mod dynamodb;
#[cfg(feature = "aws")]
mod ec2;
#[cfg(feature = "aws")]
mod elb;
#[cfg(feature = "aws")]
pub mod guard;
#[cfg(feature = "aws")]
mod iam;
#[cfg(feature = "aws")]
mod interrupt;
#[cfg(feature = "aws")]
mod kms;
#[cfg(feature = "aws")]
mod messaging;
#[cfg(feature = "aws")]
mod org;
#[cfg(feature = "aws")]
mod pace;
#[cfg(feature = "aws")]
mod rds;
#[cfg(feature = "aws")]
mod s3;
mod shard;
#[cfg(feature = "aws")]
mod sweep;

pub use shard::Shard;
#[cfg(feature = "aws")]
pub use sweep::{sweep, sweep_blocking, sweep_org_blocking, sweep_tuned, sweep_until};

use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
#[cfg(feature = "aws")]
use aws_credential_types::provider::SharedCredentialsProvider;
use std::time::Duration;
use thiserror::Error;

/// What to sweep and how to reach it; the CLI fills it from its flags.
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub all_regions: bool,
    pub assume_role: Option<String>,
    pub external_id: Option<String>,
    /// An emulator or proxy to send every call to instead of AWS.
    pub endpoint_url: Option<String>,
    /// Services to sweep (see [`SERVICES`]); empty means all.
    pub services: Vec<String>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// How long the credentials of an assumed role (`--assume-role`, `--org-role`)
    /// last; the SDK's default (one hour) when `None`.
    pub role_duration: Option<Duration>,
    /// Sweep the member accounts of the organization instead of the credentials'
    /// own account (`--org`).
    pub org: Option<OrgOptions>,
}

/// The role assumed in every member account when `--org-role` is not given: the
/// one AWS Organizations creates in accounts it creates.
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// Which accounts of the organization to sweep, and how to enter them.
#[derive(Clone, Debug)]
pub struct OrgOptions {
    /// The role name assumed in each account (`--org-role`), with `--external-id`.
    pub role: String,
    /// Only accounts under this organizational unit or root, at any depth (`--ou`).
    pub ou: Option<String>,
    /// Only these account ids (`--accounts`); empty means all.
    pub accounts: Vec<String>,
    /// Never these account ids (`--exclude-accounts`).
    pub exclude: Vec<String>,
    /// This job's share of the accounts (`--shard I/N`).
    pub shard: Option<Shard>,
}

impl Default for OrgOptions {
    fn default() -> OrgOptions {
        OrgOptions {
            role: DEFAULT_ORG_ROLE.to_string(),
            ou: None,
            accounts: Vec::new(),
            exclude: Vec::new(),
            shard: None,
        }
    }
}

/// One member account's sweep, or why it has none.
#[derive(Clone, Debug)]
pub struct AccountSweep {
    /// The account id, as the organization lists it.
    pub id: String,
    /// Its name in the organization.
    pub name: Option<String>,
    /// What was collected; for an account whose role could not be assumed, only the
    /// gap that says so.
    pub sweep: AwsSweep,
}

/// What an organization sweep did besides the accounts it hands on.
#[derive(Clone, Debug, Default)]
pub struct OrgSweep {
    /// The account whose credentials listed the organization (the management account
    /// or a delegated administrator).
    pub lister: Option<String>,
    /// Accounts listed and left out, each with why (suspended, excluded, another
    /// shard's), as warnings.
    pub notes: Vec<Diagnostic>,
    /// Organizations API calls (listing accounts, organizational units).
    pub calls: u64,
}

/// What a sweep saw, and what it could not see.
#[derive(Clone, Debug, Default)]
pub struct AwsSweep {
    pub inventory: Inventory,
    /// `collection-gap` errors, sorted.
    pub gaps: Vec<Diagnostic>,
    /// API operations sent (retries of one operation count once).
    pub calls: u64,
    /// The account swept, from STS GetCallerIdentity.
    pub account: Option<String>,
    /// The regions swept, the home region first.
    pub regions: Vec<String>,
    /// The services swept, in [`SERVICES`] order.
    pub services: Vec<String>,
}

/// Problems that stop a sweep before it starts.
#[derive(Debug, Error)]
pub enum AwsError {
    #[error("no AWS credentials: {0}")]
    NoCredentials(String),
    #[error("cannot assume role {role}: {detail}")]
    AssumeRole {
        role: String,
        /// STS's error code, or `CredentialsError` when there was no answer.
        code: String,
        detail: String,
    },
    #[error("AWS rejected the credentials: {code}: {detail}")]
    InvalidCredentials { code: String, detail: String },
    #[error(
        "no AWS region: pass --region or --all-regions, or configure one (AWS_REGION, profile)"
    )]
    NoRegion,
    #[error("unknown service {0:?}; known services: {known}", known = SERVICES.join(", "))]
    UnknownService(String),
    /// The credentials cannot list the organization's accounts: not the management
    /// account or a delegated administrator, or the OU does not exist.
    #[error("cannot list the organization's accounts: organizations:{operation} failed with {code}: {detail}; --org needs the management account's credentials or a delegated administrator's")]
    Organization {
        operation: &'static str,
        code: String,
        detail: String,
    },
    #[cfg(feature = "aws")]
    #[error("cannot start the AWS client runtime: {0}")]
    Runtime(std::io::Error),
    #[cfg(not(feature = "aws"))]
    #[error(
        "this soc2scan was built without AWS support (Cargo feature `aws`), so --aws is not available; \
         install the default build (cargo install soc2scan) to sweep a live account"
    )]
    NotBuilt,
}

/// `Ok` when this build can sweep AWS; the CLI asks before it scans anything.
#[cfg(feature = "aws")]
pub fn ensure_built() -> Result<(), AwsError> {
    Ok(())
}

/// `Ok` when this build can sweep AWS; the CLI asks before it scans anything.
#[cfg(not(feature = "aws"))]
pub fn ensure_built() -> Result<(), AwsError> {
    Err(AwsError::NotBuilt)
}

/// A Terraform-only build cannot read a state from its S3 backend either.
#[cfg(not(feature = "aws"))]
pub mod backend {
    use super::{AwsError, AwsOptions, Tuning};

    pub fn read_object_blocking(
        _opts: &AwsOptions,
        _tuning: &Tuning,
        _bucket: &str,
        _key: &str,
        _region: Option<&str>,
    ) -> Result<Vec<u8>, String> {
        Err(AwsError::NotBuilt.to_string())
    }
}

/// A Terraform-only build cannot sweep: the same refusal as [`ensure_built`], for
/// callers of the library.
#[cfg(not(feature = "aws"))]
pub fn sweep_blocking(_opts: &AwsOptions, _tuning: &Tuning) -> Result<AwsSweep, AwsError> {
    Err(AwsError::NotBuilt)
}

/// A Terraform-only build cannot sweep an organization either.
#[cfg(not(feature = "aws"))]
pub fn sweep_org_blocking(
    _opts: &AwsOptions,
    _tuning: &Tuning,
    _each: impl FnMut(AccountSweep),
) -> Result<OrgSweep, AwsError> {
    Err(AwsError::NotBuilt)
}

/// The services `--services` accepts. STS is always called, for the account id.
pub const SERVICES: &[&str] = &[
    "s3",
    "kms",
    "iam",
    "rds",
    "elbv2",
    "elb",
    "cloudfront",
    "dynamodb",
    "sqs",
    "sns",
    "ec2",
];

/// Knobs a caller other than the CLI may need: injected credentials (tests run
/// sweeps in parallel and cannot share process environment variables), timeouts,
/// retries and concurrency bounds.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Credentials to use instead of the default chain (and as the source
    /// credentials of `assume_role`).
    #[cfg(feature = "aws")]
    pub credentials: Option<SharedCredentialsProvider>,
    pub connect_timeout: Duration,
    /// One HTTP attempt.
    pub attempt_timeout: Duration,
    /// One operation, retries included.
    pub operation_timeout: Duration,
    /// Attempts per operation, the first included.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Calls in flight at once in the whole run: all services, all accounts
    /// (`--max-concurrency`).
    pub max_concurrency: usize,
    /// Calls in flight at once per service, in one account.
    pub per_service_concurrency: usize,
    /// Member accounts swept at once by `--org`. Each holds its collectors' state
    /// until its result is handed on, so this, not the organization's size, bounds
    /// the sweep's memory.
    pub accounts_in_flight: usize,
    /// How long to wait for IAM to generate the credential report.
    pub credential_report_wait: Duration,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            #[cfg(feature = "aws")]
            credentials: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(120),
            // A nightly sweep of a busy account must outlast bursts of throttling.
            max_attempts: 8,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_concurrency: 16,
            per_service_concurrency: 4,
            accounts_in_flight: 4,
            credential_report_wait: Duration::from_secs(60),
        }
    }
}
