//! Client setup: one base configuration from aws-config's default chain (or the
//! profile, role and endpoint asked for), and a factory that builds every service
//! client from it with the read-only guard, adaptive retries and timeouts attached.

use super::ctx::Failure;
use super::guard::ReadOnlyGuard;
use super::{AwsError, AwsOptions, Tuning};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use std::sync::atomic::{AtomicU64, Ordering};

/// Session name for `--assume-role`, visible in the target account's CloudTrail.
const SESSION_NAME: &str = "soc2scan";

/// Distinguishes the retry partitions of concurrent sweeps in one process: the SDK
/// keeps adaptive-retry rate limiters per partition name, process-wide, and one
/// sweep's throttling must not slow another down.
static SWEEP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Builds the clients of one sweep. Every client it builds carries the same
/// [`ReadOnlyGuard`], so [`ClientFactory::calls`] counts the whole sweep.
#[derive(Clone, Debug)]
pub struct ClientFactory {
    base: SdkConfig,
    path_style: bool,
    guard: ReadOnlyGuard,
    partition: String,
}

macro_rules! client {
    ($(#[$doc:meta])* $fn:ident, $krate:ident $(, $tweak:path)?) => {
        $(#[$doc])*
        pub fn $fn(&self, region: &str) -> $krate::Client {
            let conf = $krate::config::Builder::from(&self.base)
                .region(Region::new(region.to_string()))
                .interceptor(self.guard.clone())
                .retry_partition($krate::config::retry::RetryPartition::new(format!(
                    "{}-{}",
                    self.partition,
                    stringify!($fn)
                )));
            $(let conf = $tweak(self, conf);)?
            $krate::Client::from_conf(conf.build())
        }
    };
}

/// Why credentials could not be obtained: the STS error code when assuming a role
/// failed with an answer (`AccessDenied` for a role that does not trust the caller or
/// does not exist), else `CredentialsError`.
fn credentials_failure(e: &CredentialsError) -> Failure {
    let detail = aws_smithy_types::error::display::DisplayErrorContext(e).to_string();
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(sdk) = err.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return Failure {
                detail,
                ..Failure::from_sdk(sdk)
            };
        }
        source = err.source();
    }
    Failure::new("CredentialsError", detail)
}

