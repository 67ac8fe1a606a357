//! Load balancer listeners of one region: ALB/NLB/GWLB listeners (ELBv2) and the
//! listeners of classic ELBs with their SSL negotiation policies. Listeners carry
//! their load balancer's tags, which is where teams put environment and
//! classification.

use super::ctx::{key_value_tags, ops, partition, Read, SweepState};
use crate::model::lb::{LbListener, ListenerAction};
use crate::model::{Gap, Inventory, Tri};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures_util::future::join_all;
use std::collections::BTreeMap;

const V2: &str = "elbv2";
const CLASSIC: &str = "elb";

/// DescribeTags takes at most 20 resources per call.
const TAG_BATCH: usize = 20;

pub async fn collect_v2(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.elbv2(region);
    let mut inv = Inventory::default();
    let Some(lbs) = ctx
        .pages(
            V2,
            region,
            "DescribeLoadBalancers",
            "the region",
            "every ALB/NLB/GWLB and its listeners",
            |marker| client.describe_load_balancers().set_marker(marker).send(),
            |o| {
                (
                    o.load_balancers().to_vec(),
                    o.next_marker().map(str::to_owned),
                )
            },
        )
        .await
    else {
        return inv;
    };
    let arns: Vec<String> = lbs
        .iter()
        .filter_map(|lb| lb.load_balancer_arn().map(str::to_owned))
        .collect();
    let (tags, tags_read) = tags_in_batches(
        ctx,
        V2,
        region,
        &arns,
        "load balancers",
        |batch| client.describe_tags().set_resource_arns(Some(batch)).send(),
        |out: aws_sdk_elasticloadbalancingv2::operation::describe_tags::DescribeTagsOutput| {
            out.tag_descriptions()
                .iter()
                .filter_map(|d| {
                    let tags = d.tags().iter().map(|t| (t.key(), t.value()));
                    Some((d.resource_arn()?.to_string(), key_value_tags(tags)))
                })
                .collect()
        },
    )
    .await;

    let listeners = join_all(lbs.iter().filter_map(|lb| {
        let arn = lb.load_balancer_arn()?.to_string();
        let lb_type = lb.r#type().map(|t| t.as_str().to_string());
        let client = &client;
        Some(async move {
            let found = ctx
                .pages(
                    V2,
                    region,
                    "DescribeListeners",
                    &format!("load balancer {arn}"),
                    "the load balancer's listeners",
                    |marker| {
                        client
                            .describe_listeners()
                            .load_balancer_arn(&arn)
                            .set_marker(marker)
                            .send()
                    },
                    |o| (o.listeners().to_vec(), o.next_marker().map(str::to_owned)),
                )
                .await
                .unwrap_or_default();
            (arn, lb_type, found)
        })
    }))
    .await;

    let mut used = vec!["DescribeLoadBalancers", "DescribeListeners"];
    if tags_read {
        used.push("DescribeTags");
    }
    for (lb_arn, lb_type, found) in listeners {
        for l in found {
            let Some(arn) = l.listener_arn() else {
                continue;
            };
            let mut meta = ctx.meta("aws_lb_listener", arn, None, region, ops(V2, &used));
            meta.tags = tags.get(&lb_arn).cloned().unwrap_or_default();
            inv.lb_listeners.push(LbListener {
                meta,
                protocol: match l.protocol() {
                    Some(p) => Tri::Known(p.as_str().to_string()),
                    None => Tri::Absent,
                },
                port: match l.port() {
                    Some(p) => Tri::Known(f64::from(p)),
                    None => Tri::Absent,
                },
                ssl_policy: match l.ssl_policy() {
                    Some(p) if !p.is_empty() => Tri::Known(p.to_string()),
                    _ => Tri::Absent,
                },
                custom_protocols: None,
                default_actions: Tri::Known(
                    l.default_actions()
                        .iter()
                        .map(|a| ListenerAction {
                            kind: match a.r#type() {
                                Some(t) => Tri::Known(t.as_str().to_string()),
                                None => Tri::Unknown(Gap::NotCollected),
                            },
                            redirect_protocol: match a.redirect_config().and_then(|r| r.protocol())
                            {
                                Some(p) => Tri::Known(p.to_string()),
                                None => Tri::Absent,
                            },
                        })
                        .collect(),
                ),
                classic: false,
                load_balancer_type: match &lb_type {
                    Some(t) => Tri::Known(t.clone()),
                    None => Tri::Unknown(Gap::NotCollected),
                },
            });
        }
    }
    inv.lb_listeners
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}

/// Tags by load balancer (ARN or name), read with DescribeTags in batches of
/// [`TAG_BATCH`] (both ELB APIs take at most 20 per call); the flag is false when some
/// batch could not be read, so the tags of those load balancers are not known.
async fn tags_in_batches<O, E, F>(
    ctx: &SweepState,
    service: &'static str,
    region: &str,
    ids: &[String],
    noun: &str,
    describe: impl Fn(Vec<String>) -> F,
    found: impl Fn(O) -> Vec<(String, BTreeMap<String, String>)>,
) -> (BTreeMap<String, BTreeMap<String, String>>, bool)
where
    F: std::future::Future<Output = Result<O, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut tags = BTreeMap::new();
    let mut read = true;
    for batch in ids.chunks(TAG_BATCH) {
        match ctx
            .read(
                service,
                region,
                "DescribeTags",
                &format!("{} {noun}", batch.len()),
                &[],
                "load balancer tags (classification and environment from tags)",
                describe(batch.to_vec()),
            )
            .await
        {
            Read::Found(out) => tags.extend(found(out)),
            Read::Absent | Read::Failed => read = false,
        }
    }
    (tags, read)
}

