//! Resilience of protected data (CC9.1, C1.2).

// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/res.rs"));
