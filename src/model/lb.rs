//! Load balancer listeners: ALB, NLB and Gateway LB listeners, and the listeners of
//! classic ELBs.

use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    lb_listeners: LbListener,
}

/// A listener's default action, as far as transport security is concerned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
    pub kind: Tri<String>,
    /// For redirects: the target protocol. Absent means the API default
    /// `#{protocol}`, which keeps the protocol of the request.
    pub redirect_protocol: Tri<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LbListener {
    pub meta: Meta,
    /// As written: `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `QUIC`, `TCP_QUIC`,
    /// `GENEVE`; for classic ELB the `lb_protocol` (`HTTP`, `HTTPS`, `TCP`, `SSL`).
    /// Absent means the provider default, which depends on the load balancer type
    /// (HTTP for an Application Load Balancer).
    pub protocol: Tri<String>,
    pub port: Tri<f64>,
    /// Name of the predefined TLS security policy. For a classic ELB, the
    /// `Reference-Security-Policy` of the SSL negotiation policy attached to the
    /// listener's port. Absent when none is set: AWS then applies its default
    /// policy.
    pub ssl_policy: Tri<String>,
    /// For a classic ELB custom SSL negotiation policy without a reference policy:
    /// the `Protocol-*` attributes it enables (`Protocol-TLSv1.2`, ...).
    pub custom_protocols: Option<Vec<String>>,
    /// Empty for classic ELB listeners, which have no actions.
    pub default_actions: Tri<Vec<ListenerAction>>,
    /// A classic ELB (`aws_elb`) listener.
    pub classic: bool,
    /// `application`, `network` or `gateway`: from the load balancer the listener
    /// belongs to (whose provider default is `application`), or from its ARN.
    pub load_balancer_type: Tri<String>,
}

impl LbListener {
    /// The protocol clients speak to the listener, upper-cased, with the provider
    /// default applied (`HTTP` for an Application Load Balancer, `GENEVE` for a
    /// Gateway Load Balancer); `Err` says why it cannot be known.
    pub fn served_protocol(&self) -> Result<String, String> {
        match &self.protocol {
            Tri::Known(p) => Ok(p.to_ascii_uppercase()),
            Tri::Unknown(gap) => Err(format!("the listener protocol is {gap}")),
            Tri::Absent => match self.load_balancer_type.known().map(String::as_str) {
                Some("application") => Ok("HTTP".to_string()),
                Some("gateway") => Ok("GENEVE".to_string()),
                Some(other) => Err(format!(
                    "the listener sets no protocol and belongs to a {other} load balancer"
                )),
                None => Err(
                    "the listener sets no protocol and its load balancer type is not \
                     known (an Application Load Balancer listener defaults to HTTP)"
                        .to_string(),
                ),
            },
        }
    }

    /// `port 443`, or `an unknown port`, for messages.
    pub fn port_label(&self) -> String {
        match &self.port {
            Tri::Known(p) => format!("port {}", super::value::format_number(*p)),
            Tri::Unknown(_) | Tri::Absent => "an unknown port".to_string(),
        }
    }
}
