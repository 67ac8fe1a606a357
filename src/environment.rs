//! Which environment every resource belongs to, and why.
//!
//! Resolution order, first match wins: the configuration (`[environments.<name>]` with
//! accounts, path globs and tags), then tags (`Environment`, `env`, `stage`, any case),
//! then path conventions (a `prod`, `staging`, `dev`, ... segment in the file path or
//! root module), then, for live resources, an account mapped in the configuration.
//! Two environments matching at the same level is reported as ambiguous, never
//! settled by picking one.

use crate::model::{Environment, Meta, Origin};
use globset::GlobSet;
use std::collections::BTreeMap;

/// An environment declared in `.soc2scan.toml`.
#[derive(Clone, Debug)]
pub struct EnvConfig {
    pub name: String,
    pub production: bool,
    pub accounts: Vec<String>,
    /// Globs over paths relative to the scanned root.
    pub paths: GlobSet,
    /// The patterns as written, for messages; index-aligned with `paths`.
    pub path_patterns: Vec<String>,
    /// The configuration line of each pattern (index-aligned), for warnings.
    pub path_lines: Vec<usize>,
    /// Tag key = value pairs; a resource matches when one of them matches.
    pub tags: BTreeMap<String, String>,
    pub cidrs: Vec<String>,
}

/// Tag keys read for the environment, compared case-insensitively.
pub const ENV_TAG_KEYS: &[&str] = &["environment", "env", "stage"];

/// A configured environment's name in canonical form (`prod` is `production`), so that
/// names from configuration, tags and paths compare equal.
pub fn normalized(name: &str) -> String {
    canonical(name)
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| name.to_ascii_lowercase())
}

/// Canonical environment for a tag value or path segment, if it names one.
pub fn canonical(word: &str) -> Option<(&'static str, bool)> {
    match word.trim().to_ascii_lowercase().as_str() {
        "prod" | "prd" | "production" | "live" => Some(("production", true)),
        "staging" | "stage" | "stg" | "preprod" | "pre-prod" | "uat" => Some(("staging", false)),
        "dev" | "development" | "develop" => Some(("development", false)),
        "test" | "testing" | "qa" => Some(("test", false)),
        "sandbox" | "sbx" | "playground" => Some(("sandbox", false)),
        _ => None,
    }
}

fn env(name: &str, production: bool, because: String, conflicts: Vec<String>) -> Environment {
    Environment {
        name: name.to_string(),
        production,
        because,
        conflicts,
    }
}

/// The file and root a resource is declared in (Terraform), or its account (live).
fn paths_of(meta: &Meta) -> Vec<String> {
    match &meta.origin {
        // The root as a directory path (`envs/prod/`) so `envs/prod/**` matches
        // resources of modules it calls from elsewhere.
        Origin::Terraform { root, location, .. } => vec![location.file.clone(), format!("{root}/")],
        Origin::Aws { .. } => Vec::new(),
    }
}

fn account_of(meta: &Meta) -> Option<String> {
    match &meta.origin {
        Origin::Aws { account, .. } => account.clone(),
        Origin::Terraform { .. } => None,
    }
    .or_else(|| {
        meta.arn
            .as_deref()
            .and_then(crate::model::arn_account)
            .map(str::to_string)
    })
}

