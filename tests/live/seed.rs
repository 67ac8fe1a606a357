//! Seeds moto through the SDK (test clients, without the read-only guard) and
//! returns the random ids moto generated, with stable names for them.

use super::moto::Moto;

pub type Names = Vec<(String, String)>;

pub const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
pub const S3_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#;
pub const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#;
pub const TLS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

/// S3, KMS and IAM: two buckets (one configured in every way, one bare), two keys
/// (one rotating with an alias, one disabled), and IAM principals with managed,
/// inline and AWS-managed policies and an access key.
pub async fn core(moto: &Moto) -> Names {
    let conf = moto.config().await;
    let mut names = Names::new();

    let kms = aws_sdk_kms::Client::new(&conf);
    let data = kms
        .create_key()
        .description("data")
        .tags(
            aws_sdk_kms::types::Tag::builder()
                .tag_key("Environment")
                .tag_value("prod")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("create key");
    let data = data.key_metadata().expect("metadata");
    let data_id = data.key_id().to_string();
    let data_arn = data.arn().expect("arn").to_string();
    kms.enable_key_rotation()
        .key_id(&data_id)
        .send()
        .await
        .expect("rotation");
    kms.create_alias()
        .alias_name("alias/data")
        .target_key_id(&data_id)
        .send()
        .await
        .expect("alias");
    let old = kms.create_key().send().await.expect("create key");
    let old_id = old.key_metadata().expect("metadata").key_id().to_string();
    kms.disable_key()
        .key_id(&old_id)
        .send()
        .await
        .expect("disable");
    names.push((data_id, "<key-data>".into()));
    names.push((old_id, "<key-disabled>".into()));

    let s3 = moto.s3().await;
    use aws_sdk_s3::types::*;
    for b in ["data-bucket", "plain-bucket"] {
        s3.create_bucket().bucket(b).send().await.expect("bucket");
    }
    s3.put_bucket_encryption()
        .bucket("data-bucket")
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(&data_arn)
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
    s3.put_bucket_policy()
        .bucket("data-bucket")
        .policy(TLS_ONLY)
        .send()
        .await
        .expect("policy");
    s3.put_public_access_block()
        .bucket("data-bucket")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("public access block");
    s3.put_bucket_versioning()
        .bucket("data-bucket")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    s3.put_bucket_tagging()
        .bucket("data-bucket")
        .tagging(
            Tagging::builder()
                .tag_set(
                    Tag::builder()
                        .key("DataClassification")
                        .value("confidential")
                        .build()
                        .expect("tag"),
                )
                .build()
                .expect("tagging"),
        )
        .send()
        .await
        .expect("tags");

    let iam = aws_sdk_iam::Client::new(&conf);
    let admin = iam
        .create_policy()
        .policy_name("admin-all")
        .policy_document(ADMIN)
        .send()
        .await
        .expect("policy");
    let admin_arn = admin
        .policy()
        .and_then(|p| p.arn())
        .expect("arn")
        .to_string();
    iam.create_role()
        .role_name("deployer")
        .assume_role_policy_document(TRUST)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("Environment")
                .value("prod")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("role");
    iam.put_role_policy()
        .role_name("deployer")
        .policy_name("s3-read")
        .policy_document(S3_READ)
        .send()
        .await
        .expect("role policy");
    for arn in [admin_arn.as_str(), "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
        iam.attach_role_policy()
            .role_name("deployer")
            .policy_arn(arn)
            .send()
            .await
            .expect("attach");
    }
    iam.create_group()
        .group_name("ops")
        .send()
        .await
        .expect("group");
    iam.put_group_policy()
        .group_name("ops")
        .policy_name("ops-read")
        .policy_document(S3_READ)
        .send()
        .await
        .expect("group policy");
    iam.create_user()
        .user_name("alice")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("platform")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("user");
    iam.add_user_to_group()
        .group_name("ops")
        .user_name("alice")
        .send()
        .await
        .expect("membership");
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("alice-inline")
        .policy_document(S3_READ)
        .send()
        .await
        .expect("user policy");
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&admin_arn)
        .send()
        .await
        .expect("attach");
    let key = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("access key");
    let key_id = key.access_key().expect("key").access_key_id().to_string();
    names.push((key_id, "<alice-key>".into()));
    names
}
