//! Database parameter groups as the database that uses them sees them: RDS instances
//! and clusters and Redshift clusters require TLS through a parameter, so each of them
//! carries its group joined with the group's parameters, the AWS default group, or a
//! name the source did not see.

use super::Tri;
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
    /// A dynamic `parameter` block over values not known before apply: parameters not
    /// listed may still be set.
    pub incomplete: bool,
}

impl ManagedParameterGroup {
    /// A parameter's value: absent when the group certainly does not set it (the
    /// family default applies).
    pub fn value(&self, name: &str) -> Tri<String> {
        match self.parameters.get(&name.to_ascii_lowercase()) {
            Some(v) => v.clone(),
            None if self.incomplete => Tri::Unknown,
            None => Tri::Absent,
        }
    }
}
