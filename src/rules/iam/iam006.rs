//! IAM006 iam-trust-public: a role's trust policy lets anyone assume it: `Principal
//! "*"`, `{"AWS": "*"}` (or a wildcard ARN, or `NotPrincipal`) with no condition that
//! pins the caller to an organisation, account, principal, network or source resource
//! (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:SourceAccount`, `aws:SourceArn`, ...; see the analyzer's condition module).
//! Any AWS account in the world can then obtain the role's credentials.
//!
//! Only statements that allow assuming the role count (`sts:AssumeRole`,
//! `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`, or a wildcard covering
//! one of them). Service principals (`ec2.amazonaws.com`) and federated providers are
//! not public. `sts:ExternalId` alone does not restrict a public trust: the id is not
//! a secret. A role whose trust policy is unknown is unknown.

use super::iam001::{show_actions, unknown_because, verdict_of, PerResource, Verdict};
use crate::model::policy::Statement;
use crate::model::policy::{all3, any3};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// The STS actions that hand out the role's credentials.
const ASSUME: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// Does the statement allow one of the assume actions? Three-valued OR.
pub(super) fn allows_assume(s: &Statement) -> Option<bool> {
    any3(ASSUME.iter().map(|a| s.grants_action(a)))
}

fn matches(s: &Statement) -> Option<bool> {
    all3([allows_assume(s), s.allows_public_access()])
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let mut out = PerResource::new();
    for role in &inv.iam_roles {
        let verdict = match &role.trust_policy {
            Tri::Known(doc) => {
                let m = doc.statements_where(matches);
                verdict_of(
                    doc,
                    &role.meta,
                    &m,
                    |r, s| {
                        let who = if s.not_principal.is_some() {
                            "everyone except the NotPrincipal list"
                        } else {
                            "every AWS principal"
                        };
                        format!(
                            "{r} lets {who} assume the role ({}) with no condition restricting the caller's organisation, account or source: add aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn, or name the principals",
                            show_actions(s)
                        )
                    },
                    "might let anyone assume the role",
                    "no statement lets everyone assume the role without a condition restricting the caller",
                )
            }
            Tri::Unknown(_) => Verdict::Unknown(format!(
                "the trust policy is {}",
                unknown_because(&role.meta)
            )),
            Tri::Absent => Verdict::Unknown(
                "no trust policy was read, so who can assume the role is not known".to_string(),
            ),
        };
        out.add(&role.meta, verdict);
    }
    out.report(ctx);
}
