//! A fault-injecting HTTP proxy on 127.0.0.1 in front of moto. It reads each request,
//! names the service from the SigV4 credential scope, and for the chosen service
//! answers with a fault instead of (or before) forwarding. One request per
//! connection (`Connection: close` both ways) keeps it small.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Debug)]
pub enum Fault {
    /// The first `n` requests get a throttling error.
    Throttle(usize),
    /// Every request gets AccessDenied.
    Deny,
    /// Requests whose body contains this text get a query-protocol (XML)
    /// AccessDenied, as STS answers an AssumeRole the role's trust policy refuses.
    DenyQueryWith(&'static str),
    /// Every request is held this long before being forwarded.
    Delay(Duration),
    /// Every request gets a 200 whose body is not valid for the protocol.
    Malformed,
    /// Every answer is forwarded with this text replaced by that one: corrects an
    /// emulator's answer that real AWS gives right (not a fault, a repair).
    Rewrite(&'static str, &'static str),
}

pub struct Proxy {
    pub port: u16,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

struct State {
    upstream: u16,
    /// The SigV4 signing name of the faulted service (`kms`, `iam`, ...).
    service: String,
    fault: Fault,
    throttles_left: AtomicUsize,
    injected: AtomicUsize,
    /// Services of all requests seen, in order.
    seen: Mutex<Vec<String>>,
}

impl Proxy {
    /// JSON-protocol faults: use a service spoken in awsJson (kms, dynamodb, ...).
    pub async fn start(upstream: u16, service: &str, fault: Fault) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(State {
            upstream,
            service: service.to_string(),
            throttles_left: AtomicUsize::new(match fault {
                Fault::Throttle(n) => n,
                _ => 0,
            }),
            fault,
            injected: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let s = shared.clone();
                tokio::spawn(async move {
                    let _ = handle(conn, s).await;
                });
            }
        });
        Proxy { port, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Faults injected so far.
    pub fn injected(&self) -> usize {
        self.state.injected.load(Ordering::SeqCst)
    }

    /// Requests seen for `service`.
    pub fn seen(&self, service: &str) -> usize {
        self.state
            .seen
            .lock()
            .map(|s| s.iter().filter(|x| *x == service).count())
            .unwrap_or(0)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(mut conn: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let Some((head, body)) = read_request(&mut conn).await? else {
        return Ok(());
    };
    let service = signing_service(&head).unwrap_or_default();
    if let Ok(mut seen) = state.seen.lock() {
        seen.push(service.clone());
    }
    if service == state.service {
        let canned = match &state.fault {
            Fault::Throttle(_) => {
                let left = state.throttles_left.load(Ordering::SeqCst);
                if left > 0 {
                    state.throttles_left.store(left - 1, Ordering::SeqCst);
                    Some((
                        400,
                        r#"{"__type":"ThrottlingException","message":"Rate exceeded (injected)"}"#,
                    ))
                } else {
                    None
                }
            }
            Fault::Deny => Some((
                400,
                r#"{"__type":"AccessDeniedException","message":"not authorized to perform this action (injected)"}"#,
            )),
            Fault::DenyQueryWith(text) if contains(&body, text) => Some((
                403,
                r#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole (injected)</Message></Error><RequestId>injected</RequestId></ErrorResponse>"#,
            )),
            Fault::DenyQueryWith(_) => None,
            Fault::Malformed => Some((200, "this is not JSON {")),
            Fault::Delay(d) => {
                state.injected.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(*d).await;
                None
            }
            Fault::Rewrite(..) => None,
        };
        if let Some((status, text)) = canned {
            state.injected.fetch_add(1, Ordering::SeqCst);
            let (reason, kind) = match status {
                200 => ("OK", "application/x-amz-json-1.1"),
                403 => ("Forbidden", "text/xml"),
                _ => ("Bad Request", "application/x-amz-json-1.1"),
            };
            let resp = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            conn.write_all(resp.as_bytes()).await?;
            return conn.shutdown().await;
        }
    }
    let mut up = TcpStream::connect(("127.0.0.1", state.upstream)).await?;
    up.write_all(&with_connection_close(&head)).await?;
    up.write_all(&body).await?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).await?;
    let split = find(&resp, b"\r\n\r\n")
        .map(|i| i + 4)
        .unwrap_or(resp.len());
    let (mut head, mut body) = (resp[..split].to_vec(), resp[split..].to_vec());
    if let (true, Fault::Rewrite(from, to)) = (service == state.service, &state.fault) {
        let text = String::from_utf8_lossy(&body);
        if text.contains(from) {
            state.injected.fetch_add(1, Ordering::SeqCst);
            body = text.replace(from, to).into_bytes();
            head = with_content_length(&head, body.len());
        }
    }
    conn.write_all(&with_connection_close(&head)).await?;
    conn.write_all(&body).await?;
    conn.shutdown().await
}

/// The request head (through the blank line) and its body, or `None` on a closed
/// connection.
async fn read_request(conn: &mut TcpStream) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = buf[..head_end].to_vec();
    let length = header(&head, "content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some((head, body)))
}

/// The head with its Content-Length set to `len`.
fn with_content_length(head: &[u8], len: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    for line in text.split_inclusive("\r\n") {
        if line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        {
            out.push_str(&format!("Content-Length: {len}\r\n"));
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

fn contains(hay: &[u8], text: &str) -> bool {
    find(hay, text.as_bytes()).is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn header(head: &[u8], name: &str) -> Option<String> {
    String::from_utf8_lossy(head).lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// `Credential=AKID/DATE/REGION/SERVICE/aws4_request` → SERVICE.
fn signing_service(head: &[u8]) -> Option<String> {
    let auth = header(head, "authorization")?;
    let scope = auth.split("Credential=").nth(1)?;
    scope.split('/').nth(3).map(str::to_owned)
}

/// The head with any `Connection` header replaced by `Connection: close`.
fn with_connection_close(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut lines: Vec<&str> = text
        .split("\r\n")
        .filter(|l| {
            !l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    // The head ends with two empty strings (the blank line).
    while lines.last() == Some(&"") {
        lines.pop();
    }
    let mut out = lines.join("\r\n");
    out.push_str("\r\nConnection: close\r\n\r\n");
    out.into_bytes()
}
