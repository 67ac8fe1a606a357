//! Encryption in transit (CC6.7, C1.1).

pub mod policies;
pub mod tls002;
pub mod tls003;
