//! Module source addresses, as `terraform init` reads them: registry addresses,
//! `git::` and GitHub sources, HTTP(S) archives, each with an optional `//subdir`.
//!
//! The grammar is go-getter's and Terraform's `addrs.ParseModuleSource`; only the
//! forms that can be fetched without cloud credentials are supported, the others are
//! named in the error.

/// The registry used when an address names no host.
pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

/// Where a remote module's package comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Package {
    /// `[HOST/]NAMESPACE/NAME/PROVIDER`, versioned through the registry protocol.
    Registry {
        host: String,
        namespace: String,
        name: String,
        provider: String,
    },
    /// A git repository (`url` as git understands it) at an optional ref.
    Git {
        url: String,
        reference: Option<String>,
    },
    /// An archive (or a page naming one through `X-Terraform-Get`) over HTTP(S).
    Http { url: String },
}

/// A parsed remote source: the package and the directory inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteSource {
    pub package: Package,
    /// Path inside the package (`//modules/x`), empty for its root.
    pub subdir: String,
}

impl Package {
    /// The registry address without host when it is the default registry.
    pub fn display(&self) -> String {
        match self {
            Package::Registry {
                host,
                namespace,
                name,
                provider,
            } if host == DEFAULT_REGISTRY => format!("{namespace}/{name}/{provider}"),
            Package::Registry {
                host,
                namespace,
                name,
                provider,
            } => format!("{host}/{namespace}/{name}/{provider}"),
            Package::Git { url, reference } => match reference {
                Some(r) => format!("git::{url}?ref={r}"),
                None => format!("git::{url}"),
            },
            Package::Http { url } => url.clone(),
        }
    }
}

/// Split go-getter's `//subdir` off a source: the first `//` after the scheme's `://`,
/// with a query string moved back onto the address.
pub fn split_subdir(source: &str) -> (String, String) {
    let scheme_end = source.find("://").map(|i| i + 3).unwrap_or(0);
    let Some(rel) = source[scheme_end..].find("//") else {
        return (source.to_string(), String::new());
    };
    let at = scheme_end + rel;
    let (head, rest) = (&source[..at], &source[at + 2..]);
    match rest.find('?') {
        Some(q) => (
            format!("{head}{}", &rest[q..]),
            rest[..q].trim_matches('/').to_string(),
        ),
        None => (head.to_string(), rest.trim_matches('/').to_string()),
    }
}

/// Parse a non-local module source.
pub fn parse(source: &str) -> Result<RemoteSource, String> {
    let source = source.trim();
    let (forced, rest) = match source.split_once("::") {
        Some((f, r)) if !f.contains('/') && !f.contains(':') => (Some(f), r),
        _ => (None, source),
    };
    let (addr, subdir) = split_subdir(rest);
    let package = match forced {
        Some("git") => git(&addr)?,
        Some("http") | Some("https") => Package::Http { url: addr },
        Some(other) => {
            return Err(format!(
                "`{other}::` sources are not supported (only registry, git and HTTP(S) sources are downloaded)"
            ))
        }
        None => detect(&addr)?,
    };
    Ok(RemoteSource { package, subdir })
}

/// Sources without a forced getter: URLs, GitHub shorthands, then registry addresses.
fn detect(addr: &str) -> Result<Package, String> {
    if addr.starts_with("https://") || addr.starts_with("http://") {
        return Ok(Package::Http {
            url: addr.to_string(),
        });
    }
    if let Some(path) = addr.strip_prefix("github.com/") {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let path = path.trim_end_matches(".git");
        return git(&format!(
            "https://github.com/{path}.git{}",
            query_suffix(query)
        ));
    }
    if let Some(path) = addr.strip_prefix("git@github.com:") {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        return git(&format!(
            "ssh://git@github.com/{path}{}",
            query_suffix(query)
        ));
    }
    if addr.starts_with("bitbucket.org/") {
        return Err("bitbucket.org shorthand sources are not supported; write `git::https://bitbucket.org/...`".into());
    }
    registry(addr)
}

fn query_suffix(query: &str) -> String {
    if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    }
}

