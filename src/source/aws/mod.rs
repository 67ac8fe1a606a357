//! The live AWS source: a read-only sweep of one account that fills the same
//! [`Inventory`] the Terraform source fills.
//!
//! - Clients come from aws-config's default chain (or `--profile`, `--assume-role`,
//!   `--endpoint-url`), with adaptive retries and timeouts ([`client`]).
//! - Every client refuses operations outside an allowlist of reads before anything is
//!   sent ([`guard`]).
//! - Collectors run per service and region concurrently, bounded overall and per
//!   service ([`ctx::Ctx::call`]).
//! - A call that fails (AccessDenied, throttling beyond the retries, a timeout, a
//!   disabled region, an answer that does not parse) becomes a `collection-gap`
//!   diagnostic naming service, region, operation and error code, and the facts it
//!   would have shown become [`Tri::Unknown`](crate::model::Tri::Unknown). An S3
//!   "not found" for a setting that was never configured means absent, not a gap.

pub mod client;
mod cloudfront;
mod ctx;
mod dynamodb;
mod ec2;
mod elb;
pub mod guard;
mod iam;
mod kms;
mod messaging;
mod rds;
mod s3;

use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use aws_credential_types::provider::SharedCredentialsProvider;
use client::ClientFactory;
use ctx::{Ctx, Failure};
use futures_util::future::{join_all, BoxFuture, FutureExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
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
}

/// Problems that stop a sweep before it starts.
#[derive(Debug, Error)]
pub enum AwsError {
    #[error("no AWS credentials: {0}")]
    NoCredentials(String),
    #[error("cannot assume role {role}: {detail}")]
    AssumeRole { role: String, detail: String },
    #[error("AWS rejected the credentials: {code}: {detail}")]
    InvalidCredentials { code: String, detail: String },
    #[error(
        "no AWS region: pass --region or --all-regions, or configure one (AWS_REGION, profile)"
    )]
    NoRegion,
    #[error("unknown service {0:?}; known services: {known}", known = SERVICES.join(", "))]
    UnknownService(String),
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

/// Error codes that mean the credentials themselves are bad: every call would fail
/// the same way, so the sweep stops instead of recording a gap per call.
const BAD_CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "AuthFailure",
];

/// Knobs a caller other than the CLI may need: injected credentials (tests run
/// sweeps in parallel and cannot share process environment variables), timeouts,
/// retries and concurrency bounds.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Credentials to use instead of the default chain (and as the source
    /// credentials of `assume_role`).
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
    /// Calls in flight at once, all services.
    pub max_concurrency: usize,
    /// Calls in flight at once per service.
    pub per_service_concurrency: usize,
    /// How long to wait for IAM to generate the credential report.
    pub credential_report_wait: Duration,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
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
            credential_report_wait: Duration::from_secs(60),
        }
    }
}

/// Sweeps the account the default credential chain (or `opts`) points at.
pub async fn sweep(opts: &AwsOptions) -> Result<AwsSweep, AwsError> {
    sweep_tuned(opts, &Tuning::default()).await
}

/// [`sweep`] with explicit [`Tuning`].
pub async fn sweep_tuned(opts: &AwsOptions, tuning: &Tuning) -> Result<AwsSweep, AwsError> {
    let services = selected_services(&opts.services)?;
    let clients = ClientFactory::new(opts, tuning).await?;
    let Some(home) = opts
        .regions
        .first()
        .cloned()
        .or_else(|| clients.default_region().map(str::to_owned))
    else {
        return Err(AwsError::NoRegion);
    };

    let sts = clients.sts(&home);
    let mut early_gaps = Vec::new();
    let account = match sts.get_caller_identity().send().await {
        Ok(out) => out.account().map(str::to_owned),
        Err(e) => {
            let f = Failure::from_sdk(&e);
            if f.is(BAD_CREDENTIALS) {
                return Err(AwsError::InvalidCredentials {
                    code: f.code,
                    detail: f.detail,
                });
            }
            early_gaps.push(Diagnostic::error(
                "collection-gap",
                format!(
                    "sts:GetCallerIdentity failed in {home} with {}: {}; unknown: the account id",
                    f.code, f.detail
                ),
            ));
            None
        }
    };

    let regions = if opts.all_regions {
        ec2::enabled_regions(&clients, &home, &mut early_gaps).await
    } else if opts.regions.is_empty() {
        vec![home]
    } else {
        let mut r = opts.regions.clone();
        r.dedup();
        r
    };

    let regional: Vec<&'static str> = services
        .iter()
        .copied()
        .filter(|s| !matches!(*s, "s3" | "iam" | "cloudfront"))
        .collect();
    let global = services.len() - regional.len();
    let total = (global + regional.len() * regions.len()) as u64;
    let progress = opts.progress.then(|| {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("aws sweep {bar:30} {pos}/{len} collectors, {msg}")
        {
            bar.set_style(style);
        }
        bar
    });

    let ctx = Ctx::new(clients, account, regions, &services, tuning, progress);
    for g in early_gaps {
        ctx.push(g);
    }

    let mut tasks: Vec<BoxFuture<'_, Inventory>> = Vec::new();
    for service in &services {
        match *service {
            "s3" => tasks.push(s3::collect(&ctx).boxed()),
            "iam" => tasks.push(iam::collect(&ctx, tuning).boxed()),
            "cloudfront" => tasks.push(cloudfront::collect(&ctx).boxed()),
            _ => {}
        }
    }
    for region in &ctx.regions {
        for service in &regional {
            let task = match *service {
                "kms" => kms::collect(&ctx, region).boxed(),
                "rds" => rds::collect(&ctx, region).boxed(),
                "elbv2" => elb::collect_v2(&ctx, region).boxed(),
                "elb" => elb::collect_classic(&ctx, region).boxed(),
                "dynamodb" => dynamodb::collect(&ctx, region).boxed(),
                "sqs" => messaging::collect_sqs(&ctx, region).boxed(),
                "sns" => messaging::collect_sns(&ctx, region).boxed(),
                "ec2" => ec2::collect(&ctx, region).boxed(),
                _ => continue,
            };
            tasks.push(task);
        }
    }
    let parts = join_all(tasks.into_iter().map(|t| async {
        let inv = t.await;
        ctx.task_done();
        inv
    }))
    .await;

    let mut inventory = Inventory::default();
    for part in parts {
        inventory.extend(part);
    }
    ctx.finish();
    Ok(AwsSweep {
        inventory,
        gaps: ctx.take_gaps(),
        calls: ctx.clients.calls(),
        account: ctx.account.clone(),
    })
}

fn selected_services(names: &[String]) -> Result<Vec<&'static str>, AwsError> {
    if names.is_empty() {
        return Ok(SERVICES.to_vec());
    }
    let mut out = Vec::new();
    for name in names {
        let lower = name.trim().to_ascii_lowercase();
        let Some(known) = SERVICES.iter().find(|s| **s == lower) else {
            return Err(AwsError::UnknownService(name.clone()));
        };
        if !out.contains(known) {
            out.push(*known);
        }
    }
    Ok(out)
}
