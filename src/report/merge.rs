//! `soc2scan merge`: JSON reports of jobs that each swept a share of an organization
//! (`--shard I/N`) or of the same scope, read back into one [`ScanReport`], so that
//! the summary, the sources' coverage and every other format are computed once over
//! all results, as if one job had run.
//!
//! Reports are merged only when they were written by this version of soc2scan, with
//! this rule catalogue and the same configuration: otherwise their results were
//! judged by different rules and one summary over them would mean nothing.

use super::read::{DiagnosticIn, ReportIn, ResultIn};
use crate::catalogue::RuleMeta;
use crate::diagnostic::{Diagnostic, Gap};
use crate::finding::{Finding, Suppression};
use crate::model::{Classification, Environment, ModuleCall, Origin};
use crate::provenance::{git::Checkout, Provenance, SourceKind, SourceRecord};
use crate::scan::{LiveScope, LiveStats, ScanReport, Scope, Stats};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Why reports cannot be merged. `{0}` is the report's name as given.
#[derive(Debug, Error)]
pub enum MergeError {
    #[error("{0}: not a soc2scan JSON report: {1}")]
    Json(String, serde_json::Error),
    #[error("{0}: report schema {1:?}; merge reads {expected}", expected = super::JSON_SCHEMA)]
    Schema(String, String),
    #[error(
        "{0}: written by soc2scan {1}, this is {2}: merge reports with the version that wrote them"
    )]
    Version(String, String, &'static str),
    #[error("{0}: judged by a different rule catalogue (digest {1}) than {2} ({3}): rerun the scans with one soc2scan build")]
    Catalogue(String, String, String, String),
    #[error("{0}: scanned with a different configuration (digest {1}) than {2} ({3}): shards must share .soc2scan.toml and the rule flags")]
    Config(String, String, String, String),
    #[error("{0}: the report has no {1}: it was not produced by `soc2scan scan`")]
    Missing(String, &'static str),
    #[error("{0}: result of rule {1}, which this soc2scan's catalogue does not have")]
    UnknownRule(String, String),
    #[error("{0}: result with unknown classification {1:?}")]
    Classification(String, String),
}

/// One input: its name (for messages) and its text.
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The reports as one. Results found in more than one report (shards that also read
/// the same Terraform) are kept once; every live account, source and diagnostic of
/// every report is kept.
pub fn merge(
    inputs: &[Input<'_>],
    catalogue: &'static [RuleMeta],
) -> Result<ScanReport, MergeError> {
    let mut merged = ScanReport::default();
    let mut first: Option<(String, String, String)> = None;
    let mut provenance: Option<Provenance> = None;
    let mut seen_results: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut live: Option<LiveStats> = None;
    let mut sources: BTreeMap<String, SourceRecord> = BTreeMap::new();
    // The scanned directory inside the repository, as the first report with a
    // Terraform result shows it: its sources name `prefix/root`, its results `root`.
    let mut prefix: Option<String> = None;
    for input in inputs {
        let name = input.name.to_string();
        let r: ReportIn =
            serde_json::from_str(input.text).map_err(|e| MergeError::Json(name.clone(), e))?;
        if r.schema != super::JSON_SCHEMA {
            return Err(MergeError::Schema(name, r.schema));
        }
        let version = env!("CARGO_PKG_VERSION");
        if r.tool.version != version {
            return Err(MergeError::Version(name, r.tool.version, version));
        }
        let catalogue_digest = r
            .catalogue_digest
            .ok_or_else(|| MergeError::Missing(name.clone(), "catalogue_digest"))?;
        let config_digest = r
            .config_digest
            .ok_or_else(|| MergeError::Missing(name.clone(), "config_digest"))?;
        match &first {
            None => {
                let ours = crate::catalogue::digest();
                if catalogue_digest != ours {
                    return Err(MergeError::Catalogue(
                        name,
                        catalogue_digest,
                        "this soc2scan's".into(),
                        ours,
                    ));
                }
                first = Some((
                    name.clone(),
                    catalogue_digest.clone(),
                    config_digest.clone(),
                ));
            }
            Some((first_name, cat, conf)) => {
                if &catalogue_digest != cat {
                    return Err(MergeError::Catalogue(
                        name,
                        catalogue_digest,
                        first_name.clone(),
                        cat.clone(),
                    ));
                }
                if &config_digest != conf {
                    return Err(MergeError::Config(
                        name,
                        config_digest,
                        first_name.clone(),
                        conf.clone(),
                    ));
                }
            }
        }
        let started_at = r
            .started_at
            .ok_or_else(|| MergeError::Missing(name.clone(), "started_at"))?;
        let stats = r
            .stats
            .ok_or_else(|| MergeError::Missing(name.clone(), "stats"))?;
        let finished_at = r
            .finished_at
            .ok_or_else(|| MergeError::Missing(name.clone(), "finished_at"))?;
        provenance = Some(match provenance.take() {
            None => Provenance {
                started_at,
                finished_at,
                host: r.invocation.host,
                ci: r.invocation.ci,
                catalogue_digest,
                config_digest,
                rules: r.configuration.rules,
                checkout: None,
            },
            // The merged run spans its parts; where they ran differs, so it is unsaid.
            Some(p) => Provenance {
                started_at: p.started_at.min(started_at),
                finished_at: p.finished_at.max(finished_at),
                host: p.host.filter(|h| r.invocation.host.as_ref() == Some(h)),
                ci: p.ci.filter(|c| r.invocation.ci.as_ref() == Some(c)),
                ..p
            },
        });

        for path in r.scanned_paths {
            if !merged.scanned_paths.contains(&path) {
                merged.scanned_paths.push(path);
            }
        }
        for res in &r.results {
            if prefix.is_some() {
                break;
            }
            let dir = r
                .sources
                .iter()
                .find(|s| s.key == res.source_key && s.kind == SourceKind::Terraform)
                .and_then(|s| s.root.as_deref());
            if let (Some(dir), Some(root)) = (dir, res.root_module.as_deref()) {
                prefix = Some(prefix_of(dir, root));
            }
        }
        for res in r.results {
            let key = (
                res.source_key.clone(),
                res.rule_id.clone(),
                res.fingerprint.clone(),
            );
            if seen_results.insert(key) {
                merged.findings.push(finding(&name, res, catalogue)?);
            }
        }
        merged
            .diagnostics
            .extend(r.diagnostics.into_iter().map(diagnostic));
        for s in r.sources {
            sources.entry(s.key.clone()).or_insert(s);
        }
        let terraform_seen = merged.stats.files > 0;
        add_stats(&mut merged.stats, &stats, terraform_seen);
        if let Some(l) = stats.live {
            let total = live.get_or_insert_with(|| LiveStats {
                account: l.account.clone(),
                ..LiveStats::default()
            });
            total.resources += l.resources;
            total.api_calls += l.api_calls;
            total.gaps += l.gaps;
            match l.accounts.is_empty() {
                // A single-account report: the account is its one entry.
                true => total.accounts.push(crate::scan::AccountStats {
                    account: l.account.unwrap_or_default(),
                    name: None,
                    resources: l.resources,
                    api_calls: l.api_calls,
                    gaps: l.gaps,
                }),
                false => total.accounts.extend(l.accounts),
            }
        }
    }
    if let Some(l) = &mut live {
        l.accounts.sort_by(|a, b| a.account.cmp(&b.account));
    }
    merged.stats.live = live;
    let prefix = prefix.unwrap_or_else(|| ".".to_string());
    merged.scope = scope_of(sources.values(), &mut provenance, &prefix);
    merged.provenance = provenance;
    merged.diagnostics.sort();
    merged.diagnostics.dedup();
    merged.findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.origin.account().cmp(&b.origin.account()))
    });
    Ok(merged)
}

