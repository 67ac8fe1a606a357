//! RES001 on live state. moto answers GetBucketVersioning with the wrong XML root
//! (`GetBucketVersioningResponse` instead of `VersioningConfiguration`), which the SDK
//! rightly rejects; a proxy on 127.0.0.1 repairs that one answer into what AWS sends,
//! so the collector's parsing and the rule are tested on the real shape.

use super::moto::{options, tuning, Moto};
use super::proxy::{Fault, Proxy};
use aws_sdk_s3::types::{BucketVersioningStatus, Tag, Tagging, VersioningConfiguration};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classified_buckets_without_versioning_fail_live() {
    let moto = Moto::start();
    let s3 = moto.s3().await;
    for (bucket, versioning) in [
        ("kept", Some(BucketVersioningStatus::Enabled)),
        ("paused", Some(BucketVersioningStatus::Suspended)),
        ("never", None),
        ("scratch", None),
    ] {
        s3.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("bucket");
        if bucket != "scratch" {
            let tag = Tag::builder()
                .key("DataClassification")
                .value("confidential")
                .build()
                .expect("tag");
            s3.put_bucket_tagging()
                .bucket(bucket)
                .tagging(Tagging::builder().tag_set(tag).build().expect("tagging"))
                .send()
                .await
                .expect("tagging");
        }
        if let Some(status) = versioning {
            s3.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(VersioningConfiguration::builder().status(status).build())
                .send()
                .await
                .expect("versioning");
        }
    }
    let proxy = Proxy::start(
        moto.port,
        "s3",
        Fault::Rewrite("GetBucketVersioningResponse", "VersioningConfiguration"),
    )
    .await;
    let mut settings = soc2scan::config::Settings::default();
    settings.only_rules.insert("RES001".into());
    let outcome = run(&ScanRequest {
        settings,
        aws: Some(options(&proxy.url(), &["s3"])),
        aws_tuning: tuning(),
        ..ScanRequest::default()
    })
    .expect("scan");
    assert_eq!(proxy.injected(), 4, "every versioning answer was repaired");
    let gaps: Vec<&str> = outcome
        .report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("GetBucketVersioning"))
        .collect();
    assert!(gaps.is_empty(), "{gaps:#?}");
    let mut results: Vec<(String, Status)> = outcome
        .report
        .findings
        .iter()
        .map(|f| (f.resource.clone(), f.status))
        .collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        results,
        vec![
            ("arn:aws:s3:::kept".to_string(), Status::Pass),
            ("arn:aws:s3:::never".to_string(), Status::Fail),
            ("arn:aws:s3:::paused".to_string(), Status::Fail),
        ],
        "unclassified scratch gets no result; {:#?}",
        outcome.report.findings
    );
}
