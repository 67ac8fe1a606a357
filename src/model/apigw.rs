//! API Gateway custom domain names.

use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    apigw_domains: ApiGatewayDomain,
}

/// `aws_api_gateway_domain_name` (REST APIs) or `aws_apigatewayv2_domain_name` (HTTP
/// and WebSocket APIs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiGatewayDomain {
    pub meta: Meta,
    /// `TLS_1_0`, `TLS_1_2` or an enhanced `SecurityPolicy_*` policy (v2:
    /// `domain_name_configuration.security_policy`). Absent means the service default.
    pub security_policy: Tri<String>,
}
