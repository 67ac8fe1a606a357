//! TLS001 s3-bucket-allows-http: a bucket whose policy does not refuse plain-HTTP
//! requests. S3 answers on both `http://` and `https://`; only an explicit `Deny`
//! conditioned on `aws:SecureTransport = false` keeps data and credentials-signed
//! requests from travelling in cleartext, whatever else grants access.
//!
//! Which statements count is the policy analyzer's decision
//! ([`PolicyDocument::denies_insecure_transport`]): a `Deny` that binds every
//! principal, covers every S3 action (`s3:*` or `*`) and triggers on
//! `aws:SecureTransport = false` (or on `s3:TlsVersion` below 1.2) and nothing else.
//! This rule adds what the analyzer leaves to the bucket: *which resources* the deny
//! covers. It must cover both the bucket ARN (bucket-level calls such as `ListBucket`
//! reveal object keys) and every object (`<bucket ARN>/*`), in one statement or
//! across several; `*`, `arn:aws:s3:::*` or `arn:aws:s3:::name*` cover both. A deny
//! on `<bucket ARN>/logs/*` covers some objects only, and fails.
//!
//! Resource values before the first `/` are read as naming this bucket (a reference
//! to `aws_s3_bucket.b.arn`, a template over a variable): S3 rejects bucket policies
//! with resources outside the bucket they are attached to. A literal ARN of another
//! bucket, when the bucket's name is known, covers nothing. A `Resource` element that
//! is wholly unknown (`var.resources`) decides nothing: unknown.
//!
//! A bucket without any policy fails. When Terraform attaches several policies to one
//! bucket (an inline `policy` and an `aws_s3_bucket_policy`, or two of those), each
//! apply replaces the other and which one is in force is not defined: every one must
//! pass. One result per bucket.

use crate::model::policy::{all3, any3, glob};
use crate::model::policy::{PStr, Statement, StatementRef};
use crate::model::s3::{judged_for, BucketSetting};
use crate::model::s3::{BucketPolicy, S3Bucket};
use crate::model::value::HOLE;
use crate::model::{Gap, Inventory, PolicyDocument, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for b in judged_for(&inv.s3_buckets, BucketSetting::Policy) {
        ctx.set_note(&b.meta, b.elsewhere_note());
        let policies: &[BucketPolicy] = match &b.policies {
            Tri::Known(p) => p,
            Tri::Absent => &[],
            Tri::Unknown(_) => {
                let why = b.meta.wording.bucket_policy_unknown;
                ctx.unknown(
                    &b.meta,
                    format!(
                        "whether the bucket denies plain-HTTP requests cannot be judged: {why}"
                    ),
                );
                continue;
            }
        };
        let judged: Vec<Verdict> = policies.iter().filter_map(|p| judge_policy(b, p)).collect();
        if judged.is_empty() {
            ctx.fail(
                &b.meta,
                "the bucket has no bucket policy, so nothing denies requests over plain HTTP; attach a policy with a Deny of s3:* for Principal \"*\" on the bucket and bucket/* when aws:SecureTransport is \"false\"",
            );
            continue;
        }
        let several = judged.len() > 1;
        let note = if several {
            " (several policies are attached to this bucket and each apply replaces the other: every one must deny plain HTTP)"
        } else {
            ""
        };
        if let Some(Verdict::Fail(m)) = judged.iter().find(|v| matches!(v, Verdict::Fail(_))) {
            ctx.fail(&b.meta, format!("{m}{note}"));
        } else if let Some(Verdict::Unknown(m)) =
            judged.iter().find(|v| matches!(v, Verdict::Unknown(_)))
        {
            ctx.unknown(&b.meta, format!("{m}{note}"));
        } else {
            let all: Vec<&str> = judged
                .iter()
                .filter_map(|v| match v {
                    Verdict::Pass(m) => Some(m.as_str()),
                    _ => None,
                })
                .collect();
            ctx.pass(&b.meta, all.join("; "));
        }
    }
}

enum Verdict {
    Pass(String),
    Fail(String),
    Unknown(String),
}

/// One attached policy; `None` when its document is null (no policy after all).
fn judge_policy(b: &S3Bucket, p: &BucketPolicy) -> Option<Verdict> {
    let by = &p.configured_by;
    let doc = match &p.document {
        Tri::Known(doc) => doc,
        Tri::Absent => return None,
        Tri::Unknown(gap) => {
            return Some(Verdict::Unknown(format!(
                "the bucket policy in {by} is not known (it depends on values {gap}, or does not parse)"
            )))
        }
    };
    Some(judge_document(
        doc,
        b.bucket.known().map(String::as_str),
        by,
        b.meta.wording.gap,
    ))
}

