//! The one integration test binary; each module is a test group.
mod action;
mod adapters;
mod adapters_storage;
mod bad_input;
mod cli;
mod config;
mod documents;
mod environments;
mod evaluator;
mod evidence;
mod evidence_commands;
mod evidence_ledger;
mod evidence_scan;
mod fixtures;
mod golden;
mod layers;
// The live sweep exists only in builds with the `aws` feature (the default).
#[cfg(feature = "aws")]
mod live;
mod manual;
mod merge;
mod modules;
mod properties;
mod report;
mod report_ci;
mod rule_settings;
mod suppressions;
mod terraform_only;
