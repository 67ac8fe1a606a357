//! Encryption at rest (CC6.1, C1.1).

// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/enc.rs"));
