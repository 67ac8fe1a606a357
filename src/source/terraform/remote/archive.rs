//! HTTP(S) packages: a `.tar.gz`/`.tgz`/`.tar` archive (by extension or go-getter's
//! `?archive=` parameter), or a page whose `X-Terraform-Get` header names the package.

use super::http::Http;
use flate2::read::GzDecoder;
use std::io::Read;
use std::path::Path;
use url::Url;

/// Largest unpacked archive.
const MAX_UNPACKED: u64 = 1024 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    TarGz,
    Tar,
}

/// The archive kind of a URL, and the URL without go-getter's `archive` parameter.
fn kind(url: &Url) -> Result<(Option<Kind>, Url), String> {
    let mut clean = url.clone();
    let mut forced = None;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| {
            if k == "archive" {
                forced = Some(v.to_string());
                false
            } else {
                true
            }
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if forced.is_some() {
        clean.set_query(None);
        if !pairs.is_empty() {
            clean.query_pairs_mut().extend_pairs(pairs);
        }
    }
    let name = forced.unwrap_or_else(|| url.path().to_ascii_lowercase());
    let kind = if name.ends_with("tar.gz") || name.ends_with("tgz") {
        Some(Kind::TarGz)
    } else if name.ends_with("tar") {
        Some(Kind::Tar)
    } else if name.ends_with("zip") || name.ends_with("bz2") || name.ends_with("xz") {
        return Err(format!(
            "{url}: only .tar.gz, .tgz and .tar archives are supported"
        ));
    } else {
        None
    };
    Ok((kind, clean))
}

/// Download `url` into `dest`. Returns another source to fetch instead when the URL
/// is not an archive but answers with `X-Terraform-Get`.
pub fn fetch(http: &Http, url: &str, dest: &Path) -> Result<Option<String>, String> {
    let parsed = Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    let (kind, clean) = kind(&parsed)?;
    let (redirect, body) = http.download(&clean)?;
    let Some(kind) = kind else {
        return match redirect {
            Some(location) if location.contains("::") || location.contains("://") => {
                Ok(Some(location))
            }
            Some(location) => clean
                .join(&location)
                .map(|u| Some(u.to_string()))
                .map_err(|e| format!("X-Terraform-Get {location:?}: {e}")),
            None => Err(format!(
                "{url} is neither an archive (.tar.gz, .tgz, .tar) nor answers with X-Terraform-Get"
            )),
        };
    };
    let reader: Box<dyn Read> = match kind {
        Kind::TarGz => Box::new(GzDecoder::new(body)),
        Kind::Tar => body,
    };
    let mut archive = tar::Archive::new(reader.take(MAX_UNPACKED));
    archive.set_preserve_permissions(false);
    archive.set_unpack_xattrs(false);
    archive.set_overwrite(true);
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    archive
        .unpack(dest)
        .map_err(|e| format!("{url}: cannot unpack the archive: {e}"))?;
    Ok(None)
}
