//! What IAM012 and IAM014 share: which statements of a set of resource policies open
//! the resource to everyone, and where the governed resource's account-level settings
//! are (IAM012, IAM013).

use crate::model::{Gap, PolicyDocument, Tri};

/// Public grants found in the policies of one resource, as phrases for messages.
pub(super) struct Exposure {
    /// Certainly open to everyone: `statement "Public" (aws_s3_bucket_policy.b)`.
    pub certain: Vec<String>,
    /// Open to everyone unless an unknown part says otherwise, with why.
    pub possible: Vec<String>,
    /// Why the resource's source could not know a part of a policy that carries no
    /// reason of its own (a statement, a grant).
    pub gap: Gap,
}

impl Exposure {
    pub fn new(gap: Gap) -> Exposure {
        Exposure {
            certain: Vec::new(),
            possible: Vec::new(),
            gap,
        }
    }

    /// Add one policy: `configured_by` names where it was written.
    pub fn add_document(&mut self, document: &Tri<PolicyDocument>, configured_by: &str) {
        let doc = match document {
            Tri::Known(doc) => doc,
            Tri::Unknown(gap) => {
                self.possible
                    .push(format!("the policy of {configured_by} is {gap}"));
                return;
            }
            Tri::Absent => return,
        };
        let found = doc.statements_where(|s| s.allows_public_access());
        let gap = self.gap;
        for s in &found.certain {
            self.certain.push(format!("{s} ({configured_by})"));
        }
        for s in &found.possible {
            self.possible
                .push(format!("{s} ({configured_by}) depends on values {gap}"));
        }
        if found.unread_statements {
            self.possible
                .push(format!("some statements of {configured_by} are {gap}"));
        }
    }

    /// `Some(true)` public, `None` maybe, `Some(false)` not.
    pub fn verdict(&self) -> Option<bool> {
        if !self.certain.is_empty() {
            Some(true)
        } else if !self.possible.is_empty() {
            None
        } else {
            Some(false)
        }
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Helpers for the rules' unit tests on hand-built inventories (cases the live
/// emulator cannot produce, such as a root access key or a two-year-old key).
#[cfg(test)]
pub(super) mod testing {
    use crate::catalogue;
    use crate::finding::{Finding, Status};
    use crate::model::{Inventory, Meta, Origin, Wording};
    use crate::rules::Ctx;
    use crate::rules::RuleSettings;

    /// A live resource of account 123456789012.
    pub fn live_meta(kind: &str, address: &str) -> Meta {
        Meta {
            address: address.to_string(),
            kind: kind.to_string(),
            arn: Some(address.to_string()),
            name: address.rsplit('/').next().map(str::to_owned),
            tags: Default::default(),
            classification: None,
            environment: None,
            origin: Origin::Aws {
                account: Some("123456789012".into()),
                region: "global".into(),
                operation: "iam:GetCredentialReport".into(),
            },
            managed_by: None,
            wording: &Wording::LIVE,
        }
    }

    /// Run one rule and return `(status, resource, message)` per result.
    pub fn run(
        id: &str,
        check: crate::rules::Check,
        inv: &Inventory,
        settings: &RuleSettings,
    ) -> Vec<(Status, String, String)> {
        let m = catalogue::find(id).expect("rule metadata");
        let mut ctx = Ctx::new(settings, m);
        check(inv, &mut ctx);
        ctx.into_results()
            .into_iter()
            .map(|f: Finding| (f.status, f.resource, f.message))
            .collect()
    }
}
