//! Terraform source: discover root modules, parse, evaluate, adapt to the model.

pub mod discover;
pub mod module;
pub mod parse;
pub mod policy_document;
pub mod resource;
