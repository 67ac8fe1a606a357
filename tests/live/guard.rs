//! Read-only by construction: a client from the product's factory refuses a write
//! before anything reaches the endpoint, and lets a read through.

use super::moto::{options, tuning};
use soc2scan::source::aws::client::ClientFactory;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A listener that counts connections and answers every request with an empty
/// ListBuckets result.
async fn counting_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 16384];
                let _ = conn.read(&mut buf).await;
                let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>";
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = conn.write_all(resp.as_bytes()).await;
                let _ = conn.shutdown().await;
            });
        }
    });
    (url, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_refused_before_anything_is_sent() {
    let (url, connections) = counting_endpoint().await;
    let factory = ClientFactory::new(&options(&url, &[]), &tuning())
        .await
        .expect("factory");

    let s3 = factory.s3("us-east-1");
    let err = s3
        .create_bucket()
        .bucket("must-not-exist")
        .send()
        .await
        .expect_err("CreateBucket is refused");
    let text = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(text.contains("refused to send S3:CreateBucket"), "{text}");

    let iam = factory.iam("us-east-1");
    let err = iam
        .create_user()
        .user_name("intruder")
        .send()
        .await
        .expect_err("CreateUser is refused");
    let text = format!(
        "{}",
        aws_smithy_types::error::display::DisplayErrorContext(&err)
    );
    assert!(text.contains("refused to send IAM:CreateUser"), "{text}");

    let kms = factory.kms("us-east-1");
    kms.schedule_key_deletion()
        .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
        .send()
        .await
        .expect_err("ScheduleKeyDeletion is refused");

    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "a refused call reached the endpoint"
    );
    assert_eq!(factory.calls(), 0);

    s3.list_buckets()
        .send()
        .await
        .expect("ListBuckets is a read");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert_eq!(factory.calls(), 1);
}
