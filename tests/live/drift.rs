//! DRIFT001 and DRIFT002 on a seeded moto account against Terraform (HCL and a v4
//! state) that claims other settings: rotation on while live is off, versioning
//! enabled while live is suspended, one bucket policy statement fewer than live; a
//! bucket nobody manages, one tagged and one configured as unmanaged on purpose, and a
//! service-linked role that is nobody's to manage. A suppression comment on the
//! Terraform resource applies to the live finding linked to it.

use super::moto::{options, tuning, Moto, ACCOUNT};
use super::proxy::{Fault, Proxy};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use soc2scan::source::terraform::document::{DocumentInput, Kind};
use std::fs;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TLS_ONLY: &str = r#"{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-app","arn:aws:s3:::acme-app/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
const EXTRA: &str = r#"{"Sid":"Extra","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-app/*"}"#;

const MAIN_TF: &str = r#"# soc2scan:ignore:DRIFT001 reason="the key's rotation is reviewed by the key owners"
resource "aws_kms_key" "app" {
  description         = "app"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "app" {
  bucket = "acme-app"
}

resource "aws_s3_bucket_versioning" "app" {
  bucket = aws_s3_bucket.app.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "app" {
  bucket = aws_s3_bucket.app.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.app.arn
    }
  }
}

resource "aws_s3_bucket_policy" "app" {
  bucket = aws_s3_bucket.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::acme-app", "arn:aws:s3:::acme-app/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
"#;

/// A v4 state of `MAIN_TF` as applied, with the key's real ARN.
fn state(key_arn: &str) -> String {
    let inst = |attrs: serde_json::Value| serde_json::json!({"schema_version": 0, "attributes": attrs, "sensitive_attributes": []});
    let res = |t: &str, attrs: serde_json::Value| {
        serde_json::json!({"mode": "managed", "type": t, "name": "app",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "instances": [inst(attrs)]})
    };
    serde_json::json!({
        "version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "drift-test", "outputs": {},
        "resources": [
            res("aws_kms_key", serde_json::json!({"arn": key_arn, "id": key_arn.rsplit('/').next(), "enable_key_rotation": true, "description": "app"})),
            res("aws_s3_bucket", serde_json::json!({"arn": "arn:aws:s3:::acme-app", "id": "acme-app", "bucket": "acme-app"})),
            res("aws_iam_role", serde_json::json!({"arn": format!("arn:aws:iam::{ACCOUNT}:role/app"), "id": "app", "name": "app"})),
        ]
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_and_unmanaged_resources_are_found_exactly() {
    let moto = Moto::start();
    let conf = moto.config().await;
    let kms = aws_sdk_kms::Client::new(&conf);
    let key = kms
        .create_key()
        .description("app")
        .send()
        .await
        .expect("key");
    let key_arn = key
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key arn")
        .to_string();
    kms.create_alias()
        .alias_name("alias/app")
        .target_key_id(&key_arn)
        .send()
        .await
        .expect("alias");
    let s3 = moto.s3().await;
    use aws_sdk_s3::types::*;
    for bucket in ["acme-app", "acme-handmade", "acme-scratch", "acme-legacy-1"] {
        s3.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("bucket");
    }
    s3.put_bucket_tagging()
        .bucket("acme-scratch")
        .tagging(
            Tagging::builder()
                .tag_set(
                    Tag::builder()
                        .key("soc2scan:unmanaged")
                        .value("scratch space for load tests")
                        .build()
                        .expect("tag"),
                )
                .build()
                .expect("tagging"),
        )
        .send()
        .await
        .expect("tagging");
    s3.put_bucket_versioning()
        .bucket("acme-app")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    s3.put_bucket_encryption()
        .bucket("acme-app")
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                // The alias of the key Terraform names by reference:
                                // the same key, so no drift.
                                .kms_master_key_id(format!(
                                    "arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"
                                ))
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
        .bucket("acme-app")
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{TLS_ONLY},{EXTRA}]}}"#
        ))
        .send()
        .await
        .expect("policy");
    let iam = aws_sdk_iam::Client::new(&conf);
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .expect("role");
    iam.create_role()
        .role_name("AWSServiceRoleForElasticLoadBalancing")
        .path("/aws-service-role/elasticloadbalancing.amazonaws.com/")
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .expect("service-linked role");

    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("main.tf"), MAIN_TF).expect("write");
    let state_path = dir.path().join("terraform.tfstate");
    fs::write(&state_path, state(&key_arn)).expect("write");

    // moto answers GetBucketVersioning with the wrong XML root; repair it (see
    // versioning.rs).
    let proxy = Proxy::start(
        moto.port,
        "s3",
        Fault::Rewrite("GetBucketVersioningResponse", "VersioningConfiguration"),
    )
    .await;
    let mut settings = soc2scan::config::Settings::default();
    settings.only_rules.insert("DRIFT001".into());
    settings.only_rules.insert("DRIFT002".into());
    // `[drift] unmanaged = ["arn:aws:s3:::acme-legacy-*"]`
    settings.rules.unmanaged = vec!["arn:aws:s3:::acme-legacy-*".into()];
    let mut globs = globset::GlobSetBuilder::new();
    globs.add(globset::Glob::new("arn:aws:s3:::acme-legacy-*").expect("glob"));
    settings.rules.unmanaged_globs = globs.build().expect("globs");
    let outcome = run(&ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        documents: vec![DocumentInput {
            path: state_path,
            kind: Some(Kind::State),
            source: None,
        }],
        settings,
        aws: Some(options(&proxy.url(), &["s3", "kms", "iam"])),
        aws_tuning: tuning(),
        ..ScanRequest::default()
    })
    .expect("scan");
    let mut results: Vec<(&str, String, Status)> = outcome
        .report
        .findings
        .iter()
        .map(|f| (f.rule_id, f.resource.clone(), f.status))
        .collect();
    results.sort();
    let role = format!("arn:aws:iam::{ACCOUNT}:role/app");
    let mut expected = vec![
        (
            "DRIFT001",
            "arn:aws:s3:::acme-app".to_string(),
            Status::Fail,
        ),
        // Suppressed by the comment on its Terraform resource.
        ("DRIFT001", key_arn.clone(), Status::Suppressed),
        (
            "DRIFT002",
            "arn:aws:s3:::acme-app".to_string(),
            Status::Pass,
        ),
        (
            "DRIFT002",
            "arn:aws:s3:::acme-handmade".to_string(),
            Status::Fail,
        ),
        (
            "DRIFT002",
            "arn:aws:s3:::acme-legacy-1".to_string(),
            Status::Pass,
        ),
        (
            "DRIFT002",
            "arn:aws:s3:::acme-scratch".to_string(),
            Status::Pass,
        ),
        ("DRIFT002", key_arn.clone(), Status::Pass),
        ("DRIFT002", role, Status::Pass),
    ];
    expected.sort();
    assert_eq!(
        results,
        expected,
        "{:#?}",
        outcome
            .report
            .findings
            .iter()
            .map(|f| (&f.resource, &f.message))
            .collect::<Vec<_>>()
    );
    let message = |rule: &str, resource: &str| {
        outcome
            .report
            .findings
            .iter()
            .find(|f| f.rule_id == rule && f.resource == resource)
            .map(|f| f.message.clone())
            .unwrap_or_default()
    };
    let bucket = message("DRIFT001", "arn:aws:s3:::acme-app");
    assert!(
        bucket.contains("versioning: Terraform declares Enabled, live is Suspended"),
        "{bucket}"
    );
    assert!(
        bucket.contains("bucket policy statements: Terraform declares 1 statement(s), live is 2 statement(s), 1 not in Terraform (\"Extra\")"),
        "{bucket}"
    );
    assert!(bucket.contains("aws_s3_bucket.app (main.tf:7)"), "{bucket}");
    assert!(!bucket.contains("encryption"), "{bucket}");
    assert_eq!(
        message("DRIFT002", "arn:aws:s3:::acme-legacy-1"),
        "unmanaged on purpose: config drift.unmanaged \"arn:aws:s3:::acme-legacy-*\""
    );
    assert_eq!(
        message("DRIFT002", "arn:aws:s3:::acme-scratch"),
        "unmanaged on purpose: tag soc2scan:unmanaged=scratch space for load tests"
    );
    let handmade = message("DRIFT002", "arn:aws:s3:::acme-handmade");
    assert!(handmade.contains("Terraform state records"), "{handmade}");
    let key_message = message("DRIFT001", &key_arn);
    assert!(
        key_message.contains("automatic rotation: Terraform declares true, live is false"),
        "{key_message}"
    );
    // Live findings sit on the Terraform that manages them.
    let f = outcome
        .report
        .findings
        .iter()
        .find(|f| f.rule_id == "DRIFT001" && f.resource == "arn:aws:s3:::acme-app")
        .expect("bucket drift");
    let link = f.managed_by.as_ref().expect("linked");
    assert_eq!(link.address, "aws_s3_bucket.app");
    assert_eq!(
        f.location().map(|l| (l.file.as_str(), l.start_line)),
        Some(("main.tf", 7))
    );
    // Every output names both: the JSON result, the table's location, SARIF's
    // physical location on the `.tf` line with the ARN as logical location.
    let catalogue = soc2scan::catalogue::catalogue().expect("catalogue");
    let render = |format: &str| {
        soc2scan::report::render(
            soc2scan::report::Format::parse(format).expect("format"),
            &outcome.report,
            catalogue,
            &soc2scan::report::RenderOptions::default(),
        )
    };
    let json: serde_json::Value = serde_json::from_str(&render("json")).expect("json");
    let result = json["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["rule_id"] == "DRIFT001" && r["resource"] == "arn:aws:s3:::acme-app")
        .expect("json result");
    assert_eq!(result["managed_by"]["address"], "aws_s3_bucket.app");
    assert_eq!(result["managed_by"]["location"]["file"], "main.tf");
    assert_eq!(result["origin"]["arn"], "arn:aws:s3:::acme-app");
    let junit = render("junit");
    assert!(
        junit.contains(
            "location: main.tf:7 (aws_s3_bucket.app); live in 123456789012 us-east-1 (s3:"
        ),
        "{junit}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&render("sarif")).expect("sarif");
    let loc = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| {
            r["ruleId"] == "DRIFT001" && r["properties"]["resource"] == "arn:aws:s3:::acme-app"
        })
        .map(|r| r["locations"][0].clone())
        .expect("sarif result");
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "main.tf"
    );
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 7);
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:s3:::acme-app"
    );
    // How the account is known to be Terraform's: the state's ARNs in it.
    let covered = outcome
        .inventory
        .terraform_accounts
        .get(ACCOUNT)
        .expect("covered");
    assert!(
        covered.contains(&format!("arn:aws:iam::{ACCOUNT}:role/app")) || covered.contains(&key_arn),
        "{covered}"
    );
}

