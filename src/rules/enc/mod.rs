//! Encryption at rest (CC6.1, C1.1).

pub mod enc001;
pub mod enc002;
pub mod enc003;
pub mod enc004;
pub mod enc005;
pub mod enc006;
pub mod enc007;
pub mod enc008;
pub mod enc009;
pub mod enc010;
pub mod enc011;
pub mod enc012;
pub mod enc013;
pub mod enc014;
pub mod enc015;
