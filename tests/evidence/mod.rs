//! The evidence ledger's auditor's view.
mod chromium;
mod fixture;
mod report;
mod scenario;
