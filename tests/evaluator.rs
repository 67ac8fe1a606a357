//! The Terraform evaluator on small configurations: what each resource's attributes
//! evaluate to, and which addresses instances get.

use soc2scan::model::Value;
use soc2scan::source::terraform::resource::TfResource;
use soc2scan::source::terraform::{scan, TfOptions};
use std::fs;

fn eval(files: &[(&str, &str)]) -> Vec<TfResource> {
    eval_with(files, &TfOptions::default())
}

fn eval_with(files: &[(&str, &str)], opts: &TfOptions) -> Vec<TfResource> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, text).expect("write");
    }
    let out = scan(&[dir.path().to_path_buf()], opts, |root| root);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out.roots.into_iter().flat_map(|r| r.resources).collect()
}

fn find<'a>(rs: &'a [TfResource], address: &str) -> &'a TfResource {
    rs.iter().find(|r| r.address == address).unwrap_or_else(|| {
        panic!(
            "no {address} in {:?}",
            rs.iter().map(|r| &r.address).collect::<Vec<_>>()
        )
    })
}

fn s(v: &str) -> Value {
    Value::str(v)
}

#[test]
fn locals_in_any_order_and_conditionals() {
    let rs = eval(&[(
        "main.tf",
        r#"
locals {
  full = "${local.prefix}-${var.env == "prod" ? "p" : "np"}"
  prefix = "acme"
}
variable "env" { default = "prod" }
resource "aws_s3_bucket" "b" { bucket = local.full }
"#,
    )]);
    assert_eq!(
        find(&rs, "aws_s3_bucket.b").body.get("bucket"),
        Some(&s("acme-p"))
    );
}

#[test]
fn count_and_for_each_addresses() {
    let rs = eval(&[(
        "main.tf",
        r#"
resource "aws_kms_key" "this" {
  count       = 2
  description = "key ${count.index}"
}
resource "aws_s3_bucket" "b" {
  for_each = toset(["logs", "data"])
  bucket   = "acme-${each.key}"
}
resource "aws_s3_bucket" "m" {
  for_each = { a = { n = 1 }, b = { n = 2 } }
  bucket   = "m-${each.value.n}"
}
"#,
    )]);
    assert_eq!(
        find(&rs, "aws_kms_key.this[1]").body.get("description"),
        Some(&s("key 1"))
    );
    assert_eq!(
        find(&rs, "aws_s3_bucket.m[\"b\"]").body.get("bucket"),
        Some(&s("m-2"))
    );
    assert_eq!(rs.iter().filter(|r| r.rtype == "aws_kms_key").count(), 2);
}

#[test]
fn module_inputs_outputs_and_nested_addresses() {
    let rs = eval(&[
        (
            "main.tf",
            r#"
module "a" {
  source = "./mod"
  name   = "first"
}
module "b" {
  source = "./mod"
  name   = module.a.bucket_name
}
"#,
        ),
        (
            "mod/main.tf",
            r#"
variable "name" {}
resource "aws_s3_bucket" "this" { bucket = "${var.name}-x" }
output "bucket_name" { value = aws_s3_bucket.this.bucket }
"#,
        ),
    ]);
    assert_eq!(
        find(&rs, "module.b.aws_s3_bucket.this").body.get("bucket"),
        Some(&s("first-x-x"))
    );
    let r = find(&rs, "module.a.aws_s3_bucket.this");
    assert_eq!(r.module_calls.len(), 1);
    assert_eq!(r.module_calls[0].address, "module.a");
    assert_eq!(r.location.file, "mod/main.tf");
}

#[test]
fn references_to_computed_attributes_stay_links() {
    let rs = eval(&[(
        "main.tf",
        r#"
resource "aws_s3_bucket" "b" { bucket = "x" }
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
}
"#,
    )]);
    let v = find(&rs, "aws_s3_bucket_policy.p")
        .body
        .get("bucket")
        .expect("bucket");
    assert_eq!(v.refs(), vec!["aws_s3_bucket.b.id"]);
    assert!(!v.contains_unresolved());
}

#[test]
fn for_expressions_splats_and_templates() {
    let rs = eval(&[(
        "main.tf",
        r#"
variable "users" {
  default = [{ name = "a", admin = true }, { name = "b", admin = false }]
}
locals {
  admins = [for u in var.users : u.name if u.admin]
  names  = var.users[*].name
  by     = { for u in var.users : u.name => u.admin }
  text   = "%{ for n in local.names }<${n}>%{ endfor }"
}
resource "null_resource" "r" {
  triggers = {
    admins = local.admins[0]
    names  = local.names[1]
    b      = local.by["b"]
    text   = local.text
  }
}
"#,
    )]);
    let t = find(&rs, "null_resource.r")
        .body
        .get("triggers")
        .expect("triggers");
    assert_eq!(t.get("admins"), Some(&s("a")));
    assert_eq!(t.get("names"), Some(&s("b")));
    assert_eq!(t.get("b"), Some(&Value::Bool(false)));
    assert_eq!(t.get("text"), Some(&s("<a><b>")));
}

