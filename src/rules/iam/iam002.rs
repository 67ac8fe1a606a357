//! IAM002 iam-service-wildcard: an identity policy allows a whole service (`s3:*`) or a
//! family of state-changing actions (`s3:Put*`, `ec2:*Delete*`) on every resource.
//! Such grants silently include actions the service adds later and every resource of
//! the account, which is the opposite of least privilege.
//!
//! What counts as a write wildcard is the analyzer's (`Statement::service_wildcards`):
//! a `service:pattern` with a wildcard that either is all of the service or can match
//! an action beginning with a state-changing verb (Put, Delete, Create, Update, Attach,
//! Pass, Run, ...). Read-side wildcards (`s3:Get*`, `s3:List*`, `ec2:Describe*`) are
//! common reviewed practice and pass. `*` alone is IAM001's. The statement must apply
//! to every resource: `Resource "*"` (or `arn:aws:*:*:*:*`), or `NotResource`.

use super::iam001::{judge_statements, show_resources};
use crate::model::policy::all3;
use crate::model::policy::Statement;
use crate::model::Inventory;
use crate::rules::Ctx;

/// Allow, on every resource, with a service or write wildcard.
fn matches(s: &Statement) -> Option<bool> {
    all3([
        s.is_allow(),
        s.applies_to_any_resource(),
        s.service_wildcards().verdict(),
    ])
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let out = judge_statements(
        inv,
        |doc| doc.statements_where(matches),
        |r, s| {
            format!(
                    "{r} allows {} on {}: scope the actions to what the job needs and the resources to named ARNs",
                    s.service_wildcards().patterns.join(", "),
                    show_resources(s)
                )
        },
        "might allow a service-wide or write wildcard on every resource",
        "no statement allows a service-wide or write wildcard on every resource",
    );
    out.report(ctx);
}
