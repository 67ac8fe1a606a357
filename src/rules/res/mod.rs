//! Resilience of protected data (CC9.1, C1.2).

pub mod res001;
pub mod res002;
pub mod res003;
