//! Blocking HTTP for module downloads (ureq), with the status and the URL in every
//! error so that a failed download can be explained in one diagnostic.

use std::io::Read;
use std::time::Duration;
use url::Url;

/// Largest archive downloaded, compressed.
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;
/// Largest JSON answer of a registry.
const MAX_JSON: u64 = 16 * 1024 * 1024;

pub struct Http {
    agent: ureq::Agent,
}

impl Http {
    pub fn new() -> Http {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .user_agent(concat!("soc2scan/", env!("CARGO_PKG_VERSION")))
            .build();
        Http {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    fn get(
        &self,
        url: &Url,
        token: Option<&str>,
    ) -> Result<ureq::http::Response<ureq::Body>, String> {
        let mut req = self.agent.get(url.as_str());
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let resp = req.call().map_err(|e| format!("GET {url}: {e}"))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let hint = match status.as_u16() {
            401 | 403 => {
                " (the registry refused the credentials: set a token in a `credentials` block of the Terraform CLI configuration or in TF_TOKEN_<host>)"
            }
            404 => " (not found)",
            _ => "",
        };
        Err(format!("GET {url}: HTTP {status}{hint}"))
    }

    pub fn get_json(&self, url: &Url, token: Option<&str>) -> Result<serde_json::Value, String> {
        let resp = self.get(url, token)?;
        let reader = resp.into_body().into_with_config().limit(MAX_JSON).reader();
        serde_json::from_reader(reader).map_err(|e| format!("GET {url}: not JSON: {e}"))
    }

    /// The registry download answer's location: the `X-Terraform-Get` header, or the
    /// `location` of a JSON body.
    pub fn terraform_get(&self, url: &Url, token: Option<&str>) -> Result<Option<String>, String> {
        let resp = self.get(url, token)?;
        if let Some(h) = resp.headers().get("x-terraform-get") {
            return Ok(h.to_str().ok().map(str::to_string));
        }
        let reader = resp.into_body().into_with_config().limit(MAX_JSON).reader();
        let body: serde_json::Value = serde_json::from_reader(reader).unwrap_or_default();
        Ok(body
            .get("location")
            .and_then(|l| l.as_str())
            .map(str::to_string))
    }

    /// A download as a reader, cut off at [`MAX_DOWNLOAD`] bytes; with the response's
    /// `X-Terraform-Get` header when it names another location instead.
    pub fn download(&self, url: &Url) -> Result<(Option<String>, Box<dyn Read>), String> {
        let resp = self.get(url, None)?;
        let redirect = resp
            .headers()
            .get("x-terraform-get")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        let reader = resp
            .into_body()
            .into_with_config()
            .limit(MAX_DOWNLOAD)
            .reader();
        Ok((redirect, Box::new(reader)))
    }
}
