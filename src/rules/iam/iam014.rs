//! IAM014 resource-policy-public: an SQS queue, SNS topic, Secrets Manager secret, ECR
//! repository or Lambda function whose resource policy lets everyone (`Principal "*"`,
//! `{"AWS": "*"}`, `NotPrincipal`) use it, with no condition that pins the caller to an
//! organisation, account, network or source (`aws:PrincipalOrgID`, `aws:SourceAccount`,
//! `aws:SourceArn`, `aws:SourceVpce`, ...). A `Deny` to everyone is not a grant. Anyone
//! on the internet could then read messages, publish, pull images, read the secret or
//! invoke the function.
//!
//! Lambda permissions are arguments, not documents: a `principal = "*"` without
//! `source_arn`, `source_account` or `principal_org_id` is public (with
//! `function_url_auth_type = "NONE"` it is a public function URL). Policy resources
//! whose target is managed elsewhere or unknown before apply are judged on their own.
//! Live sweeps read SQS and SNS policies; Lambda, ECR and Secrets Manager come from
//! Terraform only.

use super::exposure::{join, Exposure};
use crate::model::policy::PStr;
use crate::model::resource_policy::{DetachedGrant, LambdaPermission, ResourcePolicy};
use crate::model::{Inventory, Meta, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for q in &inv.sqs_queues {
        documents(&q.meta, "queue", &q.policies, ctx);
    }
    for t in &inv.sns_topics {
        documents(&t.meta, "topic", &t.policies, ctx);
    }
    for s in &inv.secrets {
        documents(&s.meta, "secret", &s.policies, ctx);
    }
    for r in &inv.ecr_repositories {
        documents(&r.meta, "repository", &r.policies, ctx);
    }
    for f in &inv.lambda_functions {
        let mut e = Exposure::new(f.meta.wording.gap);
        match &f.permissions {
            Tri::Known(list) => {
                for p in list {
                    add_permission(&mut e, p);
                }
            }
            Tri::Unknown(gap) => e.possible.push(format!(
                "an aws_lambda_permission whose function is {gap} may apply to it"
            )),
            Tri::Absent => {}
        }
        let none = matches!(&f.permissions, Tri::Known(l) if l.is_empty());
        report(&f.meta, &subject("function", &f.meta), &e, none, ctx);
    }
    for d in &inv.detached_resource_policies {
        let mut e = Exposure::new(d.meta.wording.gap);
        match &d.grant {
            DetachedGrant::Document(doc) => e.add_document(doc, &d.meta.address),
            DetachedGrant::LambdaPermission(p) => add_permission(&mut e, p),
        }
        let target = match &d.target {
            Tri::Known(t) => format!("{t}, managed outside this configuration"),
            _ => format!("a target {}", d.meta.wording.gap),
        };
        let subject = format!("{} (for {target})", d.meta.address);
        report(&d.meta, &subject, &e, false, ctx);
    }
}

fn documents(meta: &Meta, noun: &str, policies: &Tri<Vec<ResourcePolicy>>, ctx: &mut Ctx) {
    let mut e = Exposure::new(meta.wording.gap);
    match policies {
        Tri::Known(list) => {
            for p in list {
                e.add_document(&p.document, &p.configured_by);
            }
        }
        Tri::Unknown(gap) => e.possible.push(format!(
            "a {noun} policy resource whose {noun} is {gap} may apply to it"
        )),
        Tri::Absent => {}
    }
    let none = matches!(policies, Tri::Known(l) if l.is_empty());
    report(meta, &subject(noun, meta), &e, none, ctx);
}

/// "queue orders": the kind and the resource's name (its address when unnamed).
fn subject(noun: &str, meta: &Meta) -> String {
    format!("{noun} {}", meta.name.as_deref().unwrap_or(&meta.address))
}

/// One result for `subject` ("queue orders", or a detached policy's address).
fn report(meta: &Meta, subject: &str, e: &Exposure, no_policy: bool, ctx: &mut Ctx) {
    match e.verdict() {
        Some(true) => ctx.fail(
            meta,
            format!(
                "{subject} is open to everyone through {}; name the principals, or add a condition such as aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn",
                join(&e.certain)
            ),
        ),
        None => ctx.unknown(meta, format!("{subject} may be public: {}", e.possible.join("; "))),
        Some(false) if no_policy => ctx.pass(
            meta,
            format!("{subject} has no resource policy: only its own account's principals can be granted access"),
        ),
        Some(false) => ctx.pass(
            meta,
            format!("no statement of the resource policy of {subject} grants access to everyone"),
        ),
    }
}

/// Whether one restricting argument is set: a literal, or a reference to a managed
/// resource; `None` when it comes from something that may be null.
fn set(arg: &Option<PStr>) -> Option<bool> {
    match arg {
        None => Some(false),
        Some(PStr::Lit(s)) => Some(!s.is_empty()),
        Some(p) if p.holes_are_names() => Some(true),
        Some(_) => None,
    }
}

fn add_permission(e: &mut Exposure, p: &LambdaPermission) {
    let by = &p.configured_by;
    let star = match &p.principal {
        None => Some(false),
        Some(PStr::Lit(s)) => Some(s == "*"),
        Some(other) => other.is_star(),
    };
    if star == Some(false) {
        return;
    }
    let restricted: Vec<Option<bool>> = [&p.source_arn, &p.source_account, &p.principal_org_id]
        .into_iter()
        .map(set)
        .collect();
    if restricted.contains(&Some(true)) {
        return;
    }
    let url = p.function_url_auth_type.known().map(String::as_str) == Some("NONE");
    let what = if url {
        format!("a public function URL (principal \"*\", function_url_auth_type NONE, {by})")
    } else {
        let action = p.action.known().map(String::as_str).unwrap_or("its action");
        format!("principal \"*\" allowed {action} without source_arn, source_account or principal_org_id ({by})")
    };
    let gap = e.gap;
    if star == Some(true) && !restricted.contains(&None) {
        e.certain.push(what);
    } else if star.is_none() {
        e.possible.push(format!("the principal of {by} is {gap}"));
    } else {
        e.possible.push(format!(
            "{by} grants to \"*\" and its source_arn, source_account or principal_org_id is {gap}"
        ));
    }
}
