//! What a rule function receives: the settings, and a sink for its results.

use crate::catalogue::RuleMeta;
use crate::finding::{Finding, Severity, Status};
use crate::model::Meta;
use crate::rules::RuleSettings;
use sha2::{Digest, Sha256};

pub struct Ctx<'a> {
    pub settings: &'a RuleSettings,
    meta: &'static RuleMeta,
    results: Vec<Finding>,
    /// A resource address and text appended to every message about it (see
    /// [`Ctx::set_note`]).
    note: Option<(String, String)>,
}

impl<'a> Ctx<'a> {
    pub fn new(settings: &'a RuleSettings, meta: &'static RuleMeta) -> Ctx<'a> {
        Ctx {
            settings,
            meta,
            results: Vec::new(),
            note: None,
        }
    }

    /// Context that holds for every result about `resource` (its bucket or key is
    /// declared elsewhere), appended to each of its messages until the next call.
    pub fn set_note(&mut self, resource: &Meta, note: String) {
        self.note = Some((resource.address.clone(), note));
    }

    pub fn fail(&mut self, resource: &Meta, message: impl Into<String>) {
        self.push(resource, Status::Fail, message.into(), None);
    }

    /// A failure whose severity differs from the rule's base (ENV001's directions).
    pub fn fail_with_severity(
        &mut self,
        resource: &Meta,
        severity: Severity,
        message: impl Into<String>,
    ) {
        self.push(resource, Status::Fail, message.into(), Some(severity));
    }

    pub fn pass(&mut self, resource: &Meta, message: impl Into<String>) {
        self.push(resource, Status::Pass, message.into(), None);
    }

    /// A result the rule cannot decide. The message words the gap through the
    /// [`Gap`](crate::model::Gap) the source gave the value, never in one source's terms.
    pub fn unknown(&mut self, resource: &Meta, message: impl Into<String>) {
        self.push(resource, Status::Unknown, message.into(), None);
    }

    /// The results, each with a distinct fingerprint: a rule may judge one resource
    /// several times (each EBS device of an instance, each listener of a classic load
    /// balancer), and a baseline or suppression must tell them apart. The second and
    /// later results for the same resource get their position among its results,
    /// which is stable because rules judge in inventory order.
    pub fn into_results(mut self) -> Vec<Finding> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for f in &mut self.results {
            let n = seen.entry(f.fingerprint.clone()).or_insert(0);
            if *n > 0 {
                f.fingerprint = fingerprint(&f.fingerprint, &n.to_string(), "");
            }
            *n += 1;
        }
        self.results
    }

    fn push(
        &mut self,
        resource: &Meta,
        status: Status,
        message: String,
        severity: Option<Severity>,
    ) {
        let message = match &self.note {
            Some((address, note)) if *address == resource.address => message + note,
            _ => message,
        };
        let base = severity.unwrap_or(self.meta.severity);
        let (severity, severity_reason) =
            match (&resource.classification, self.meta.raise_when_classified) {
                (Some(class), true) if class.level.is_sensitive() && base.raised() != base => (
                    base.raised(),
                    Some(format!(
                        "raised from {base} because the resource is classified {} ({})",
                        class.level.as_str(),
                        class.because
                    )),
                ),
                _ => (base, None),
            };
        let fingerprint = fingerprint(
            &self.meta.id,
            &resource.address,
            &resource.fingerprint_scope(),
        );
        self.results.push(Finding {
            rule_id: &self.meta.id,
            rule_name: &self.meta.name,
            status,
            severity,
            severity_reason,
            controls: &self.meta.controls,
            resource: resource.address.clone(),
            resource_type: resource.kind.clone(),
            message,
            origin: resource.origin.clone(),
            managed_by: resource.managed_by.clone(),
            environment: resource.environment.clone(),
            classification: resource.classification.as_ref().map(|c| c.level),
            suppression: None,
            fingerprint,
        });
    }
}

/// Stable across inserted lines and reordered files: rule, resource address, and the
/// file and root module of a Terraform resource.
pub fn fingerprint(rule_id: &str, address: &str, file: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id, address, file] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
