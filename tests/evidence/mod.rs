//! The evidence ledger's auditor's view.
mod chromium;
mod fixture;
mod ledger;
mod report;
mod scenario;