/// Sends every S3 Control request to the endpoint URL exactly as given. S3 Control's
/// generated resolver puts the account id in front of the host (`{account}.host`),
/// which an emulator serving every service on one host (moto, LocalStack) cannot
/// answer; the account still travels in the `x-amz-account-id` header, which is what
/// such emulators route on. Public so that tests seeding an emulator address it the
/// same way.
#[derive(Debug)]
pub struct FixedS3ControlEndpoint(pub String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedS3ControlEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

impl ClientFactory {
    /// Loads credentials and region, assumes the role if asked, and checks that
    /// credentials can be obtained: their absence is the one failure that stops a
    /// sweep before it starts.
    pub async fn new(opts: &AwsOptions, tuning: &Tuning) -> Result<ClientFactory, AwsError> {
        let retry = RetryConfig::adaptive()
            .with_max_attempts(tuning.max_attempts)
            .with_initial_backoff(tuning.initial_backoff)
            .with_max_backoff(tuning.max_backoff);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(tuning.connect_timeout)
            .operation_attempt_timeout(tuning.attempt_timeout)
            .operation_timeout(tuning.operation_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = opts.regions.first() {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(credentials) = &tuning.credentials {
            loader = loader.credentials_provider(credentials.clone());
        }
        let factory = ClientFactory::from_base(loader.load().await, opts.endpoint_url.is_some());
        match &opts.assume_role {
            Some(role_arn) => {
                factory
                    .assume(role_arn, opts.external_id.as_deref(), opts.role_duration)
                    .await
            }
            None => match factory.check_credentials().await {
                Ok(()) => Ok(factory),
                Err(f) => Err(AwsError::NoCredentials(f.detail)),
            },
        }
    }

    fn from_base(base: SdkConfig, path_style: bool) -> ClientFactory {
        let seq = SWEEP_SEQ.fetch_add(1, Ordering::Relaxed);
        ClientFactory {
            base,
            path_style,
            guard: ReadOnlyGuard::new(),
            partition: format!("soc2scan-{}-{seq}", std::process::id()),
        }
    }

    /// A factory whose clients act through `role_arn`, assumed with these
    /// credentials under the session name `soc2scan` (so the target account's
    /// CloudTrail says who read it). The SDK's provider renews the role's credentials
    /// when they expire, so a sweep may outlast `duration`. Its calls are counted
    /// apart from this factory's.
    pub async fn assume(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        duration: Option<std::time::Duration>,
    ) -> Result<ClientFactory, AwsError> {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .configure(&self.base);
        if let Some(external_id) = external_id {
            builder = builder.external_id(external_id);
        }
        if let Some(duration) = duration {
            builder = builder.session_length(duration);
        }
        let provider = builder.build().await;
        let base = self
            .base
            .clone()
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        let factory = ClientFactory::from_base(base, self.path_style);
        match factory.check_credentials().await {
            Ok(()) => Ok(factory),
            Err(f) => Err(AwsError::AssumeRole {
                role: role_arn.to_string(),
                code: f.code,
                detail: f.detail,
            }),
        }
    }

    /// Obtains credentials once: their absence (or a role that cannot be assumed) is
    /// the failure that stops a sweep before it starts.
    async fn check_credentials(&self) -> Result<(), Failure> {
        let Some(provider) = self.base.credentials_provider() else {
            return Err(Failure::new(
                "NoCredentials",
                "no credentials provider is configured",
            ));
        };
        match provider.provide_credentials().await {
            Ok(_) => Ok(()),
            Err(e) => Err(credentials_failure(&e)),
        }
    }

    /// The region the default chain (or the first `--region`) resolved, if any.
    pub fn default_region(&self) -> Option<&str> {
        self.base.region().map(Region::as_ref)
    }

    /// Operations sent so far by every client of this factory.
    pub fn calls(&self) -> u64 {
        self.guard.calls()
    }

    /// S3 with path-style addressing when an endpoint URL is given: emulators on one
    /// host cannot serve `bucket.host` virtual-host names.
    fn s3_addressing(&self, conf: aws_sdk_s3::config::Builder) -> aws_sdk_s3::config::Builder {
        conf.force_path_style(self.path_style)
    }

    /// S3 Control without the account-id host prefix when an endpoint URL is given.
    fn s3control_addressing(
        &self,
        conf: aws_sdk_s3control::config::Builder,
    ) -> aws_sdk_s3control::config::Builder {
        match self.base.endpoint_url() {
            Some(url) => conf.endpoint_resolver(FixedS3ControlEndpoint(url.to_string())),
            None => conf,
        }
    }

    client!(
        /// S3, path-style against an endpoint URL.
        s3,
        aws_sdk_s3,
        Self::s3_addressing
    );
    client!(sts, aws_sdk_sts);
    client!(
        /// S3 Control, for the account-level public access block.
        s3control,
        aws_sdk_s3control,
        Self::s3control_addressing
    );
    client!(kms, aws_sdk_kms);
    client!(iam, aws_sdk_iam);
    client!(rds, aws_sdk_rds);
    client!(elbv2, aws_sdk_elasticloadbalancingv2);
    client!(
        /// Classic load balancers.
        elb,
        aws_sdk_elasticloadbalancing
    );
    client!(cloudfront, aws_sdk_cloudfront);
    client!(dynamodb, aws_sdk_dynamodb);
    client!(sqs, aws_sdk_sqs);
    client!(sns, aws_sdk_sns);
    client!(ec2, aws_sdk_ec2);
    client!(
        /// The organization's accounts and units, for `--org`.
        organizations,
        aws_sdk_organizations
    );
}