/// What one statement contributes: whether it is a qualifying deny, and which parts
/// of the bucket it covers.
struct Contribution {
    at: StatementRef,
    qualifies: Option<bool>,
    bucket: Option<bool>,
    objects: Option<bool>,
}

/// `gap` is why the bucket's source could not know statements it did not read.
fn judge_document(doc: &PolicyDocument, name: Option<&str>, by: &str, gap: Gap) -> Verdict {
    let mut contributions = Vec::new();
    for (i, st) in doc.statements.iter().enumerate() {
        let alone = PolicyDocument {
            statements: vec![st.clone()],
            statements_unknown: false,
        };
        let qualifies = alone.denies_insecure_transport();
        if qualifies == Some(false) {
            continue;
        }
        let (bucket, objects) = coverage(st, name);
        contributions.push(Contribution {
            at: StatementRef::new(i, st),
            qualifies,
            bucket,
            objects,
        });
    }
    let unread = doc.statements_unknown.then_some(None);
    let bucket = any3(
        contributions
            .iter()
            .map(|c| all3([c.qualifies, c.bucket]))
            .chain(unread),
    );
    let objects = any3(
        contributions
            .iter()
            .map(|c| all3([c.qualifies, c.objects]))
            .chain(unread),
    );
    let certain: Vec<&Contribution> = contributions
        .iter()
        .filter(|c| c.qualifies == Some(true))
        .collect();
    match all3([bucket, objects]) {
        Some(true) => {
            let used: Vec<String> = certain
                .iter()
                .filter(|c| c.bucket == Some(true) || c.objects == Some(true))
                .map(|c| c.at.to_string())
                .collect();
            let verb = if used.len() > 1 { "deny" } else { "denies" };
            Verdict::Pass(format!(
                "{} of the bucket policy in {by} {verb} every S3 action to every principal on the bucket and its objects when the request is not over TLS",
                used.join(" and ")
            ))
        }
        None => {
            let why = if doc.statements_unknown {
                format!("some statements are {gap}")
            } else {
                let open: Vec<String> = contributions
                    .iter()
                    .filter(|c| {
                        all3([c.qualifies, c.bucket]).is_none()
                            || all3([c.qualifies, c.objects]).is_none()
                    })
                    .map(|c| c.at.to_string())
                    .collect();
                format!(
                    "{} depends on values {gap} (principal, actions, resources or condition)",
                    open.join(", ")
                )
            };
            Verdict::Unknown(format!(
                "whether the bucket policy in {by} denies plain-HTTP requests cannot be judged: {why}"
            ))
        }
        Some(false) => Verdict::Fail(failure(doc, &certain, bucket, objects, name, by)),
    }
}

/// The precise failure: what the qualifying denies leave out, or why the statements
/// that look like a transport deny do not count.
fn failure(
    doc: &PolicyDocument,
    certain: &[&Contribution],
    bucket: Option<bool>,
    objects: Option<bool>,
    name: Option<&str>,
    by: &str,
) -> String {
    let arn = name.map_or_else(
        || "the bucket ARN".to_string(),
        |n| format!("arn:aws:s3:::{n}"),
    );
    let fix = "deny s3:* to Principal \"*\" on the bucket ARN and bucket/* when aws:SecureTransport is \"false\"";
    if !certain.is_empty() {
        let which: Vec<String> = certain.iter().map(|c| c.at.to_string()).collect();
        let which = which.join(" and ");
        let gap = match (bucket, objects) {
            (Some(true), _) => format!(
                "only on {arn}, not on its objects ({arn}/*), so GetObject and PutObject over plain HTTP are not denied"
            ),
            (_, Some(true)) => format!(
                "only on the objects, not on {arn} itself, so bucket-level calls such as ListBucket (which reveals object keys) are not denied over plain HTTP"
            ),
            _ => format!(
                "on neither {arn} nor all of its objects ({arn}/*): only on {}",
                resources_text(certain, doc)
            ),
        };
        let verb = if certain.len() > 1 { "deny" } else { "denies" };
        return format!("{which} of the bucket policy in {by} {verb} plain HTTP {gap}; {fix}");
    }
    let near: Vec<String> = doc
        .statements
        .iter()
        .enumerate()
        .filter(|(_, st)| mentions_transport(st))
        .map(|(i, st)| format!("{} {}", StatementRef::new(i, st), shortfall(st)))
        .collect();
    if near.is_empty() {
        format!(
            "no statement of the bucket policy in {by} denies requests with aws:SecureTransport = false, so plain-HTTP requests are allowed; {fix}"
        )
    } else {
        format!(
            "the bucket policy in {by} does not deny plain HTTP for every request: {}; {fix}",
            near.join("; ")
        )
    }
}

