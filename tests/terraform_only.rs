//! The Terraform-only build (`--no-default-features`): everything but the live
//! sweep, which it refuses up front with a sentence saying why.

/// `--aws` in a build without the `aws` feature is a usage error (exit 2) that names
/// the missing feature, given before any Terraform is read.
#[cfg(not(feature = "aws"))]
#[test]
fn aws_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(["scan", ".", "--aws", "--region", "eu-west-1"])
        .current_dir(dir.path())
        .output()
        .expect("run soc2scan");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("built without AWS support (Cargo feature `aws`)"),
        "{err}"
    );
}
