//! `--download-modules`: a module registry and a git server on 127.0.0.1, started by
//! the tests, hand out real module code; the scan judges the resources inside.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// One request as the test server saw it.
#[derive(Clone, Debug)]
struct Request {
    path: String,
    authorization: Option<String>,
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn json(v: serde_json::Value) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: v.to_string().into_bytes(),
        }
    }
    fn status(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// An HTTP server on 127.0.0.1 that records every request. Its thread serves until
/// the test binary exits.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start(handler: Box<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(req) = serve(stream, &*handler) {
                    seen.lock().expect("log").push(req);
                }
            }
        });
        Server { port, log }
    }

    fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }
}

fn serve(mut stream: TcpStream, handler: &Handler) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.lines();
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim().to_string());
    let req = Request {
        path,
        authorization,
    };
    let resp = handler(&req);
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&resp.body);
    Some(req)
}

/// A directory as a `.tar.gz`, the way registries serve module packages.
fn tar_gz(dir: &Path) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(enc);
    tar.append_dir_all(".", dir).expect("tar");
    tar.into_inner().expect("tar").finish().expect("gzip")
}

/// A registry serving one module under `module` (`NS/NAME/PROVIDER`) in `versions`,
/// every version the package at `dir`. With `token`, every API call needs it.
fn registry(module: &str, versions: &[&str], dir: &Path, token: Option<&str>) -> Server {
    let archive = tar_gz(dir);
    let module = module.to_string();
    let versions: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
    let token = token.map(|t| format!("Bearer {t}"));
    Server::start(Box::new(move |req: &Request| {
        let path = req.path.as_str();
        if path == "/.well-known/terraform.json" {
            return Response::json(serde_json::json!({"modules.v1": "/api/modules/"}));
        }
        if path == "/archive/module.tar.gz" {
            return Response {
                status: 200,
                headers: Vec::new(),
                body: archive.clone(),
            };
        }
        if token.is_some() && req.authorization != token {
            return Response::status(401);
        }
        let Some(rest) = path
            .strip_prefix("/api/modules/")
            .and_then(|r| r.strip_prefix(module.as_str()))
        else {
            return Response::status(404);
        };
        if rest == "/versions" {
            let list: Vec<_> = versions
                .iter()
                .map(|v| serde_json::json!({"version": v}))
                .collect();
            return Response::json(serde_json::json!({"modules": [{"versions": list}]}));
        }
        match rest
            .strip_prefix('/')
            .and_then(|r| r.strip_suffix("/download"))
        {
            Some(v) if versions.iter().any(|x| x == v) => Response {
                status: 204,
                headers: vec![("X-Terraform-Get", "/archive/module.tar.gz".into())],
                body: Vec::new(),
            },
            _ => Response::status(404),
        }
    }))
}

/// A Terraform CLI configuration pointing `registry.terraform.io` at `port`.
fn cli_config(dir: &Path, port: u16, extra: &str) -> PathBuf {
    let path = dir.join("terraformrc");
    std::fs::write(
        &path,
        format!(
            "host \"registry.terraform.io\" {{\n  services = {{\n    \"modules.v1\" = \"http://127.0.0.1:{port}/api/modules/\"\n  }}\n}}\n{extra}"
        ),
    )
    .expect("write terraformrc");
    path
}

struct Scan {
    output: Output,
    report: serde_json::Value,
}

impl Scan {
    /// `(rule, resource, status)` of every result.
    fn results(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<_> = self.report["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
                (s("rule_id"), s("resource"), s("status"))
            })
            .collect();
        out.sort();
        out
    }

    fn diagnostics(&self) -> String {
        self.report["diagnostics"].to_string()
    }
}

