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

/// RDS, load balancers, DynamoDB, SQS, SNS and EC2.
pub async fn services(moto: &Moto) -> Names {
    let conf = moto.config().await;

    let ec2 = aws_sdk_ec2::Client::new(&conf);
    ec2.enable_ebs_encryption_by_default()
        .send()
        .await
        .expect("ebs default");
    let encrypted = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .encrypted(true)
        .send()
        .await
        .expect("volume");
    let plain = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .encrypted(false)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Volume)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("Environment")
                        .value("dev")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("volume");
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string();
    let mut subnets = Vec::new();
    for (cidr, az) in [("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")] {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(cidr)
            .availability_zone(az)
            .send()
            .await
            .expect("subnet");
        subnets.push(
            s.subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string(),
        );
    }

    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let lb = elbv2
        .create_load_balancer()
        .name("web")
        .set_subnets(Some(subnets.clone()))
        .tags(
            aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                .key("Environment")
                .value("prod")
                .build(),
        )
        .send()
        .await
        .expect("alb");
    let lb_arn = lb.load_balancers()[0]
        .load_balancer_arn()
        .expect("arn")
        .to_string();
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, FixedResponseActionConfig, ProtocolEnum, RedirectActionConfig,
        RedirectActionStatusCodeEnum,
    };
    elbv2
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Redirect)
                .redirect_config(
                    RedirectActionConfig::builder()
                        .protocol("HTTPS")
                        .port("443")
                        .status_code(RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("listener");
    elbv2
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::FixedResponse)
                .fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .status_code("200")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("listener");

    let elb = aws_sdk_elasticloadbalancing::Client::new(&conf);
    elb.create_load_balancer()
        .load_balancer_name("classic")
        .listeners(
            aws_sdk_elasticloadbalancing::types::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_port(8080)
                .build()
                .expect("listener"),
        )
        .availability_zones("us-east-1a")
        .send()
        .await
        .expect("classic elb");

    let rds = aws_sdk_rds::Client::new(&conf);
    rds.create_db_parameter_group()
        .db_parameter_group_name("pg-tls")
        .db_parameter_group_family("postgres16")
        .description("TLS only")
        .send()
        .await
        .expect("parameter group");
    rds.modify_db_parameter_group()
        .db_parameter_group_name("pg-tls")
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("rds.force_ssl")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .expect("parameter");
    rds.create_db_instance()
        .db_instance_identifier("orders")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .engine_version("16.3")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .allocated_storage(20)
        .storage_encrypted(true)
        .db_parameter_group_name("pg-tls")
        .backup_retention_period(7)
        .deletion_protection(true)
        .tags(
            aws_sdk_rds::types::Tag::builder()
                .key("DataClassification")
                .value("restricted")
                .build(),
        )
        .send()
        .await
        .expect("db instance");

    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        SseSpecification, SseType,
    };
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    for (name, sse) in [("events", true), ("cache", false)] {
        let mut req = ddb
            .create_table()
            .table_name(name)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .expect("attribute"),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .expect("key"),
            )
            .billing_mode(BillingMode::PayPerRequest);
        if sse {
            req = req.sse_specification(
                SseSpecification::builder()
                    .enabled(true)
                    .sse_type(SseType::Kms)
                    .kms_master_key_id("arn:aws:kms:us-east-1:123456789012:key/ddb-key")
                    .build(),
            );
        }
        req.send().await.expect("table");
    }

    use aws_sdk_sqs::types::QueueAttributeName;
    let sqs = aws_sdk_sqs::Client::new(&conf);
    sqs.create_queue()
        .queue_name("jobs")
        .attributes(QueueAttributeName::KmsMasterKeyId, "alias/jobs")
        .tags("Environment", "prod")
        .send()
        .await
        .expect("queue");
    sqs.create_queue()
        .queue_name("plain")
        .attributes(QueueAttributeName::SqsManagedSseEnabled, "false")
        .send()
        .await
        .expect("queue");

    let sns = aws_sdk_sns::Client::new(&conf);
    sns.create_topic()
        .name("alerts")
        .attributes("KmsMasterKeyId", "alias/aws/sns")
        .send()
        .await
        .expect("topic");
    sns.create_topic()
        .name("plain")
        .send()
        .await
        .expect("topic");

    vec![
        (
            encrypted.volume_id().expect("id").to_string(),
            "<vol-encrypted>".into(),
        ),
        (
            plain.volume_id().expect("id").to_string(),
            "<vol-plain>".into(),
        ),
    ]
}
