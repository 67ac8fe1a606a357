//! TLS001, KMS002, KMS003 and KMS005 judged on a swept moto account: bucket policies
//! from GetBucketPolicy, key policies from GetKeyPolicy, key states from DescribeKey,
//! and bucket default encryption naming keys by ARN and by alias ARN.

use super::moto::{options, tuning, Moto, ACCOUNT, REGION};
use soc2scan::config::Settings;
use soc2scan::finding::{Finding, Status};
use soc2scan::source::aws::sweep_tuned;

const TLS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::tls-bucket","arn:aws:s3:::tls-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
const GET_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TlsReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::http-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
const PUBLIC_KEY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
const ROLE_ADMIN_KEY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Sid":"OpsAdmin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ops"},"Action":"kms:*","Resource":"*"}]}"#;

/// Key ids by role in the test: active, disabled, doomed (scheduled for deletion),
/// spare (disabled, unused), public (public policy), role-admin (kms:* to a role).
struct Keys {
    active: String,
    disabled: String,
    doomed: String,
    spare: String,
    public: String,
    role_admin: String,
}

async fn seed(moto: &Moto) -> Keys {
    let conf = moto.config().await;
    let kms = aws_sdk_kms::Client::new(&conf);
    let mut ids = Vec::new();
    for (name, policy) in [
        ("active", None),
        ("disabled", None),
        ("doomed", None),
        ("spare", None),
        ("public", Some(PUBLIC_KEY)),
        ("role-admin", Some(ROLE_ADMIN_KEY)),
    ] {
        let out = kms
            .create_key()
            .description(name)
            .set_policy(policy.map(str::to_string))
            .send()
            .await
            .expect("create key");
        let id = out
            .key_metadata()
            .map(|m| m.key_id().to_string())
            .expect("key id");
        ids.push(id);
    }
    let keys = Keys {
        active: ids[0].clone(),
        disabled: ids[1].clone(),
        doomed: ids[2].clone(),
        spare: ids[3].clone(),
        public: ids[4].clone(),
        role_admin: ids[5].clone(),
    };
    kms.create_alias()
        .alias_name("alias/doomed")
        .target_key_id(&keys.doomed)
        .send()
        .await
        .expect("alias");

    let s3 = moto.s3().await;
    use aws_sdk_s3::types::*;
    let key_arn = |id: &str| format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}");
    for (bucket, key, policy) in [
        ("tls-bucket", key_arn(&keys.active), Some(TLS_ONLY)),
        ("http-bucket", key_arn(&keys.disabled), Some(GET_ONLY)),
        (
            "plain-bucket",
            format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/doomed"),
            None,
        ),
    ] {
        s3.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("bucket");
        s3.put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(
                        ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                ServerSideEncryptionByDefault::builder()
                                    .sse_algorithm(ServerSideEncryption::AwsKms)
                                    .kms_master_key_id(key)
                                    .build()
                                    .expect("sse"),
                            )
                            .build(),
                    )
                    .build()
                    .expect("sse config"),
            )
            .send()
            .await
            .expect("encryption");
        if let Some(p) = policy {
            s3.put_bucket_policy()
                .bucket(bucket)
                .policy(p)
                .send()
                .await
                .expect("policy");
        }
    }

    // Disable and schedule deletion after the buckets point at the keys, as happens
    // when a key that "looks unused" is cleaned up.
    for id in [&keys.disabled, &keys.spare] {
        kms.disable_key().key_id(id).send().await.expect("disable");
    }
    kms.schedule_key_deletion()
        .key_id(&keys.doomed)
        .pending_window_in_days(7)
        .send()
        .await
        .expect("schedule deletion");
    keys
}

/// The one result of `rule` for the resource whose ARN ends with `tail`.
fn result<'a>(findings: &'a [Finding], rule: &str, tail: &str) -> &'a Finding {
    let found: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule_id == rule && f.resource.rsplit([':', '/']).next() == Some(tail))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{rule} {tail}: {:#?}",
        findings
            .iter()
            .map(|f| (f.rule_id, &f.resource, f.status, &f.message))
            .collect::<Vec<_>>()
    );
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_and_s3_rules_judge_a_swept_account() {
    let moto = Moto::start();
    let keys = seed(&moto).await;
    let swept = sweep_tuned(&options(&moto.url(), &["s3", "kms"]), &tuning())
        .await
        .expect("sweep");
    let mut settings = Settings::default();
    for id in ["TLS001", "KMS002", "KMS003", "KMS005"] {
        settings.only_rules.insert(id.to_string());
    }
    let findings = soc2scan::rules::run(&swept.inventory, &settings.rules, &|m| {
        settings.rule_enabled(m)
    })
    .expect("rules");

    // TLS001: the full deny passes; a deny of GetObject only and no policy fail.
    assert_eq!(
        result(&findings, "TLS001", "tls-bucket").status,
        Status::Pass
    );
    let http = result(&findings, "TLS001", "http-bucket");
    assert_eq!(http.status, Status::Fail);
    assert!(
        http.message
            .contains("statement \"TlsReads\" denies only s3:GetObject"),
        "{}",
        http.message
    );
    let plain = result(&findings, "TLS001", "plain-bucket");
    assert_eq!(plain.status, Status::Fail);
    assert!(
        plain.message.contains("no bucket policy"),
        "{}",
        plain.message
    );

    // KMS005: the disabled key and the key scheduled for deletion (named by its alias
    // ARN) still encrypt buckets; the unused disabled key and the active key pass.
    let disabled = result(&findings, "KMS005", &keys.disabled);
    assert_eq!(disabled.status, Status::Fail);
    assert!(
        disabled.message.contains("is disabled") && disabled.message.contains("http-bucket"),
        "{}",
        disabled.message
    );
    let doomed = result(&findings, "KMS005", &keys.doomed);
    assert_eq!(doomed.status, Status::Fail);
    assert!(
        doomed.message.contains("scheduled for deletion")
            && doomed.message.contains("plain-bucket"),
        "{}",
        doomed.message
    );
    assert_eq!(
        result(&findings, "KMS005", &keys.spare).status,
        Status::Pass
    );
    let active = result(&findings, "KMS005", &keys.active);
    assert_eq!(active.status, Status::Pass);
    assert!(active.message.contains("1 resource"), "{}", active.message);

    // KMS002 and KMS003 on GetKeyPolicy answers.
    let public = result(&findings, "KMS002", &keys.public);
    assert_eq!(public.status, Status::Fail);
    assert!(public.message.contains("\"Anyone\""), "{}", public.message);
    assert_eq!(
        result(&findings, "KMS002", &keys.active).status,
        Status::Pass
    );
    let admin = result(&findings, "KMS003", &keys.role_admin);
    assert_eq!(admin.status, Status::Fail);
    assert!(
        admin.message.contains("arn:aws:iam::123456789012:role/ops"),
        "{}",
        admin.message
    );
    assert_eq!(
        result(&findings, "KMS003", &keys.active).status,
        Status::Pass
    );
}
