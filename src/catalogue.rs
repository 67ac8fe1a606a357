//! The rule catalogue: metadata read from the embedded `rules/<ID>.toml` files. It
//! sits below rules, config and report, which all read it.

use crate::finding::Severity;
use serde::Deserialize;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/rule_toml.rs"));

/// SOC 2 Trust Services Criteria a rule may map to.
pub const ALLOWED_CONTROLS: &[&str] = &[
    "CC6.1", "CC6.3", "CC6.6", "CC6.7", "CC8.1", "CC9.1", "CC9.2", "C1.1", "C1.2",
];

/// Equivalent ids in other scanners, for migration and suppression compatibility.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalents {
    #[serde(default)]
    pub checkov: Vec<String>,
    /// Trivy AVD ids (`AVD-AWS-0088`).
    #[serde(default)]
    pub trivy: Vec<String>,
    /// tfsec long ids (`aws-s3-enable-bucket-encryption`).
    #[serde(default)]
    pub tfsec: Vec<String>,
    /// KICS query ids (UUIDs).
    #[serde(default)]
    pub kics: Vec<String>,
    /// Terrascan rule ids (`AC_AWS_0207`), for `#ts:skip=` compatibility.
    #[serde(default)]
    pub terrascan: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub terraform: String,
    pub cli: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severity,
    /// Raised one step for `confidential`/`restricted` resources (↑ in RULES.md).
    #[serde(default)]
    pub raise_when_classified: bool,
    pub controls: Vec<String>,
    /// Terraform resource types and live API calls the rule reads.
    pub terraform: Vec<String>,
    pub live: Vec<String>,
    pub description: String,
    pub rationale: String,
    pub remediation: Remediation,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub equivalents: Equivalents,
}

/// A malformed embedded rule file: a build defect, which the registry test reports and
/// which at run time is a clear error, never a panic.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the embedded rule catalogue is invalid: rules/{file}: {message}")]
pub struct CatalogueError {
    pub file: String,
    pub message: String,
}

/// Parse all embedded rule files.
pub fn catalogue() -> Result<&'static [RuleMeta], CatalogueError> {
    static CATALOGUE: OnceLock<Result<Vec<RuleMeta>, CatalogueError>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| {
            let mut out = Vec::with_capacity(RULE_TOML.len());
            for (file, text) in RULE_TOML {
                out.push(parse(file, text)?);
            }
            out.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(out)
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// One rule file. Its `id` must be its file name (the registry is generated from file
/// names) and every control it names must be a known criterion: a typo such as
/// `CC6.11` would otherwise open a row of its own in every summary and ledger.
fn parse(file: &str, text: &str) -> Result<RuleMeta, CatalogueError> {
    let invalid = |message: String| CatalogueError {
        file: file.to_string(),
        message,
    };
    let meta: RuleMeta = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    if file.strip_suffix(".toml") != Some(meta.id.as_str()) {
        return Err(invalid(format!("id {:?} is not the file's name", meta.id)));
    }
    if let Some(bad) = meta
        .controls
        .iter()
        .find(|c| !ALLOWED_CONTROLS.contains(&c.as_str()))
    {
        return Err(invalid(format!(
            "control {bad:?} is not one of {}",
            ALLOWED_CONTROLS.join(", ")
        )));
    }
    Ok(meta)
}

/// Look a rule up by id (`ENC001`) or name (`s3-bucket-no-explicit-encryption`),
/// case-insensitively.
pub fn find(id_or_name: &str) -> Option<&'static RuleMeta> {
    catalogue()
        .ok()?
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(id_or_name) || m.name.eq_ignore_ascii_case(id_or_name))
}

/// SHA-256 (lowercase hex) of every embedded rule file, by file name: any change of
/// a rule's text, severity or control mapping changes it, so a ledger shows when the
/// catalogue a control was judged by changed.
pub fn digest() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (file, text) in RULE_TOML {
        for part in [file.as_bytes(), text.as_bytes()] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_rule() -> (&'static str, &'static str) {
        RULE_TOML[0]
    }

    #[test]
    fn every_embedded_rule_names_known_controls_only() {
        let catalogue = catalogue().expect("catalogue loads");
        assert_eq!(catalogue.len(), RULE_TOML.len());
        for m in catalogue {
            assert!(!m.controls.is_empty(), "{} maps to no control", m.id);
        }
    }

    #[test]
    fn an_unknown_control_or_a_misnamed_file_is_refused() {
        let (file, text) = first_rule();
        let meta = parse(file, text).expect("the real file parses");
        let first = format!("{:?}", meta.controls[0]);
        let typo = text.replacen(&first, "\"CC6.11\"", 1);
        let err = parse(file, &typo).expect_err("unknown control").to_string();
        assert!(err.contains("\"CC6.11\" is not one of CC6.1"), "{err}");
        let err = parse("XYZ999.toml", text)
            .expect_err("misnamed")
            .to_string();
        assert!(err.contains("rules/XYZ999.toml: id"), "{err}");
        assert!(err.contains("is not the file's name"), "{err}");
    }
}