/// The resources the qualifying statements name, as written, for the message.
fn resources_text(certain: &[&Contribution], doc: &PolicyDocument) -> String {
    let mut out = Vec::new();
    for c in certain {
        if let Some(list) = doc
            .statements
            .get(c.at.index)
            .and_then(|s| s.resource.as_ref())
        {
            out.extend(list.items.iter().map(PStr::written));
        }
    }
    out.join(", ")
}

/// Does the statement look like a transport control (a condition on
/// `aws:SecureTransport` or `s3:TlsVersion`)? Those are explained when they fall short.
fn mentions_transport(st: &Statement) -> bool {
    !st.condition_values("aws:SecureTransport").is_empty()
        || !st.condition_values("s3:TlsVersion").is_empty()
}

/// Why a statement with a transport condition is not a qualifying deny.
fn shortfall(st: &Statement) -> String {
    if st.is_deny() == Some(false) {
        return "is an Allow; other grants (identity policies, other statements) still work over HTTP, only a Deny overrides them".to_string();
    }
    if st.not_principal.is_some() {
        return "uses NotPrincipal, so the excepted principals may still use plain HTTP"
            .to_string();
    }
    if st.principal_is_everyone() == Some(false) {
        return "names specific principals instead of \"*\", so other callers may use plain HTTP"
            .to_string();
    }
    if st.covers_service("s3") == Some(false) {
        let actions = match (&st.action, &st.not_action) {
            (Some(list), _) => format!("denies only {}", list.written()),
            (None, Some(list)) => format!("excludes {} with NotAction", list.written()),
            (None, None) => "names no action".to_string(),
        };
        let open: Vec<&str> = [
            "s3:GetObject",
            "s3:PutObject",
            "s3:ListBucket",
            "s3:DeleteObject",
        ]
        .into_iter()
        .filter(|a| st.covers_action(a) == Some(false))
        .take(2)
        .collect();
        let examples = if open.is_empty() {
            String::new()
        } else {
            format!(" (such as {})", open.join(" and "))
        };
        return format!(
            "{actions}, so other S3 actions{examples} are still allowed over plain HTTP"
        );
    }
    if st.not_resource.is_some() || st.resource.is_none() {
        return "uses NotResource or names no resource".to_string();
    }
    "has a condition that does not trigger on every plain-HTTP request (it needs aws:SecureTransport = \"false\", with no other condition narrowing the deny)".to_string()
}

/// Which parts of the bucket a statement's `Resource` covers: (bucket ARN, every
/// object). See the module docs.
fn coverage(st: &Statement, name: Option<&str>) -> (Option<bool>, Option<bool>) {
    let Some(list) = &st.resource else {
        return (Some(false), Some(false));
    };
    let unknown = list.unknown_list.then_some(None);
    let items: Vec<(Option<bool>, Option<bool>)> =
        list.items.iter().map(|i| item_coverage(i, name)).collect();
    (
        any3(items.iter().map(|c| c.0).chain(unknown)),
        any3(items.iter().map(|c| c.1).chain(unknown)),
    )
}

fn item_coverage(item: &PStr, name: Option<&str>) -> (Option<bool>, Option<bool>) {
    let text = match item {
        PStr::Lit(s) => s.clone(),
        PStr::Unknown { shape, .. } => shape.clone().unwrap_or_else(|| HOLE.to_string()),
    };
    // A wholly unknown resource (`var.arn`) could be `*`, the bucket, or a prefix.
    if text.chars().all(|c| c == HOLE) && !item.holes_are_names() {
        return (None, None);
    }
    if !text.is_empty() && text.chars().all(|c| c == '*') {
        return (Some(true), Some(true));
    }
    match text.split_once('/') {
        None => {
            let this = names_this_bucket(&text, name);
            if text.ends_with('*') {
                // `arn:aws:s3:::name*` also matches `name/<key>`.
                (Some(this), Some(this))
            } else {
                (Some(this), Some(false))
            }
        }
        Some((head, key)) => {
            let all_objects = !key.is_empty() && key.chars().all(|c| c == '*');
            // An unresolved hole in the key could be `*` or a prefix.
            if key.contains(HOLE) && !item.holes_are_names() {
                return (Some(false), None);
            }
            (
                Some(false),
                Some(all_objects && names_this_bucket(head, name)),
            )
        }
    }
}

