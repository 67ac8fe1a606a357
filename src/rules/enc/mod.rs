//! Encryption at rest (CC6.1, C1.1).

pub mod enc001;
