//! The sources of a report and their coverage: which Terraform roots and AWS
//! account-regions were read, which rules were evaluated on each, and what could not
//! be seen. This is what the evidence ledger judges continuity by (docs/evidence.md).

use crate::catalogue::RuleMeta;
use crate::diagnostic::{Diagnostic, Level};
use crate::finding::{Finding, Status};
use crate::model::Origin;
use crate::provenance::{GapRecord, SourceKind, SourceRecord};
use crate::scan::ScanReport;
use std::collections::{BTreeMap, BTreeSet};

/// Services whose resources are not regional: the sweep files them under the region
/// `global`.
const GLOBAL_SERVICES: &[&str] = &["iam", "cloudfront"];

/// The sweep's service for an operation prefix in a rule's `live` list (`s3:...`,
/// `elasticloadbalancing:...`); `None` for services the sweep does not collect.
fn swept_services(prefix: &str) -> &'static [&'static str] {
    match prefix {
        "s3" | "s3control" => &["s3"],
        "kms" => &["kms"],
        "iam" => &["iam"],
        "rds" => &["rds"],
        "elasticloadbalancing" => &["elbv2", "elb"],
        "cloudfront" => &["cloudfront"],
        "dynamodb" => &["dynamodb"],
        "sqs" => &["sqs"],
        "sns" => &["sns"],
        "ec2" => &["ec2"],
        _ => &[],
    }
}

/// The services a rule reads live, in the sweep's names.
fn rule_services(meta: &RuleMeta) -> BTreeSet<&'static str> {
    meta.live
        .iter()
        .filter_map(|op| op.split_once(':').map(|(p, _)| p))
        .flat_map(|p| swept_services(p).iter().copied())
        .collect()
}

/// The ledger's identity of the source a result belongs to.
pub fn key_of(f: &Finding, report: &ScanReport) -> String {
    match &f.origin {
        Origin::Terraform { root, .. } => terraform_key(report, root),
        Origin::Aws {
            account, region, ..
        } => aws_key(account.as_deref(), region),
    }
}

fn aws_key(account: Option<&str>, region: &str) -> String {
    format!("aws:{}/{region}", account.unwrap_or("unknown"))
}

/// `terraform:<repository>//<root inside it>`.
fn terraform_key(report: &ScanReport, root: &str) -> String {
    let (repository, root) = terraform_identity(report, root);
    format!("terraform:{repository}//{root}")
}

/// The repository (normalised remote, else the work tree's or base's absolute path)
/// and the root's directory inside it.
fn terraform_identity(report: &ScanReport, root: &str) -> (String, String) {
    let checkout = report.provenance.as_ref().and_then(|p| p.checkout.as_ref());
    match checkout {
        Some(c) => (c.repository.clone(), join(&c.prefix, root)),
        None => (
            report
                .scope
                .terraform_base
                .as_ref()
                .map(|b| b.display().to_string())
                .unwrap_or_default(),
            root.to_string(),
        ),
    }
}

fn join(prefix: &str, root: &str) -> String {
    match (prefix, root) {
        (".", r) | ("", r) => r.to_string(),
        (p, ".") | (p, "") => p.to_string(),
        (p, r) => format!("{p}/{r}"),
    }
}

