//! Environment separation on live state: moto serves several accounts (credentials
//! from an AssumeRole into an account act in that account), the sweep assumes a role
//! in the production account, and the configuration maps accounts to environments.

use super::moto::{tuning, Moto, REGION};
use aws_credential_types::provider::SharedCredentialsProvider;
use soc2scan::config::{CliOverrides, FileConfig, Settings};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use soc2scan::source::aws::AwsOptions;

const PROD: &str = "111111111111";
const STAGING: &str = "222222222222";
const DEV: &str = "333333333333";

const CONFIG: &str = r#"
[environments.prod]
accounts = ["111111111111"]
production = true

[environments.staging]
accounts = ["222222222222"]

[environments.dev]
accounts = ["333333333333"]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_reachable_from_other_accounts_is_found_live() {
    let moto = Moto::start();
    let prod = moto.config_in(PROD).await;
    let iam = aws_sdk_iam::Client::new(&prod);
    let trust = |account: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    for (name, account) in [("deploy-from-dev", DEV), ("deploy-from-prod", PROD)] {
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(trust(account))
            .send()
            .await
            .expect("create role");
    }
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&prod)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket("prod-reports")
        .send()
        .await
        .expect("bucket");
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{STAGING}:role/analyst"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-reports/*"}}]}}"#
    );
    s3.put_bucket_policy()
        .bucket("prod-reports")
        .policy(policy)
        .send()
        .await
        .expect("bucket policy");

    let file = FileConfig::parse(
        CONFIG,
        std::path::Path::new(".soc2scan.toml"),
        soc2scan::catalogue::catalogue().expect("catalogue"),
    )
    .expect("config");
    let cli = CliOverrides {
        only_rules: ["ENV001".to_string(), "ENV004".to_string()].into(),
        ..CliOverrides::default()
    };
    let mut tuned = tuning();
    tuned.credentials = Some(SharedCredentialsProvider::new(super::moto::credentials()));
    let outcome = run(&ScanRequest {
        settings: Settings::resolve(Some(&file), &cli),
        aws: Some(AwsOptions {
            regions: vec![REGION.to_string()],
            endpoint_url: Some(moto.url()),
            services: vec!["iam".into(), "s3".into()],
            assume_role: Some(format!("arn:aws:iam::{PROD}:role/audit")),
            ..AwsOptions::default()
        }),
        aws_tuning: tuned,
        ..ScanRequest::default()
    })
    .expect("scan");
    let live = outcome.report.stats.live.as_ref().expect("live stats");
    assert_eq!(live.account.as_deref(), Some(PROD));

    let mut results: Vec<(String, Status, String, String)> = outcome
        .report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass || f.resource.contains("deploy-from-prod"))
        .map(|f| {
            (
                f.rule_id.to_string(),
                f.status,
                f.resource.clone(),
                f.environment
                    .as_ref()
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    results.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    assert_eq!(
        results,
        vec![
            (
                "ENV001".to_string(),
                Status::Fail,
                format!("arn:aws:iam::{PROD}:role/deploy-from-dev"),
                "production".to_string()
            ),
            (
                "ENV001".to_string(),
                Status::Pass,
                format!("arn:aws:iam::{PROD}:role/deploy-from-prod"),
                "production".to_string()
            ),
            (
                "ENV004".to_string(),
                Status::Fail,
                "arn:aws:s3:::prod-reports".to_string(),
                "production".to_string()
            ),
        ],
        "{:#?}",
        outcome.report.findings
    );
}
