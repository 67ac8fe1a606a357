//! CloudFront distributions.

use super::{Meta, Tri};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheBehavior {
    /// `default` or the behaviour's path pattern.
    pub path: String,
    pub viewer_protocol_policy: Tri<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Origin {
    pub id: Tri<String>,
    /// `None` for S3 origins (no custom_origin_config).
    pub custom: Option<CustomOrigin>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomOrigin {
    pub protocol_policy: Tri<String>,
    pub ssl_protocols: Tri<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CloudFrontDistribution {
    pub meta: Meta,
    pub behaviors: Tri<Vec<CacheBehavior>>,
    pub origins: Tri<Vec<Origin>>,
    pub aliases: Tri<Vec<String>>,
    pub minimum_protocol_version: Tri<String>,
    pub default_certificate: Tri<bool>,
    /// Bucket domain or reference receiving access logs.
    pub logging_bucket: Tri<String>,
}
