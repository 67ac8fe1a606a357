//! Git sources, fetched with the system `git`, shallowly: one commit of the asked ref
//! (branch, tag or commit id), never the history.

use std::path::Path;
use std::process::{Command, Stdio};

/// Fetch `url` at `reference` (the remote's HEAD when none) into `dest`, without `.git`.
pub fn fetch(url: &str, reference: Option<&str>, dest: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let dest_str = dest.to_string_lossy();
    git("init", &["init", "--quiet", &dest_str])?;
    let refspec = reference.unwrap_or("HEAD");
    git(
        "fetch",
        &[
            "-C",
            &dest_str,
            "fetch",
            "--quiet",
            "--depth",
            "1",
            "--no-tags",
            "--",
            url,
            refspec,
        ],
    )?;
    git(
        "checkout",
        &["-C", &dest_str, "checkout", "--quiet", "FETCH_HEAD"],
    )?;
    std::fs::remove_dir_all(dest.join(".git"))
        .map_err(|e| format!("cannot remove {}/.git: {e}", dest.display()))
}

/// Run git without prompts and without the `ext::` transport (which runs commands);
/// the error is git's own last line.
fn git(what: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new("git")
        .args([
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "advice.detachedHead=false",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("no message");
    Err(format!("git {what}: {last}"))
}
