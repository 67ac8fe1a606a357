//! Encryption at rest (CC6.1, C1.1).

pub mod enc001;
pub mod enc002;
pub mod enc003;
