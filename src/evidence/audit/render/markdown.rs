//! The Markdown form, for a pull request or a wiki: the same view as the HTML page,
//! with the grid as one line of glyphs per source and month.

use super::{template_error, view};
use crate::evidence::audit::{AuditError, AuditReport};
use minijinja::{AutoEscape, Environment};

const TEMPLATE: &str = include_str!("report.md");

pub(super) fn render(report: &AuditReport) -> Result<String, AuditError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("cell", cell);
    env.add_template("report.md", TEMPLATE)
        .map_err(|e| template_error("markdown", e))?;
    let view = view::build(report);
    let mut text = env
        .get_template("report.md")
        .and_then(|t| t.render(minijinja::Value::from_serialize(&view)))
        .map_err(|e| template_error("markdown", e))?;
    // The template's macro and loop tags leave blank lines; Markdown needs one.
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.push('\n');
    Ok(text)
}

/// A table cell's text: pipes escaped and line breaks flattened, so a reason
/// written by a user cannot break the table.
fn cell(s: String) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}
