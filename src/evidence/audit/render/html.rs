//! The HTML form: one self-contained page (inline CSS and SVG, no script, no network
//! request), readable when printed to PDF, from the template `report.html`.

use super::{template_error, view};
use crate::evidence::audit::{AuditError, AuditReport};
use minijinja::{AutoEscape, Environment};

const TEMPLATE: &str = include_str!("report.html");

pub(super) fn render(report: &AuditReport) -> Result<String, AuditError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| template_error("html", e))?;
    let view = view::build(report);
    env.get_template("report.html")
        .and_then(|t| t.render(minijinja::Value::from_serialize(&view)))
        .map_err(|e| template_error("html", e))
}
