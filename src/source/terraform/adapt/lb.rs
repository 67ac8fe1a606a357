//! Load balancer listeners: `aws_lb_listener` and its older alias `aws_alb_listener`
//! (joined to their `aws_lb`/`aws_alb` for the load balancer type), and the inline
//! `listener` blocks of classic `aws_elb`, whose TLS policy is a separate SSL
//! negotiation policy (`aws_load_balancer_policy` attached to a port by
//! `aws_load_balancer_listener_policy`, or the older `aws_lb_ssl_negotiation_policy`).

use super::{RootAdapter, Target};
use crate::model::lb::{LbListener, ListenerAction};
use crate::model::{Gap, Inventory, Tri, Value};
use crate::source::terraform::resource::{Body, TfResource};

const LOAD_BALANCERS: &[&str] = &["aws_lb", "aws_alb"];
const CLASSIC: &[&str] = &["aws_elb"];

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for rtype in ["aws_lb_listener", "aws_alb_listener"] {
        for l in ctx.of_type(rtype) {
            inv.lb_listeners.push(LbListener {
                meta: ctx.meta(l, None),
                protocol: l.body.str("protocol"),
                port: l.body.number("port"),
                ssl_policy: l.body.str("ssl_policy"),
                custom_protocols: None,
                default_actions: default_actions(&l.body),
                classic: false,
                load_balancer_type: load_balancer_type(ctx, l),
            });
        }
    }
    let policies = ClassicPolicies::collect(ctx);
    for elb in ctx.of_type("aws_elb") {
        let meta = ctx.meta(elb, Some("name"));
        if elb.body.unknown_blocks.contains("listener") {
            // A dynamic listener block over values not known before apply: report the
            // load balancer once, with nothing known about its listeners.
            inv.lb_listeners.push(LbListener {
                meta: meta.clone(),
                protocol: Tri::Unknown(Gap::BeforeApply),
                port: Tri::Unknown(Gap::BeforeApply),
                ssl_policy: Tri::Unknown(Gap::BeforeApply),
                custom_protocols: None,
                default_actions: Tri::Known(Vec::new()),
                classic: true,
                load_balancer_type: Tri::Known("classic".to_string()),
            });
        }
        for listener in elb.body.blocks("listener") {
            let port = listener.body.number("lb_port");
            let (ssl_policy, custom_protocols) = policies.for_listener(elb, &port);
            inv.lb_listeners.push(LbListener {
                meta: meta.clone(),
                protocol: listener.body.str("lb_protocol"),
                port,
                ssl_policy,
                custom_protocols,
                default_actions: Tri::Known(Vec::new()),
                classic: true,
                load_balancer_type: Tri::Known("classic".to_string()),
            });
        }
    }
}

fn default_actions(body: &Body) -> Tri<Vec<ListenerAction>> {
    if body.unknown_blocks.contains("default_action") {
        return Tri::Unknown(Gap::BeforeApply);
    }
    Tri::Known(
        body.blocks("default_action")
            .map(|a| ListenerAction {
                kind: a.body.str("type"),
                redirect_protocol: a.body.in_block(&["redirect"], |r| r.str("protocol")),
            })
            .collect(),
    )
}

/// The type of the load balancer a listener belongs to: read from the `aws_lb` it
/// references (provider default `application`), or from a literal ARN
/// (`...:loadbalancer/app/...`, `/net/`, `/gwy/`).
fn load_balancer_type(ctx: &RootAdapter, l: &TfResource) -> Tri<String> {
    match ctx.target(l.body.get("load_balancer_arn"), LOAD_BALANCERS, "arn") {
        Target::Resource(lb) => lb
            .body
            .str("load_balancer_type")
            .or_default_value("application".to_string()),
        Target::External(arn) => {
            let kind = [
                ("app", "application"),
                ("net", "network"),
                ("gwy", "gateway"),
            ]
            .into_iter()
            .find(|(short, _)| arn.contains(&format!(":loadbalancer/{short}/")));
            match kind {
                Some((_, name)) => Tri::Known(name.to_string()),
                None => Tri::Unknown(Gap::BeforeApply),
            }
        }
        Target::Unknown => Tri::Unknown(Gap::BeforeApply),
    }
}

/// What the configuration says about one classic listener's SSL negotiation policy.
enum Negotiation {
    /// A predefined policy by name (`Reference-Security-Policy`).
    Reference(String),
    /// A custom policy: its name and the `Protocol-*` attributes set to true.
    Custom(String, Vec<String>),
    Unknown,
}

/// SSL negotiation policies attached to classic ELB ports.
struct ClassicPolicies<'a> {
    /// (load balancer, port, policy) for every attachment whose target is known.
    attached: Vec<(&'a TfResource, Tri<f64>, Negotiation)>,
    /// Some attachment names a load balancer that cannot be identified: load balancers
    /// without an attachment of their own might be its target.
    unattributed: bool,
}

