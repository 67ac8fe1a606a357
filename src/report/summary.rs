//! Counts and labels that several formats show, computed once here so that the table,
//! JSON and Markdown can never disagree about what "failed for CC6.1" means.

use crate::catalogue::{RuleMeta, ALLOWED_CONTROLS};
use crate::finding::{Finding, Severity, Status};
use crate::model::Origin;
use std::collections::{BTreeMap, BTreeSet};

/// Results (or resources) by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub fail: usize,
    pub pass: usize,
    pub unknown: usize,
    pub suppressed: usize,
}

impl Counts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Fail => self.fail += 1,
            Status::Pass => self.pass += 1,
            Status::Unknown => self.unknown += 1,
            Status::Suppressed => self.suppressed += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.fail + self.pass + self.unknown + self.suppressed
    }
}

/// Every result counted by its status.
/// The findings of one status, in report order.
pub(crate) fn with_status(findings: &[Finding], status: Status) -> Vec<&Finding> {
    findings.iter().filter(|f| f.status == status).collect()
}

pub(crate) fn by_status(findings: &[Finding]) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        c.add(f.status);
    }
    c
}

/// Failing (not suppressed) results per severity, most severe first, every severity
/// present so that readers see zeros too.
pub(crate) fn failures_by_severity(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|&s| {
            let n = findings
                .iter()
                .filter(|f| f.status == Status::Fail && f.severity == s)
                .count();
            (s, n)
        })
        .collect()
}

/// One SOC 2 control's results, and its distinct resources by their worst status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ControlSummary {
    pub control: String,
    /// Each resource once, in the column of its worst result for this control
    /// (fail, then suppressed, then unknown, then pass): a bucket that fails one CC6.1
    /// rule and passes another is a CC6.1 failure, not also a pass. The four numbers
    /// add up to the resources evaluated for the control.
    pub resources: Counts,
    /// Every result of a rule mapped to the control.
    pub results: Counts,
}

/// How bad a status is for a control; a suppressed failure is a known, accepted
/// failure and ranks above a result that could not be decided.
fn badness(s: Status) -> u8 {
    match s {
        Status::Fail => 3,
        Status::Suppressed => 2,
        Status::Unknown => 1,
        Status::Pass => 0,
    }
}

/// Live or not, root module or account, region, address.
type ResourceKey<'a> = (bool, &'a str, &'a str, &'a str);

/// Identity of a resource for distinct counts: the same Terraform address in two
/// root modules (`envs/prod`, `envs/dev`) is two resources. Borrowed, as it is built
/// for every result and control.
fn resource_key(f: &Finding) -> ResourceKey<'_> {
    match &f.origin {
        Origin::Terraform { root, .. } => (false, root.as_str(), "", f.resource.as_str()),
        Origin::Aws {
            account, region, ..
        } => (
            true,
            account.as_deref().unwrap_or(""),
            region.as_str(),
            f.resource.as_str(),
        ),
    }
}

/// Every allowed control in catalogue order, even with no results (an auditor reads
/// "0 evaluated" as a gap), then any other control id the findings carry, sorted.
pub(crate) fn per_control(findings: &[Finding]) -> Vec<ControlSummary> {
    let mut worst: BTreeMap<&str, BTreeMap<ResourceKey, Status>> = BTreeMap::new();
    let mut results: BTreeMap<&str, Counts> = BTreeMap::new();
    for f in findings {
        for c in f.controls.iter() {
            results.entry(c.as_str()).or_default().add(f.status);
            let slot = worst
                .entry(c.as_str())
                .or_default()
                .entry(resource_key(f))
                .or_insert(f.status);
            if badness(f.status) > badness(*slot) {
                *slot = f.status;
            }
        }
    }
    let extra: BTreeSet<&str> = results
        .keys()
        .copied()
        .filter(|c| !ALLOWED_CONTROLS.contains(c))
        .collect();
    ALLOWED_CONTROLS
        .iter()
        .copied()
        .chain(extra)
        .map(|control| {
            let mut resources = Counts::default();
            for status in worst.get(control).into_iter().flat_map(|m| m.values()) {
                resources.add(*status);
            }
            ControlSummary {
                control: control.to_string(),
                resources,
                results: results.get(control).copied().unwrap_or_default(),
            }
        })
        .collect()
}

/// `file:line` for Terraform, `region (operation)` for live state, where the
/// resource column already carries the ARN.
pub(crate) fn location_label(f: &Finding) -> String {
    match &f.origin {
        Origin::Terraform { location, .. } => format!("{}:{}", location.file, location.start_line),
        Origin::Aws {
            account,
            region,
            operation,
        } => {
            let seen = match account {
                Some(account) => format!("{account} {region} ({operation})"),
                None => format!("{region} ({operation})"),
            };
            match &f.managed_by {
                // Both: the Terraform that manages it, where a fix goes, then where it
                // was seen.
                Some(m) => format!(
                    "{}:{} ({}); live in {seen}",
                    m.location.file, m.location.start_line, m.address
                ),
                None => seen,
            }
        }
    }
}

/// The catalogue entries of the rules that produced at least one of `findings`,
/// in catalogue order; a result whose rule is missing from the catalogue is still
/// reported, it just has no descriptor.
pub(crate) fn rules_for<'a>(catalogue: &'a [RuleMeta], findings: &[&Finding]) -> Vec<&'a RuleMeta> {
    let ids: BTreeSet<&str> = findings.iter().map(|f| f.rule_id).collect();
    let mut rules: Vec<&RuleMeta> = catalogue
        .iter()
        .filter(|m| ids.contains(m.id.as_str()))
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules.dedup_by(|a, b| a.id == b.id);
    rules
}

/// Plural suffix for counts in prose.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A failing result as one sentence for annotation formats (GitHub, GitLab), whose
/// readers see it beside the code: the resource, what is wrong, how bad, which controls.
pub(crate) fn annotation_text(f: &Finding) -> String {
    format!(
        "{}: {} (severity {}; SOC 2 {})",
        f.resource,
        f.message,
        f.severity,
        f.controls.join(", ")
    )
}
