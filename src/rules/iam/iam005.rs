//! IAM005 iam-privilege-escalation: an identity policy grants a known path by which its
//! holder can give itself more permissions than the policy grants (create a new version
//! of its own policy, attach AdministratorAccess to itself, pass a privileged role to a
//! new Lambda function, ...). Such a policy is administrator access with extra steps.
//!
//! The paths are data (`rules/data/privilege-escalation.toml`) and the analyzer decides
//! whether a document grants one (`PolicyDocument::escalation_paths`): every action of
//! the path allowed on every resource of its type, not removed by an unconditional
//! `Deny`, and for `iam:PassRole` not limited by `iam:PassedToService` to other
//! services. A path that depends on unknown parts is unknown, as is a document with
//! unreadable statements in which no certain path was found.

use super::iam001::{judge_identity_policies, unknown_because, PerResource, Verdict};
use crate::model::policy::Escalation;
use crate::model::{Inventory, Meta, PolicyDocument};
use crate::rules::Ctx;

/// `Name [path-id] via statement "X", statement #2`, with the path's explanation when
/// `explain`.
fn describe(e: &Escalation, explain: bool) -> String {
    let refs: Vec<String> = e.statements().iter().map(|r| r.to_string()).collect();
    let mut out = format!("{} [{}] via {}", e.path.name, e.path.id, refs.join(", "));
    if explain {
        out.push_str(": ");
        out.push_str(&e.path.explanation);
    }
    out
}

/// At most `MAX_LISTED` descriptions, then how many more: a policy whose actions are
/// unknown might grant every path, and a message of 28 paths helps nobody.
const MAX_LISTED: usize = 3;

fn listed(items: Vec<String>) -> String {
    let more = items.len().saturating_sub(MAX_LISTED);
    let mut shown: Vec<String> = items.into_iter().take(MAX_LISTED).collect();
    if more > 0 {
        shown.push(format!("and {more} more"));
    }
    shown.join("; ")
}

fn judge(doc: &PolicyDocument, meta: &Meta) -> Verdict {
    let paths = match doc.escalation_paths() {
        Ok(p) => p,
        Err(defect) => {
            return Verdict::Unknown(format!(
                "the privilege-escalation catalogue could not be loaded: {defect}"
            ))
        }
    };
    let certain: Vec<String> = paths
        .iter()
        .filter(|e| e.certain)
        .map(|e| describe(e, true))
        .collect();
    if !certain.is_empty() {
        return Verdict::Fail(format!(
            "grants privilege escalation: {}; remove the actions or scope them to named resources",
            listed(certain)
        ));
    }
    let because = unknown_because(meta);
    let possible: Vec<String> = paths.iter().map(|e| describe(e, false)).collect();
    if !possible.is_empty() {
        return Verdict::Unknown(format!(
            "might grant privilege escalation, as parts of the policy are {because}: {}",
            listed(possible)
        ));
    }
    if doc.statements_unknown {
        return Verdict::Unknown(format!(
            "some statements are {because}; they might complete a privilege-escalation path"
        ));
    }
    Verdict::Pass("grants no known privilege-escalation path".to_string())
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut out = PerResource::new();
    judge_identity_policies(inv, &mut out, judge);
    out.report(ctx);
}
