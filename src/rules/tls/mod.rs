//! Encryption in transit (CC6.7, C1.1).

pub mod policies;
pub mod tls001;
pub mod tls002;
pub mod tls003;
pub mod tls004;
pub mod tls005;
pub mod tls006;
pub mod tls007;
pub mod tls008;
pub mod tls009;
pub mod tls010;
pub mod tls011;
pub mod tls012;
