//! DRIFT001 drifted-security-setting: a live resource whose security setting differs
//! from what the Terraform that manages it declares. A review approved the Terraform;
//! a setting changed outside it (console, CLI, another tool) bypassed that review,
//! which is what the Type 2 control "production is configured as reviewed" must catch.
//!
//! Only settings the Terraform declares are compared (a setting it leaves to the
//! provider default is not its to keep). Values compare by meaning: keys as ARNs with
//! aliases and references resolved, policies as sets of normalised statements. A
//! Terraform value known only after apply, or a live answer that could not be read,
//! gives unknown.

use super::{pairs, statements, Keys};
use crate::model::kms::KmsKey;
use crate::model::resource_policy::ResourcePolicy;
use crate::model::s3::{BucketPolicy, KeyRef, PublicAccessBlock, S3Bucket, SseAlgorithm};
use crate::model::{Inventory, Meta, PolicyDocument, Tri};
use crate::rules::Ctx;

/// Reads one flag of a public access block.
type Flag = fn(&PublicAccessBlock) -> &Tri<bool>;

/// One setting on both sides, normalised to text.
struct Setting {
    name: &'static str,
    terraform: Tri<String>,
    live: Tri<String>,
}

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let keys = Keys::new(&inv.kms_keys);
    for (live, tf) in pairs(&inv.s3_buckets, |b| &b.meta) {
        judge(ctx, &live.meta, &tf.meta, bucket(tf, live, &keys));
    }
    for (live, tf) in pairs(&inv.kms_keys, |k| &k.meta) {
        judge(ctx, &live.meta, &tf.meta, key(tf, live));
    }
    for (live, tf) in pairs(&inv.sqs_queues, |q| &q.meta) {
        let settings = vec![
            key_setting("KMS key", &tf.kms_key, &live.kms_key, &keys),
            declared(
                "SQS-managed encryption",
                &tf.sqs_managed_sse,
                &live.sqs_managed_sse,
            ),
            policy_setting(
                "queue policy statements",
                &attached_statements(&tf.meta, &tf.policies, |p: &ResourcePolicy| &p.document),
                &attached_statements(&live.meta, &live.policies, |p: &ResourcePolicy| &p.document),
            ),
        ];
        judge(ctx, &live.meta, &tf.meta, settings);
    }
    for (live, tf) in pairs(&inv.sns_topics, |t| &t.meta) {
        let settings = vec![
            key_setting("KMS key", &tf.kms_key, &live.kms_key, &keys),
            policy_setting(
                "topic policy statements",
                &attached_statements(&tf.meta, &tf.policies, |p: &ResourcePolicy| &p.document),
                &attached_statements(&live.meta, &live.policies, |p: &ResourcePolicy| &p.document),
            ),
        ];
        judge(ctx, &live.meta, &tf.meta, settings);
    }
    // In transit: what a listener serves and with which TLS policy.
    for (live, tf) in pairs(&inv.lb_listeners, |l| &l.meta) {
        let upper = |t: &Tri<String>| t.clone().map(|p| p.to_ascii_uppercase());
        let settings = vec![
            declared("protocol", &upper(&tf.protocol), &upper(&live.protocol)),
            declared("TLS policy", &tf.ssl_policy, &live.ssl_policy),
        ];
        judge(ctx, &live.meta, &tf.meta, settings);
    }
    for (live, tf) in pairs(&inv.db_instances, |d| &d.meta) {
        let settings = vec![
            declared(
                "storage encryption",
                &tf.storage_encrypted,
                &live.storage_encrypted,
            ),
            key_setting("KMS key", &tf.kms_key, &live.kms_key, &keys),
        ];
        judge(ctx, &live.meta, &tf.meta, settings);
    }
    for (live, tf) in pairs(&inv.dynamo_tables, |t| &t.meta) {
        let settings = vec![key_setting("KMS key", &tf.kms_key, &live.kms_key, &keys)];
        judge(ctx, &live.meta, &tf.meta, settings);
    }
}