/// Scan `root` with `--download-modules`, the given CLI configuration and cache.
fn scan(root: &Path, config: &Path, cache: &Path, extra: &[&str]) -> Scan {
    let output = Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args([
            "scan",
            "--download-modules",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .args(extra)
        .arg(root)
        .env("TF_CLI_CONFIG_FILE", config)
        .env("XDG_CACHE_HOME", cache)
        .env("HOME", cache)
        .output()
        .expect("run soc2scan");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "json output: {e}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Scan { output, report }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

/// A small module of our own: one bucket whose TLS deny is an input.
fn bucket_module(dir: &Path) {
    std::fs::create_dir_all(dir.join("modules/inner")).expect("mkdir");
    write(
        dir,
        "main.tf",
        "variable \"name\" {}\nmodule \"inner\" {\n  source = \"./modules/inner\"\n  name   = var.name\n}\n",
    );
    write(
        &dir.join("modules/inner"),
        "main.tf",
        "variable \"name\" {}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\nresource \"aws_s3_bucket_policy\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  policy = file(\"${path.module}/policy.json\")\n}\n",
    );
    write(
        &dir.join("modules/inner"),
        "policy.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
    );
}

#[test]
fn registry_module_with_subdir_is_downloaded_judged_and_cached() {
    let work = tempfile::tempdir().expect("tmp");
    let package = work.path().join("package");
    bucket_module(&package);
    let server = registry(
        "acme/bucket/aws",
        &["1.0.0", "1.4.2", "2.0.0"],
        &package,
        None,
    );
    let config = cli_config(work.path(), server.port, "");
    let root = work.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    write(
        &root,
        "main.tf",
        "module \"assets\" {\n  source  = \"acme/bucket/aws//modules/inner\"\n  version = \"~> 1.2\"\n  name    = \"acme-assets\"\n}\n",
    );
    let cache = work.path().join("cache");
    let first = scan(&root, &config, &cache, &["--rule", "IAM012"]);
    assert_eq!(first.diagnostics(), "[]");
    assert_eq!(
        first.results(),
        vec![(
            "IAM012".to_string(),
            "module.assets.aws_s3_bucket.this".to_string(),
            "fail".to_string()
        )]
    );
    // The newest version matching ~> 1.2 was downloaded.
    assert_eq!(
        server.requests(),
        [
            "/api/modules/acme/bucket/aws/versions",
            "/api/modules/acme/bucket/aws/1.4.2/download",
            "/archive/module.tar.gz"
        ]
    );
    // Files inside the package are shown after the package and version.
    assert!(
        first
            .report
            .to_string()
            .contains("acme/bucket/aws@1.4.2/modules/inner/main.tf"),
        "{}",
        first.report
    );
    // A second scan is served from the cache: no request at all.
    let second = scan(&root, &config, &cache, &["--rule", "IAM012"]);
    assert_eq!(second.results(), first.results());
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn corpus_module_under_its_registry_address_is_judged_inside() {
    let corpus =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/terraform-aws-s3-bucket");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let work = tempfile::tempdir().expect("tmp");
    let server = registry(
        "terraform-aws-modules/s3-bucket/aws",
        &["4.1.2"],
        &corpus,
        None,
    );
    let config = cli_config(work.path(), server.port, "");
    let root = work.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    write(
        &root,
        "main.tf",
        r#"module "data" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = ">= 4.0"
  bucket  = "acme-data"
  attach_deny_insecure_transport_policy = false
  block_public_policy                   = false
}
"#,
    );
    let s = scan(
        &root,
        &config,
        &work.path().join("cache"),
        &["--rule", "TLS001", "--rule", "IAM013", "--rule", "ENC001"],
    );
    assert_eq!(s.diagnostics(), "[]");
    let got: Vec<(String, String, String)> = s.results();
    let want: Vec<(String, String, String)> = [
        // The module creates its SSE configuration only when the caller passes
        // `server_side_encryption_configuration` (count = length(keys(...)) > 0).
        ("ENC001", "module.data.aws_s3_bucket.this[0]", "fail"),
        ("IAM013", "module.data.aws_s3_bucket.this[0]", "fail"),
        ("TLS001", "module.data.aws_s3_bucket.this[0]", "fail"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn service_discovery_and_credentials_for_a_private_registry() {
    let work = tempfile::tempdir().expect("tmp");
    let package = work.path().join("package");
    bucket_module(&package);
    let server = registry("acme/bucket/aws", &["1.0.0"], &package, Some("s3cr3t"));
    let host = format!("127.0.0.1:{}", server.port);
    let root = work.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    write(
        &root,
        "main.tf",
        &format!("module \"assets\" {{\n  source = \"{host}/acme/bucket/aws//modules/inner\"\n  name   = \"acme-assets\"\n}}\n"),
    );
    // Without the token the registry refuses, and the diagnostic says why.
    let config = work.path().join("none.tfrc");
    write(work.path(), "none.tfrc", "");
    let refused = scan(
        &root,
        &config,
        &work.path().join("c1"),
        &["--rule", "IAM012"],
    );
    assert_eq!(refused.output.status.code(), Some(3));
    let d = refused.diagnostics();
    assert!(
        d.contains("module \\\"assets\\\"") && d.contains("401") && d.contains("credentials"),
        "{d}"
    );
    assert!(refused.results().is_empty());
    // With a credentials block the same scan succeeds.
    write(
        work.path(),
        "token.tfrc",
        &format!("credentials \"{host}\" {{\n  token = \"s3cr3t\"\n}}\n"),
    );
    let ok = scan(
        &root,
        &work.path().join("token.tfrc"),
        &work.path().join("c2"),
        &["--rule", "IAM012"],
    );
    assert_eq!(ok.diagnostics(), "[]");
    assert_eq!(ok.results().len(), 1);
    assert!(server
        .requests()
        .contains(&"/.well-known/terraform.json".to_string()));
}

#[test]
fn unreachable_registry_and_unknown_module_are_diagnostics_and_the_rest_runs() {
    let work = tempfile::tempdir().expect("tmp");
    // A port nothing listens on: bind, then close.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let config = cli_config(work.path(), port, "");
    let root = work.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    write(
        &root,
        "main.tf",
        "module \"gone\" {\n  source  = \"acme/gone/aws\"\n  version = \"1.0.0\"\n}\nresource \"aws_s3_bucket\" \"local\" {\n  bucket = \"acme-local\"\n}\n",
    );
    let s = scan(
        &root,
        &config,
        &work.path().join("cache"),
        &["--rule", "ENC001"],
    );
    assert_eq!(s.output.status.code(), Some(3));
    let d = s.diagnostics();
    assert!(
        d.contains("unresolved-module")
            && d.contains("module \\\"gone\\\"")
            && d.contains("acme/gone/aws")
            && d.contains(&format!("127.0.0.1:{port}")),
        "{d}"
    );
    assert_eq!(
        s.results(),
        vec![(
            "ENC001".to_string(),
            "aws_s3_bucket.local".to_string(),
            "fail".to_string()
        )]
    );
}

/// `git daemon` serving `base` on a free port of 127.0.0.1; killed on drop.
struct GitDaemon(std::process::Child);

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn git_source_with_ref_and_subdir_over_git_daemon() {
    let work = tempfile::tempdir().expect("tmp");
    let repo = work.path().join("repos/net.git");
    bucket_module(&repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    git(&repo, &["tag", "v1.0.0"]);
    // A later commit on the branch that the tag must not pick up.
    std::fs::remove_file(repo.join("modules/inner/policy.json")).expect("rm");
    git(&repo, &["commit", "-q", "-am", "later"]);
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // `git daemon` would fork git-daemon and outlive a kill: start it directly.
    let exec_path = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    let exec_path = String::from_utf8_lossy(&exec_path.stdout)
        .trim()
        .to_string();
    let _daemon = GitDaemon(
        Command::new(Path::new(&exec_path).join("git-daemon"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .args([
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                "--export-all",
                "--reuseaddr",
                &format!("--base-path={}", work.path().join("repos").display()),
            ])
            .spawn()
            .expect("git daemon"),
    );
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let root = work.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    write(
        &root,
        "main.tf",
        &format!("module \"assets\" {{\n  source = \"git::git://127.0.0.1:{port}/net.git//modules/inner?ref=v1.0.0\"\n  name   = \"acme-assets\"\n}}\n"),
    );
    let config = work.path().join("empty.tfrc");
    write(work.path(), "empty.tfrc", "");
    let s = scan(
        &root,
        &config,
        &work.path().join("cache"),
        &["--rule", "IAM012"],
    );
    assert_eq!(s.diagnostics(), "[]");
    assert_eq!(
        s.results(),
        vec![(
            "IAM012".to_string(),
            "module.assets.aws_s3_bucket.this".to_string(),
            "fail".to_string()
        )]
    );
}