/// Resolve one resource's environment.
pub fn resolve(meta: &Meta, configured: &[EnvConfig]) -> Option<Environment> {
    // 1. Configuration: paths, tags, accounts.
    let paths = paths_of(meta);
    let account = account_of(meta);
    let mut hits: Vec<(&EnvConfig, String)> = Vec::new();
    for c in configured {
        if let Some(p) = paths.iter().find(|p| c.paths.is_match(p.as_str())) {
            hits.push((c, format!("config environments.{} paths match {p}", c.name)));
        } else if let Some((k, v)) = c
            .tags
            .iter()
            .find(|(k, v)| meta.tags.get(*k).is_some_and(|t| t.eq_ignore_ascii_case(v)))
        {
            hits.push((c, format!("config environments.{} tags {k}={v}", c.name)));
        } else if let Some(a) = account.as_ref().filter(|a| c.accounts.contains(a)) {
            hits.push((
                c,
                format!("config environments.{} accounts include {a}", c.name),
            ));
        }
    }
    if let Some((first, because)) = hits.first() {
        // Canonical names, so `[environments.prod]` equals a `prod` tag, a `prod/`
        // path and the environment of an account configured under it.
        let conflicts = hits[1..].iter().map(|(c, _)| normalized(&c.name)).collect();
        return Some(env(
            &normalized(&first.name),
            first.production,
            because.clone(),
            conflicts,
        ));
    }
    // 2. Tags: a canonical name, or the name of a configured environment.
    let mut tag_hits: Vec<(String, bool, String)> = Vec::new();
    for (k, v) in &meta.tags {
        if ENV_TAG_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
            let named = canonical(v)
                .map(|(name, prod)| (name.to_string(), prod))
                .or_else(|| {
                    configured
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(v))
                        .map(|c| (normalized(&c.name), c.production))
                });
            if let Some((name, prod)) = named {
                tag_hits.push((name, prod, format!("tag {k}={v}")));
            }
        }
    }
    tag_hits.dedup_by(|a, b| a.0 == b.0);
    if let Some((name, prod, because)) = tag_hits.first() {
        let conflicts = tag_hits[1..].iter().map(|t| t.0.clone()).collect();
        return Some(env(name, *prod, because.clone(), conflicts));
    }
    // 3. Path segments: the innermost named segment of the root, then of the file.
    for p in paths.iter().rev() {
        let mut found: Vec<(&'static str, bool, &str)> = p
            .split('/')
            .filter_map(|seg| canonical(seg).map(|(n, prod)| (n, prod, seg)))
            .collect();
        found.dedup_by(|a, b| a.0 == b.0);
        if let Some((name, prod, seg)) = found.last() {
            let conflicts = found[..found.len() - 1]
                .iter()
                .map(|f| f.0.to_string())
                .collect();
            return Some(env(
                name,
                *prod,
                format!("path segment \"{seg}\" in {p}"),
                conflicts,
            ));
        }
    }
    None
}