/// Every source of the report with its coverage, sorted by key. Empty without
/// provenance (which says which rules were enabled).
pub fn build(report: &ScanReport, catalogue: &[RuleMeta]) -> Vec<SourceRecord> {
    let Some(provenance) = &report.provenance else {
        return Vec::new();
    };
    let enabled: BTreeSet<&str> = provenance
        .rules
        .iter()
        .filter(|r| r.enabled)
        .map(|r| r.id.as_str())
        .collect();
    let enabled_meta: Vec<&RuleMeta> = catalogue
        .iter()
        .filter(|m| enabled.contains(m.id.as_str()))
        .collect();
    let mut sources: BTreeMap<String, SourceRecord> = BTreeMap::new();

    for root in &report.scope.roots {
        let (repository, dir) = terraform_identity(report, root);
        let checkout = provenance.checkout.as_ref();
        let record = SourceRecord {
            key: terraform_key(report, root),
            kind: SourceKind::Terraform,
            repository: Some(repository),
            dirty: checkout.map(|c| c.dirty_under(&dir)),
            root: Some(dir),
            commit: checkout.and_then(|c| c.commit.clone()),
            branch: checkout.and_then(|c| c.branch.clone()),
            account: None,
            region: None,
            services: Vec::new(),
            rules: enabled_meta
                .iter()
                .filter(|m| !m.terraform.is_empty())
                .map(|m| m.id.clone())
                .collect(),
            resources: 0,
            unknowns: 0,
            gaps: Vec::new(),
        };
        sources.insert(record.key.clone(), record);
    }

    for live in &report.scope.live {
        let regional: Vec<&String> = live
            .services
            .iter()
            .filter(|s| !GLOBAL_SERVICES.contains(&s.as_str()))
            .collect();
        let global: Vec<&String> = live
            .services
            .iter()
            .filter(|s| GLOBAL_SERVICES.contains(&s.as_str()))
            .collect();
        // Buckets are regional but listed once: results may name regions not swept.
        let mut regions: BTreeSet<&str> = live.regions.iter().map(String::as_str).collect();
        for f in &report.findings {
            if let Origin::Aws {
                region, account, ..
            } = &f.origin
            {
                if *account == live.account {
                    regions.insert(region);
                }
            }
        }
        let global_region = (!global.is_empty()).then_some("global");
        regions.remove("global");
        let per_region = regions
            .into_iter()
            .map(|r| (r, &regional))
            .chain(global_region.map(|g| (g, &global)));
        for (region, services) in per_region {
            if services.is_empty() {
                continue;
            }
            let services: Vec<String> = services.iter().map(|s| s.to_string()).collect();
            let record = SourceRecord {
                key: aws_key(live.account.as_deref(), region),
                kind: SourceKind::Aws,
                repository: None,
                root: None,
                commit: None,
                branch: None,
                dirty: None,
                account: live.account.clone(),
                region: Some(region.to_string()),
                rules: enabled_meta
                    .iter()
                    .filter(|m| {
                        rule_services(m)
                            .iter()
                            .any(|s| services.iter().any(|x| x == s))
                    })
                    .map(|m| m.id.clone())
                    .collect(),
                services,
                resources: 0,
                unknowns: 0,
                gaps: Vec::new(),
            };
            sources.insert(record.key.clone(), record);
        }
    }

    let mut resources: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for f in &report.findings {
        let key = key_of(f, report);
        let Some(source) = sources.get_mut(&key) else {
            continue;
        };
        resources.entry(key).or_default().insert(&f.resource);
        if f.status == Status::Unknown {
            source.unknowns += 1;
        }
    }
    for (key, set) in resources {
        if let Some(s) = sources.get_mut(&key) {
            s.resources = set.len();
        }
    }

    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
    {
        let (targets, record) = gap_of(d, report, &sources, &enabled_meta);
        for key in targets {
            if let Some(s) = sources.get_mut(&key) {
                s.gaps.push(record.clone());
            }
        }
    }
    let mut out: Vec<SourceRecord> = sources.into_values().collect();
    for s in &mut out {
        s.gaps.sort();
        s.gaps.dedup();
    }
    out
}

/// Which sources an error touched, and what it means for their rules.
fn gap_of(
    d: &Diagnostic,
    report: &ScanReport,
    sources: &BTreeMap<String, SourceRecord>,
    enabled: &[&RuleMeta],
) -> (Vec<String>, GapRecord) {
    if let Some(gap) = &d.gap {
        // STS answers who the account is: without it, every live rule is affected.
        let rules = enabled
            .iter()
            .filter(|m| gap.service == "sts" || rule_services(m).contains(gap.service.as_str()))
            .map(|m| m.id.clone())
            .collect();
        let key = aws_key(gap.account.as_deref(), &gap.region);
        let targets = if sources.contains_key(&key) && gap.service != "sts" {
            vec![key]
        } else {
            // STS (who the account is, or a role that could not be assumed) touches
            // every source of the account; of every account when it is not known.
            let in_account = |s: &&SourceRecord| {
                gap.account.is_none() || s.account.as_deref() == gap.account.as_deref()
            };
            sources
                .values()
                .filter(|s| s.kind == SourceKind::Aws)
                .filter(in_account)
                .map(|s| s.key.clone())
                .collect()
        };
        let record = GapRecord {
            code: d.code.to_string(),
            service: gap.service.clone(),
            operation: Some(gap.operation.clone()),
            error_class: Some(gap.error_class.clone()),
            rules,
            message: d.message.clone(),
        };
        return (targets, record);
    }
    // A file that could not be read belongs to the deepest root holding it; a file
    // outside every root (a shared module) may feed any of them.
    let targets = match &d.file {
        Some(file) => {
            let owner = report
                .scope
                .roots
                .iter()
                .filter(|r| {
                    r.as_str() == "."
                        || file
                            .strip_prefix(r.trim_end_matches('/'))
                            .is_some_and(|rest| rest.starts_with('/'))
                })
                .max_by_key(|r| if r.as_str() == "." { 0 } else { r.len() });
            match owner {
                Some(root) if root.as_str() != "." || !file.contains('/') => {
                    vec![terraform_key(report, root)]
                }
                _ => of_kind(sources, SourceKind::Terraform),
            }
        }
        None => sources.keys().cloned().collect(),
    };
    let record = GapRecord {
        code: d.code.to_string(),
        service: if d.file.is_some() {
            "terraform".into()
        } else {
            "scan".into()
        },
        operation: None,
        error_class: None,
        rules: Vec::new(),
        message: d.render(),
    };
    (targets, record)
}

fn of_kind(sources: &BTreeMap<String, SourceRecord>, kind: SourceKind) -> Vec<String> {
    sources
        .values()
        .filter(|s| s.kind == kind)
        .map(|s| s.key.clone())
        .collect()
}