impl<'a> ClassicPolicies<'a> {
    fn collect(ctx: &RootAdapter<'a>) -> ClassicPolicies<'a> {
        let mut attached = Vec::new();
        let mut unattributed = false;
        for lp in ctx.of_type("aws_load_balancer_listener_policy") {
            let Target::Resource(elb) =
                target_elb(ctx, lp.body.get("load_balancer_name"), &mut unattributed)
            else {
                continue;
            };
            let port = lp.body.number("load_balancer_port");
            let negotiation = match lp.body.get("policy_names") {
                Some(Value::List(names)) => {
                    // A listener takes at most one SSL negotiation policy; other
                    // names may be stickiness or proxy-protocol policies.
                    let mut ssl = None;
                    let mut unknown = false;
                    for name in names {
                        match ctx.target(Some(name), &["aws_load_balancer_policy"], "policy_name") {
                            Target::Resource(p) => match negotiation_of(p) {
                                Some(Negotiation::Unknown) => unknown = true,
                                Some(n) => ssl = Some(n),
                                None => {}
                            },
                            // A policy made outside this configuration could be
                            // anything.
                            Target::External(_) | Target::Unknown => unknown = true,
                        }
                    }
                    ssl.or(unknown.then_some(Negotiation::Unknown))
                }
                None | Some(Value::Null) => None,
                Some(_) => Some(Negotiation::Unknown),
            };
            if let Some(n) = negotiation {
                attached.push((elb, port, n));
            }
        }
        for sp in ctx.of_type("aws_lb_ssl_negotiation_policy") {
            let Target::Resource(elb) =
                target_elb(ctx, sp.body.get("load_balancer"), &mut unattributed)
            else {
                continue;
            };
            let negotiation = attributes_negotiation(&sp.body, "attribute", &sp.address);
            attached.push((elb, sp.body.number("lb_port"), negotiation));
        }
        ClassicPolicies {
            attached,
            unattributed,
        }
    }

    /// The listener's policy name and custom protocols; absent when nothing is
    /// attached to its port (AWS applies its default policy).
    fn for_listener(
        &self,
        elb: &TfResource,
        port: &Tri<f64>,
    ) -> (Tri<String>, Option<Vec<String>>) {
        let mut unknown = self.unattributed;
        let mut found = None;
        for (lb, p, n) in &self.attached {
            if lb.address != elb.address {
                continue;
            }
            match (p, port) {
                (Tri::Known(a), Tri::Known(b)) if a == b => found = Some(n),
                (Tri::Known(_), Tri::Known(_)) => {}
                _ => unknown = true,
            }
        }
        match found {
            Some(Negotiation::Reference(name)) => (Tri::Known(name.clone()), None),
            Some(Negotiation::Custom(name, protocols)) => {
                (Tri::Known(name.clone()), Some(protocols.clone()))
            }
            Some(Negotiation::Unknown) => (Tri::Unknown(Gap::BeforeApply), None),
            None if unknown => (Tri::Unknown(Gap::BeforeApply), None),
            None => (Tri::Absent, None),
        }
    }
}

fn target_elb<'a>(
    ctx: &RootAdapter<'a>,
    value: Option<&Value>,
    unattributed: &mut bool,
) -> Target<'a> {
    let t = ctx.target(value, CLASSIC, "name");
    if matches!(t, Target::Unknown) {
        *unattributed = true;
    }
    t
}

/// An `aws_load_balancer_policy` that negotiates SSL; `None` for other policy types
/// (proxy protocol, stickiness), which say nothing about TLS.
fn negotiation_of(p: &TfResource) -> Option<Negotiation> {
    match p.body.str("policy_type_name") {
        Tri::Known(t) if t == "SSLNegotiationPolicyType" => Some(attributes_negotiation(
            &p.body,
            "policy_attribute",
            &p.address,
        )),
        Tri::Known(_) => None,
        Tri::Unknown(_) | Tri::Absent => Some(Negotiation::Unknown),
    }
}

fn attributes_negotiation(body: &Body, block: &str, address: &str) -> Negotiation {
    if body.unknown_blocks.contains(block) {
        return Negotiation::Unknown;
    }
    let mut protocols = Vec::new();
    for a in body.blocks(block) {
        let (Tri::Known(name), value) = (a.body.str("name"), a.body.str("value")) else {
            return Negotiation::Unknown;
        };
        match value {
            Tri::Known(v) if name == "Reference-Security-Policy" => {
                return Negotiation::Reference(v)
            }
            Tri::Known(v) if name.starts_with("Protocol-") => {
                if v.eq_ignore_ascii_case("true") {
                    protocols.push(name);
                }
            }
            Tri::Known(_) | Tri::Absent => {}
            Tri::Unknown(Gap::BeforeApply)
                if name.starts_with("Protocol-") || name == "Reference-Security-Policy" =>
            {
                return Negotiation::Unknown
            }
            Tri::Unknown(_) => {}
        }
    }
    Negotiation::Custom(address.to_string(), protocols)
}