/// Configuration that names nothing, so a typo cannot quietly leave resources
/// unattributed: a `paths` glob that matches no scanned Terraform file or root, and an
/// environment tag whose value names no configured environment. Only when the
/// configuration declares environments, and globs only when Terraform was scanned.
pub fn config_warnings(
    metas: &[&Meta],
    configured: &[EnvConfig],
    config_file: Option<&std::path::Path>,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let mut out = Vec::new();
    if configured.is_empty() {
        return out;
    }
    let config = config_file
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "configuration".to_string());
    let paths: Vec<String> = metas.iter().flat_map(|m| paths_of(m)).collect();
    if !paths.is_empty() {
        for c in configured {
            // The compiled set's indices follow `path_patterns`.
            let matched: std::collections::BTreeSet<usize> =
                paths.iter().flat_map(|p| c.paths.matches(p)).collect();
            for (i, pattern) in c.path_patterns.iter().enumerate() {
                if !matched.contains(&i) {
                    let line = c.path_lines.get(i).copied();
                    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
                    out.push(Diagnostic::warning(
                        "environment-glob-unmatched",
                        format!(
                            "{config}{at}: environments.{}.paths \"{pattern}\" matches no scanned Terraform file",
                            c.name
                        ),
                    ));
                }
            }
        }
    }
    let known: Vec<String> = configured.iter().map(|c| normalized(&c.name)).collect();
    let mut reported = std::collections::BTreeSet::new();
    for m in metas {
        for (k, v) in &m.tags {
            if !ENV_TAG_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                continue;
            }
            if known.contains(&normalized(v)) || !reported.insert(v.to_ascii_lowercase()) {
                continue;
            }
            let d = Diagnostic::warning(
                "environment-not-configured",
                format!(
                    "{}: tag {k}={v} names an environment that {config} does not declare ({}); the resource is placed by its other signals",
                    m.address,
                    known.join(", ")
                ),
            );
            out.push(match m.location() {
                Some(l) => d.at(l.file.clone(), Some(l.start_line), Some(l.start_column)),
                None => d,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    fn meta(file: &str, root: &str, tags: &[(&str, &str)]) -> Meta {
        Meta {
            address: "aws_s3_bucket.b".into(),
            kind: "aws_s3_bucket".into(),
            arn: None,
            name: None,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            classification: None,
            environment: None,
            origin: Origin::Terraform {
                root: root.into(),
                location: Location {
                    file: file.into(),
                    start_line: 1,
                    start_column: 1,
                    end_line: 1,
                    end_column: 1,
                },
                module_calls: Vec::new(),
            },
            managed_by: None,
            wording: &crate::model::Wording::TERRAFORM,
        }
    }

    fn config(name: &str, globs: &[&str], prod: bool) -> EnvConfig {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(globset::Glob::new(g).expect("glob"));
        }
        EnvConfig {
            name: name.into(),
            production: prod,
            accounts: Vec::new(),
            paths: b.build().expect("globset"),
            path_patterns: globs.iter().map(|g| g.to_string()).collect(),
            path_lines: Vec::new(),
            tags: BTreeMap::new(),
            cidrs: Vec::new(),
        }
    }

    #[test]
    fn tags_beat_paths_and_aliases_are_canonical() {
        let e = resolve(
            &meta("envs/dev/main.tf", "envs/dev", &[("Environment", "PRD")]),
            &[],
        )
        .expect("env");
        assert_eq!((e.name.as_str(), e.production), ("production", true));
        assert_eq!(e.because, "tag Environment=PRD");
    }

    #[test]
    fn path_segments_resolve_when_nothing_else_does() {
        let e = resolve(&meta("envs/staging/main.tf", "envs/staging", &[]), &[]).expect("env");
        assert_eq!(e.name, "staging");
        assert!(resolve(&meta("modules/x/main.tf", "modules/x", &[]), &[]).is_none());
    }

    #[test]
    fn config_wins_and_overlaps_are_ambiguous() {
        let cfgs = [
            config("live", &["infra/**"], true),
            config("shared", &["infra/shared/**"], false),
        ];
        let e = resolve(
            &meta("infra/shared/main.tf", "infra/shared", &[("env", "dev")]),
            &cfgs,
        )
        .expect("env");
        // `live` is an alias of production: configured names are canonical too.
        assert_eq!(e.name, "production");
        assert_eq!(e.conflicts, vec!["shared".to_string()]);
    }

    #[test]
    fn a_tag_naming_a_configured_environment_resolves_to_it() {
        let cfgs = [config("tools", &["ops/**"], false)];
        let e = resolve(&meta("x/main.tf", "x", &[("Environment", "Tools")]), &cfgs).expect("env");
        assert_eq!(
            (e.name.as_str(), e.because.as_str()),
            ("tools", "tag Environment=Tools")
        );
    }

    #[test]
    fn unmatched_globs_and_undeclared_tag_values_are_warned_about() {
        let mut prod = config("prod", &["envs/prod/**", "envs/production/**"], true);
        prod.path_lines = vec![3, 4];
        let m1 = meta("envs/prod/main.tf", "envs/prod", &[("env", "qa")]);
        let m2 = meta(
            "envs/prod/db.tf",
            "envs/prod",
            &[("env", "QA"), ("Environment", "prd")],
        );
        let warnings = config_warnings(
            &[&m1, &m2],
            &[prod],
            Some(std::path::Path::new(".soc2scan.toml")),
        );
        let texts: Vec<(&str, &str)> = warnings
            .iter()
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert_eq!(texts[0].0, "environment-glob-unmatched");
        assert!(texts[0].1.contains("(line 4)") && texts[0].1.contains("envs/production/**"));
        assert_eq!(texts[1].0, "environment-not-configured");
        assert!(texts[1].1.contains("env=qa"), "{}", texts[1].1);
        assert!(config_warnings(&[&m1], &[], None).is_empty());
    }
}
