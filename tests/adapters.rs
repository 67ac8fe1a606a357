//! Terraform adapters: evaluated resources to the typed inventory.

use soc2scan::model::iam::Principal;
use soc2scan::model::{Inventory, Tri};
use soc2scan::scan::{run, ScanRequest};
use std::fs;

fn inventory(tf: &str) -> Inventory {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("main.tf"), tf).expect("write");
    let req = ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        ..ScanRequest::default()
    };
    let o = run(&req).expect("scan");
    assert!(
        o.report.diagnostics.is_empty(),
        "{:?}",
        o.report.diagnostics
    );
    o.inventory
}

#[test]
fn iam_policies_attachments_roles_and_users() {
    let inv = inventory(
        r#"
data "aws_partition" "current" {}
resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{\"Statement\": []}"
  inline_policy {
    name   = "inline"
    policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"
  }
}
resource "aws_iam_user" "bob" { name = "bob" }
resource "aws_iam_role_policy_attachment" "ops" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.ops.arn
}
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.bob.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_user_policy" "bob" {
  user   = aws_iam_user.bob.name
  policy = "{\"Statement\": []}"
}
"#,
    );
    let ops = inv
        .identity_policies
        .iter()
        .find(|p| p.meta.address == "aws_iam_policy.ops")
        .expect("ops");
    assert_eq!(ops.attached_to, vec![Principal::Role("app".into())]);
    assert!(!ops.inline);
    let inline = inv
        .identity_policies
        .iter()
        .find(|p| p.meta.address == "aws_iam_role.app")
        .expect("inline block");
    assert!(inline.inline);
    assert_eq!(inline.document.known().map(|d| d.statements.len()), Some(1));
    let admin = &inv.policy_attachments[0];
    assert_eq!(
        admin.policy_arn,
        Tri::Known("arn:aws:iam::aws:policy/AdministratorAccess".into())
    );
    assert_eq!(admin.attached_to, Tri::Known(Principal::User("bob".into())));
    assert_eq!(inv.iam_roles.len(), 1);
    assert!(inv.iam_roles[0].trust_policy.is_known());
    let bob = &inv.iam_users[0];
    assert_eq!(
        bob.direct_policies,
        vec![
            "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
            "aws_iam_user_policy.bob".to_string()
        ]
    );
}

#[test]
fn s3_split_resources_join_their_bucket() {
    let inv = inventory(
        r#"
resource "aws_s3_bucket" "b" {
  bucket = "acme"
}
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket_acl" "b" {
  bucket = "acme"
  acl    = "private"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.bucket
  policy = "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}"
}
resource "aws_s3_bucket_logging" "b" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "b/"
}
resource "aws_s3_bucket" "logs" { bucket = "acme-logs" }
"#,
    );
    let b = inv
        .s3_buckets
        .iter()
        .find(|b| b.meta.address == "aws_s3_bucket.b")
        .expect("bucket");
    let pab = b
        .public_access_block
        .known()
        .and_then(|p| p.as_ref())
        .expect("pab joined");
    assert_eq!(pab.all_on(), Some(true));
    assert_eq!(b.versioning, Tri::Known("Enabled".into()));
    let acl = b
        .acl
        .known()
        .and_then(|a| a.as_ref())
        .expect("acl joined by name");
    assert_eq!(acl.canned, Tri::Known("private".into()));
    assert_eq!(b.policies.known().map(Vec::len), Some(1));
    assert!(b.log_destination_for.is_none());
    let logs = inv
        .s3_buckets
        .iter()
        .find(|b| b.meta.address == "aws_s3_bucket.logs")
        .expect("logs");
    assert!(logs
        .log_destination_for
        .as_deref()
        .is_some_and(|w| w.contains("server access logs")));
}
