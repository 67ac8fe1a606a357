//! Outputs. Everything a format shows is derived from the scan report and the rule
//! metadata, so adding a rule needs no report code.

use crate::catalogue::RuleMeta;
use crate::scan::ScanReport;
use std::fmt;
use std::str::FromStr;

mod github;
mod gitlab;
mod json;
mod junit;
mod markdown;
pub mod merge;
pub mod read;
mod sarif;
pub mod sources;
mod summary;
mod table;

pub use json::SCHEMA as JSON_SCHEMA;
pub use sarif::GITHUB_MAX_RESULTS;

/// An output format, as named on the command line (`--format sarif`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
    ];

    /// Case-insensitive; `md` and `xml` are accepted as the names people guess.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "markdown" | "md" => Some(Format::Markdown),
            "junit" | "xml" => Some(Format::Junit),
            "github" => Some(Format::Github),
            "gitlab" => Some(Format::Gitlab),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown format \"{s}\"; use one of {}", names.join(", "))
        })
    }
}

/// Choices that change how a report is written, never what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours and terminal-width wrapping in the table; the caller decides
    /// (stdout is a terminal and `--no-color` was not given).
    pub color: bool,
    /// SARIF `automationDetails.id` (`--sarif-category`): GitHub keeps one set of
    /// alerts per category, so two scans of one repository need two categories.
    /// A missing trailing `/` is added, as GitHub's upload action does.
    pub sarif_category: String,
    /// Add suppressed failures to SARIF with `suppressions`. Off by default because
    /// GitHub code scanning ignores `suppressions` and shows them as open alerts.
    pub include_suppressed: bool,
    /// Add live-AWS results to SARIF with only a logical location (the ARN). Off by
    /// default because GitHub rejects the whole upload when one result has no
    /// physical location; other SARIF consumers accept them.
    pub sarif_include_live: bool,
    /// Most SARIF results in the run; beyond it the most severe are kept and a
    /// warning notification says how many were left out. GitHub's limit by default.
    pub sarif_max_results: usize,
    /// Directory of the scanned root inside the repository (`infra`), prepended to
    /// file paths in SARIF URIs, GitHub and GitLab annotations and Markdown links:
    /// result paths are relative to the scanned directory, while GitHub and GitLab
    /// resolve them from the repository root.
    pub path_prefix: Option<String>,
    /// Base of Markdown source links, e.g.
    /// `https://github.com/acme/infra/blob/<sha>`; without it locations are plain text.
    pub link_base: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            sarif_category: "soc2scan/".into(),
            include_suppressed: false,
            sarif_include_live: false,
            sarif_max_results: GITHUB_MAX_RESULTS,
            path_prefix: None,
            link_base: None,
        }
    }
}

impl RenderOptions {
    /// `file` as seen from the repository root, `/`-separated.
    fn repo_path(&self, file: &str) -> String {
        match self.path_prefix.as_deref().map(|p| p.trim_matches('/')) {
            Some(p) if !p.is_empty() && p != "." => format!("{p}/{file}"),
            _ => file.to_string(),
        }
    }
}

/// Write `report` in `format` to `out`. The JSON report, which holds every result, is
/// serialized straight into `out`: on large estates it is hundreds of megabytes, and
/// holding it as one string beside the results doubled peak memory.
pub fn write(
    format: Format,
    report: &ScanReport,
    catalogue: &[RuleMeta],
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, catalogue, out),
        _ => out.write_all(render(format, report, catalogue, options).as_bytes()),
    }
}

/// Render `report` in `format`. Rule texts come from `catalogue`, never from a global,
/// so that tests can pass hand-built metadata.
pub fn render(
    format: Format,
    report: &ScanReport,
    catalogue: &[RuleMeta],
    options: &RenderOptions,
) -> String {
    match format {
        Format::Table => table::render(report, options),
        Format::Json => json::render(report, catalogue),
        Format::Sarif => sarif::render(report, catalogue, options),
        Format::Markdown => markdown::render(report, options),
        Format::Junit => junit::render(report, catalogue),
        Format::Github => github::render(report, options),
        Format::Gitlab => gitlab::render(report, options),
    }
}
