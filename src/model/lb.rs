//! Load balancer listeners (ALB/NLB and classic ELB).

use super::{Meta, Tri};
use serde::Serialize;

/// A listener's default action, as far as TLS is concerned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
    pub kind: Tri<String>,
    /// For redirects: the target protocol (`HTTPS`, `#{protocol}` keeps the original).
    pub redirect_protocol: Tri<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LbListener {
    pub meta: Meta,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`; for classic ELB the
    /// `lb_protocol` upper-cased (`HTTP`, `HTTPS`, `TCP`, `SSL`).
    pub protocol: Tri<String>,
    pub port: Tri<f64>,
    pub ssl_policy: Tri<String>,
    /// Empty when the listener has no default action block (classic ELB).
    pub default_actions: Tri<Vec<ListenerAction>>,
    /// Classic ELB listener (`aws_elb`), whose TLS policy is not a listener attribute.
    pub classic: bool,
    /// Whether the load balancer is a Gateway LB (listeners there carry no protocol).
    pub load_balancer_type: Tri<String>,
}
