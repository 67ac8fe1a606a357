//! IAM008-IAM014 judged on a swept moto account: the rules see live inventories the
//! way they see Terraform ones. Cases moto cannot produce (a root access key: its
//! credential report has no root row) are unit tests next to the rules.

use super::moto::{options, tuning, Moto, ACCOUNT};
use soc2scan::config::Settings;
use soc2scan::finding::Status;
use soc2scan::source::aws::sweep_tuned;

const PUBLIC_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-bucket/*"}]}"#;
const ORG_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-bucket/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123def4"}}},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::org-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
const QUEUE_PUBLIC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*"}]}"#;
const QUEUE_PINNED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:events"}}}]}"#;
const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#;

/// Users (console with and without MFA, an API user with an inline policy and a key,
/// a user who only belongs to a group), buckets (public policy, organisation-only
/// policy, public ACL) and queues (public, pinned to a topic) and a topic.
async fn seed(moto: &Moto) {
    let conf = moto.config().await;
    let iam = aws_sdk_iam::Client::new(&conf);
    for u in ["console-nomfa", "console-mfa", "api", "grouped"] {
        iam.create_user().user_name(u).send().await.expect("user");
    }
    for u in ["console-nomfa", "console-mfa"] {
        iam.create_login_profile()
            .user_name(u)
            .password("Correct-Horse-9")
            .send()
            .await
            .expect("login profile");
    }
    let mfa = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("console-mfa")
        .send()
        .await
        .expect("mfa device");
    let serial = mfa
        .virtual_mfa_device()
        .map(|d| d.serial_number().to_string())
        .expect("serial");
    iam.enable_mfa_device()
        .user_name("console-mfa")
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .expect("enable mfa");
    iam.put_user_policy()
        .user_name("api")
        .policy_name("send")
        .policy_document(INLINE)
        .send()
        .await
        .expect("inline policy");
    iam.create_access_key()
        .user_name("api")
        .send()
        .await
        .expect("access key");
    iam.create_group()
        .group_name("readers")
        .send()
        .await
        .expect("group");
    iam.attach_group_policy()
        .group_name("readers")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .expect("group policy");
    iam.add_user_to_group()
        .group_name("readers")
        .user_name("grouped")
        .send()
        .await
        .expect("membership");

    let s3 = moto.s3().await;
    for b in ["public-bucket", "org-bucket", "acl-bucket"] {
        s3.create_bucket().bucket(b).send().await.expect("bucket");
    }
    for (b, p) in [("public-bucket", PUBLIC_READ), ("org-bucket", ORG_READ)] {
        s3.put_bucket_policy()
            .bucket(b)
            .policy(p)
            .send()
            .await
            .expect("policy");
    }
    s3.put_bucket_acl()
        .bucket("acl-bucket")
        .acl(aws_sdk_s3::types::BucketCannedAcl::PublicRead)
        .send()
        .await
        .expect("acl");
    s3.put_public_access_block()
        .bucket("org-bucket")
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("public access block");

    let sqs = aws_sdk_sqs::Client::new(&conf);
    use aws_sdk_sqs::types::QueueAttributeName;
    for (q, p) in [
        ("public-queue", Some(QUEUE_PUBLIC)),
        ("pinned-queue", Some(QUEUE_PINNED)),
        ("plain-queue", None),
    ] {
        let mut req = sqs.create_queue().queue_name(q);
        if let Some(p) = p {
            req = req.attributes(QueueAttributeName::Policy, p);
        }
        req.send().await.expect("queue");
    }
    let sns = aws_sdk_sns::Client::new(&conf);
    sns.create_topic()
        .name("events")
        .send()
        .await
        .expect("topic");
}

/// `(rule, resource suffix) -> status` for every result of the IAM008-IAM014 rules.
fn results(findings: &[soc2scan::finding::Finding]) -> Vec<(String, String, Status)> {
    let mut out: Vec<(String, String, Status)> = findings
        .iter()
        .map(|f| {
            let tail = f
                .resource
                .rsplit([':', '/'])
                .next()
                .unwrap_or(&f.resource)
                .to_string();
            (f.rule_id.to_string(), tail, f.status)
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

fn status_of(all: &[(String, String, Status)], rule: &str, tail: &str) -> Status {
    let found: Vec<Status> = all
        .iter()
        .filter(|(r, t, _)| r == rule && t == tail)
        .map(|(_, _, s)| *s)
        .collect();
    assert_eq!(found.len(), 1, "{rule} {tail}: {all:#?}");
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_rules_judge_a_swept_account() {
    let moto = Moto::start();
    seed(&moto).await;
    let swept = sweep_tuned(
        &options(&moto.url(), &["s3", "iam", "sqs", "sns"]),
        &tuning(),
    )
    .await
    .expect("sweep");
    let mut settings = Settings::default();
    for id in [
        "IAM008", "IAM009", "IAM010", "IAM011", "IAM012", "IAM013", "IAM014",
    ] {
        settings.only_rules.insert(id.to_string());
    }
    let today = chrono::Utc::now().date_naive();
    settings.rules.today = Some(today);
    let findings = soc2scan::rules::run(&swept.inventory, &settings.rules, &|m| {
        settings.rule_enabled(m)
    })
    .expect("rules");
    let all = results(&findings);

    // IAM008: the inline policy of "api"; "grouped" gets its permissions from a group.
    assert_eq!(status_of(&all, "IAM008", "api"), Status::Fail);
    assert_eq!(status_of(&all, "IAM008", "grouped"), Status::Pass);
    assert_eq!(status_of(&all, "IAM008", "console-mfa"), Status::Pass);

    // IAM009: the key was created today.
    let key: Vec<&(String, String, Status)> = all.iter().filter(|(r, ..)| r == "IAM009").collect();
    assert_eq!(key.len(), 1, "{all:#?}");
    assert_eq!(key[0].2, Status::Pass);

    // IAM010: moto's credential report has no root row: unknown, never a pass.
    let root: Vec<&(String, String, Status)> = all.iter().filter(|(r, ..)| r == "IAM010").collect();
    assert_eq!(root.len(), 1, "{all:#?}");
    assert_eq!(root[0].2, Status::Unknown);

    // IAM011: console users from the credential report.
    assert_eq!(status_of(&all, "IAM011", "console-nomfa"), Status::Fail);
    assert_eq!(status_of(&all, "IAM011", "console-mfa"), Status::Pass);
    assert_eq!(status_of(&all, "IAM011", "api"), Status::Pass);

    // IAM012: an organisation-only policy (with a Deny to everyone) passes; a public
    // policy or ACL fails: the account has no public access block (S3 Control answers
    // NoSuchPublicAccessBlockConfiguration) that could neutralise it.
    assert_eq!(status_of(&all, "IAM012", "public-bucket"), Status::Fail);
    assert_eq!(status_of(&all, "IAM012", "acl-bucket"), Status::Fail);
    assert_eq!(status_of(&all, "IAM012", "org-bucket"), Status::Pass);

    // IAM013: the bucket's full block passes; without one, the account's block decides.
    assert_eq!(status_of(&all, "IAM013", "org-bucket"), Status::Pass);
    assert_eq!(status_of(&all, "IAM013", "public-bucket"), Status::Fail);

    // IAM014: SQS policies from GetQueueAttributes, SNS's default policy (pinned by
    // AWS:SourceOwner) from GetTopicAttributes.
    assert_eq!(status_of(&all, "IAM014", "public-queue"), Status::Fail);
    assert_eq!(status_of(&all, "IAM014", "pinned-queue"), Status::Pass);
    assert_eq!(status_of(&all, "IAM014", "plain-queue"), Status::Pass);
    assert_eq!(status_of(&all, "IAM014", "events"), Status::Pass);

    // With an account-wide block (read through S3 Control on the emulator, without
    // the account-id host prefix), the public grants are neutralised.
    moto.s3control()
        .await
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("account public access block");
    let blocked = sweep_tuned(&options(&moto.url(), &["s3"]), &tuning())
        .await
        .expect("sweep");
    assert!(
        !blocked.gaps.iter().any(|g| g.message.contains("s3control")),
        "{:#?}",
        blocked.gaps
    );
    let with_block = results(
        &soc2scan::rules::run(&blocked.inventory, &settings.rules, &|m| {
            settings.rule_enabled(m)
        })
        .expect("rules"),
    );
    for bucket in ["public-bucket", "acl-bucket", "org-bucket"] {
        assert_eq!(
            status_of(&with_block, "IAM012", bucket),
            Status::Pass,
            "{bucket}"
        );
        assert_eq!(
            status_of(&with_block, "IAM013", bucket),
            Status::Pass,
            "{bucket}"
        );
    }

    // The same key judged 200 days later is stale.
    settings.rules.today = today.checked_add_days(chrono::Days::new(200));
    settings.only_rules = ["IAM009".to_string()].into_iter().collect();
    let later = soc2scan::rules::run(&swept.inventory, &settings.rules, &|m| {
        settings.rule_enabled(m)
    })
    .expect("rules");
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].status, Status::Fail, "{}", later[0].message);
    assert!(
        later[0].message.contains("200 days ago"),
        "{}",
        later[0].message
    );
}
