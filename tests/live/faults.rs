//! Faults injected between the sweep and moto: throttling that retries absorb,
//! AccessDenied, a response too slow for the timeout, a malformed response, and
//! missing credentials.

use super::moto::{options, tuning, Moto};
use super::proxy::{Fault, Proxy};
use super::sweep::gap_codes;
use super::{normalized, seed};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use soc2scan::model::Tri;
use soc2scan::source::aws::{sweep_tuned, AwsError, Tuning};
use std::time::Duration;

/// The sweep of s3, kms and iam through a proxy faulting `service`.
async fn through(
    fault: Fault,
    tuning: Tuning,
) -> (Moto, Proxy, soc2scan::source::aws::AwsSweep, seed::Names) {
    let moto = Moto::start();
    let names = seed::core(&moto).await;
    let proxy = Proxy::start(moto.port, "kms", fault).await;
    let swept = sweep_tuned(&options(&proxy.url(), &["s3", "kms", "iam"]), &tuning)
        .await
        .expect("sweep");
    (moto, proxy, swept, names)
}

/// The gaps every sweep of moto has (see `sweep::s3_kms_iam_inventory_is_exact`).
fn baseline_gaps() -> Vec<String> {
    vec![
        "s3:GetBucketVersioning bucket data-bucket MalformedResponse".to_string(),
        "s3:GetBucketVersioning bucket plain-bucket MalformedResponse".to_string(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_within_the_retries_leaves_no_gap() {
    let t = Tuning {
        max_attempts: 5,
        ..tuning()
    };
    let (_moto, proxy, swept, names) = through(Fault::Throttle(3), t).await;
    assert_eq!(proxy.injected(), 3);
    assert_eq!(gap_codes(&swept.gaps), baseline_gaps());
    let inv = normalized(&swept.inventory, &names);
    assert_eq!(inv["kms_keys"].as_array().map(Vec::len), Some(2));
    super::assert_expected("core", &inv);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_is_a_gap_and_other_services_complete() {
    let (_moto, proxy, swept, _) = through(Fault::Deny, tuning()).await;
    // AccessDenied is not retried: one ListKeys, then KMS is given up.
    assert_eq!(proxy.seen("kms"), 1);
    let mut expected = baseline_gaps();
    expected.insert(
        0,
        "kms:ListKeys the region AccessDeniedException".to_string(),
    );
    assert_eq!(gap_codes(&swept.gaps), expected);
    assert!(swept.inventory.kms_keys.is_empty());
    assert_eq!(swept.inventory.s3_buckets.len(), 2);
    assert_eq!(swept.inventory.iam_roles.len(), 1);
    // The gap names region and operation for the report.
    assert!(swept.gaps[0]
        .message
        .contains("kms:ListKeys failed in us-east-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_slower_than_the_timeout_is_a_gap() {
    let t = Tuning {
        attempt_timeout: Duration::from_millis(400),
        operation_timeout: Duration::from_secs(2),
        max_attempts: 2,
        ..tuning()
    };
    let (_moto, _proxy, swept, _) = through(Fault::Delay(Duration::from_secs(3)), t).await;
    let mut expected = baseline_gaps();
    expected.insert(0, "kms:ListKeys the region Timeout".to_string());
    assert_eq!(gap_codes(&swept.gaps), expected);
    assert!(swept.inventory.kms_keys.is_empty());
    assert_eq!(swept.inventory.s3_buckets.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_response_is_a_gap() {
    let (_moto, _proxy, swept, _) = through(Fault::Malformed, tuning()).await;
    let mut expected = baseline_gaps();
    expected.insert(0, "kms:ListKeys the region MalformedResponse".to_string());
    assert_eq!(gap_codes(&swept.gaps), expected);
    // A bucket whose KMS key could not be listed still has its own facts.
    let data = swept
        .inventory
        .s3_buckets
        .iter()
        .find(|b| b.bucket == Tri::Known("data-bucket".into()))
        .expect("data-bucket");
    assert!(data.encryption.is_known());
    assert!(data.versioning.is_unknown());
}

#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "no credentials anywhere (test)",
        )))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_stop_the_sweep() {
    // Nothing listens here: the sweep must stop before its first call.
    let url = format!("http://127.0.0.1:{}", super::moto::free_port());
    let t = Tuning {
        credentials: Some(SharedCredentialsProvider::new(NoCredentials)),
        ..tuning()
    };
    match sweep_tuned(&options(&url, &[]), &t).await {
        Err(AwsError::NoCredentials(detail)) => {
            assert!(detail.contains("no credentials anywhere"), "{detail}")
        }
        other => panic!("expected NoCredentials, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_service_is_a_usage_error() {
    let url = format!("http://127.0.0.1:{}", super::moto::free_port());
    match sweep_tuned(&options(&url, &["s3", "lambada"]), &tuning()).await {
        Err(AwsError::UnknownService(name)) => assert_eq!(name, "lambada"),
        other => panic!("expected UnknownService, got {other:?}"),
    }
}
