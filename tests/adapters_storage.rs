//! Terraform adapters for KMS keys, RDS, EBS and the managed data stores: the values
//! the encryption and resilience rules judge, and the resource lines they report on.

use soc2scan::model::kms::KeySource;
use soc2scan::model::rds::DbRef;
use soc2scan::model::s3::KeyRef;
use soc2scan::model::{Gap, Inventory, Meta, Tri};
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

/// What the EBS rules read of one device: address, line, device, encrypted, from
/// snapshot, implicit.
type Device<'a> = (&'a str, usize, &'a str, &'a Tri<bool>, bool, bool);

fn line(meta: &Meta) -> usize {
    meta.location().expect("terraform location").start_line
}

#[test]
fn key_references_tell_customer_from_aws_managed_keys() {
    let inv = inventory(
        r#"
resource "aws_kms_key" "k" {}
data "aws_kms_alias" "aws" {
  name = "alias/aws/sns"
}
data "aws_kms_key" "mine" {
  key_id = "alias/team-key"
}
variable "unset" {
  type = string
}
resource "aws_sns_topic" "managed" {
  kms_master_key_id = aws_kms_key.k.arn
}
resource "aws_sns_topic" "looked_up_aws" {
  kms_master_key_id = data.aws_kms_alias.aws.target_key_arn
}
resource "aws_sns_topic" "looked_up_mine" {
  kms_master_key_id = data.aws_kms_key.mine.arn
}
resource "aws_sns_topic" "literal" {
  kms_master_key_id = "alias/aws/sns"
}
resource "aws_sns_topic" "unset" {
  kms_master_key_id = var.unset
}
resource "aws_sns_topic" "absent" {}
"#,
    );
    let key = |name: &str| {
        inv.sns_topics
            .iter()
            .find(|t| t.meta.address == format!("aws_sns_topic.{name}"))
            .map(|t| t.kms_key.clone())
            .expect("topic")
    };
    assert_eq!(
        key("managed"),
        Tri::Known(KeyRef::Managed("aws_kms_key.k.arn".into()))
    );
    assert_eq!(
        key("looked_up_aws"),
        Tri::Known(KeyRef::Literal("alias/aws/sns".into()))
    );
    assert_eq!(
        key("looked_up_mine"),
        Tri::Known(KeyRef::Literal("alias/team-key".into()))
    );
    assert_eq!(
        key("literal"),
        Tri::Known(KeyRef::Literal("alias/aws/sns".into()))
    );
    assert_eq!(key("unset"), Tri::Unknown(Gap::BeforeApply));
    assert_eq!(key("absent"), Tri::Absent);
}

#[test]
fn kms_keys_replicas_and_imported_keys() {
    let inv = inventory(
        r#"
resource "aws_kms_key" "primary" {
  multi_region            = true
  enable_key_rotation     = true
  rotation_period_in_days = 180
  deletion_window_in_days = 7
}
resource "aws_kms_replica_key" "replica" {
  primary_key_arn = aws_kms_key.primary.arn
}
resource "aws_kms_external_key" "imported" {}
resource "aws_kms_key" "hsm" {
  custom_key_store_id = "cks-1"
}
"#,
    );
    let by = |addr: &str| {
        inv.kms_keys
            .iter()
            .find(|k| k.meta.address == addr)
            .expect("key")
    };
    let primary = by("aws_kms_key.primary");
    assert_eq!(primary.source, Tri::Known(KeySource::Kms));
    assert_eq!(primary.rotation_enabled, Tri::Known(true));
    assert_eq!(primary.rotation_period_days, Tri::Known(180.0));
    assert_eq!(primary.deletion_window_days, Tri::Known(7.0));
    assert_eq!(primary.is_symmetric_encryption(), Some(true));
    assert_eq!(
        by("aws_kms_replica_key.replica").source,
        Tri::Known(KeySource::Replica(Tri::Known("aws_kms_key.primary".into())))
    );
    assert_eq!(
        by("aws_kms_external_key.imported").source,
        Tri::Known(KeySource::External)
    );
    assert_eq!(
        by("aws_kms_key.hsm").source,
        Tri::Known(KeySource::CustomKeyStore)
    );
}

