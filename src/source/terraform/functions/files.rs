//! File and path functions.
//!
//! Relative paths resolve against the calling module's directory. Nothing outside
//! the scan root is ever read (a configuration must not make the scanner read
//! `/etc/shadow` or `~/.aws/credentials`), nor any file over [`MAX_FILE`] bytes.

use super::encoding::{digest, Digest};
use super::{
    all_known, arity, check_size, fail, partial_map, string, unknown_of, FileAccess, FnError, Out,
    Stop,
};
use crate::model::value::Value;
use base64::Engine as _;
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

/// Largest file the file functions read.
const MAX_FILE: u64 = 5 * 1024 * 1024;
/// Most directory entries `fileset` visits.
const MAX_WALK: usize = 100_000;

/// `path` made absolute against the module directory, with `.` and `..` resolved
/// lexically (symbolic links are resolved later, by canonicalisation).
fn absolute(path: &str, access: &FileAccess) -> PathBuf {
    let p = Path::new(path);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        let dir = access
            .module_dir
            .canonicalize()
            .unwrap_or_else(|_| access.module_dir.to_path_buf());
        dir.join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The canonical scan root.
fn root(access: &FileAccess) -> Result<PathBuf, Stop> {
    access
        .scan_root
        .canonicalize()
        .map_err(|e| fail(format!("cannot resolve the scan root: {e}")))
}

fn outside(path: &str) -> Stop {
    Stop::Fail(FnError::Refused(format!(
        "refusing to read {path:?}: it is outside the scanned directory"
    )))
}

/// Resolve an existing path inside the scan root (after following links).
fn resolve(path: &str, access: &FileAccess) -> Result<PathBuf, Stop> {
    if path.is_empty() {
        return Err(fail("path must not be empty"));
    }
    let root = root(access)?;
    let abs = absolute(path, access);
    if !abs.starts_with(&root) {
        return Err(outside(path));
    }
    let canonical = abs
        .canonicalize()
        .map_err(|_| fail(format!("no file exists at {path:?}")))?;
    if !canonical.starts_with(&root) {
        return Err(outside(path));
    }
    Ok(canonical)
}

/// Read a regular file inside the scan root, refusing big ones.
fn read(path: &str, access: &FileAccess) -> Result<Vec<u8>, Stop> {
    let p = resolve(path, access)?;
    let meta = std::fs::metadata(&p).map_err(|e| fail(format!("cannot read {path:?}: {e}")))?;
    if meta.is_dir() {
        return Err(fail(format!("{path:?} is a directory, not a file")));
    }
    if meta.len() > MAX_FILE {
        return Err(fail(format!(
            "{path:?} is larger than {} MB; refusing to read it",
            MAX_FILE / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&p)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read {path:?}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(fail(format!("{path:?} is too large")));
    }
    Ok(bytes)
}

/// The path argument of a file function; unknown stops with an unknown.
fn path_arg(args: &[Value]) -> Result<String, Stop> {
    all_known(&args[..1])?;
    string(&args[0])
}

fn utf8(bytes: Vec<u8>, path: &str) -> Result<String, Stop> {
    String::from_utf8(bytes).map_err(|_| {
        fail(format!(
            "contents of {path:?} are not valid UTF-8; use filebase64 to read binary files"
        ))
    })
}

/// `file(path)`: the file's text.
pub(super) fn file(args: &[Value], access: &FileAccess) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    utf8(read(&path, access)?, &path).map(Value::String)
}

/// `filebase64(path)`.
pub(super) fn filebase64(args: &[Value], access: &FileAccess) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(read(&path, access)?),
    ))
}

/// `filesha256`, `filesha512`, `filebase64sha256`, `filebase64sha512`.
pub(super) fn filehash(args: &[Value], access: &FileAccess, d: Digest, base64: bool) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    Ok(digest(&read(&path, access)?, d, base64))
}