/// A `git::` address: the URL for git, and `ref` taken from the query string (other
/// go-getter parameters such as `depth` are dropped; fetching is always shallow).
fn git(addr: &str) -> Result<Package, String> {
    let (url, query) = addr.split_once('?').unwrap_or((addr, ""));
    if url.is_empty() {
        return Err("empty git address".into());
    }
    let mut reference = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("ref", v)) if !v.is_empty() => reference = Some(v.to_string()),
            Some(("sshkey", _)) => return Err("git sources with `sshkey` are not supported".into()),
            _ => {}
        }
    }
    if reference.as_deref().is_some_and(|r| r.starts_with('-')) {
        return Err("a git ref must not start with '-'".into());
    }
    Ok(Package::Git {
        url: url.to_string(),
        reference,
    })
}

/// `[HOST/]NAMESPACE/NAME/PROVIDER`.
fn registry(addr: &str) -> Result<Package, String> {
    let parts: Vec<&str> = addr.split('/').collect();
    let (host, rest) = match parts.len() {
        3 => (DEFAULT_REGISTRY.to_string(), &parts[..]),
        4 if is_hostname(parts[0]) => (parts[0].to_ascii_lowercase(), &parts[1..]),
        _ => {
            return Err(format!(
                "\"{addr}\" is neither a registry address (NAMESPACE/NAME/PROVIDER) nor a supported URL"
            ))
        }
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !rest.iter().all(|p| ok(p)) {
        return Err(format!("\"{addr}\" is not a valid registry address"));
    }
    Ok(Package::Registry {
        host,
        namespace: rest[0].to_string(),
        name: rest[1].to_string(),
        provider: rest[2].to_ascii_lowercase(),
    })
}

/// A registry host: a DNS name with a dot (or `localhost`), optionally with a port.
fn is_hostname(s: &str) -> bool {
    let (name, port) = s.rsplit_once(':').unwrap_or((s, ""));
    let port_ok = port.is_empty() || port.parse::<u16>().is_ok();
    let name_ok = (name.contains('.') || name == "localhost")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    port_ok && name_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(host: &str, ns: &str, name: &str, provider: &str) -> Package {
        Package::Registry {
            host: host.into(),
            namespace: ns.into(),
            name: name.into(),
            provider: provider.into(),
        }
    }

    #[test]
    fn registry_addresses_with_and_without_host_and_subdir() {
        let s = parse("terraform-aws-modules/iam/aws//modules/iam-user").expect("parses");
        assert_eq!(
            s.package,
            reg(DEFAULT_REGISTRY, "terraform-aws-modules", "iam", "aws")
        );
        assert_eq!(s.subdir, "modules/iam-user");
        let s = parse("app.example.com:8443/acme/vpc/aws").expect("parses");
        assert_eq!(s.package, reg("app.example.com:8443", "acme", "vpc", "aws"));
        assert_eq!(s.subdir, "");
        assert!(parse("acme/vpc").is_err());
        assert!(parse("a/b/c/d/e").is_err());
    }

    #[test]
    fn git_sources_keep_ref_and_subdir() {
        let s = parse("git::https://example.com/net.git//modules/vpc?ref=v1.2.0").expect("ok");
        assert_eq!(
            s.package,
            Package::Git {
                url: "https://example.com/net.git".into(),
                reference: Some("v1.2.0".into())
            }
        );
        assert_eq!(s.subdir, "modules/vpc");
        let s = parse("github.com/acme/net//vpc?ref=main").expect("ok");
        assert_eq!(
            s.package,
            Package::Git {
                url: "https://github.com/acme/net.git".into(),
                reference: Some("main".into())
            }
        );
        assert_eq!(s.subdir, "vpc");
        assert!(parse("git::https://example.com/x.git?ref=--upload-pack=x").is_err());
    }

    #[test]
    fn archives_and_unsupported_getters() {
        let s = parse("https://example.com/vpc.tar.gz//sub").expect("ok");
        assert_eq!(
            s.package,
            Package::Http {
                url: "https://example.com/vpc.tar.gz".into()
            }
        );
        assert_eq!(s.subdir, "sub");
        assert!(parse("s3::https://s3.amazonaws.com/b/vpc.zip")
            .unwrap_err()
            .contains("s3::"));
    }
}