/// Terraform counters are those of the first report that read Terraform (shards of
/// an organization read the same tree, or none); live counters add up.
fn add_stats(total: &mut Stats, one: &Stats, terraform_seen: bool) {
    if !terraform_seen && one.files > 0 {
        total.files = one.files;
        total.bytes = one.bytes;
        total.root_modules = one.root_modules;
        total.module_instances = one.module_instances;
        total.resources = one.resources;
        total.attributes = one.attributes;
        total.unknown_attributes = one.unknown_attributes;
        total.unresolved_attributes = one.unresolved_attributes;
    }
}

/// What the merged reports read, rebuilt from their sources: the report's sources
/// and coverage are then computed again over all results. A Terraform source keeps
/// its repository and root; its commit and branch come from the first such source.
fn scope_of<'a>(
    sources: impl Iterator<Item = &'a SourceRecord>,
    provenance: &mut Option<Provenance>,
    prefix: &str,
) -> Scope {
    let mut scope = Scope::default();
    let mut live: BTreeMap<Option<String>, LiveScope> = BTreeMap::new();
    for s in sources {
        match s.kind {
            SourceKind::Terraform => {
                if let Some(dir) = &s.root {
                    scope.roots.push(relative(dir, prefix));
                }
                if let (Some(p), Some(repository)) = (provenance.as_mut(), &s.repository) {
                    p.checkout.get_or_insert_with(|| Checkout {
                        repository: repository.clone(),
                        prefix: prefix.to_string(),
                        commit: s.commit.clone(),
                        branch: s.branch.clone(),
                        changed: BTreeSet::new(),
                    });
                }
            }
            SourceKind::Aws => {
                let entry = live.entry(s.account.clone()).or_insert_with(|| LiveScope {
                    account: s.account.clone(),
                    ..LiveScope::default()
                });
                if let Some(region) = s.region.as_ref().filter(|r| r.as_str() != "global") {
                    entry.regions.push(region.clone());
                }
                for service in &s.services {
                    if !entry.services.contains(service) {
                        entry.services.push(service.clone());
                    }
                }
            }
        }
    }
    scope.roots.sort();
    scope.roots.dedup();
    scope.live = live.into_values().collect();
    scope
}

