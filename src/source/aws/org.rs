//! `--org`: every member account of an AWS Organization in one run.
//!
//! The credentials of the management account (or of a delegated administrator) list
//! the accounts; each selected account is entered through `--org-role` assumed in it,
//! and swept by the same collectors as a single account. A few accounts are swept at
//! once ([`Tuning::accounts_in_flight`]), all of them under the run's one bound on
//! calls in flight, and each account's result is handed on as soon as it is complete,
//! so what the sweep holds does not grow with the organization.
//!
//! An account whose role cannot be assumed is a collection gap of that account; the
//! others are still swept. Suspended accounts, and accounts left out by `--accounts`,
//! `--exclude-accounts` or `--shard`, are named in warnings.

use super::client::ClientFactory;
use super::ctx::{one_line, partition, Failure, RunLimits};
use super::pace::Pacer;
use super::sweep::{home_region, selected_services, sweep_account};
use super::{AccountSweep, AwsError, AwsOptions, AwsSweep, OrgOptions, OrgSweep, Tuning};
use crate::diagnostic::{Diagnostic, Gap};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures_util::future::FutureExt;
use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::future::Future;

/// An account as the organization lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Member {
    id: String,
    name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    status: String,
}

/// Sweeps the organization `opts.org` describes, handing each account to `each` as
/// soon as it is done; `stop` ends the sweep as it ends a single-account one.
pub async fn sweep(
    opts: &AwsOptions,
    tuning: &Tuning,
    stop: impl Future<Output = &'static str>,
    mut each: impl FnMut(AccountSweep),
) -> Result<OrgSweep, AwsError> {
    let org = opts.org.clone().unwrap_or_default();
    let services = selected_services(&opts.services)?;
    let lister = ClientFactory::new(opts, tuning).await?;
    let home = home_region(opts, &lister)?;
    let listed = list(&lister, &home, org.ou.as_deref()).await?;
    let (members, notes) = select(listed, &org);

    let progress = opts.progress.then(|| {
        let bar =
            ProgressBar::with_draw_target(Some(members.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("aws org {bar:30} {pos}/{len} accounts") {
            bar.set_style(style);
        }
        bar
    });
    let run = RunLimits::new(tuning, true);
    let stop = stop.shared();
    let mut swept = stream::iter(members)
        .map(|m| {
            member(
                &lister,
                m,
                &org,
                opts,
                &services,
                &home,
                tuning,
                &run,
                stop.clone(),
            )
        })
        .buffer_unordered(tuning.accounts_in_flight.max(1));
    while let Some(account) = swept.next().await {
        if let Some(p) = &progress {
            p.inc(1);
        }
        each(account);
    }
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let lister_id = lister_account(&lister, &home).await;
    Ok(OrgSweep {
        lister: lister_id,
        notes,
        calls: lister.calls(),
    })
}

/// The account of the listing credentials, for the report; `None` when STS does not
/// say (the organization was listed, so the credentials work).
async fn lister_account(lister: &ClientFactory, home: &str) -> Option<String> {
    let out = lister.sts(home).get_caller_identity().send().await.ok()?;
    out.account().map(str::to_owned)
}

/// One member account: its role assumed, then swept; or the gap that says why not.
#[allow(clippy::too_many_arguments)]
async fn member(
    lister: &ClientFactory,
    m: Member,
    org: &OrgOptions,
    opts: &AwsOptions,
    services: &[&'static str],
    home: &str,
    tuning: &Tuning,
    run: &RunLimits,
    stop: futures_util::future::Shared<impl Future<Output = &'static str>>,
) -> AccountSweep {
    // Accounts still queued when the sweep is stopped are not entered at all.
    if let Some(reason) = stop.peek() {
        let gap = not_swept(
            &m,
            home,
            "(all)",
            Gap::INTERRUPTED,
            &format!("the sweep was stopped by {reason} before this account was swept"),
        );
        return unswept(m, gap, home, services, opts);
    }
    let role = format!("arn:{}:iam::{}:role/{}", partition(home), m.id, org.role);
    let clients = match lister
        .assume(&role, opts.external_id.as_deref(), opts.role_duration)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            let (class, why) = match &e {
                AwsError::AssumeRole { code, detail, .. } => (code.clone(), detail.clone()),
                other => ("CredentialsError".to_string(), other.to_string()),
            };
            let gap = not_swept(
                &m,
                home,
                "AssumeRole",
                &class,
                &format!(
                    "sts:AssumeRole of {role} failed with {class}: {}",
                    one_line(&why)
                ),
            );
            return unswept(m, gap, home, services, opts);
        }
    };
    match sweep_account(clients, opts, services, home, tuning, run, stop).await {
        Ok(sweep) => AccountSweep {
            id: m.id,
            name: m.name,
            sweep,
        },
        Err(e) => {
            let gap = not_swept(
                &m,
                home,
                "GetCallerIdentity",
                "CredentialsError",
                &e.to_string(),
            );
            unswept(m, gap, home, services, opts)
        }
    }
}

/// An account with nothing collected, only the gap that says why.
/// Its regions are those it would have been swept in (`--all-regions`: the home
/// region, as no region list could be asked for).
fn unswept(
    m: Member,
    gap: Diagnostic,
    home: &str,
    services: &[&'static str],
    opts: &AwsOptions,
) -> AccountSweep {
    let regions = match opts.regions.is_empty() {
        true => vec![home.to_string()],
        false => opts.regions.clone(),
    };
    AccountSweep {
        sweep: AwsSweep {
            gaps: vec![gap],
            account: Some(m.id.clone()),
            regions,
            services: services.iter().map(|s| s.to_string()).collect(),
            ..AwsSweep::default()
        },
        id: m.id,
        name: m.name,
    }
}

/// The collection gap of an account that could not be swept: every resource of it is
/// unknown.
fn not_swept(m: &Member, home: &str, operation: &str, class: &str, why: &str) -> Diagnostic {
    let gap = Gap {
        account: Some(m.id.clone()),
        service: "sts".into(),
        operation: operation.into(),
        region: home.to_string(),
        error_class: class.to_string(),
    };
    Diagnostic::collection_gap(
        gap,
        format!(
            "account {}{}: not swept: {why}; unknown: every resource of the account",
            m.id,
            m.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ),
    )
}

/// Every account of the organization, or of `ou` and the units below it, sorted by
/// id. Paced as Organizations requires (it allows only a few calls per second).
async fn list(
    clients: &ClientFactory,
    home: &str,
    ou: Option<&str>,
) -> Result<Vec<Member>, AwsError> {
    let client = clients.organizations(home);
    let pacer = Pacer::for_service("organizations");
    let accounts_of = |out: &[aws_sdk_organizations::types::Account]| -> Vec<Member> {
        out.iter().filter_map(member_of).collect()
    };
    let mut members = Vec::new();
    match ou {
        None => {
            members = pages(pacer.as_ref(), "ListAccounts", |token| {
                let sent = client.list_accounts().set_next_token(token).send();
                sent.map(move |r| {
                    answer(r, |out| {
                        (
                            accounts_of(out.accounts()),
                            out.next_token().map(str::to_owned),
                        )
                    })
                })
            })
            .await?;
        }
        Some(ou) => {
            // Depth first over the units below `ou`: each unit's accounts, then its
            // children.
            let mut parents = vec![ou.to_string()];
            while let Some(parent) = parents.pop() {
                members.extend(
                    pages(pacer.as_ref(), "ListAccountsForParent", |token| {
                        let sent = client
                            .list_accounts_for_parent()
                            .parent_id(&parent)
                            .set_next_token(token)
                            .send();
                        sent.map(move |r| {
                            answer(r, |out| {
                                (
                                    accounts_of(out.accounts()),
                                    out.next_token().map(str::to_owned),
                                )
                            })
                        })
                    })
                    .await?,
                );
                let units = pages(
                    pacer.as_ref(),
                    "ListOrganizationalUnitsForParent",
                    |token| {
                        let sent = client
                            .list_organizational_units_for_parent()
                            .parent_id(&parent)
                            .set_next_token(token)
                            .send();
                        sent.map(|r| {
                            answer(r, |out| {
                                let units = out
                                    .organizational_units()
                                    .iter()
                                    .filter_map(|u| u.id().map(str::to_owned))
                                    .collect();
                                (units, out.next_token().map(str::to_owned))
                            })
                        })
                    },
                )
                .await?;
                parents.extend(units);
            }
        }
    }
    members.sort_by(|a, b| a.id.cmp(&b.id));
    members.dedup_by(|a, b| a.id == b.id);
    Ok(members)
}

/// One page's items and next token, or the call's failure.
type Page<T> = Result<(Vec<T>, Option<String>), Failure>;

/// The page an answer holds, read by `read`; a failed call as its [`Failure`].
fn answer<O, E, T>(
    r: Result<O, SdkError<E, HttpResponse>>,
    read: impl FnOnce(&O) -> (Vec<T>, Option<String>),
) -> Page<T>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match r {
        Ok(out) => Ok(read(&out)),
        Err(e) => Err(Failure::from_sdk(&e)),
    }
}

/// Every page of an Organizations listing, one paced call at a time; the first
/// failure stops the sweep, since without the list there is nothing to sweep.
async fn pages<T, F, Fut>(
    pacer: Option<&Pacer>,
    operation: &'static str,
    mut page: F,
) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Page<T>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        if let Some(p) = pacer {
            p.wait().await;
        }
        let (mut got, next) = page(token.take())
            .await
            .map_err(|f| AwsError::Organization {
                operation,
                code: f.code,
                detail: one_line(&f.detail),
            })?;
        items.append(&mut got);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(items),
        }
    }
}

