//! API Gateway custom domain names: `aws_api_gateway_domain_name` (REST) and
//! `aws_apigatewayv2_domain_name` (HTTP/WebSocket, policy inside
//! `domain_name_configuration`).

use super::RootAdapter;
use crate::model::apigw::ApiGatewayDomain;
use crate::model::Inventory;

pub fn adapt(ctx: &mut RootAdapter, inv: &mut Inventory) {
    for d in ctx.of_type("aws_api_gateway_domain_name") {
        inv.apigw_domains.push(ApiGatewayDomain {
            meta: ctx.meta(d, Some("domain_name")),
            security_policy: d.body.str("security_policy"),
        });
    }
    for d in ctx.of_type("aws_apigatewayv2_domain_name") {
        let security_policy = d
            .body
            .in_block(&["domain_name_configuration"], |c| c.str("security_policy"));
        inv.apigw_domains.push(ApiGatewayDomain {
            meta: ctx.meta(d, Some("domain_name")),
            security_policy,
        });
    }
}
