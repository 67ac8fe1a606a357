//! The `--aws` flags end to end: the binary sweeps a seeded moto account, alone and
//! alongside Terraform, and stops with exit 2 when there are no credentials.

use super::moto::{Moto, ACCOUNT, REGION};
use super::proxy::{Fault, Proxy};
use super::seed;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary with credentials and region in its own environment only, and no
/// shared config or instance metadata that could leak in from the machine.
fn soc2scan(args: &[&str], credentials: bool) -> Output {
    command(args, credentials).output().expect("soc2scan runs")
}

/// The command [`soc2scan`] runs, for tests that manage the child themselves.
fn command(args: &[&str], credentials: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_soc2scan"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent/soc2scan-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/soc2scan-test-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", REGION);
    if credentials {
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
    }
    cmd
}

fn report(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "json report: {e}\nstderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn results<'a>(r: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    r["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|x| x["rule_id"] == rule)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_sweep_alone_and_beside_terraform() {
    let moto = Moto::start();
    seed::core(&moto).await;
    let url = moto.url();
    let live = [
        "scan",
        "--aws",
        "--endpoint-url",
        &url,
        "--region",
        REGION,
        "--services",
        "s3,kms,iam",
        "-f",
        "json",
        "--fail-on",
        "none",
    ];

    // moto's known gaps (see sweep.rs) make the scan incomplete: exit 3, full report.
    let o = soc2scan(&live, true);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(&o);
    assert_eq!(r["stats"]["live"]["account"], ACCOUNT);
    assert_eq!(r["stats"]["live"]["gaps"], 2);
    assert!(r["stats"]["live"]["api_calls"].as_u64().unwrap_or(0) > 20);
    assert_eq!(
        r["stats"]["files"], 0,
        "no Terraform is read with --aws alone"
    );
    let kms001 = results(&r, "KMS001");
    let statuses: Vec<(&str, &str)> = kms001
        .iter()
        .map(|x| {
            (
                x["status"].as_str().unwrap_or(""),
                x["source"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 2, "{kms001:#?}");
    assert!(statuses.contains(&("pass", "aws")) && statuses.contains(&("fail", "aws")));
    for x in &kms001 {
        assert!(x["resource"]
            .as_str()
            .is_some_and(|a| a.starts_with(&format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/"))));
        assert_eq!(x["origin"]["account"], ACCOUNT);
        assert_eq!(x["origin"]["region"], REGION);
        assert!(x["origin"]["operation"]
            .as_str()
            .is_some_and(|op| op.starts_with("kms:")));
    }
    let gaps: Vec<&serde_json::Value> = r["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "collection-gap")
        .collect();
    assert_eq!(gaps.len(), 2, "{gaps:#?}");

    // --allow-incomplete gates on findings only.
    let mut allow = live.to_vec();
    allow.push("--allow-incomplete");
    assert_eq!(soc2scan(&allow, true).status.code(), Some(0));

    // Terraform and the account in one report.
    let o = soc2scan(
        &[
            "scan",
            "fixtures/terraform/KMS001",
            "--aws",
            "--endpoint-url",
            &url,
            "--region",
            REGION,
            "--services",
            "kms",
            "--rule",
            "KMS001",
            "-f",
            "json",
            "--fail-on",
            "none",
        ],
        true,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(&o);
    let sources: std::collections::BTreeSet<&str> = results(&r, "KMS001")
        .iter()
        .filter_map(|x| x["source"].as_str())
        .collect();
    assert_eq!(sources, ["aws", "terraform"].into());
    assert!(r["stats"]["files"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn missing_credentials_are_a_usage_error() {
    let o = soc2scan(
        &[
            "scan",
            "--aws",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            REGION,
        ],
        false,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no AWS credentials"), "{stderr}");
}

/// SIGINT or SIGTERM in the middle of a sweep: S3 answers through a proxy that holds
/// every request for a minute, the signal arrives once S3 was asked, and the run stops
/// without waiting for it. The report file is written whole, with what the other
/// collectors returned and S3 as an interrupted gap, and the exit is 3 even with
/// --allow-incomplete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_stops_the_sweep_and_keeps_what_was_collected() {
    let moto = Moto::start();
    seed::core(&moto).await;
    let held = Duration::from_secs(60);
    for signal in ["INT", "TERM"] {
        let proxy = Proxy::start(moto.port, "s3", Fault::Delay(held)).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("report.json");
        let url = proxy.url();
        let out_arg = format!("json={}", out.display());
        let child = command(
            &[
                "scan",
                "--aws",
                "--endpoint-url",
                &url,
                "--region",
                REGION,
                "--services",
                "s3,kms,iam",
                "-f",
                &out_arg,
                "--fail-on",
                "none",
                "--allow-incomplete",
            ],
            true,
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("soc2scan starts");
        // Signal once S3 was asked (and so is held), and KMS and IAM had time to answer.
        let asked = Instant::now();
        while proxy.seen("s3") == 0 && asked.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(proxy.seen("s3") > 0, "the sweep never asked S3");
        tokio::time::sleep(Duration::from_secs(2)).await;
        let sent = Instant::now();
        let kill = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(kill.success());
        let status = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .expect("wait")
            .expect("soc2scan exits");
        let stopped_after = sent.elapsed();
        eprintln!("SIG{signal}: the run ended {stopped_after:?} after the signal");
        let stderr = String::from_utf8_lossy(&status.stderr).to_string();
        assert!(
            stopped_after < held / 2,
            "SIG{signal}: waited {stopped_after:?} for the held S3 call"
        );
        assert_eq!(status.status.code(), Some(3), "SIG{signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        let text = std::fs::read_to_string(&out).expect("report written");
        let r: serde_json::Value = serde_json::from_str(&text).expect("whole JSON report");
        // Each live source records the interrupted collector as a gap.
        let interrupted: Vec<&serde_json::Value> = r["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .flat_map(|s| s["gaps"].as_array().into_iter().flatten())
            .filter(|g| g["error_class"] == "Interrupted")
            .collect();
        assert_eq!(interrupted.len(), 1, "{:#}", r["sources"]);
        assert_eq!(interrupted[0]["service"], "s3");
        assert!(interrupted[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("SIG{signal}"))));
        // What the finished collectors returned is judged.
        assert_eq!(results(&r, "KMS001").len(), 2);
        assert!(!results(&r, "IAM001").is_empty());
        assert!(results(&r, "ENC001").is_empty(), "no bucket was listed");
        assert!(
            std::fs::read_dir(dir.path())
                .expect("dir")
                .all(|e| e.is_ok_and(|e| e.file_name() == "report.json")),
            "no temp file left behind"
        );
    }
}