/// Fail on the settings that differ, naming both values and the Terraform location;
/// unknown when none differs but some could not be compared; pass otherwise.
fn judge(ctx: &mut Ctx, live: &Meta, tf: &Meta, settings: Vec<Setting>) {
    let at = tf
        .location()
        .map(|l| format!("{} ({}:{})", tf.address, l.file, l.start_line))
        .unwrap_or_else(|| tf.address.clone());
    let mut drifted = Vec::new();
    let mut unknown = Vec::new();
    let mut compared = 0;
    for s in settings {
        match (&s.terraform, &s.live) {
            (Tri::Absent, _) => {}
            (Tri::Unknown(_), _) => {
                unknown.push(format!("{} (Terraform: known only after apply)", s.name))
            }
            (Tri::Known(_), Tri::Unknown(_)) => {
                unknown.push(format!("{} (live: could not be read)", s.name))
            }
            (Tri::Known(t), live) => {
                compared += 1;
                let l = match live {
                    Tri::Known(l) => l.as_str(),
                    _ => "not set",
                };
                if t != l {
                    drifted.push(format!("{}: Terraform declares {t}, live is {l}", s.name));
                }
            }
        }
    }
    if !drifted.is_empty() {
        ctx.fail(
            live,
            format!(
                "changed outside Terraform: {}; declared by {at}",
                drifted.join("; ")
            ),
        );
    } else if !unknown.is_empty() {
        ctx.unknown(
            live,
            format!("cannot compare with {at}: {}", unknown.join(", ")),
        );
    } else if compared > 0 {
        ctx.pass(live, format!("{compared} security setting(s) match {at}"));
    }
}

/// A setting compared only when Terraform declares it.
fn declared<T: ToString>(name: &'static str, tf: &Tri<T>, live: &Tri<T>) -> Setting {
    Setting {
        name,
        terraform: text(tf),
        live: text(live),
    }
}

fn text<T: ToString>(t: &Tri<T>) -> Tri<String> {
    match t {
        Tri::Known(v) => Tri::Known(v.to_string()),
        Tri::Unknown(gap) => Tri::Unknown(*gap),
        Tri::Absent => Tri::Absent,
    }
}

fn key_setting(name: &'static str, tf: &Tri<KeyRef>, live: &Tri<KeyRef>, keys: &Keys) -> Setting {
    let arn = |k: &Tri<KeyRef>| match k {
        Tri::Known(k) => keys.arn(k),
        Tri::Unknown(gap) => Tri::Unknown(*gap),
        Tri::Absent => Tri::Absent,
    };
    Setting {
        name,
        terraform: arn(tf),
        live: arn(live),
    }
}

