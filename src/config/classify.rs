//! Data classification of one resource: tags first (the owner's explicit statement),
//! then configured path globs, then the configured default.

use super::Settings;
use crate::model::{Classification, ClassificationSource};
use std::collections::BTreeMap;
use std::fmt;

/// A resource's classification, and the tag values that looked like one but named no
/// level. Those are surfaced rather than guessed at: a typo in `DataClassification`
/// must not silently downgrade a confidential bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classified {
    pub source: Option<ClassificationSource>,
    pub warnings: Vec<UnrecognisedClassification>,
}

/// A classification tag whose value is not a known level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnrecognisedClassification {
    pub key: String,
    pub value: String,
}

impl fmt::Display for UnrecognisedClassification {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "tag {}={:?} is not a classification level (public, internal, confidential, restricted); it was ignored",
            self.key, self.value
        )
    }
}

impl Settings {
    /// Classify a resource from its tags and, for Terraform, the file it is declared in
    /// (relative to the scanned root, `/`-separated). Tag keys are tried in configured
    /// order with exact (case-sensitive) keys; values are matched case-insensitively.
    pub fn classify(&self, tags: &BTreeMap<String, String>, file: Option<&str>) -> Classified {
        let mut out = Classified::default();
        for key in &self.classification_tags {
            let Some(value) = tags.get(key) else {
                continue;
            };
            match Classification::parse(value) {
                Some(level) => {
                    out.source = Some(ClassificationSource {
                        level,
                        because: format!("tag {key}={value}"),
                    });
                    return out;
                }
                None => out.warnings.push(UnrecognisedClassification {
                    key: key.clone(),
                    value: value.clone(),
                }),
            }
        }
        // The first glob in file order wins, so specific globs go first.
        let by_path = file.and_then(|f| {
            self.classification_globs
                .matches(f)
                .into_iter()
                .min()
                .and_then(|i| self.classification_paths.get(i))
        });
        out.source = match by_path {
            Some(p) => Some(ClassificationSource {
                level: p.level,
                because: p.because.clone(),
            }),
            None => self.classification_default.clone(),
        };
        out
    }
}
