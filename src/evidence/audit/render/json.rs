//! The JSON form: the report model as it is (schema `soc2scan/evidence-report/v1`).

use super::template_error;
use crate::evidence::audit::{AuditError, AuditReport};

pub(super) fn render(report: &AuditReport) -> Result<String, AuditError> {
    let mut s = serde_json::to_string_pretty(report).map_err(|e| template_error("json", e))?;
    s.push('\n');
    Ok(s)
}