fn bucket(tf: &S3Bucket, live: &S3Bucket, keys: &Keys) -> Vec<Setting> {
    let mut out = Vec::new();
    // Encryption: only when Terraform configures it.
    match &tf.encryption {
        Tri::Known(Some(e)) => {
            let live_enc =
                |f: &dyn Fn(&crate::model::s3::BucketEncryption) -> Tri<String>| match &live
                    .encryption
                {
                    Tri::Known(Some(l)) => f(l),
                    Tri::Known(None) | Tri::Absent => Tri::Absent,
                    Tri::Unknown(gap) => Tri::Unknown(*gap),
                };
            let alg = |e: &crate::model::s3::BucketEncryption| {
                e.algorithm.clone().map(|a| match a {
                    SseAlgorithm::SseS3 => "AES256".to_string(),
                    SseAlgorithm::SseKms => "aws:kms".to_string(),
                    SseAlgorithm::DsseKms => "aws:kms:dsse".to_string(),
                    SseAlgorithm::Other(o) => o,
                })
            };
            out.push(Setting {
                name: "default encryption",
                terraform: alg(e),
                live: live_enc(&alg),
            });
            let key = |e: &crate::model::s3::BucketEncryption| match &e.kms_key {
                Tri::Known(k) => keys.arn(k),
                Tri::Unknown(gap) => Tri::Unknown(*gap),
                Tri::Absent => Tri::Known("the default key".into()),
            };
            if e.algorithm.known().is_some_and(|a| a.uses_kms()) {
                out.push(Setting {
                    name: "encryption key",
                    terraform: key(e),
                    live: live_enc(&key),
                });
            }
        }
        Tri::Unknown(gap) => out.push(Setting {
            name: "default encryption",
            terraform: Tri::Unknown(*gap),
            live: Tri::Absent,
        }),
        Tri::Known(None) | Tri::Absent => {}
    }
    out.push(declared("versioning", &tf.versioning, &live.versioning));
    if let Tri::Known(Some(block)) = &tf.public_access_block {
        let flags: [(&'static str, Flag); 4] = [
            ("block_public_acls", |b| &b.block_public_acls),
            ("block_public_policy", |b| &b.block_public_policy),
            ("ignore_public_acls", |b| &b.ignore_public_acls),
            ("restrict_public_buckets", |b| &b.restrict_public_buckets),
        ];
        for (name, flag) in flags {
            let live_flag = match &live.public_access_block {
                Tri::Known(Some(l)) => flag(l).clone(),
                Tri::Known(None) | Tri::Absent => Tri::Known(false),
                Tri::Unknown(gap) => Tri::Unknown(*gap),
            };
            // The provider's default for each flag is false.
            let tf_flag = match flag(block) {
                Tri::Absent => Tri::Known(false),
                other => other.clone(),
            };
            out.push(declared(name, &tf_flag, &live_flag));
        }
    }
    out.push(policy_setting(
        "bucket policy statements",
        &attached_statements(&tf.meta, &tf.policies, |p: &BucketPolicy| &p.document),
        &attached_statements(&live.meta, &live.policies, |p: &BucketPolicy| &p.document),
    ));
    out
}

/// The statements of every policy attached to a resource (a bucket's, a queue's,
/// a topic's), as one sorted list: several Terraform policy resources may write one
/// live policy.
fn attached_statements<P>(
    owner: &Meta,
    p: &Tri<Vec<P>>,
    document: fn(&P) -> &Tri<PolicyDocument>,
) -> Tri<Vec<String>> {
    let Tri::Known(policies) = p else {
        return match p {
            Tri::Unknown(gap) => Tri::Unknown(*gap),
            _ => Tri::Absent,
        };
    };
    if policies.is_empty() {
        return Tri::Absent;
    }
    let mut all = Vec::new();
    for bp in policies {
        match document(bp) {
            Tri::Known(d) => match statements(d, owner.wording.gap) {
                Tri::Known(s) => all.extend(s),
                Tri::Unknown(gap) => return Tri::Unknown(gap),
                Tri::Absent => {}
            },
            Tri::Unknown(gap) => return Tri::Unknown(*gap),
            Tri::Absent => {}
        }
    }
    all.sort();
    Tri::Known(all)
}

/// Statements as a setting: equal sets compare equal; otherwise the live side says
/// which statements it has that Terraform does not (by Sid where there is one) and
/// how many of Terraform's it lacks.
fn policy_setting(name: &'static str, tf: &Tri<Vec<String>>, live: &Tri<Vec<String>>) -> Setting {
    let count = |n: usize| format!("{n} statement(s)");
    let (terraform, live) = match (tf, live) {
        (Tri::Known(t), Tri::Known(l)) if t == l => {
            (Tri::Known(count(t.len())), Tri::Known(count(l.len())))
        }
        (Tri::Known(t), Tri::Known(l)) => {
            let extra: Vec<String> = l
                .iter()
                .filter(|s| !t.contains(s))
                .map(|s| {
                    serde_json::from_str::<serde_json::Value>(s)
                        .ok()
                        .and_then(|v| v.get("sid")?.as_str().map(|x| format!("\"{x}\"")))
                        .unwrap_or_else(|| "without Sid".into())
                })
                .collect();
            let missing = t.iter().filter(|s| !l.contains(s)).count();
            let mut d = count(l.len());
            if !extra.is_empty() {
                d.push_str(&format!(
                    ", {} not in Terraform ({})",
                    extra.len(),
                    extra.join(", ")
                ));
            }
            if missing > 0 {
                d.push_str(&format!(", {missing} of Terraform's missing"));
            }
            (Tri::Known(count(t.len())), Tri::Known(d))
        }
        (Tri::Known(t), Tri::Absent) => {
            (Tri::Known(count(t.len())), Tri::Known("no policy".into()))
        }
        (Tri::Known(t), Tri::Unknown(gap)) => (Tri::Known(count(t.len())), Tri::Unknown(*gap)),
        (Tri::Unknown(gap), _) => (Tri::Unknown(*gap), Tri::Unknown(*gap)),
        (Tri::Absent, _) => (Tri::Absent, Tri::Absent),
    };
    Setting {
        name,
        terraform,
        live,
    }
}

fn key(tf: &KmsKey, live: &KmsKey) -> Vec<Setting> {
    // The provider creates keys without rotation and enabled unless told otherwise.
    let rotation = match &tf.rotation_enabled {
        Tri::Absent => Tri::Known(false),
        other => other.clone(),
    };
    let state = match &tf.key_state {
        Tri::Absent => Tri::Known("Enabled".to_string()),
        other => other.clone(),
    };
    let live_state = match &live.key_state {
        // Keys pending deletion or import are not what any Terraform declares.
        Tri::Known(s) => Tri::Known(s.clone()),
        other => other.clone(),
    };
    let policy = |k: &KmsKey| match &k.policy {
        Tri::Known(d) => statements(d, k.meta.wording.gap),
        Tri::Unknown(gap) => Tri::Unknown(*gap),
        Tri::Absent => Tri::Absent,
    };
    vec![
        declared("automatic rotation", &rotation, &live.rotation_enabled),
        declared("key state", &state, &live_state),
        policy_setting("key policy statements", &policy(tf), &policy(live)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::model::Gap;
    use crate::model::{Location, Origin, Wording};
    use crate::rules::RuleSettings;

    fn meta(address: &str, origin: Origin) -> Meta {
        Meta {
            address: address.into(),
            kind: "aws_kms_key".into(),
            arn: None,
            name: None,
            tags: Default::default(),
            classification: None,
            environment: None,
            origin,
            managed_by: None,
            wording: &Wording::LIVE,
        }
    }

    fn setting(terraform: Tri<String>, live: Tri<String>) -> Setting {
        Setting {
            name: "automatic rotation",
            terraform,
            live,
        }
    }

    /// One judgement of `settings`: status and message.
    fn judged(settings: Vec<Setting>) -> Option<(Status, String)> {
        let catalogue = crate::catalogue::catalogue().expect("catalogue");
        let rule = catalogue
            .iter()
            .find(|m| m.id == "DRIFT001")
            .expect("DRIFT001");
        let s = RuleSettings::default();
        let mut ctx = Ctx::new(&s, rule);
        let live = meta(
            "arn:aws:kms:eu-west-1:111111111111:key/k",
            Origin::Aws {
                account: None,
                region: "eu-west-1".into(),
                operation: "kms:DescribeKey".into(),
            },
        );
        let tf = meta(
            "aws_kms_key.k",
            Origin::Terraform {
                root: ".".into(),
                location: Location {
                    file: "main.tf".into(),
                    start_line: 4,
                    start_column: 1,
                    end_line: 7,
                    end_column: 2,
                },
                module_calls: Vec::new(),
            },
        );
        judge(&mut ctx, &live, &tf, settings);
        ctx.into_results()
            .first()
            .map(|f| (f.status, f.message.clone()))
    }

    #[test]
    fn differences_fail_unknowns_stay_unknown_and_undeclared_settings_are_skipped() {
        let t = |s: &str| Tri::Known(s.to_string());
        let (status, message) = judged(vec![setting(t("true"), t("false"))]).expect("a result");
        assert_eq!(status, Status::Fail);
        assert_eq!(
            message,
            "changed outside Terraform: automatic rotation: Terraform declares true, live is false; declared by aws_kms_key.k (main.tf:4)"
        );
        let (status, message) =
            judged(vec![setting(Tri::Unknown(Gap::BeforeApply), t("false"))]).expect("a result");
        assert_eq!(status, Status::Unknown);
        assert!(
            message.contains("(Terraform: known only after apply)"),
            "{message}"
        );
        assert_eq!(
            judged(vec![setting(t("true"), t("true"))]).map(|r| r.0),
            Some(Status::Pass)
        );
        // A setting Terraform leaves to the provider is not compared at all.
        assert_eq!(judged(vec![setting(Tri::Absent, t("false"))]), None);
    }
}