#[test]
fn rds_members_replicas_and_parameter_groups() {
    let inv = inventory(
        r#"
resource "aws_rds_cluster" "c" {
  cluster_identifier = "c"
  engine_mode        = "serverless"
}
resource "aws_db_instance" "by_ref" {
  cluster_identifier = aws_rds_cluster.c.id
}
resource "aws_db_instance" "by_name" {
  cluster_identifier = "c"
}
resource "aws_db_instance" "elsewhere" {
  cluster_identifier = "other"
}
resource "aws_db_instance" "source" {
  identifier = "src"
}
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.source.identifier
}
resource "aws_db_parameter_group" "pg" {
  name   = "pg"
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
"#,
    );
    let by = |addr: &str| {
        inv.db_instances
            .iter()
            .find(|d| d.meta.address == addr)
            .expect("db")
    };
    let cluster = by("aws_rds_cluster.c");
    assert!(cluster.cluster);
    assert_eq!(cluster.engine_mode, Tri::Known("serverless".into()));
    let member = Tri::Known(DbRef::Managed("aws_rds_cluster.c".into()));
    assert_eq!(by("aws_db_instance.by_ref").cluster_member, member);
    assert_eq!(by("aws_db_instance.by_name").cluster_member, member);
    assert_eq!(
        by("aws_db_instance.elsewhere").cluster_member,
        Tri::Known(DbRef::External("other".into()))
    );
    assert_eq!(
        by("aws_db_instance.replica").replicate_source,
        Tri::Known(DbRef::Managed("aws_db_instance.source".into()))
    );
    assert_eq!(by("aws_db_instance.source").cluster_member, Tri::Absent);
    let pg = &inv.db_parameter_groups[0];
    assert_eq!(pg.group_name, Tri::Known("pg".into()));
    let params = pg.parameters.known().expect("parameters");
    assert_eq!(params[0].name, "rds.force_ssl");
    assert_eq!(params[0].value, Tri::Known("1".into()));
}

#[test]
fn ebs_devices_carry_their_resource_line() {
    let inv = inventory(
        r#"
resource "aws_instance" "i" {
  ami = "ami-1"
  ebs_block_device {
    device_name = "/dev/sdf"
    snapshot_id = "snap-1"
  }
}

resource "aws_launch_template" "t" {
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = ""
    }
  }
  block_device_mappings {
    device_name = "/dev/sdb"
    ebs {
      encrypted = "true"
    }
  }
}
"#,
    );
    let devices: Vec<Device> = inv
        .ebs_volumes
        .iter()
        .map(|v| {
            (
                v.meta.address.as_str(),
                line(&v.meta),
                v.device.as_str(),
                &v.encrypted,
                v.from_snapshot,
                v.implicit,
            )
        })
        .collect();
    assert_eq!(
        devices,
        vec![
            (
                "aws_instance.i",
                2,
                "root volume (no root_block_device block)",
                &Tri::Absent,
                false,
                true
            ),
            (
                "aws_instance.i",
                2,
                "ebs_block_device /dev/sdf",
                &Tri::Absent,
                true,
                false
            ),
            (
                "aws_launch_template.t",
                10,
                "block_device_mappings /dev/xvda",
                &Tri::Absent,
                false,
                false
            ),
            (
                "aws_launch_template.t",
                10,
                "block_device_mappings /dev/sdb",
                &Tri::Known(true),
                false,
                false
            ),
        ]
    );
}

#[test]
fn data_stores_keep_unset_defaults_absent() {
    let inv = inventory(
        r#"
resource "aws_dynamodb_table" "t" {
  name = "t"
  replica {
    region_name = "us-east-1"
  }
}
resource "aws_elasticache_replication_group" "g" {
  replication_group_id = "g"
  engine               = "valkey"
}
resource "aws_opensearch_domain" "d" {
  domain_name = "d"
}
resource "aws_kinesis_stream" "s" {
  name = "s"
}
"#,
    );
    let t = &inv.dynamo_tables[0];
    assert_eq!((&t.sse_enabled, &t.kms_key), (&Tri::Absent, &Tri::Absent));
    assert_eq!(t.replicas[0].region, Tri::Known("us-east-1".into()));
    assert_eq!(inv.elasticache_groups[0].at_rest_encrypted(), Some(true));
    assert_eq!(inv.opensearch_domains[0].encrypt_at_rest, Tri::Absent);
    assert_eq!(inv.kinesis_streams[0].encryption_type, Tri::Absent);
}

/// The default-encryption key of a bucket, by bucket address.
fn bucket_key(inv: &Inventory, address: &str) -> Tri<KeyRef> {
    let b = inv
        .s3_buckets
        .iter()
        .find(|b| b.meta.address == address)
        .expect("bucket");
    match &b.encryption {
        Tri::Known(Some(e)) => e.kms_key.clone(),
        other => panic!("{address}: encryption {other:?}"),
    }
}

