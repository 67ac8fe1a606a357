//! The S3 backend a root module configures (`terraform { backend "s3" { ... } }`):
//! where `--state-from-backend` reads the state from. Only literal settings are
//! read; Terraform itself allows nothing else in a backend block.

use crate::diagnostic::Diagnostic;
use crate::source::terraform::discover::{list_tf, relative};
use crate::source::terraform::module::body_attr;
use crate::source::terraform::parse::parse_file;
use std::path::{Path, PathBuf};

/// An S3 backend: the object that holds the root's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Backend {
    pub bucket: String,
    pub key: String,
    pub region: Option<String>,
    /// The root module directory that configures it.
    pub root: PathBuf,
    /// The file and line of the backend block, for messages.
    pub at: String,
}

impl S3Backend {
    /// `s3://bucket/key`, as the state is shown in results and messages.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// The S3 backend of the root module in `dir`, if it configures one. A backend block
/// without a literal `bucket` and `key` (given at `terraform init -backend-config`
/// time) is a diagnostic: the state cannot be found from the configuration.
pub fn find(dir: &Path) -> Result<Option<S3Backend>, Diagnostic> {
    for path in list_tf(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
    {
        let rel = relative(&path, dir);
        let Ok(file) = parse_file(&path, &rel) else {
            // Syntax errors are reported by the configuration scan itself.
            continue;
        };
        for block in file
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "terraform")
        {
            if let Some(backend) = block.body.blocks().find(|b| {
                b.ident.as_str() == "backend" && b.labels.first().map(|l| l.as_str()) == Some("s3")
            }) {
                let location = file.location(crate::source::terraform::module::block_span(backend));
                let at = format!("{}:{}", location.file, location.start_line);
                let literal = |name: &str| {
                    body_attr(&file, &backend.body, name)
                        .and_then(|e| e.expr.as_str().map(str::to_string))
                };
                return match (literal("bucket"), literal("key")) {
                    (Some(bucket), Some(key)) => Ok(Some(S3Backend {
                        bucket,
                        key,
                        region: literal("region"),
                        root: dir.to_path_buf(),
                        at,
                    })),
                    _ => Err(Diagnostic::error(
                        "state-backend",
                        "the s3 backend does not name its bucket and key (given to terraform init with -backend-config?); --state-from-backend cannot find the state",
                    )
                    .at(
                        format!("{}", dir.join(&location.file).display()),
                        Some(location.start_line),
                        None,
                    )),
                };
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_s3_backends_are_found_and_others_explained() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("main.tf"),
            "terraform {\n  backend \"s3\" {\n    bucket = \"tf-state\"\n    key    = \"app/terraform.tfstate\"\n    region = \"eu-west-1\"\n  }\n}\n",
        )
        .expect("write");
        let b = find(dir.path()).expect("ok").expect("backend");
        assert_eq!(b.url(), "s3://tf-state/app/terraform.tfstate");
        assert_eq!(b.region.as_deref(), Some("eu-west-1"));
        assert_eq!(b.at, "main.tf:2");
        std::fs::write(
            dir.path().join("main.tf"),
            "terraform {\n  backend \"s3\" {}\n}\n",
        )
        .expect("write");
        let e = find(dir.path()).expect_err("partial backend");
        assert_eq!((e.code, e.line), ("state-backend", Some(2)));
        std::fs::write(dir.path().join("main.tf"), "terraform {}\n").expect("write");
        assert_eq!(find(dir.path()).expect("ok"), None);
    }
}
