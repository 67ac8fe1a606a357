//! Problems met while scanning: files that did not parse, modules that could not be
//! resolved, AWS calls that failed. Errors make a scan incomplete (exit code 3);
//! warnings do not.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// Stable kebab-case code: `parse-error`, `unresolved-module`, `module-cycle`,
    /// `io-error`, `file-too-large`, `invalid-utf8`, `invalid-policy`, `collection-gap`, ...
    pub code: &'static str,
    /// File relative to the scanned root, when the problem is in a file.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// For a `collection-gap`: what could not be collected, so that the evidence
    /// ledger can tell which rules, and so which controls, it touched.
    /// Boxed: most diagnostics have none, and they travel in `Result`s.
    pub gap: Option<Box<Gap>>,
}

/// An AWS call whose answer is missing.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Gap {
    /// The account the call was made in; `None` when it could not be learnt (STS
    /// GetCallerIdentity failed).
    pub account: Option<String>,
    /// The sweep's service name (`s3`, `iam`, `sts`, ...).
    pub service: String,
    pub operation: String,
    /// The region asked, or `global` for IAM and CloudFront.
    pub region: String,
    /// AWS's error code (`AccessDenied`, `Throttling`) or the client's failure class
    /// (`Timeout`, `ConnectionError`, ...).
    pub error_class: String,
}

impl Gap {
    /// The error class of collectors a stopped sweep did not let finish.
    pub const INTERRUPTED: &'static str = "Interrupted";
}

/// The code of a diagnostic read back from a JSON report (`soc2scan merge`), as the
/// `&'static str` every diagnostic carries. Codes are a small fixed vocabulary, so
/// each distinct one is allocated once for the life of the process.
pub fn intern(code: &str) -> &'static str {
    static CODES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let Ok(mut codes) = CODES.get_or_init(Default::default).lock() else {
        return "unknown";
    };
    if let Some(known) = codes.get(code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.insert(leaked);
    leaked
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            gap: None,
        }
    }

    /// A `collection-gap` error: `message` says what is unknown because of it.
    pub fn collection_gap(gap: Gap, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            gap: Some(Box::new(gap)),
            ..Diagnostic::error("collection-gap", message)
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(
        mut self,
        file: impl Into<String>,
        line: Option<usize>,
        column: Option<usize>,
    ) -> Diagnostic {
        self.file = Some(file.into());
        self.line = line;
        self.column = column;
        self
    }

    /// `file:line:col: message`, the form editors and terminals link.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if let Some(file) = &self.file {
            s.push_str(file);
            if let Some(line) = self.line {
                s.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    s.push_str(&format!(":{col}"));
                }
            }
            s.push_str(": ");
        }
        s.push_str(match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        });
        s.push_str(&format!("[{}]: {}", self.code, self.message));
        s
    }
}
