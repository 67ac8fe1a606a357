//! Terraform's own JSON documents as sources: `terraform show -json` plans and state
//! files (format version 4).
//!
//! Both become the same [`TfResource`]s the HCL evaluator produces, so the same
//! adapters type them and the same rules judge them. A plan is the most faithful view
//! of a change (exact values, every module expanded, remote modules included); a state
//! holds what was applied, with each address's real ARN or id.

pub mod backend;
pub mod locate;
pub mod plan;
pub mod references;
pub mod state;
pub mod values;

use super::resource::{TfProvider, TfResource};
use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// What kind of Terraform document a file holds, told by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plan,
    State,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::State => "state",
        }
    }
}

/// A plan or state file to read, with the directory of the `.tf` files that wrote it
/// (for locations), when known.
#[derive(Clone, Debug)]
pub struct DocumentInput {
    pub path: PathBuf,
    /// `--plan` or `--state`; `None` for a file given as a scan path, told by content.
    pub kind: Option<Kind>,
    /// `--source DIR`, else the plan's own directory when it holds `.tf` files.
    pub source: Option<PathBuf>,
}

/// The resources of one document, ready for the adapters.
pub struct DocumentResources {
    pub kind: Kind,
    /// The root module its resources belong to: `.` when its configuration is at
    /// hand (as for that configuration's HCL), else the document's own path.
    pub root: String,
    pub resources: Vec<TfResource>,
    pub providers: Vec<TfProvider>,
    /// Terraform address to ARN (or id when the resource has no ARN), as known.
    pub identities: std::collections::BTreeMap<String, String>,
    /// Suppression comments of the `.tf` files used for locations, by relative path.
    pub suppressions: std::collections::BTreeMap<String, super::directives::FileDirectives>,
    /// The directory paths are relative to.
    pub base: PathBuf,
    /// Whether its configuration was found (beside it, or `--source`).
    pub configured: bool,
    /// Problems with the `.tf` files read for locations.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a plan or state file cannot be read. Each names the file; the rest of the scan
/// goes on.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{file}: cannot read: {error}")]
    Io { file: String, error: String },
    #[error("{file}: this is a binary Terraform plan; convert it first with `terraform show -json PLANFILE > plan.json` and scan plan.json")]
    BinaryPlan { file: String },
    #[error("{file}:{line}: not valid JSON: {error}")]
    Json {
        file: String,
        line: usize,
        error: String,
    },
    #[error("{file}: neither a Terraform plan (`terraform show -json`) nor a Terraform state")]
    NotTerraform { file: String },
    #[error("{file}: {noun} format version {version} is not supported (this soc2scan reads {supported})")]
    Version {
        file: String,
        noun: &'static str,
        version: String,
        supported: &'static str,
    },
    #[error("{file}: {noun} has no AWS resources (providers: {providers}); nothing for soc2scan to judge")]
    NoAws {
        file: String,
        noun: &'static str,
        providers: String,
    },
    #[error("{file}: {message}")]
    Shape { file: String, message: String },
}

impl DocumentError {
    /// The error as a diagnostic naming the file (and line for JSON syntax errors).
    pub fn diagnostic(&self) -> Diagnostic {
        let (file, line) = match self {
            DocumentError::Json { file, line, .. } => (file.clone(), Some(*line)),
            DocumentError::Io { file, .. }
            | DocumentError::BinaryPlan { file }
            | DocumentError::NotTerraform { file }
            | DocumentError::Version { file, .. }
            | DocumentError::NoAws { file, .. }
            | DocumentError::Shape { file, .. } => (file.clone(), None),
        };
        let code = match self {
            DocumentError::Io { .. } => "io-error",
            DocumentError::BinaryPlan { .. } => "binary-plan",
            DocumentError::Json { .. } | DocumentError::Shape { .. } => "parse-error",
            DocumentError::NotTerraform { .. } => "not-terraform",
            DocumentError::Version { .. } => "unsupported-version",
            DocumentError::NoAws { .. } => "no-aws-resources",
        };
        Diagnostic::error(code, self.to_string()).at(file, line, None)
    }
}

/// Whether an explicitly given file is a Terraform document rather than
/// configuration: anything but `.tf`, `.tfvars` and `.tf.json` files. Its content
/// then says whether it is a plan or a state, or neither (an error naming it).
pub fn is_document_path(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `.tf.json` is configuration in JSON syntax, which the HCL reader leaves alone.
    !(name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".tf.json"))
}

/// Tell a plan from a state by content: a plan has `format_version` with
/// `planned_values` or `resource_changes`; a state has `version` and `resources`
/// (or `lineage`).
pub fn detect(json: &serde_json::Value) -> Option<Kind> {
    let obj = json.as_object()?;
    if obj.contains_key("format_version")
        && (obj.contains_key("planned_values") || obj.contains_key("resource_changes"))
    {
        return Some(Kind::Plan);
    }
    if obj.contains_key("version") && (obj.contains_key("resources") || obj.contains_key("lineage"))
    {
        return Some(Kind::State);
    }
    None
}

/// Parse a document as JSON, telling a binary plan (a zip archive) apart.
fn parse_json(bytes: &[u8], shown: &str) -> Result<serde_json::Value, DocumentError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(DocumentError::BinaryPlan {
            file: shown.to_string(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| DocumentError::Json {
        file: shown.to_string(),
        line: e.line(),
        error: e.to_string(),
    })
}

/// Read one plan or state into resources.
pub fn read(input: &DocumentInput) -> Result<DocumentResources, DocumentError> {
    let shown = input.path.display().to_string();
    let bytes = std::fs::read(&input.path).map_err(|e| DocumentError::Io {
        file: shown.clone(),
        error: e.to_string(),
    })?;
    read_bytes(&bytes, &shown, input)
}

/// Read a plan or state held in memory (a state fetched from its backend), shown as
/// `shown`; `input` gives its kind and configuration directory.
pub fn read_bytes(
    bytes: &[u8],
    shown: &str,
    input: &DocumentInput,
) -> Result<DocumentResources, DocumentError> {
    let shown = shown.to_string();
    let json = parse_json(bytes, &shown)?;
    let kind = match (detect(&json), input.kind) {
        (None, _) => return Err(DocumentError::NotTerraform { file: shown }),
        (Some(found), Some(wanted)) if found != wanted => {
            return Err(DocumentError::Shape {
                file: shown,
                message: format!(
                    "given as a {} but holds a Terraform {}",
                    wanted.noun(),
                    found.noun()
                ),
            })
        }
        (Some(found), _) => found,
    };
    let text = String::from_utf8_lossy(bytes);
    let mut locator = locate::Locator::new(input, &text);
    match kind {
        Kind::Plan => plan::read(&json, &shown, &mut locator),
        Kind::State => state::read(&json, &shown, &mut locator),
    }
}

/// Whether an error says the provider set holds no AWS resources: the providers of
/// the resources seen, for the message.
pub(crate) fn check_aws(
    providers: &std::collections::BTreeSet<String>,
    any_aws: bool,
    file: &str,
    kind: Kind,
) -> Result<(), DocumentError> {
    if any_aws || providers.is_empty() {
        return Ok(());
    }
    Err(DocumentError::NoAws {
        file: file.to_string(),
        noun: kind.noun(),
        providers: providers.iter().cloned().collect::<Vec<_>>().join(", "),
    })
}