/// What a classic listener's SSL negotiation policy says.
#[derive(Default)]
struct SslPolicies {
    /// Policy name → `Reference-Security-Policy`, or the enabled `Protocol-*`
    /// attributes of a custom policy.
    by_name: BTreeMap<String, (Option<String>, Vec<String>)>,
}

pub async fn collect_classic(ctx: &SweepState, region: &str) -> Inventory {
    let client = ctx.clients.elb(region);
    let mut inv = Inventory::default();
    let Some(lbs) = ctx
        .pages(
            CLASSIC,
            region,
            "DescribeLoadBalancers",
            "the region",
            "every classic load balancer and its listeners",
            |marker| client.describe_load_balancers().set_marker(marker).send(),
            |o| {
                (
                    o.load_balancer_descriptions().to_vec(),
                    o.next_marker().map(str::to_owned),
                )
            },
        )
        .await
    else {
        return inv;
    };
    let names: Vec<String> = lbs
        .iter()
        .filter_map(|lb| lb.load_balancer_name().map(str::to_owned))
        .collect();
    let (tags, tags_read) = tags_in_batches(
        ctx,
        CLASSIC,
        region,
        &names,
        "classic load balancers",
        |batch| {
            client
                .describe_tags()
                .set_load_balancer_names(Some(batch))
                .send()
        },
        |out: aws_sdk_elasticloadbalancing::operation::describe_tags::DescribeTagsOutput| {
            out.tag_descriptions()
                .iter()
                .filter_map(|d| {
                    let tags = d.tags().iter().map(|t| (Some(t.key()), t.value()));
                    Some((d.load_balancer_name()?.to_string(), key_value_tags(tags)))
                })
                .collect()
        },
    )
    .await;

    let account = ctx.account.clone().unwrap_or_default();
    let policies = join_all(lbs.iter().map(|lb| {
        let client = &client;
        async move {
            let name = lb.load_balancer_name()?.to_string();
            let tls = lb.listener_descriptions().iter().any(|d| {
                d.listener().is_some_and(|l| {
                    matches!(l.protocol().to_ascii_uppercase().as_str(), "HTTPS" | "SSL")
                })
            });
            if !tls {
                return Some(SslPolicies::default());
            }
            match ctx
                .read(
                    CLASSIC,
                    region,
                    "DescribeLoadBalancerPolicies",
                    &format!("classic load balancer {name}"),
                    &[],
                    "the TLS policy of the HTTPS/SSL listeners",
                    client
                        .describe_load_balancer_policies()
                        .load_balancer_name(&name)
                        .send(),
                )
                .await
            {
                Read::Found(out) => {
                    let mut p = SslPolicies::default();
                    for d in out.policy_descriptions() {
                        let Some(pname) = d.policy_name() else {
                            continue;
                        };
                        if d.policy_type_name() != Some("SSLNegotiationPolicyType") {
                            continue;
                        }
                        let mut reference = None;
                        let mut protocols = Vec::new();
                        for a in d.policy_attribute_descriptions() {
                            match (a.attribute_name(), a.attribute_value()) {
                                (Some("Reference-Security-Policy"), Some(v)) => {
                                    reference = Some(v.to_string())
                                }
                                (Some(n), Some("true")) if n.starts_with("Protocol-") => {
                                    protocols.push(n.to_string())
                                }
                                _ => {}
                            }
                        }
                        protocols.sort();
                        p.by_name.insert(pname.to_string(), (reference, protocols));
                    }
                    Some(p)
                }
                Read::Absent | Read::Failed => None,
            }
        }
    }))
    .await;

    for (lb, policies) in lbs.iter().zip(policies) {
        let Some(name) = lb.load_balancer_name() else {
            continue;
        };
        let lb_arn = format!(
            "arn:{}:elasticloadbalancing:{region}:{account}:loadbalancer/{name}",
            partition(region)
        );
        let mut used = vec!["DescribeLoadBalancers"];
        if policies.as_ref().is_some_and(|p| !p.by_name.is_empty()) {
            used.push("DescribeLoadBalancerPolicies");
        }
        if tags_read {
            used.push("DescribeTags");
        }
        for d in lb.listener_descriptions() {
            let Some(l) = d.listener() else { continue };
            let protocol = l.protocol().to_ascii_uppercase();
            let tls = matches!(protocol.as_str(), "HTTPS" | "SSL");
            let (ssl_policy, custom_protocols) = match (&policies, tls) {
                (_, false) => (Tri::Absent, None),
                (None, true) => (Tri::Unknown(Gap::NotCollected), None),
                (Some(p), true) => match d.policy_names().iter().find_map(|n| p.by_name.get(n)) {
                    Some((Some(reference), _)) => (Tri::Known(reference.clone()), None),
                    Some((None, protocols)) => (Tri::Absent, Some(protocols.clone())),
                    None => (Tri::Absent, None),
                },
            };
            let address = format!("{lb_arn}#listener/{}", l.load_balancer_port());
            let mut meta = ctx.meta("aws_elb", &address, Some(name), region, ops(CLASSIC, &used));
            meta.arn = Some(lb_arn.clone());
            meta.tags = tags.get(name).cloned().unwrap_or_default();
            inv.lb_listeners.push(LbListener {
                meta,
                protocol: Tri::Known(protocol),
                port: Tri::Known(f64::from(l.load_balancer_port())),
                ssl_policy,
                custom_protocols,
                default_actions: Tri::Known(Vec::new()),
                classic: true,
                load_balancer_type: Tri::Known("classic".into()),
            });
        }
    }
    inv.lb_listeners
        .sort_by(|a, b| a.meta.address.cmp(&b.meta.address));
    inv
}