/// Does this bucket part of a resource (`arn:aws:s3:::name`, a pattern, a reference)
/// name this bucket? Only a literal naming another bucket, when the bucket's name is
/// known, does not.
fn names_this_bucket(head: &str, name: Option<&str>) -> bool {
    let Some(name) = name else {
        return true;
    };
    if head.contains(HOLE) {
        return true;
    }
    match head.split_once(":::") {
        Some((_, bucket)) => glob(bucket, name, false),
        None => glob(head, name, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;
    use serde_json::json;

    fn verdict(policy: serde_json::Value, name: Option<&str>) -> (char, String) {
        let doc = PolicyDocument::from_value(&Value::from_json(&policy))
            .expect("test policy parses")
            .expect("test policy is known");
        match judge_document(&doc, name, "p", Gap::BeforeApply) {
            Verdict::Pass(m) => ('p', m),
            Verdict::Fail(m) => ('f', m),
            Verdict::Unknown(m) => ('u', m),
        }
    }

    fn deny(resource: serde_json::Value, action: &str) -> serde_json::Value {
        json!({"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": action,
            "Resource": resource, "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    }

    #[test]
    fn resources_must_cover_bucket_and_objects() {
        let one =
            |r: serde_json::Value| verdict(json!({"Statement": [deny(r, "s3:*")]}), Some("b")).0;
        assert_eq!(one(json!(["arn:aws:s3:::b", "arn:aws:s3:::b/*"])), 'p');
        assert_eq!(one(json!("*")), 'p');
        assert_eq!(one(json!("arn:aws:s3:::*")), 'p');
        assert_eq!(one(json!("arn:aws:s3:::b*")), 'p');
        assert_eq!(one(json!("arn:aws:s3:::b/*")), 'f');
        assert_eq!(one(json!("arn:aws:s3:::b")), 'f');
        assert_eq!(one(json!(["arn:aws:s3:::b", "arn:aws:s3:::b/logs/*"])), 'f');
        assert_eq!(
            one(json!(["arn:aws:s3:::other", "arn:aws:s3:::other/*"])),
            'f'
        );
        // Two statements together cover both.
        let split = json!({"Statement": [deny(json!("arn:aws:s3:::b"), "s3:*"), deny(json!("arn:aws:s3:::b/*"), "*")]});
        assert_eq!(verdict(split, Some("b")).0, 'p');
    }

    #[test]
    fn messages_name_the_shortfall() {
        let (v, m) = verdict(
            json!({"Statement": [deny(json!(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]), "s3:GetObject")]}),
            Some("b"),
        );
        assert_eq!(v, 'f');
        assert!(
            m.contains("statement \"Tls\" denies only s3:GetObject"),
            "{m}"
        );
        let (_, m) = verdict(
            json!({"Statement": [deny(json!("arn:aws:s3:::b/*"), "s3:*")]}),
            Some("b"),
        );
        assert!(m.contains("not on arn:aws:s3:::b itself"), "{m}");
        let (_, m) = verdict(json!({"Statement": []}), Some("b"));
        assert!(m.contains("no statement"), "{m}");
    }

    #[test]
    fn unknown_resources() {
        let mut doc = PolicyDocument::from_value(&Value::from_json(
            &json!({"Statement": [deny(json!("x"), "s3:*")]}),
        ))
        .expect("test policy parses")
        .expect("test policy is known");
        let unresolved = PStr::Unknown {
            refs: vec![],
            shape: None,
            unresolved: true,
        };
        let bucket_ref = PStr::Unknown {
            refs: vec!["aws_s3_bucket.b.arn".into()],
            shape: None,
            unresolved: false,
        };
        let objects_ref = PStr::Unknown {
            refs: vec!["aws_s3_bucket.b.arn".into()],
            shape: Some(format!("{HOLE}/*")),
            unresolved: false,
        };
        let set = |doc: &mut PolicyDocument, items: Vec<PStr>| {
            if let Some(list) = doc.statements[0].resource.as_mut() {
                list.items = items;
            }
        };
        set(&mut doc, vec![bucket_ref.clone(), objects_ref]);
        assert!(matches!(
            judge_document(&doc, None, "p", Gap::BeforeApply),
            Verdict::Pass(_)
        ));
        set(&mut doc, vec![unresolved]);
        assert!(matches!(
            judge_document(&doc, None, "p", Gap::BeforeApply),
            Verdict::Unknown(_)
        ));
        set(&mut doc, vec![bucket_ref]);
        assert!(matches!(
            judge_document(&doc, None, "p", Gap::BeforeApply),
            Verdict::Fail(_)
        ));
    }
}
