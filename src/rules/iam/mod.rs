//! Least privilege (CC6.1, CC6.3; third-party trust CC9.2).

mod exposure;
// The `pub mod` of each rule file, generated from `rules/*.toml` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/iam.rs"));