/// The scanned directory of a root `root` (relative to it) found at `dir` (relative
/// to the repository).
fn prefix_of(dir: &str, root: &str) -> String {
    if root == "." {
        return dir.to_string();
    }
    match dir.strip_suffix(root).map(|p| p.trim_end_matches('/')) {
        Some("") | None => ".".to_string(),
        Some(p) => p.to_string(),
    }
}

/// `dir` (relative to the repository) relative to the scanned directory `prefix`.
fn relative(dir: &str, prefix: &str) -> String {
    if prefix == "." || prefix.is_empty() {
        return dir.to_string();
    }
    if dir == prefix {
        return ".".to_string();
    }
    dir.strip_prefix(&format!("{prefix}/"))
        .unwrap_or(dir)
        .to_string()
}

fn finding(name: &str, r: ResultIn, catalogue: &'static [RuleMeta]) -> Result<Finding, MergeError> {
    let Some(meta) = catalogue.iter().find(|m| m.id == r.rule_id) else {
        return Err(MergeError::UnknownRule(name.to_string(), r.rule_id));
    };
    let origin = match (r.origin, r.location) {
        (Some(o), _) => Origin::Aws {
            account: o.account,
            region: o.region,
            operation: o.operation,
        },
        (None, Some(location)) => Origin::Terraform {
            root: r.root_module.unwrap_or_else(|| ".".into()),
            location: location.into(),
            module_calls: r
                .module_calls
                .unwrap_or_default()
                .into_iter()
                .map(|m| ModuleCall {
                    address: m.address,
                    location: m.location.into(),
                })
                .collect(),
        },
        (None, None) => return Err(MergeError::Missing(name.to_string(), "result location")),
    };
    let classification = match r.classification {
        Some(c) => Some(
            Classification::parse(&c).ok_or_else(|| MergeError::Classification(name.into(), c))?,
        ),
        None => None,
    };
    Ok(Finding {
        rule_id: meta.id.as_str(),
        rule_name: meta.name.as_str(),
        status: r.status,
        severity: r.severity,
        severity_reason: r.severity_reason,
        controls: &meta.controls,
        resource: r.resource,
        resource_type: r.resource_type,
        message: r.message,
        origin,
        managed_by: r.managed_by.map(Into::into),
        environment: r.environment.map(|e| Environment {
            name: e.name,
            production: e.production,
            because: e.because,
            conflicts: e.conflicts,
        }),
        classification,
        suppression: r.suppression.map(|s| Suppression {
            kind: s.kind,
            source: s.source,
            reason: s.reason,
            until: s.until,
            location: s.location.map(Into::into),
        }),
        fingerprint: r.fingerprint,
    })
}

fn diagnostic(d: DiagnosticIn) -> Diagnostic {
    Diagnostic {
        level: d.level,
        code: crate::diagnostic::intern(&d.code),
        file: d.file,
        line: d.line,
        column: d.column,
        message: d.message,
        gap: d.gap.map(|g| {
            Box::new(Gap {
                account: g.account,
                service: g.service,
                operation: g.operation,
                region: g.region,
                error_class: g.error_class,
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_roots_round_trip() {
        assert_eq!(prefix_of("infra", "."), "infra");
        assert_eq!(prefix_of("infra/envs/prod", "envs/prod"), "infra");
        assert_eq!(prefix_of("envs/prod", "envs/prod"), ".");
        assert_eq!(relative("infra/envs/prod", "infra"), "envs/prod");
        assert_eq!(relative("infra", "infra"), ".");
        assert_eq!(relative("envs/prod", "."), "envs/prod");
    }
}