#[test]
fn bucket_keys_looked_up_through_data_sources_are_not_managed_keys() {
    let inv = inventory(
        r#"
data "aws_kms_alias" "s3" {
  name = "alias/aws/s3"
}
data "aws_kms_key" "team" {
  key_id = "alias/team"
}
variable "alias_name" {
  type = string
}
data "aws_kms_alias" "unset" {
  name = var.alias_name
}
resource "aws_kms_key" "data" {}
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "k" {
  name          = "alias/k"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_s3_bucket" "aws_alias" {
  bucket = "aws-alias"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "aws_alias" {
  bucket = aws_s3_bucket.aws_alias.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = data.aws_kms_alias.s3.arn
    }
  }
}
resource "aws_s3_bucket" "team" {
  bucket = "team"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = data.aws_kms_key.team.arn
      }
    }
  }
}
resource "aws_s3_bucket" "unset" {
  bucket = "unset"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = data.aws_kms_alias.unset.target_key_arn
      }
    }
  }
}
resource "aws_s3_bucket" "named_data" {
  bucket = "named-data"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.data.arn
      }
    }
  }
}
resource "aws_s3_bucket" "via_alias" {
  bucket = "via-alias"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_alias.k.arn
      }
    }
  }
}
"#,
    );
    let aws = bucket_key(&inv, "aws_s3_bucket.aws_alias");
    assert_eq!(aws, Tri::Known(KeyRef::Literal("alias/aws/s3".into())));
    assert!(aws.known().is_some_and(KeyRef::is_aws_managed_alias));
    assert_eq!(
        bucket_key(&inv, "aws_s3_bucket.team"),
        Tri::Known(KeyRef::Literal("alias/team".into()))
    );
    // The alias name is not known: which key, and whose, is unknown.
    assert_eq!(
        bucket_key(&inv, "aws_s3_bucket.unset"),
        Tri::Unknown(Gap::BeforeApply)
    );
    // A managed key that happens to be named `data` is still a managed key.
    assert_eq!(
        bucket_key(&inv, "aws_s3_bucket.named_data"),
        Tri::Known(KeyRef::Managed("aws_kms_key.data.arn".into()))
    );
    // A managed alias stands for the managed key it targets.
    assert_eq!(
        bucket_key(&inv, "aws_s3_bucket.via_alias"),
        Tri::Known(KeyRef::Managed("aws_kms_key.k.key_id".into()))
    );
}

#[test]
fn kms_key_state_and_split_key_policies() {
    let inv = inventory(
        r#"
resource "aws_kms_key" "off" {
  is_enabled = false
}
resource "aws_kms_key" "on" {
  is_enabled = true
}
resource "aws_kms_key" "default" {}
resource "aws_kms_key" "split" {
  policy = jsonencode({ Statement = [] })
}
resource "aws_kms_key_policy" "split" {
  key_id = aws_kms_key.split.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Public"
      Effect    = "Allow"
      Principal = "*"
      Action    = "kms:Decrypt"
      Resource  = "*"
    }]
  })
}
"#,
    );
    let by = |addr: &str| {
        inv.kms_keys
            .iter()
            .find(|k| k.meta.address == addr)
            .expect("key")
    };
    assert_eq!(
        by("aws_kms_key.off").key_state,
        Tri::Known("Disabled".into())
    );
    assert_eq!(by("aws_kms_key.on").key_state, Tri::Known("Enabled".into()));
    assert_eq!(by("aws_kms_key.default").key_state, Tri::Absent);
    assert_eq!(by("aws_kms_key.default").policy, Tri::Absent);
    // The separate aws_kms_key_policy is the one in force, not the inline one.
    let split = by("aws_kms_key.split").policy.known().expect("policy");
    assert_eq!(split.statements.len(), 1);
    assert_eq!(split.statements[0].sid.as_deref(), Some("Public"));
}

#[test]
fn kms_key_policy_naming_an_unknown_key_leaves_policies_unknown() {
    let inv = inventory(
        r#"
variable "key" {
  type = string
}
resource "aws_kms_key" "a" {}
resource "aws_kms_key" "b" {
  policy = jsonencode({ Statement = [] })
}
resource "aws_kms_key_policy" "somewhere" {
  key_id = var.key
  policy = jsonencode({ Statement = [] })
}
"#,
    );
    let policy = |addr: &str| {
        inv.kms_keys
            .iter()
            .find(|k| k.meta.address == addr)
            .map(|k| k.policy.is_unknown())
            .expect("key")
    };
    assert!(policy("aws_kms_key.a"));
    assert!(!policy("aws_kms_key.b"));
}
