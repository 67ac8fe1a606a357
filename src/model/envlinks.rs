//! What environment-separation rules read beyond the resources themselves: provider
//! account settings, literal ARNs and remote-state lookups that point elsewhere, and
//! network links between VPCs.

use super::{Meta, Tri};
use serde::Serialize;

kinds! {
    provider_configs: ProviderConfig,
    external_refs: ExternalRefs,
    network_links: NetworkLink,
}

/// A root's `provider "aws"` block (or the account a live sweep ran in).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProviderConfig {
    pub meta: Meta,
    pub alias: Option<String>,
    /// `assume_role { role_arn }` (several blocks are possible).
    pub assume_role_arns: Tri<Vec<String>>,
    pub allowed_account_ids: Tri<Vec<String>>,
    pub forbidden_account_ids: Tri<Vec<String>>,
}

/// A resource that names things outside itself: literal ARNs (with their account) and
/// `terraform_remote_state` lookups, with the state's key or workspace as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExternalRefs {
    pub meta: Meta,
    /// Literal ARNs found in the resource's arguments.
    pub arns: Vec<String>,
    /// `data.terraform_remote_state.NAME` lookups used, with the state location
    /// (bucket/key/workspace/path joined) when known.
    pub remote_states: Vec<(String, Tri<String>)>,
}

/// A network path between VPCs or into a VPC.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkLink {
    pub meta: Meta,
    /// `vpc-peering`, `tgw-attachment`, `security-group-rule`.
    pub kind: String,
    /// Account of the other side, when the link names one (`peer_owner_id`).
    pub peer_account: Tri<String>,
    /// CIDR blocks the link opens to (security group rules).
    pub cidrs: Tri<Vec<String>>,
}