/// `fileexists(path)`: whether a regular file exists there. Asking about a path
/// outside the scan root is refused like reading it.
pub(super) fn fileexists(args: &[Value], access: &FileAccess) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    let root = root(access)?;
    let abs = absolute(&path, access);
    if !abs.starts_with(&root) {
        return Err(outside(&path));
    }
    let Ok(canonical) = abs.canonicalize() else {
        return Ok(Value::Bool(false));
    };
    if !canonical.starts_with(&root) {
        return Err(outside(&path));
    }
    match std::fs::metadata(&canonical) {
        Ok(m) if m.is_dir() => Err(fail(format!("{path:?} is a directory, not a file"))),
        Ok(m) => Ok(Value::Bool(m.is_file())),
        Err(_) => Ok(Value::Bool(false)),
    }
}

/// `fileset(path, pattern)`: the regular files under `path` matching the glob
/// `pattern` (`*` within a directory, `**` across), relative to `path`, sorted.
pub(super) fn fileset(args: &[Value], access: &FileAccess) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let path = string(&args[0])?;
    let pattern = string(&args[1])?;
    let base = resolve(&path, access)?;
    let root = root(access)?;
    let glob = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| fail(format!("failed to glob pattern {pattern:?}: {e}")))?
        .compile_matcher();
    let mut out = Vec::new();
    let mut visited = 0usize;
    let mut stack = vec![base.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            visited += 1;
            if visited > MAX_WALK {
                return Err(fail(format!("too many files under {path:?}")));
            }
            let p = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(p);
                continue;
            }
            // Follow a link only to a regular file inside the scan root.
            let target = if kind.is_symlink() {
                match p.canonicalize() {
                    Ok(t) if t.starts_with(&root) && t.is_file() => t,
                    _ => continue,
                }
            } else {
                p.clone()
            };
            if !target.is_file() {
                continue;
            }
            let Ok(rel) = p.strip_prefix(&base) else {
                continue;
            };
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = rel.join("/");
            if glob.is_match(&rel) {
                out.push(rel);
                check_size(out.len())?;
            }
        }
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

/// `templatefile(path, vars)`'s text and variables; the evaluator renders it (see
/// [`super::template::source`]).
pub(super) fn templatefile<'v>(
    args: &'v [Value],
    access: &FileAccess,
) -> Result<(String, &'v BTreeMap<String, Value>), Stop> {
    arity(args, 2, 2)?;
    let path = path_arg(args)?;
    if args[1].is_unknown() {
        return Err(Stop::Done(unknown_of(args)));
    }
    let vars = partial_map(&args[1])?;
    Ok((utf8(read(&path, access)?, &path)?, vars))
}

/// Go's `path.Clean` for `/`-separated paths.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// `abspath(path)`: relative paths resolve against the module directory, as the
/// closest stand-in for Terraform's working directory.
pub(super) fn abspath(args: &[Value], access: &FileAccess) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    let full = if Path::new(&path).is_absolute() {
        path
    } else {
        format!("{}/{path}", access.module_dir.to_string_lossy())
    };
    Ok(Value::String(clean(&full)))
}

