//! Ledger runs built in memory: a catalogue of six rules, two sources, and helpers
//! to plant what the auditor's view must state.

use soc2scan::evidence::audit::window::{parse_day, parse_tz, Cadence, Window};
use soc2scan::evidence::audit::{AuditParams, LedgerStatus};
use soc2scan::evidence::record::{LedgerRun, ResultRecord, RunMeta, SuppressionRecord};
use soc2scan::finding::{Severity, Status};
use soc2scan::provenance::{GapRecord, RuleSetting, SourceKind, SourceRecord};
use std::sync::Arc;

pub const TF: &str = "terraform:github.com/acme/infra//.";
pub const AWS: &str = "aws:111111111111/eu-west-1";

/// (rule, severity, controls, live service).
pub const RULES: &[(&str, Severity, &[&str], &str)] = &[
    ("ENC001", Severity::Medium, &["CC6.1", "C1.1"], "s3"),
    ("IAM001", Severity::High, &["CC6.3"], "iam"),
    ("NET001", Severity::High, &["CC6.6"], "ec2"),
    ("TLS001", Severity::High, &["CC6.7"], "elbv2"),
    ("CHG001", Severity::Low, &["CC8.1"], "s3"),
    ("RES001", Severity::Medium, &["CC9.1"], "rds"),
];

pub fn day(s: &str) -> chrono::NaiveDate {
    parse_day(s).expect("day")
}

pub fn window(from: &str, to: &str, cadence: Cadence) -> Window {
    Window::new(day(from), day(to), parse_tz("UTC").expect("tz"), cadence).expect("window")
}

pub fn params(w: Window) -> AuditParams {
    AuditParams::new(w, Vec::new(), None).expect("params")
}

pub fn intact() -> LedgerStatus {
    LedgerStatus {
        file: "evidence.db".into(),
        intact: true,
        statement: "intact".into(),
        checkpoint: None,
    }
}

/// Every catalogue rule as configured: all enabled, except those in `disabled`.
pub fn settings(disabled: &[&str]) -> Vec<RuleSetting> {
    RULES
        .iter()
        .map(|(id, sev, controls, _)| RuleSetting {
            id: id.to_string(),
            enabled: !disabled.contains(id),
            severity: *sev,
            controls: controls.iter().map(|c| c.to_string()).collect(),
        })
        .collect()
}

/// One run of one source as a nightly job records it.
pub struct Run {
    pub source: &'static str,
    pub started_at: String,
    pub disabled: Vec<&'static str>,
    /// Live: the services swept (rules of other services are not evaluated).
    pub services: Vec<&'static str>,
    pub gaps: Vec<GapRecord>,
    pub results: Vec<ResultRecord>,
}

impl Run {
    pub fn new(source: &'static str, date: &str) -> Run {
        Run {
            source,
            started_at: format!("{date}T02:00:00Z"),
            disabled: Vec::new(),
            services: if source.starts_with("aws:") {
                vec!["ec2", "elbv2", "iam", "rds", "s3"]
            } else {
                Vec::new()
            },
            gaps: Vec::new(),
            results: Vec::new(),
        }
    }

    pub fn at(mut self, started_at: &str) -> Run {
        self.started_at = started_at.into();
        self
    }

    pub fn disable(mut self, rule: &'static str) -> Run {
        self.disabled.push(rule);
        self
    }

    pub fn without_service(mut self, service: &str) -> Run {
        self.services.retain(|s| *s != service);
        self
    }

    pub fn gap(mut self, code: &str, service: &str, rules: &[&str]) -> Run {
        self.gaps.push(GapRecord {
            code: code.into(),
            service: service.into(),
            operation: Some("GetBucketPolicy".into()),
            error_class: Some("AccessDenied".into()),
            rules: rules.iter().map(|r| r.to_string()).collect(),
            message: "access denied".into(),
        });
        self
    }

    pub fn result(mut self, rule: &str, resource: &str, status: Status) -> Run {
        let (_, severity, controls, _) = RULES
            .iter()
            .find(|r| r.0 == rule)
            .copied()
            .expect("catalogue rule");
        self.results.push(ResultRecord {
            source: self.source.into(),
            rule_id: rule.into(),
            status,
            severity,
            controls: controls.iter().map(|c| c.to_string()).collect(),
            resource: resource.into(),
            resource_type: "aws_s3_bucket".into(),
            fingerprint: format!("{rule}:{resource}"),
            environment: None,
            classification: None,
            location: None,
            message: "m".into(),
            suppression: None,
        });
        self
    }

    pub fn suppressed(mut self, rule: &str, resource: &str, reason: &str, until: &str) -> Run {
        self = self.result(rule, resource, Status::Suppressed);
        if let Some(r) = self.results.last_mut() {
            r.suppression = Some(SuppressionRecord {
                kind: "inline".into(),
                source: format!("# soc2scan:ignore:{rule} reason=\"{reason}\" until={until}"),
                reason: Some(reason.into()),
                until: Some(until.into()),
            });
        }
        self
    }

    fn record(self, seq: u64) -> LedgerRun {
        let live = self.source.starts_with("aws:");
        let rules: Vec<String> = RULES
            .iter()
            .filter(|(id, _, _, svc)| {
                !self.disabled.contains(id) && (!live || self.services.contains(svc))
            })
            .map(|(id, ..)| id.to_string())
            .collect();
        let mut rules = rules;
        rules.sort();
        let mut results = self.results;
        // As a record holds them: by source, rule and fingerprint.
        results.sort_by(|a, b| {
            (&a.source, &a.rule_id, &a.fingerprint).cmp(&(&b.source, &b.rule_id, &b.fingerprint))
        });
        LedgerRun {
            seq,
            recorded_at: self.started_at.clone(),
            record: soc2scan::evidence::record::RunRecord {
                run_id: format!("run-{seq}"),
                meta: RunMeta {
                    started_at: self.started_at.clone(),
                    finished_at: self.started_at.clone(),
                    tool_version: "0.1.0".into(),
                    schema: "soc2scan/report/v2".into(),
                    host: None,
                    ci: None,
                    catalogue_digest: "c".into(),
                    config_digest: "d".into(),
                    rules: settings(&self.disabled),
                    incomplete: !self.gaps.is_empty(),
                },
                sources: vec![SourceRecord {
                    key: self.source.into(),
                    kind: if live {
                        SourceKind::Aws
                    } else {
                        SourceKind::Terraform
                    },
                    repository: None,
                    root: None,
                    commit: None,
                    branch: None,
                    dirty: None,
                    account: None,
                    region: None,
                    services: self.services.iter().map(|s| s.to_string()).collect(),
                    rules,
                    resources: results.len(),
                    unknowns: results
                        .iter()
                        .filter(|r| r.status == Status::Unknown)
                        .count(),
                    gaps: self.gaps,
                }],
                results: results.into_iter().map(Arc::new).collect(),
            },
        }
    }
}

/// Runs numbered in the order given, as the ledger's log would.
pub fn ledger(runs: Vec<Run>) -> Vec<LedgerRun> {
    runs.into_iter()
        .enumerate()
        .map(|(i, r)| r.record(i as u64 + 1))
        .collect()
}
