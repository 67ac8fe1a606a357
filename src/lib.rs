//! soc2scan: proves the SOC 2 controls that only engineering can implement, from
//! Terraform and live AWS, with one set of rules.

pub mod app;
pub mod baseline;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod environment;
pub mod evidence;
pub mod finding;
pub mod model;
pub mod provenance;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
