//! The git state of a scanned directory: which repository, which commit, which
//! branch, and whether the work tree differed from it. Read with the system `git`,
//! as `--diff-base` does; outside a work tree (or without git) there is none.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

/// A scanned directory inside a git work tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkout {
    /// The `origin` remote, normalised (see [`normalise_remote`]); the work tree's
    /// absolute path when there is no remote.
    pub repository: String,
    /// The scanned directory inside the repository, `/`-separated (`.` at the top).
    pub prefix: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Paths (from the repository root) with uncommitted changes, untracked included.
    pub changed: BTreeSet<String>,
}

impl Checkout {
    /// Whether anything under `dir` (relative to the repository root) is uncommitted.
    pub fn dirty_under(&self, dir: &str) -> bool {
        if dir == "." || dir.is_empty() {
            return !self.changed.is_empty();
        }
        let dir = format!("{}/", dir.trim_end_matches('/'));
        self.changed.iter().any(|p| p.starts_with(&dir))
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The checkout holding `dir`, or `None` outside a git work tree.
pub fn checkout(dir: &Path) -> Option<Checkout> {
    let toplevel = git(dir, &["rev-parse", "--show-toplevel"])?;
    let toplevel = toplevel.trim();
    let prefix = git(dir, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let prefix = prefix.trim().trim_end_matches('/');
    let repository = git(dir, &["config", "--get", "remote.origin.url"])
        .map(|u| normalise_remote(u.trim()))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| toplevel.to_string());
    let commit = git(dir, &["rev-parse", "--verify", "--quiet", "HEAD"])
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let branch = git(dir, &["symbolic-ref", "--quiet", "--short", "HEAD"])
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let changed = git(
        Path::new(toplevel),
        &["status", "--porcelain", "-z", "--untracked-files=all"],
    )
    .map(|s| changed_paths(&s))
    .unwrap_or_default();
    Some(Checkout {
        repository,
        prefix: if prefix.is_empty() {
            ".".into()
        } else {
            prefix.into()
        },
        commit,
        branch,
        changed,
    })
}

/// Paths named by `git status --porcelain -z`: `XY path`, and for renames and
/// copies a second NUL-terminated field with the original path.
fn changed_paths(porcelain: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut fields = porcelain.split('\0');
    while let Some(entry) = fields.next() {
        let Some(path) = entry.get(3..) else { continue };
        paths.insert(path.to_string());
        if entry.starts_with('R') || entry.starts_with('C') {
            if let Some(original) = fields.next() {
                paths.insert(original.to_string());
            }
        }
    }
    paths
}

/// One spelling per repository, so that runs from a laptop (ssh remote) and from CI
/// (https remote with a token) name the same source: `https://host/path`, with no
/// credentials, no `.git` suffix, no trailing slash, and the host in lower case.
pub fn normalise_remote(url: &str) -> String {
    let url = url.trim();
    let (host, path) = if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        // scheme://[user[:password]@]host[:port]/path
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match url.split_once("://").map(|(s, _)| s) {
            // An ssh port is not part of the repository's identity.
            Some("ssh") | Some("git+ssh") => host.split_once(':').map_or(host, |(h, _)| h),
            _ => host,
        };
        (host, path)
    } else if let Some((userhost, path)) = url.split_once(':') {
        // scp-like: [user@]host:path
        if userhost.contains('/') {
            return url.trim_end_matches('/').to_string();
        }
        (userhost.rsplit_once('@').map_or(userhost, |(_, h)| h), path)
    } else {
        return url.trim_end_matches('/').to_string();
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    format!("https://{}/{path}", host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_of_one_repository_normalise_alike() {
        let want = "https://github.com/acme/infra";
        for url in [
            "git@github.com:acme/infra.git",
            "https://github.com/acme/infra.git",
            "https://x-access-token:secret@GitHub.com/acme/infra/",
            "ssh://git@github.com:22/acme/infra.git",
            "https://github.com/acme/infra",
        ] {
            assert_eq!(normalise_remote(url), want, "{url}");
        }
        assert_eq!(normalise_remote("/srv/git/infra/"), "/srv/git/infra");
    }

    #[test]
    fn porcelain_renames_name_both_paths() {
        let s = " M infra/main.tf\0R  new.tf\0old.tf\0?? notes.txt\0";
        let got: Vec<String> = changed_paths(s).into_iter().collect();
        assert_eq!(got, ["infra/main.tf", "new.tf", "notes.txt", "old.tf"]);
    }

    #[test]
    fn dirty_under_a_directory_only_counts_its_own_files() {
        let c = Checkout {
            repository: "r".into(),
            prefix: ".".into(),
            commit: None,
            branch: None,
            changed: ["infra/prod/main.tf".to_string()].into_iter().collect(),
        };
        assert!(c.dirty_under("infra/prod"));
        assert!(c.dirty_under("."));
        assert!(!c.dirty_under("infra/pro"));
        assert!(!c.dirty_under("infra/staging"));
    }
}