/// `--state-from-backend`: the state comes from the S3 object the root's backend
/// names, read through the guarded client, and links the key by its ARN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_is_read_from_the_s3_backend() {
    let moto = Moto::start();
    let conf = moto.config().await;
    let kms = aws_sdk_kms::Client::new(&conf);
    let key_arn = kms
        .create_key()
        .description("app")
        .send()
        .await
        .expect("key")
        .key_metadata()
        .and_then(|m| m.arn())
        .expect("key arn")
        .to_string();
    let s3 = moto.s3().await;
    s3.create_bucket()
        .bucket("tf-state")
        .send()
        .await
        .expect("bucket");
    s3.put_object()
        .bucket("tf-state")
        .key("app/terraform.tfstate")
        .body(state(&key_arn).into_bytes().into())
        .send()
        .await
        .expect("state object");
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("main.tf"),
        "terraform {\n  backend \"s3\" {\n    bucket = \"tf-state\"\n    key    = \"app/terraform.tfstate\"\n    region = \"us-east-1\"\n  }\n}\n\nresource \"aws_kms_key\" \"app\" {\n  description         = \"app\"\n  enable_key_rotation = true\n}\n",
    )
    .expect("write");
    let mut settings = soc2scan::config::Settings::default();
    settings.only_rules.insert("DRIFT001".into());
    let outcome = run(&ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        state_from_backend: true,
        settings,
        aws: Some(options(&moto.url(), &["kms"])),
        aws_tuning: tuning(),
        ..ScanRequest::default()
    })
    .expect("scan");
    assert!(
        outcome.report.diagnostics.is_empty(),
        "{:#?}",
        outcome.report.diagnostics
    );
    let f = outcome
        .report
        .findings
        .iter()
        .find(|f| f.rule_id == "DRIFT001" && f.resource == key_arn)
        .expect("key drift");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    let by = &f.managed_by.as_ref().expect("linked").by;
    assert!(by.starts_with(&format!("ARN {key_arn}")), "{by}");
    assert_eq!(f.location().map(|l| l.start_line), Some(9));
}
