//! `--state-from-backend`: the Terraform state object an S3 backend names, read
//! through the sweep's own guarded client (GetObject is a read; nothing else is sent).

use super::client::ClientFactory;
use super::{AwsError, AwsOptions, Tuning};

/// The state object's bytes, or why it could not be read (a sentence for a
/// diagnostic naming the object). Runs on a thread of its own with its own runtime,
/// so that a caller already inside an async runtime can call it too.
pub fn read_object_blocking(
    opts: &AwsOptions,
    tuning: &Tuning,
    bucket: &str,
    key: &str,
    region: Option<&str>,
) -> Result<Vec<u8>, String> {
    let read = || -> Result<Vec<u8>, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| AwsError::Runtime(e).to_string())?;
        runtime.block_on(async {
            let clients = ClientFactory::new(opts, tuning)
                .await
                .map_err(|e| e.to_string())?;
            let region = region
                .map(str::to_string)
                .or_else(|| clients.default_region().map(str::to_string))
                .ok_or_else(|| AwsError::NoRegion.to_string())?;
            let out = clients
                .s3(&region)
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| {
                    aws_smithy_types::error::display::DisplayErrorContext(&e).to_string()
                })?;
            let body = out.body.collect().await.map_err(|e| e.to_string())?;
            Ok(body.into_bytes().to_vec())
        })
    };
    std::thread::scope(|s| {
        s.spawn(read)
            .join()
            .unwrap_or_else(|_| Err("the state reader stopped unexpectedly".to_string()))
    })
}