#[test]
fn optional_object_attributes_get_defaults() {
    let rs = eval(&[(
        "main.tf",
        r#"
variable "cfg" {
  type = object({
    name    = string
    encrypt = optional(bool, true)
    tags    = optional(map(string))
  })
  default = { name = "n" }
}
resource "aws_ebs_volume" "v" {
  encrypted = var.cfg.encrypt
  tags      = var.cfg.tags
}
"#,
    )]);
    let v = find(&rs, "aws_ebs_volume.v");
    assert_eq!(v.body.get("encrypted"), Some(&Value::Bool(true)));
    assert_eq!(v.body.get("tags"), Some(&Value::Null));
}

#[test]
fn dynamic_blocks_expand_and_unknown_ones_are_marked() {
    let rs = eval(&[(
        "main.tf",
        r#"
variable "unknown_rules" {}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      from_port = ingress.value
    }
  }
  dynamic "egress" {
    for_each = var.unknown_rules
    content {
      from_port = egress.value
    }
  }
}
"#,
    )]);
    let sg = find(&rs, "aws_security_group.sg");
    let ports: Vec<_> = sg
        .body
        .blocks("ingress")
        .map(|b| b.body.get("from_port").cloned())
        .collect();
    assert_eq!(
        ports,
        vec![Some(Value::Number(80.0)), Some(Value::Number(443.0))]
    );
    assert!(sg.body.unknown_blocks.contains("egress"));
}

#[test]
fn unresolved_variables_stay_unknown() {
    let rs = eval(&[(
        "main.tf",
        r#"
variable "name" {}
resource "aws_s3_bucket" "b" { bucket = "acme-${var.name}" }
"#,
    )]);
    let Some(Value::Unknown(u)) = find(&rs, "aws_s3_bucket.b").body.get("bucket") else {
        panic!("expected unknown");
    };
    assert!(u.unresolved);
    assert_eq!(u.shape.as_deref(), Some("acme-\u{FFFC}"));
}

#[test]
fn tfvars_and_cli_vars_override_defaults_in_order() {
    let opts = TfOptions {
        var_files: Vec::new(),
        vars: vec![("size".into(), "3".into()), ("env".into(), "prod".into())],
        ..TfOptions::default()
    };
    let rs = eval_with(
        &[
            ("main.tf", "variable \"env\" { default = \"dev\" }\nvariable \"size\" {}\nvariable \"region\" { default = \"x\" }\nresource \"aws_ebs_volume\" \"v\" {\n  size = var.size\n  availability_zone = \"${var.region}-${var.env}\"\n}\n"),
            ("terraform.tfvars", "region = \"eu\"\nenv = \"staging\"\n"),
            ("a.auto.tfvars", "region = \"us\"\n"),
        ],
        &opts,
    );
    let v = find(&rs, "aws_ebs_volume.v");
    assert_eq!(v.body.get("size"), Some(&Value::Number(3.0)));
    assert_eq!(v.body.get("availability_zone"), Some(&s("us-prod")));
}

#[test]
fn policy_document_data_source_becomes_json() {
    let rs = eval(&[(
        "main.tf",
        r#"
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "One"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.b.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.d.json
}
"#,
    )]);
    let Some(Value::Json(doc)) = find(&rs, "aws_s3_bucket_policy.p").body.get("policy") else {
        panic!("expected a partly known JSON document");
    };
    let sts = doc
        .get("Statement")
        .and_then(Value::as_list)
        .expect("statements");
    assert_eq!(sts.len(), 2);
    assert_eq!(sts[0].get("Effect"), Some(&s("Allow")));
    assert_eq!(sts[1].get("Principal"), Some(&s("*")));
    assert_eq!(
        sts[1]
            .get("Condition")
            .and_then(|c| c.get("Bool"))
            .and_then(|b| b.get("aws:SecureTransport")),
        Some(&Value::List(vec![s("false")]))
    );
}

#[test]
fn heredoc_policy_is_text() {
    let rs = eval(&[(
        "main.tf",
        "resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOT\n    {\"Version\": \"2012-10-17\"}\n  EOT\n}\n",
    )]);
    assert_eq!(
        find(&rs, "aws_iam_policy.p").body.get("policy"),
        Some(&s("{\"Version\": \"2012-10-17\"}\n"))
    );
}

#[test]
fn provider_default_tags_apply_to_resources() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("main.tf"),
        r#"
variable "env" { default = "prod" }
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Environment = var.env, DataClassification = "internal" }
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "x"
  tags   = { DataClassification = "confidential" }
}
"#,
    )
    .expect("write");
    let req = soc2scan::scan::ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    let o = soc2scan::scan::run(&req).expect("scan");
    let b = &o.inventory.s3_buckets[0];
    assert_eq!(
        b.meta.tags.get("Environment").map(String::as_str),
        Some("prod")
    );
    assert_eq!(
        b.meta.tags.get("DataClassification").map(String::as_str),
        Some("confidential")
    );
    let env = b
        .meta
        .environment
        .as_ref()
        .expect("environment from default tags");
    assert!(env.production);
    assert!(b.meta.is_sensitive());
}

