//! The auditor's view in four forms. JSON and CSV are data; HTML and Markdown are
//! templates (minijinja, from files included at build time) over one view model,
//! so both show the same grid, gaps and findings.

mod csv;
mod html;
mod json;
mod markdown;
mod view;

use super::{AuditError, AuditReport};
use std::fmt;
use std::str::FromStr;

pub use csv::render as csv;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Json,
    Csv,
    Markdown,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Html,
        ReportFormat::Json,
        ReportFormat::Csv,
        ReportFormat::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Markdown => "markdown",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<ReportFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" => Ok(ReportFormat::Html),
            "json" => Ok(ReportFormat::Json),
            "csv" => Ok(ReportFormat::Csv),
            "markdown" | "md" => Ok(ReportFormat::Markdown),
            _ => Err(format!(
                "unknown report format \"{s}\"; use one of html, json, csv, markdown"
            )),
        }
    }
}

/// The report in `format`. Deterministic: the same report gives the same bytes.
pub fn render(report: &AuditReport, format: ReportFormat) -> Result<String, AuditError> {
    match format {
        ReportFormat::Html => html::render(report),
        ReportFormat::Json => json::render(report),
        ReportFormat::Csv => Ok(csv::render(report)),
        ReportFormat::Markdown => markdown::render(report),
    }
}

fn template_error(format: &'static str, e: impl fmt::Display) -> AuditError {
    AuditError::Render {
        format,
        message: e.to_string(),
    }
}
