//! A moto server per test, on 127.0.0.1 and a free port, with clients for seeding it
//! (tests write; only the product is read-only) and the options a sweep needs.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use soc2scan::source::aws::{AwsOptions, Tuning};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// A running moto server, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// Starts moto from `.venv` (made by `scripts/moto-venv.sh`). Fails the test, with
    /// what to run, when it is not installed: a live test must never pass by not
    /// running.
    pub fn start() -> Moto {
        let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
        assert!(
            bin.exists(),
            "moto is not installed: run `bash scripts/moto-venv.sh` (or `scripts/test.sh`) to create .venv with moto's server; the live AWS tests need it"
        );
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // AWS-managed policies exist only when asked for; tests attach one.
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if http(port, "GET", "/moto-api/").is_some_and(|r| r.starts_with("HTTP/1")) {
                return moto;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not answer on 127.0.0.1:{port} within 60s");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Configuration for the test's own (writing) clients.
    pub async fn config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .empty_test_environment()
            .region(Region::new(REGION))
            .endpoint_url(self.url())
            .credentials_provider(credentials())
            .load()
            .await
    }

    /// Configuration acting in `account`: moto places whatever the credentials of a
    /// role assumed there do in the role's account (the role need not exist).
    pub async fn config_in(&self, account: &str) -> SdkConfig {
        let sts = aws_sdk_sts::Client::new(&self.config().await);
        let creds = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/seed"))
            .role_session_name("seed")
            .send()
            .await
            .expect("assume role")
            .credentials
            .expect("credentials");
        aws_config::defaults(BehaviorVersion::latest())
            .empty_test_environment()
            .region(Region::new(REGION))
            .endpoint_url(self.url())
            .credentials_provider(Credentials::new(
                creds.access_key_id,
                creds.secret_access_key,
                Some(creds.session_token),
                None,
                "seed",
            ))
            .load()
            .await
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config().await)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// S3 Control addressed as the sweep addresses an emulator (no account-id host
    /// prefix).
    pub async fn s3control(&self) -> aws_sdk_s3control::Client {
        let conf = aws_sdk_s3control::config::Builder::from(&self.config().await)
            .endpoint_resolver(soc2scan::source::aws::client::FixedS3ControlEndpoint(
                self.url(),
            ))
            .build();
        aws_sdk_s3control::Client::from_conf(conf)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "soc2scan-tests")
}

/// Sweep options against `endpoint` (moto, or a proxy in front of it).
pub fn options(endpoint: &str, services: &[&str]) -> AwsOptions {
    AwsOptions {
        regions: vec![REGION.to_string()],
        endpoint_url: Some(endpoint.to_string()),
        services: services.iter().map(|s| s.to_string()).collect(),
        ..AwsOptions::default()
    }
}

/// Tuning for tests: injected credentials (tests share one process environment),
/// short backoffs and timeouts so fault tests stay fast.
pub fn tuning() -> Tuning {
    Tuning {
        credentials: Some(SharedCredentialsProvider::new(credentials())),
        attempt_timeout: Duration::from_secs(10),
        operation_timeout: Duration::from_secs(30),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        credential_report_wait: Duration::from_secs(10),
        ..Tuning::default()
    }
}

/// A port free at the time of asking: bind 127.0.0.1:0 and let it go.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// One plain HTTP/1.0 request; the whole answer, or `None` when nothing answered.
fn http(port: u16, method: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}
