//! Remote module sources, for `--download-modules`: what `terraform init` would
//! install, fetched into a content cache so that pipelines without `terraform init`
//! (it needs backend credentials) still scan the resources of registry and git
//! modules.
//!
//! A package is cached under the user cache directory, keyed by its source and the
//! version constraint as written: a second scan of the same configuration makes no
//! network call (like `terraform init` without `-upgrade`, a newer matching release
//! is not picked up until the cache entry is removed).

mod address;
mod archive;
mod cli_config;
mod constraint;
mod git;
mod http;
mod registry;

use address::Package;
use sha2::Digest as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A remote module resolved to a directory on disk.
#[derive(Clone, Debug)]
pub struct Installed {
    /// The module's directory: the package with the source's `//subdir`.
    pub dir: PathBuf,
    /// The whole package: file functions may read inside it, and its files are
    /// shown relative to it, after the label.
    pub package: PathBuf,
    /// The package as shown to users: `terraform-aws-modules/s3-bucket/aws@4.1.0`.
    pub label: String,
}

/// What a cache entry records next to its package.
#[derive(serde::Serialize, serde::Deserialize, Clone)]
struct Entry {
    key: String,
    label: String,
    /// The module root inside the package (a registry location's own `//subdir`).
    root: String,
}

/// Downloads remote modules once per scan and once per cache entry.
pub struct Fetcher {
    cache: Result<PathBuf, String>,
    config: Result<cli_config::CliConfig, String>,
    http: http::Http,
    packages: BTreeMap<String, Result<(PathBuf, Entry), String>>,
}

impl Fetcher {
    /// A fetcher using the user cache directory and the Terraform CLI configuration.
    pub fn from_env() -> Fetcher {
        Fetcher {
            cache: dirs::cache_dir()
                .map(|d| d.join("soc2scan").join("modules"))
                .ok_or_else(|| "no user cache directory (set XDG_CACHE_HOME)".to_string()),
            config: cli_config::CliConfig::load(),
            http: http::Http::new(),
            packages: BTreeMap::new(),
        }
    }

    /// Whether `dir` lies inside the module cache.
    pub fn cache_dir(&self) -> Option<&Path> {
        self.cache.as_deref().ok()
    }

    /// The directory of the module at `source`, downloading it when not cached.
    /// `version` is the call's constraint; it only applies to registry sources.
    pub fn resolve(&mut self, source: &str, version: Option<&str>) -> Result<Installed, String> {
        let remote = address::parse(source)?;
        let key = match &remote.package {
            Package::Registry { .. } => format!(
                "registry {} {}",
                remote.package.display(),
                version.unwrap_or("").trim()
            ),
            other => format!("source {}", other.display()),
        };
        if !self.packages.contains_key(&key) {
            let got = self.install(&key, &remote.package, version);
            self.packages.insert(key.clone(), got);
        }
        let (package, entry) = match self.packages.get(&key) {
            Some(Ok(p)) => p.clone(),
            Some(Err(e)) => return Err(e.clone()),
            None => return Err("internal: package not recorded".into()),
        };
        let dir = package.join(&entry.root).join(&remote.subdir);
        match dir.canonicalize() {
            Ok(d) if d.starts_with(&package) && d.is_dir() => Ok(Installed {
                dir: d,
                package,
                label: entry.label,
            }),
            _ => Err(format!(
                "{} has no directory \"{}\"",
                entry.label,
                Path::new(&entry.root).join(&remote.subdir).display()
            )),
        }
    }

    /// The cached package for `key`, fetched into the cache first when absent. The
    /// entry appears atomically (renamed into place), so a failed or concurrent
    /// download never leaves half a package behind.
    fn install(
        &self,
        key: &str,
        package: &Package,
        version: Option<&str>,
    ) -> Result<(PathBuf, Entry), String> {
        let cache = self.cache.clone()?;
        let digest = sha2::Sha256::digest(key.as_bytes());
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let dir = cache.join(name);
        if let Some(found) = read_entry(&dir) {
            return Ok(found);
        }
        std::fs::create_dir_all(&cache)
            .map_err(|e| format!("cannot create the module cache {}: {e}", cache.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".partial-")
            .tempdir_in(&cache)
            .map_err(|e| format!("cannot write to the module cache {}: {e}", cache.display()))?;
        let (label, root) = self.fetch(package, version, &tmp.path().join("package"))?;
        let entry = Entry {
            key: key.to_string(),
            label,
            root,
        };
        let json = serde_json::to_vec_pretty(&entry).map_err(|e| e.to_string())?;
        std::fs::write(tmp.path().join("entry.json"), json)
            .map_err(|e| format!("cannot write to the module cache: {e}"))?;
        let staged = tmp.keep();
        if std::fs::rename(&staged, &dir).is_err() {
            // Another scan installed the same entry meanwhile.
            let _ = std::fs::remove_dir_all(&staged);
        }
        read_entry(&dir)
            .ok_or_else(|| format!("cannot install into the module cache {}", dir.display()))
    }

    /// Fetch a package into `dest`: returns its label and the module root inside it.
    fn fetch(
        &self,
        package: &Package,
        version: Option<&str>,
        dest: &Path,
    ) -> Result<(String, String), String> {
        let Package::Registry {
            host,
            namespace,
            name,
            provider,
        } = package
        else {
            return Ok((
                package.display(),
                self.fetch_location(package.clone(), dest)?,
            ));
        };
        let config = self.config.as_ref().map_err(Clone::clone)?;
        let host = cli_config::normalize_host(host);
        let base = registry::modules_base(&self.http, config, &host)?;
        let constraint = constraint::Constraint::parse(version.unwrap_or(""))?;
        let (chosen, location) = registry::locate(
            &self.http,
            &base,
            config.token(&host),
            &format!("{namespace}/{name}/{provider}"),
            &constraint,
        )?;
        let inner = address::parse(&location)
            .map_err(|e| format!("the registry's location {location:?} for {chosen}: {e}"))?;
        let sub = self.fetch_location(inner.package, dest)?;
        Ok((
            format!("{}@{chosen}", package.display()),
            join_sub(&sub, &inner.subdir),
        ))
    }

    /// Fetch a git or HTTP package, following `X-Terraform-Get` answers a few times.
    /// Returns the subdirectory the redirections named.
    fn fetch_location(&self, mut package: Package, dest: &Path) -> Result<String, String> {
        let mut sub = String::new();
        for _ in 0..4 {
            match package {
                Package::Git { url, reference } => {
                    git::fetch(&url, reference.as_deref(), dest)?;
                    return Ok(sub);
                }
                Package::Http { url } => match archive::fetch(&self.http, &url, dest)? {
                    None => return Ok(sub),
                    Some(next) => {
                        let inner = address::parse(&next)?;
                        sub = join_sub(&inner.subdir, &sub);
                        package = inner.package;
                    }
                },
                Package::Registry { .. } => {
                    return Err("a download location names a registry address".into())
                }
            }
        }
        Err("too many X-Terraform-Get redirections".into())
    }
}

fn join_sub(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

fn read_entry(dir: &Path) -> Option<(PathBuf, Entry)> {
    let text = std::fs::read(dir.join("entry.json")).ok()?;
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    Some((dir.join("package").canonicalize().ok()?, entry))
}
