//! What every collector shares: the clients, the account, the concurrency bounds, the
//! gaps recorded so far, and the one way to make a call ([`SweepState::call`]) that applies
//! the bounds and turns SDK errors into [`Failure`]s.

use super::client::ClientFactory;
use super::guard::Refused;
use super::pace::Pacer;
use crate::diagnostic::Diagnostic;
use crate::model::{Meta, Origin, Wording};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::error::Error;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// `Origin::Aws` region of account-global resources (IAM, CloudFront).
pub const GLOBAL: &str = "global";

/// A call that failed, reduced to what a gap records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The service's error code (`AccessDenied`, `Throttling`, ...), or one of
    /// `Timeout`, `ConnectionError`, `DispatchFailure`, `MalformedResponse`,
    /// `RefusedReadOnly`, `ConstructionFailure` for failures without an answer.
    pub code: String,
    pub detail: String,
}

impl Failure {
    pub fn new(code: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure {
            code: code.into(),
            detail: detail.into(),
        }
    }

    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + Error + 'static,
    {
        let context = DisplayErrorContext(err).to_string();
        let code = match err {
            SdkError::ServiceError(se) => match err.code() {
                Some(code) => code.to_string(),
                // A success status whose body the SDK could not read as the
                // operation's output: a malformed or unexpected answer.
                None if se.raw().status().is_success() => "MalformedResponse".into(),
                None => format!("HTTP{}", se.raw().status().as_u16()),
            },
            SdkError::TimeoutError(_) => "Timeout".into(),
            SdkError::DispatchFailure(d) if d.is_timeout() => "Timeout".into(),
            SdkError::DispatchFailure(d) if d.is_io() => "ConnectionError".into(),
            SdkError::DispatchFailure(_) => "DispatchFailure".into(),
            // The answer did not parse: a malformed or unexpected response body.
            SdkError::ResponseError(_) => "MalformedResponse".into(),
            SdkError::ConstructionFailure(_) if refused(err) => "RefusedReadOnly".into(),
            SdkError::ConstructionFailure(_) => "ConstructionFailure".into(),
            _ => "UnknownError".into(),
        };
        let detail = match err {
            SdkError::ServiceError(_) => err.message().map(str::to_owned).unwrap_or(context),
            _ => context,
        };
        Failure { code, detail }
    }

    pub fn is(&self, codes: &[&str]) -> bool {
        codes.contains(&self.code.as_str())
    }
}

/// Whether the read-only guard stopped this call.
fn refused<E>(err: &SdkError<E, HttpResponse>) -> bool
where
    E: Error + 'static,
{
    let mut source = err.source();
    while let Some(e) = source {
        if e.downcast_ref::<Refused>().is_some() {
            return true;
        }
        source = e.source();
    }
    false
}

/// The shared state of one sweep.
pub struct SweepState {
    pub clients: ClientFactory,
    pub account: Option<String>,
    /// The regions swept; the first is the home region for global services.
    pub regions: Vec<String>,
    /// Shared by every account of the run: `--max-concurrency`.
    overall: Arc<Semaphore>,
    per_service: BTreeMap<&'static str, Semaphore>,
    pacers: BTreeMap<&'static str, Pacer>,
    gaps: Mutex<Vec<Diagnostic>>,
    /// Collectors done, on stderr (a single-account sweep on a terminal).
    pub progress: Option<ProgressBar>,
    /// Gap messages start with the account: an organization sweep reports many.
    name_account: bool,
}

