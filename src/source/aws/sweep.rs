//! The sweep itself: clients, the account id, then every collector per service and
//! region at once; what fails becomes a gap, not an error.

use super::client::ClientFactory;
use super::ctx::{Ctx, Failure};
use super::{cloudfront, dynamodb, ec2, elb, iam, kms, messaging, rds, s3};
use super::{AwsError, AwsOptions, AwsSweep, Tuning, SERVICES};
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use futures_util::future::{join_all, BoxFuture, FutureExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

/// [`sweep_tuned`] on a runtime of its own, for callers that are not async (the
/// scan runs it on a thread beside the Terraform source).
pub fn sweep_blocking(opts: &AwsOptions, tuning: &Tuning) -> Result<AwsSweep, AwsError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AwsError::Runtime)?;
    runtime.block_on(sweep_tuned(opts, tuning))
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
            let gap = crate::diagnostic::Gap {
                service: "sts".into(),
                operation: "GetCallerIdentity".into(),
                region: home.clone(),
                error_class: f.code.clone(),
            };
            early_gaps.push(Diagnostic::collection_gap(
                gap,
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
        regions: ctx.regions.clone(),
        services: services.iter().map(|s| s.to_string()).collect(),
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