/// `basename(path)` as Go's `filepath.Base`.
pub(super) fn basename(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    if path.is_empty() {
        return Ok(Value::str("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::str("/"));
    }
    Ok(Value::str(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

/// `dirname(path)` as Go's `filepath.Dir`.
pub(super) fn dirname(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    Ok(Value::String(clean(dir)))
}

/// `pathexpand(path)`: a leading `~` is the home directory of whoever runs
/// Terraform, which is not knowable here; other paths are returned unchanged.
pub(super) fn pathexpand(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let path = path_arg(args)?;
    if path.starts_with('~') {
        return Ok(Value::unresolved());
    }
    Ok(Value::String(path))
}

#[cfg(test)]
mod tests {
    use super::super::template::{source, Source};
    use super::super::tests::*;
    use super::super::{call, FileAccess};
    use crate::model::value::Value;
    use std::fs;

    struct Tree {
        _dir: tempfile::TempDir,
        root: std::path::PathBuf,
        module: std::path::PathBuf,
    }

    /// A scan root with a module directory, and a secret next to (outside) the root.
    fn tree() -> Tree {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("scan");
        let module = root.join("modules/m");
        fs::create_dir_all(module.join("files/sub")).expect("mkdir");
        fs::write(module.join("policy.json"), r#"{"Version":"2012-10-17"}"#).expect("write");
        fs::write(module.join("files/a.txt"), "a").expect("write");
        fs::write(module.join("files/b.json"), "b").expect("write");
        fs::write(module.join("files/sub/c.txt"), "c").expect("write");
        fs::write(module.join("bin.dat"), [0xff, 0xfe]).expect("write");
        fs::write(
            root.join("shared.tpl"),
            "Hello ${name}!%{ for r in regions } ${r}%{ endfor ~}\n",
        )
        .expect("write");
        fs::write(dir.path().join("secret"), "s3cr3t").expect("write");
        Tree {
            root,
            module,
            _dir: dir,
        }
    }

    fn run(t: &Tree, name: &str, args: &[Value]) -> Result<Value, super::super::FnError> {
        call(
            name,
            args,
            &FileAccess {
                module_dir: &t.module,
                scan_root: &t.root,
            },
        )
    }

    /// What `templatefile` would render: `Some` of the template's text, or `None`
    /// for an unknown result.
    fn template(t: &Tree, args: &[Value]) -> Result<Option<String>, super::super::FnError> {
        let access = FileAccess {
            module_dir: &t.module,
            scan_root: &t.root,
        };
        Ok(match source("templatefile", args, &access)? {
            Source::Parsed(template, _) => Some(template.to_string()),
            Source::Unknown(_) => None,
        })
    }

    fn path(p: &std::path::Path) -> Value {
        s(&p.to_string_lossy())
    }

    #[test]
    fn reads_relative_and_module_paths() {
        let t = tree();
        let want = s(r#"{"Version":"2012-10-17"}"#);
        assert_eq!(
            run(&t, "file", &[s("policy.json")]).ok(),
            Some(want.clone())
        );
        let abs = path(&t.module.join("policy.json"));
        assert_eq!(run(&t, "file", &[abs]).ok(), Some(want));
        assert_eq!(
            run(&t, "file", &[s("files/../files/a.txt")]).ok(),
            Some(s("a"))
        );
        assert_eq!(run(&t, "filebase64", &[s("bin.dat")]).ok(), Some(s("//4=")));
        assert!(run(&t, "file", &[s("bin.dat")]).is_err());
        assert!(run(&t, "file", &[s("missing.txt")]).is_err());
        assert!(run(&t, "file", &[s("files")]).is_err());
        assert_eq!(
            run(&t, "filesha256", &[s("files/a.txt")]).ok(),
            Some(s(
                "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
            ))
        );
        assert_eq!(
            run(&t, "filebase64sha256", &[s("files/a.txt")]).ok(),
            Some(s("ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="))
        );
        assert!(run(&t, "file", &[Value::unresolved()]).is_ok_and(|v| v.is_unknown()));
    }

    #[test]
    fn refuses_paths_outside_the_scan_root() {
        let t = tree();
        for p in ["../../../secret", "/etc/passwd"] {
            let e = run(&t, "file", &[s(p)]).expect_err("must refuse");
            assert!(matches!(e, super::super::FnError::Refused(_)), "{e:?}");
            assert!(
                e.to_string().contains("outside the scanned directory"),
                "{e}"
            );
            assert!(run(&t, "filebase64", &[s(p)]).is_err());
            assert!(run(&t, "fileexists", &[s(p)]).is_err());
            assert!(matches!(
                template(&t, &[s(p), map(&[])]),
                Err(super::super::FnError::Refused(_))
            ));
        }
        let secret = t.root.parent().map(|d| d.join("secret")).expect("parent");
        assert!(run(&t, "file", &[path(&secret)]).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&secret, t.module.join("link")).expect("symlink");
            let e = run(&t, "file", &[s("link")]).expect_err("must refuse a link out");
            assert!(e.to_string().contains("outside"), "{e}");
            assert!(run(&t, "fileexists", &[s("link")]).is_err());
        }
    }

    #[test]
    fn refuses_big_files() {
        let t = tree();
        let big = t.module.join("big.json");
        fs::write(&big, vec![b' '; 5 * 1024 * 1024 + 1]).expect("write");
        let e = run(&t, "file", &[s("big.json")]).expect_err("too big");
        assert!(e.to_string().contains("larger than"), "{e}");
    }

    #[test]
    fn exists_and_fileset() {
        let t = tree();
        assert_eq!(
            run(&t, "fileexists", &[s("policy.json")]).ok(),
            Some(Value::Bool(true))
        );
        assert_eq!(
            run(&t, "fileexists", &[s("nope.json")]).ok(),
            Some(Value::Bool(false))
        );
        assert!(run(&t, "fileexists", &[s("files")]).is_err());
        assert_eq!(
            run(&t, "fileset", &[s("files"), s("*.txt")]).ok(),
            Some(strs(&["a.txt"]))
        );
        assert_eq!(
            run(&t, "fileset", &[path(&t.module), s("files/**/*.txt")]).ok(),
            Some(strs(&["files/a.txt", "files/sub/c.txt"]))
        );
        assert_eq!(
            run(&t, "fileset", &[s("files"), s("{a,b}.*")]).ok(),
            Some(strs(&["a.txt", "b.json"]))
        );
        assert!(run(&t, "fileset", &[s("../../.."), s("*")]).is_err());
    }

    #[test]
    fn templatefile_reads_its_template() {
        let t = tree();
        let vars = map(&[("name", s("world"))]);
        assert_eq!(
            template(&t, &[s("../../shared.tpl"), vars.clone()]).ok(),
            Some(Some(
                "Hello ${name}!%{ for r in regions } ${r}%{ endfor ~}\n".into()
            ))
        );
        assert_eq!(
            template(&t, &[s("../../shared.tpl"), Value::unresolved()]).ok(),
            Some(None)
        );
        assert_eq!(
            template(&t, &[Value::unresolved(), vars.clone()]).ok(),
            Some(None)
        );
        assert!(template(&t, &[s("nope.tpl"), vars.clone()]).is_err());
        assert!(template(&t, &[s("bin.dat"), vars.clone()]).is_err());
        assert!(template(&t, &[s("../../shared.tpl"), s("x")]).is_err());
        assert!(template(&t, &[s("../../shared.tpl")]).is_err());
        let bad_name = map(&[("not valid!", s("x"))]);
        assert!(template(&t, &[s("../../shared.tpl"), bad_name]).is_err());
    }

    #[test]
    fn path_functions() {
        assert_eq!(ok("basename", &[s("foo/bar/baz.txt")]), s("baz.txt"));
        assert_eq!(ok("basename", &[s("foo/bar/")]), s("bar"));
        assert_eq!(ok("basename", &[s("/")]), s("/"));
        assert_eq!(ok("basename", &[s("")]), s("."));
        assert_eq!(ok("dirname", &[s("foo/bar/baz.txt")]), s("foo/bar"));
        assert_eq!(ok("dirname", &[s("baz.txt")]), s("."));
        assert_eq!(ok("dirname", &[s("/baz.txt")]), s("/"));
        assert_eq!(ok("dirname", &[s("a//b/../c/d")]), s("a/c"));
        assert_eq!(ok("abspath", &[s("/a/./b/../c")]), s("/a/c"));
        assert_eq!(ok("abspath", &[s("x/../y")]), s("/y"));
        assert_eq!(ok("pathexpand", &[s("/etc/x")]), s("/etc/x"));
        assert!(ok("pathexpand", &[s("~/.ssh/id_rsa")]).is_unknown());
    }
}