/// Strip markers (`~`) in template interpolations and directives remove the
/// whitespace beside them, as Terraform does: rendered lists in policies and user
/// data must come out exactly.
#[test]
fn template_strip_markers_remove_adjacent_whitespace() {
    let rs = eval(&[(
        "main.tf",
        r#"
locals {
  names = ["a", "b"]
}
resource "null_resource" "t" {
  triggers = {
    inline = "x  ${~ "y" ~}  z"
    left   = "x  ${~ "y"}  z"
    branch = "[ %{ if length(local.names) > 1 ~} many %{~ else ~} few %{~ endif ~} ]"
    other  = "[ %{ if false ~} many %{~ else ~} few %{~ endif } ]"
    loop   = <<EOT
%{ for n in local.names ~}
${n}
%{ endfor ~}
EOT
  }
}
"#,
    )]);
    let t = find(&rs, "null_resource.t");
    let triggers = t.body.get("triggers").expect("triggers");
    let get = |k: &str| triggers.as_map().and_then(|m| m.get(k)).cloned();
    assert_eq!(get("inline"), Some(s("xyz")));
    assert_eq!(get("left"), Some(s("xy  z")));
    assert_eq!(get("branch"), Some(s("[ many]")));
    assert_eq!(get("other"), Some(s("[ few ]")));
    assert_eq!(get("loop"), Some(s("a\nb\n")));
}

/// A template that interpolates a partly known string keeps that string's known
/// parts: the AWS-managed policy ARN built from a partition prefix stays recognisable.
#[test]
fn nested_templates_keep_the_known_parts_of_partly_known_strings() {
    let rs = eval(&[(
        "main.tf",
        r#"
data "aws_partition" "current" {}
locals {
  prefix = "arn:${data.aws_partition.current.partition}:iam::aws:policy"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = "r"
  policy_arn = "${local.prefix}/AmazonEKSClusterPolicy"
}
"#,
    )]);
    let a = find(&rs, "aws_iam_role_policy_attachment.a");
    let Some(Value::Unknown(u)) = a.body.get("policy_arn") else {
        panic!(
            "policy_arn should be partly known: {:?}",
            a.body.get("policy_arn")
        );
    };
    assert_eq!(
        u.shape.as_deref(),
        Some("arn:\u{FFFC}:iam::aws:policy/AmazonEKSClusterPolicy")
    );
}

/// A `templatefile` template is evaluated like any expression of the module (one
/// evaluator): its directives, functions and splats work, it sees only the variables
/// it is given, and a rendered JSON policy keeps its structure with the bucket's ARN
/// in place.
#[test]
fn templatefile_templates_are_evaluated_like_the_module() {
    let rs = eval(&[
        (
            "main.tf",
            r#"
resource "aws_s3_bucket" "b" { bucket = "logs" }
resource "aws_iam_policy" "p" {
  policy = templatefile("${path.module}/policy.json.tpl", {
    bucket  = aws_s3_bucket.b.arn
    actions = ["s3:GetObject", "s3:PutObject"]
    users   = [{ name = "a" }, { name = "b" }]
  })
}
"#,
        ),
        (
            "policy.json.tpl",
            r#"{
  "Statement": [
    %{~ for i, a in actions ~}
    ${i > 0 ? "," : ""}{"Effect": "Allow", "Action": "${a}", "Resource": "${bucket}/*",
     "Principal": {"AWS": ${jsonencode([for u in users[*].name : upper(u)])}}}
    %{~ endfor ~}
  ]
}
"#,
        ),
    ]);
    let p = find(&rs, "aws_iam_policy.p");
    let Some(Value::Json(doc)) = p.body.get("policy") else {
        panic!(
            "the policy should be a JSON document: {:?}",
            p.body.get("policy")
        );
    };
    let Value::Map(doc) = doc.as_ref() else {
        panic!("{doc:?}")
    };
    let Some(Value::List(statements)) = doc.get("Statement") else {
        panic!("{doc:?}")
    };
    assert_eq!(statements.len(), 2);
    let Value::Map(second) = &statements[1] else {
        panic!("{statements:?}")
    };
    assert_eq!(second.get("Action"), Some(&s("s3:PutObject")));
    assert_eq!(
        second.get("Principal"),
        Some(&Value::Map(
            [("AWS".to_string(), Value::List(vec![s("A"), s("B")]))]
                .into_iter()
                .collect()
        ))
    );
    let Some(Value::Unknown(resource)) = second.get("Resource") else {
        panic!("{second:?}")
    };
    assert_eq!(resource.refs, ["aws_s3_bucket.b.arn"]);
    assert_eq!(resource.shape.as_deref(), Some("\u{FFFC}/*"));
}
