//! Database parameter groups as the database that uses them sees them: RDS instances
//! and clusters and Redshift clusters require TLS through a parameter, so each of them
//! carries its group joined with the group's parameters, the AWS default group, or a
//! name the source did not see.

use super::{Gap, Tri};
use serde::Serialize;
use std::collections::BTreeMap;

/// The parameter group a database uses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum ParameterGroup {
    /// No group named, or an AWS default group such as `default.postgres16` (its
    /// name): the engine's default parameter values apply.
    Default(Option<String>),
    /// A group managed in the same configuration.
    Managed(ManagedParameterGroup),
    /// A group named but not defined in the scanned configuration.
    External(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManagedParameterGroup {
    /// Terraform address of the group.
    pub address: String,
    /// `postgres16`, `mysql8.0`, `redshift-2.0`, ...
    pub family: Tri<String>,
    /// Parameters set in the group, by lower-cased name.
    pub parameters: BTreeMap<String, Tri<String>>,
    /// Why parameters not listed may still be set (a dynamic `parameter` block over
    /// values the source could not know), when they may.
    pub incomplete: Option<Gap>,
}

impl ManagedParameterGroup {
    /// A parameter's value: absent when the group certainly does not set it (the
    /// family default applies).
    pub fn value(&self, name: &str) -> Tri<String> {
        match (
            self.parameters.get(&name.to_ascii_lowercase()),
            self.incomplete,
        ) {
            (Some(v), _) => v.clone(),
            (None, Some(gap)) => Tri::Unknown(gap),
            (None, None) => Tri::Absent,
        }
    }
}
