//! The sweep itself: clients, the account id, then every collector per service and
//! region at once; what fails becomes a gap, not an error.

use super::client::ClientFactory;
use super::ctx::{RunLimits, SweepState};
use super::interrupt::Interrupt;
use super::{cloudfront, dynamodb, ec2, elb, iam, kms, messaging, rds, s3};
use super::{AccountSweep, AwsError, AwsOptions, AwsSweep, OrgSweep, Tuning, SERVICES};
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;
use futures_util::future::{BoxFuture, FutureExt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::future::Future;

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
/// SIGINT or SIGTERM stops it (see [`super::interrupt`]).
pub fn sweep_blocking(opts: &AwsOptions, tuning: &Tuning) -> Result<AwsSweep, AwsError> {
    let interrupt = Interrupt::install();
    runtime()?.block_on(sweep_until(opts, tuning, interrupt.wait()))
}

/// [`super::org::sweep`] on a runtime of its own: every selected member account of
/// the organization, each handed to `each` as soon as it is swept. SIGINT or SIGTERM
/// stops it; accounts not yet swept are handed on with an interrupted gap.
pub fn sweep_org_blocking(
    opts: &AwsOptions,
    tuning: &Tuning,
    each: impl FnMut(AccountSweep),
) -> Result<OrgSweep, AwsError> {
    let interrupt = Interrupt::install();
    runtime()?.block_on(super::org::sweep(opts, tuning, interrupt.wait(), each))
}

fn runtime() -> Result<tokio::runtime::Runtime, AwsError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(AwsError::Runtime)
}

/// Sweeps the account the default credential chain (or `opts`) points at.
pub async fn sweep(opts: &AwsOptions) -> Result<AwsSweep, AwsError> {
    sweep_tuned(opts, &Tuning::default()).await
}

/// [`sweep`] with explicit [`Tuning`].
pub async fn sweep_tuned(opts: &AwsOptions, tuning: &Tuning) -> Result<AwsSweep, AwsError> {
    sweep_until(opts, tuning, std::future::pending()).await
}

/// [`sweep_tuned`] that stops when `stop` resolves (with the reason, such as the
/// signal's name): what finished is kept, and every collector still running is an
/// interrupted collection gap.
pub async fn sweep_until(
    opts: &AwsOptions,
    tuning: &Tuning,
    stop: impl Future<Output = &'static str>,
) -> Result<AwsSweep, AwsError> {
    let services = selected_services(&opts.services)?;
    let clients = ClientFactory::new(opts, tuning).await?;
    let home = home_region(opts, &clients)?;
    let run = RunLimits::new(tuning, false);
    sweep_account(clients, opts, &services, &home, tuning, &run, stop).await
}

/// The region global services are called in: the first `--region`, else the one
/// the configuration resolved.
pub(super) fn home_region(opts: &AwsOptions, clients: &ClientFactory) -> Result<String, AwsError> {
    opts.regions
        .first()
        .cloned()
        .or_else(|| clients.default_region().map(str::to_owned))
        .ok_or(AwsError::NoRegion)
}

/// One account, through `clients`: who it is, its regions, then every collector per
/// service and region at once.
pub(super) async fn sweep_account(
    clients: ClientFactory,
    opts: &AwsOptions,
    services: &[&'static str],
    home: &str,
    tuning: &Tuning,
    run: &RunLimits,
    stop: impl Future<Output = &'static str>,
) -> Result<AwsSweep, AwsError> {
    let mut ctx = SweepState::new(clients, home, services, tuning, run);
    let sts = ctx.clients.sts(home);
    ctx.account = match ctx.call("sts", sts.get_caller_identity().send()).await {
        Ok(out) => out.account().map(str::to_owned),
        Err(f) if f.is(BAD_CREDENTIALS) => {
            return Err(AwsError::InvalidCredentials {
                code: f.code,
                detail: f.detail,
            });
        }
        Err(f) => {
            ctx.gap(
                "sts",
                home,
                "GetCallerIdentity",
                "the account",
                &f,
                "the account id",
            );
            None
        }
    };

    ctx.regions = if opts.all_regions {
        ec2::enabled_regions(&ctx, home).await
    } else if opts.regions.is_empty() {
        vec![home.to_string()]
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
    let total = (global + regional.len() * ctx.regions.len()) as u64;
    ctx.progress = (opts.progress && !run.organization).then(|| {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("aws sweep {bar:30} {pos}/{len} collectors, {msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let ctx = ctx;

    // Each collector with the service and region it covers, for the gap it leaves
    // when the sweep is interrupted.
    let mut tasks: Vec<(&str, &str, BoxFuture<'_, Inventory>)> = Vec::new();
    for service in services {
        match *service {
            "s3" => tasks.push(("s3", home, s3::collect(&ctx).boxed())),
            "iam" => tasks.push(("iam", "global", iam::collect(&ctx, tuning).boxed())),
            "cloudfront" => tasks.push(("cloudfront", "global", cloudfront::collect(&ctx).boxed())),
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
            tasks.push((service, region, task));
        }
    }
    let (covers, tasks): (Vec<(&str, &str)>, Vec<_>) =
        tasks.into_iter().map(|(s, r, task)| ((s, r), task)).unzip();
    let mut parts: Vec<Option<Inventory>> = tasks.iter().map(|_| None).collect();
    let mut running: FuturesUnordered<_> = tasks
        .into_iter()
        .enumerate()
        .map(|(i, task)| task.map(move |inv| (i, inv)))
        .collect();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            next = running.next() => match next {
                Some((i, inv)) => {
                    ctx.task_done();
                    parts[i] = Some(inv);
                }
                None => break,
            },
            reason = &mut stop => {
                for ((service, region), part) in covers.iter().zip(&parts) {
                    if part.is_none() {
                        ctx.push(interrupted(&ctx, service, region, reason));
                    }
                }
                break;
            }
        }
    }
    drop(running);
    let mut inventory = Inventory::default();
    for part in parts.into_iter().flatten() {
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

/// The gap an unfinished collector leaves when the sweep is stopped.
fn interrupted(ctx: &SweepState, service: &str, region: &str, reason: &str) -> Diagnostic {
    let gap = crate::diagnostic::Gap {
        account: ctx.account.clone(),
        service: service.to_string(),
        operation: "(all)".into(),
        region: region.to_string(),
        error_class: crate::diagnostic::Gap::INTERRUPTED.into(),
    };
    Diagnostic::collection_gap(
        gap,
        format!(
            "{}{service} in {region}: the sweep was stopped by {reason} before this collector finished; unknown: every {service} resource there",
            ctx.account_prefix()
        ),
    )
}

pub(super) fn selected_services(names: &[String]) -> Result<Vec<&'static str>, AwsError> {
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
