//! Terraform source: discover root modules, parse, evaluate, adapt to the model.

pub mod resource;
