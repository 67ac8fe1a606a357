//! TEMPORARY interface placeholder so the evaluator compiles; the functions helper
//! replaces this whole file with the real library (same API).
use crate::model::Value;
use std::path::Path;

pub struct FnCtx<'a> {
    pub module_dir: &'a Path,
    pub scan_root: &'a Path,
}

#[derive(Debug, thiserror::Error)]
pub enum FnError {
    #[error("unsupported function {0}")]
    Unsupported(String),
    #[error("{0}")]
    Invalid(String),
}

pub fn call(name: &str, _args: &[Value], _ctx: &FnCtx) -> Result<Value, FnError> {
    Err(FnError::Unsupported(name.to_string()))
}
