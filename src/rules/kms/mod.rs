//! Key management (CC6.1, C1.2, CC9.1).

pub mod kms001;
pub mod kms002;
pub mod kms003;
pub mod kms004;
pub mod kms005;