fn member_of(a: &aws_sdk_organizations::types::Account) -> Option<Member> {
    Some(Member {
        id: a.id()?.to_string(),
        name: a.name().map(str::to_owned),
        // `Status` is deprecated in favour of `State`; moto and older partitions
        // only answer `Status`, so either one.
        status: a
            .state()
            .map(|s| s.as_str().to_string())
            .or_else(|| {
                #[allow(deprecated)]
                a.status().map(|s| s.as_str().to_string())
            })
            .unwrap_or_else(|| "UNKNOWN".to_string()),
    })
}

/// The accounts this run sweeps, and a warning for each one listed and left out.
fn select(listed: Vec<Member>, org: &OrgOptions) -> (Vec<Member>, Vec<Diagnostic>) {
    let mut notes = Vec::new();
    let mut members = Vec::new();
    for wanted in &org.accounts {
        if !listed.iter().any(|m| &m.id == wanted) {
            notes.push(Diagnostic::warning(
                "account-not-in-organization",
                format!(
                    "--accounts names {wanted}, which the organization{} does not list; it was not swept",
                    org.ou.as_deref().map(|ou| format!(" (under {ou})")).unwrap_or_default()
                ),
            ));
        }
    }
    for m in listed {
        if !org.accounts.is_empty() && !org.accounts.contains(&m.id) {
            continue;
        }
        if org.exclude.contains(&m.id) {
            continue;
        }
        if org.shard.is_some_and(|s| !s.holds(&m.id)) {
            continue;
        }
        if m.status != "ACTIVE" {
            notes.push(Diagnostic::warning(
                "account-skipped",
                format!(
                    "account {}{} is {}: not swept",
                    m.id,
                    m.name
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default(),
                    m.status
                ),
            ));
            continue;
        }
        members.push(m);
    }
    (members, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::aws::Shard;

    fn m(id: &str, status: &str) -> Member {
        Member {
            id: id.into(),
            name: Some(format!("n{id}")),
            status: status.into(),
        }
    }

    fn ids(ms: &[Member]) -> Vec<&str> {
        ms.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn selection_filters_and_says_what_it_left_out() {
        let listed = vec![
            m("111111111111", "ACTIVE"),
            m("222222222222", "SUSPENDED"),
            m("333333333333", "ACTIVE"),
            m("444444444444", "ACTIVE"),
        ];
        let (all, notes) = select(listed.clone(), &OrgOptions::default());
        assert_eq!(ids(&all), ["111111111111", "333333333333", "444444444444"]);
        assert_eq!(notes.len(), 1);
        assert!(notes[0]
            .message
            .contains("222222222222 (n222222222222) is SUSPENDED"));

        let org = OrgOptions {
            accounts: vec![
                "111111111111".into(),
                "333333333333".into(),
                "999999999999".into(),
            ],
            exclude: vec!["333333333333".into()],
            ..OrgOptions::default()
        };
        let (some, notes) = select(listed.clone(), &org);
        assert_eq!(ids(&some), ["111111111111"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].message.contains("999999999999"));

        // Two shards: disjoint, and together the whole selection.
        let shard = |index| OrgOptions {
            shard: Some(Shard { index, count: 2 }),
            ..OrgOptions::default()
        };
        let (a, _) = select(listed.clone(), &shard(0));
        let (b, _) = select(listed, &shard(1));
        let mut both: Vec<&str> = ids(&a).into_iter().chain(ids(&b)).collect();
        both.sort();
        assert_eq!(both, ids(&all));
    }
}
