//! Encryption in transit (CC6.7, C1.1).

pub mod policies;
// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/tls.rs"));
