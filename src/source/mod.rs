//! Sources fill the inventory: Terraform (files) and AWS (live APIs).

pub mod aws;
pub mod terraform;
