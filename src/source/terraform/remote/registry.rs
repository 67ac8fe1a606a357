//! The module registry protocol (v1): service discovery, the versions list and the
//! download endpoint, whose `X-Terraform-Get` names where the package really is.

use super::cli_config::CliConfig;
use super::constraint::Constraint;
use super::http::Http;
use url::Url;

/// The registry's module API base for `host`: a `host` block of the CLI configuration
/// wins, else service discovery at `https://HOST/.well-known/terraform.json`.
/// Loopback hosts are asked over plain HTTP (test registries); every other host only
/// over HTTPS, as terraform does.
pub fn modules_base(http: &Http, config: &CliConfig, host: &str) -> Result<Url, String> {
    if let Some(services) = config.hosts.get(host) {
        let url = services.get("modules.v1").ok_or_else(|| {
            format!("the CLI configuration's host block for {host} has no \"modules.v1\" service")
        })?;
        return with_slash(Url::parse(url).map_err(|e| format!("modules.v1 URL {url:?}: {e}"))?);
    }
    let scheme = if is_loopback(host) { "http" } else { "https" };
    let discovery = Url::parse(&format!("{scheme}://{host}/.well-known/terraform.json"))
        .map_err(|e| format!("registry host {host:?}: {e}"))?;
    let doc: serde_json::Value = http.get_json(&discovery, config.token(host))?;
    let service = doc
        .get("modules.v1")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            format!("{host} is not a module registry (no \"modules.v1\" in {discovery})")
        })?;
    with_slash(
        discovery
            .join(service)
            .map_err(|e| format!("modules.v1 URL {service:?}: {e}"))?,
    )
}

fn with_slash(mut url: Url) -> Result<Url, String> {
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    let name = host.rsplit_once(':').map(|(n, _)| n).unwrap_or(host);
    name == "localhost" || name.starts_with("127.")
}

#[derive(serde::Deserialize)]
struct Versions {
    modules: Vec<ModuleVersions>,
}

#[derive(serde::Deserialize)]
struct ModuleVersions {
    versions: Vec<VersionEntry>,
}

#[derive(serde::Deserialize)]
struct VersionEntry {
    version: String,
}

/// The newest version of `module` (`NAMESPACE/NAME/PROVIDER`) that satisfies
/// `constraint`, and where to download it from.
pub fn locate(
    http: &Http,
    base: &Url,
    token: Option<&str>,
    module: &str,
    constraint: &Constraint,
) -> Result<(String, String), String> {
    let join = |path: &str| {
        base.join(path)
            .map_err(|e| format!("registry URL for {path}: {e}"))
    };
    let list: Versions =
        serde_json::from_value(http.get_json(&join(&format!("{module}/versions"))?, token)?)
            .map_err(|e| format!("the registry's versions list is malformed: {e}"))?;
    let all: Vec<&str> = list
        .modules
        .iter()
        .flat_map(|m| m.versions.iter().map(|v| v.version.as_str()))
        .collect();
    let version = constraint.newest(all.iter().copied()).ok_or_else(|| {
        format!(
            "no version matches the constraint (the registry offers {})",
            if all.is_empty() {
                "none".to_string()
            } else {
                all.join(", ")
            }
        )
    })?;
    let download = join(&format!("{module}/{version}/download"))?;
    let location = http.terraform_get(&download, token)?.ok_or_else(|| {
        format!("the registry's download answer for {version} has no X-Terraform-Get location")
    })?;
    // A location with a getter or scheme is absolute; anything else is relative to
    // the download URL.
    if location.contains("::") || location.contains("://") {
        return Ok((version, location));
    }
    let resolved = download
        .join(&location)
        .map_err(|e| format!("X-Terraform-Get {location:?}: {e}"))?;
    Ok((version, resolved.to_string()))
}
