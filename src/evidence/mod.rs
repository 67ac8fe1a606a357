//! The evidence ledger (SOC 2 Type 2): every scan recorded as a dated, tamper-evident
//! run, and the auditor's view of a window built from those runs. The semantics are
//! in docs/evidence.md.

pub mod attest;
pub mod audit;
pub mod ledger;
pub mod record;
