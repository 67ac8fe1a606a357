//! The one integration test binary; each module is a test group.
mod fixtures;
mod bad_input;
mod evaluator;
mod suppressions;
mod cli;
mod adapters;
mod live;
mod config;
mod report;
mod adapters_storage;
mod rule_settings;