impl SweepState {
    /// The state of a sweep about to start: the account and regions are filled in
    /// once STS and EC2 have said them.
    pub fn new(
        clients: ClientFactory,
        home: &str,
        services: &[&'static str],
        tuning: &super::Tuning,
        run: &RunLimits,
    ) -> SweepState {
        SweepState {
            clients,
            account: None,
            regions: vec![home.to_string()],
            overall: run.overall.clone(),
            per_service: services
                .iter()
                .map(|s| (*s, Semaphore::new(tuning.per_service_concurrency.max(1))))
                .collect(),
            // STS too: every sweep asks it who the account is.
            pacers: services
                .iter()
                .copied()
                .chain(["sts"])
                .filter_map(|s| Some((s, Pacer::for_service(s)?)))
                .collect(),
            gaps: Mutex::new(Vec::new()),
            progress: None,
            name_account: run.organization,
        }
    }

    pub fn home_region(&self) -> &str {
        self.regions
            .first()
            .map(String::as_str)
            .unwrap_or("us-east-1")
    }

    /// Runs one API call within the overall and the service's concurrency bounds.
    pub async fn call<T, E, F>(&self, service: &'static str, fut: F) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + Error + 'static,
    {
        // Acquire the narrower bound first so waiting calls of a busy service do not
        // hold overall permits. Semaphores here are never closed.
        let _service = match self.per_service.get(service) {
            Some(s) => s.acquire().await.ok(),
            None => None,
        };
        if let Some(p) = self.pacers.get(service) {
            p.wait().await;
        }
        let _overall = self.overall.acquire().await.ok();
        let result = fut.await.map_err(|e| Failure::from_sdk(&e));
        if let Some(p) = &self.progress {
            p.set_message(format!("{} calls", self.clients.calls()));
        }
        result
    }

    /// Reads one setting: the answer, [`Read::Absent`] when the call fails with one
    /// of `absent` (the "never configured" errors), or [`Read::Failed`] after
    /// recording a gap that says `unknown` is unknown.
    #[allow(clippy::too_many_arguments)]
    pub async fn read<T, E, F>(
        &self,
        service: &'static str,
        region: &str,
        operation: &str,
        target: &str,
        absent: &[&str],
        unknown: &str,
        fut: F,
    ) -> Read<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + Error + 'static,
    {
        match self.call(service, fut).await {
            Ok(v) => Read::Found(v),
            Err(f) if f.is(absent) => Read::Absent,
            Err(f) => {
                self.gap(service, region, operation, target, &f, unknown);
                Read::Failed
            }
        }
    }

    /// Every page of a paginated call: `page` sends the request for one page token,
    /// and `split` takes the page's answer apart into its items and the next token
    /// (each call site names only its request and the answer's two fields). `None`
    /// after a gap that says `unknown` is unknown.
    #[allow(clippy::too_many_arguments)]
    pub async fn pages<O, T, E, F, Fut>(
        &self,
        service: &'static str,
        region: &str,
        operation: &str,
        target: &str,
        unknown: &str,
        mut page: F,
        split: impl Fn(O) -> (Vec<T>, Option<String>),
    ) -> Option<Vec<T>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + Error + 'static,
    {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            match self.call(service, page(token.take())).await {
                Ok(answer) => {
                    let (mut got, next) = split(answer);
                    items.append(&mut got);
                    match next {
                        Some(t) if !t.is_empty() => token = Some(t),
                        _ => return Some(items),
                    }
                }
                Err(f) => {
                    self.gap(service, region, operation, target, &f, unknown);
                    return None;
                }
            }
        }
    }

    /// Records a collection gap: what was asked, where, how it failed, and which facts
    /// are therefore unknown.
    pub fn gap(
        &self,
        service: &str,
        region: &str,
        operation: &str,
        target: &str,
        failure: &Failure,
        unknown: &str,
    ) {
        let message = format!(
            "{}{service}:{operation} failed in {region} for {target} with {}: {}; unknown: {unknown}",
            self.account_prefix(),
            failure.code,
            one_line(&failure.detail),
        );
        let gap = crate::diagnostic::Gap {
            account: self.account.clone(),
            service: service.to_string(),
            operation: operation.to_string(),
            region: match service {
                "iam" | "cloudfront" => "global".to_string(),
                _ => region.to_string(),
            },
            error_class: failure.code.clone(),
        };
        self.push(Diagnostic::collection_gap(gap, message));
    }

    /// `account 111111111111: ` in an organization sweep, where gaps of many accounts
    /// meet in one report; nothing otherwise.
    pub fn account_prefix(&self) -> String {
        match (&self.account, self.name_account) {
            (Some(a), true) => format!("account {a}: "),
            _ => String::new(),
        }
    }

    pub fn push(&self, d: Diagnostic) {
        if let Ok(mut gaps) = self.gaps.lock() {
            gaps.push(d);
        }
    }

    /// All gaps, sorted so that the output does not depend on timing.
    pub fn take_gaps(&self) -> Vec<Diagnostic> {
        let mut gaps = match self.gaps.lock() {
            Ok(mut g) => std::mem::take(&mut *g),
            Err(_) => Vec::new(),
        };
        gaps.sort();
        gaps.dedup();
        gaps
    }

    pub fn finish(&self) {
        if let Some(p) = &self.progress {
            p.finish_and_clear();
        }
    }

    pub fn task_done(&self) {
        if let Some(p) = &self.progress {
            p.inc(1);
        }
    }

    /// The `Meta` of a live resource. `operations` are the calls whose answers
    /// describe it, with the service prefix on the first (`s3:GetBucketEncryption`).
    pub fn meta(
        &self,
        kind: &str,
        arn: &str,
        name: Option<&str>,
        region: &str,
        operation: String,
    ) -> Meta {
        Meta {
            address: arn.to_string(),
            kind: kind.to_string(),
            arn: Some(arn.to_string()),
            name: name.map(str::to_owned),
            tags: BTreeMap::new(),
            classification: None,
            environment: None,
            origin: Origin::Aws {
                account: self.account.clone(),
                region: region.to_string(),
                operation,
            },
            managed_by: None,
            wording: &Wording::LIVE,
        }
    }
}

/// What the accounts of one run share: the bound on calls in flight, and whether
/// there are several (gap messages then name their account, and no account draws
/// a progress bar of its own).
#[derive(Clone)]
pub struct RunLimits {
    pub overall: Arc<Semaphore>,
    pub organization: bool,
}

impl RunLimits {
    pub fn new(tuning: &super::Tuning, organization: bool) -> RunLimits {
        RunLimits {
            overall: Arc::new(Semaphore::new(tuning.max_concurrency.max(1))),
            organization,
        }
    }
}

/// Error details can span lines (XML bodies); a diagnostic is one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer to one [`SweepState::read`].
pub enum Read<T> {
    Found(T),
    /// The setting was never configured.
    Absent,
    /// The call failed; a gap is recorded.
    Failed,
}

/// The ARN partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `service:Op1,Op2`: the operations whose answers describe a resource.
pub fn ops(service: &str, operations: &[&str]) -> String {
    format!("{service}:{}", operations.join(","))
}

/// Tags from any SDK's key/value pairs; pairs without a key are dropped.
pub fn key_value_tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

/// An optional API string: absent when the API leaves it out.
pub fn opt(v: Option<&str>) -> crate::model::Tri<String> {
    match v {
        Some(s) => crate::model::Tri::Known(s.to_string()),
        None => crate::model::Tri::Absent,
    }
}

pub fn flag(v: Option<bool>) -> crate::model::Tri<bool> {
    match v {
        Some(b) => crate::model::Tri::Known(b),
        None => crate::model::Tri::Absent,
    }
}

pub fn number(v: Option<i32>) -> crate::model::Tri<f64> {
    match v {
        Some(n) => crate::model::Tri::Known(f64::from(n)),
        None => crate::model::Tri::Absent,
    }
}

/// A KMS key id or ARN as the API names it.
pub fn key_ref(v: Option<&str>) -> crate::model::Tri<crate::model::s3::KeyRef> {
    match v {
        Some(k) if !k.is_empty() => {
            crate::model::Tri::Known(crate::model::s3::KeyRef::Literal(k.to_string()))
        }
        _ => crate::model::Tri::Absent,
    }
}
