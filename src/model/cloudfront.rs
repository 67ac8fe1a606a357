//! CloudFront distributions, as far as transport security goes: how viewers connect
//! (cache behaviours, viewer certificate) and how CloudFront connects to origins.

use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    cloudfront_distributions: CloudFrontDistribution,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheBehavior {
    /// `default` for the default cache behaviour, else the path pattern (`?` when the
    /// pattern is not known before apply).
    pub path: String,
    /// `allow-all`, `https-only` or `redirect-to-https`.
    pub viewer_protocol_policy: Tri<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Origin {
    pub id: Tri<String>,
    /// `None` for origins without `custom_origin_config` (S3 REST origins, VPC
    /// origins), whose protocol CloudFront chooses.
    pub custom: Option<CustomOrigin>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomOrigin {
    /// `http-only`, `https-only` or `match-viewer`.
    pub protocol_policy: Tri<String>,
    /// `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`.
    pub ssl_protocols: Tri<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CloudFrontDistribution {
    pub meta: Meta,
    /// The default cache behaviour first, then the ordered ones.
    pub behaviors: Vec<CacheBehavior>,
    /// A dynamic behaviour block over values not known before apply: more behaviours
    /// may exist than `behaviors` lists.
    pub behaviors_incomplete: bool,
    pub origins: Vec<Origin>,
    /// Likewise for `dynamic "origin"` blocks.
    pub origins_incomplete: bool,
    /// Alternate domain names (CNAMEs); absent means none.
    pub aliases: Tri<Vec<String>>,
    /// `viewer_certificate.minimum_protocol_version`; absent means the provider default
    /// `TLSv1`.
    pub minimum_protocol_version: Tri<String>,
    /// `viewer_certificate.cloudfront_default_certificate`: the `*.cloudfront.net`
    /// certificate, for which CloudFront always applies `TLSv1`.
    pub default_certificate: Tri<bool>,
}
