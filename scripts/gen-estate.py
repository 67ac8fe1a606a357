#!/usr/bin/env python3
"""Generate a synthetic Terraform estate of a chosen size, for scale benchmarks.

    python3 scripts/gen-estate.py --resources 10000 --out /tmp/estate-10k [--seed 1] [--force]

Writes a monorepo shaped like a real AWS estate (docs/benchmarks.md, "Scale: synthetic
estates"):

    OUT/.soc2scan.toml                 environments prod/staging/dev: accounts and paths
    OUT/modules/{s3-bucket,kms-key,iam-role,security-group,rds,service}/
                                       local modules; `service` calls kms-key, s3-bucket
                                       (for_each) and iam-role itself
    OUT/live/<env>/<region>/<stack>/   one root module per stack: versions.tf (backend
                                       "s3"), providers.tf (default_tags, an aliased
                                       provider), variables.tf (map(object) variables
                                       with optional() attributes), locals.tf (merge()
                                       of defaults into for_each maps), main.tf (module
                                       calls with for_each and count), s3.tf (a bucket
                                       split over encryption, public access block,
                                       versioning and a jsonencode policy), iam.tf
                                       (aws_iam_policy_document, roles, jsonencode
                                       policies, users), network.tf, outputs.tf,
                                       terraform.tfvars and sometimes common.auto.tfvars

Settings are a deterministic mix of secure and insecure ones (production mostly secure,
dev less so): buckets without encryption, versioning, public access block or TLS-only
policy, a few public-read buckets, CMK and non-CMK encryption, KMS keys without
rotation or with short deletion windows, key policies granting kms:* to a role,
wildcard and escalation-prone IAM policies, AdministratorAccess attachments, trust of
other environments' accounts and of a tools account with and without ExternalId,
unencrypted RDS instances and replicas, databases without TLS or deletion protection,
security groups open to the world or to another environment's network, IAM users with
inline policies.

`--resources N` is the number of managed resource instances after count/for_each
expansion (inside every module instance); the estate hits it exactly unless N is
smaller than one root (about 15). The summary printed at the end (and written to
OUT/estate.json) counts roots, files, bytes, module instances, managed resource
instances and data source instances; soc2scan's `stats.resources` counts both kinds,
so it should equal `resources + data_sources`.

The same arguments always produce byte-identical files. Python 3 standard library only.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys

MARKER = ".gen-estate"

ENVS = {
    # name: (accounts, cidr prefix, share of roots)
    "prod": (["111111111111", "111111111112", "111111111113"], "10.10", 0.40),
    "staging": (["222222222221", "222222222222"], "10.20", 0.30),
    "dev": (["333333333331", "333333333332"], "10.30", 0.30),
}
TOOLS_ACCOUNT = "444444444444"  # CI, in no configured environment
VENDOR_ACCOUNT = "999988887777"
REGIONS = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"]
STACKS = [
    "payments", "orders", "search", "identity", "billing", "analytics", "catalog",
    "checkout", "ledger", "notifications", "reporting", "inventory", "shipping",
    "pricing", "auth", "profile", "media", "ingest", "export", "audit",
]
TEAMS = ["core", "platform", "data", "growth", "risk", "sre"]
BUCKET_NAMES = [
    "raw", "curated", "exports", "uploads", "artifacts", "backups", "reports",
    "archive", "staging-area", "invoices", "images", "audit-trail", "snapshots",
    "models", "events", "tmp",
]
SERVICE_NAMES = [
    "api", "worker", "scheduler", "consumer", "indexer", "webhook", "etl",
    "notifier", "sync", "gateway",
]
ROLE_NAMES = [
    "app", "deploy", "readonly", "batch", "lambda-exec", "analyst", "support",
    "backup", "ops", "migration",
]
SG_NAMES = ["web", "internal", "bastion", "cache", "queue", "monitoring", "vpn"]
CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"]
MANAGED_POLICIES = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
]
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"

# --------------------------------------------------------------------------------------
# HCL rendering of plain values (tfvars)
# --------------------------------------------------------------------------------------

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def hcl_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${") + '"'


def hcl(value, indent=0):
    pad = "  " * indent
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return hcl_str(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (list, dict)) for v in value):
            return "[" + ", ".join(hcl(v) for v in value) + "]"
        inner = ",\n".join(pad + "  " + hcl(v, indent + 1) for v in value)
        return "[\n" + inner + ",\n" + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        keys = list(value)
        width = max(len(k if IDENT.match(k) else hcl_str(k)) for k in keys)
        lines = []
        for k in keys:
            name = k if IDENT.match(k) else hcl_str(k)
            lines.append(f"{pad}  {name.ljust(width)} = {hcl(value[k], indent + 1)}")
        return "{\n" + "\n".join(lines) + "\n" + pad + "}"
    raise TypeError(value)


def tfvars(assignments):
    width = max(len(k) for k in assignments)
    return "".join(f"{k.ljust(width)} = {hcl(v)}\n" for k, v in assignments.items())


# --------------------------------------------------------------------------------------
# Local modules (fixed text). Counting functions below mirror their count/for_each.
# --------------------------------------------------------------------------------------

MODULES = {}

MODULES["s3-bucket"] = {
    "variables.tf": '''\
variable "name" {
  type = string
}

variable "classification" {
  type    = string
  default = "internal"
}

variable "encryption" {
  description = "Write an explicit default encryption configuration."
  type        = bool
  default     = true
}

variable "sse_algorithm" {
  type    = string
  default = "AES256"
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "versioning" {
  type    = bool
  default = true
}

variable "block_public_access" {
  type    = bool
  default = true
}

variable "enforce_tls" {
  type    = bool
  default = true
}

variable "public_read" {
  type    = bool
  default = false
}

variable "read_principals" {
  type    = list(string)
  default = []
}

variable "log_bucket" {
  type    = string
  default = null
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
resource "aws_s3_bucket" "this" {
  bucket        = var.name
  force_destroy = var.force_destroy

  tags = merge(var.tags, {
    Name               = var.name
    DataClassification = var.classification
  })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.encryption ? 1 : 0
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.sse_algorithm
      kms_master_key_id = var.sse_algorithm == "aws:kms" ? var.kms_key_arn : null
    }
    bucket_key_enabled = var.sse_algorithm == "aws:kms"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count  = var.block_public_access ? 1 : 0
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.log_bucket
  target_prefix = "s3/${var.name}/"
}

locals {
  create_policy = var.enforce_tls || var.public_read || length(var.read_principals) > 0
}

data "aws_iam_policy_document" "this" {
  count = local.create_policy ? 1 : 0

  dynamic "statement" {
    for_each = var.enforce_tls ? [1] : []
    content {
      sid       = "DenyInsecureTransport"
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

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

  dynamic "statement" {
    for_each = length(var.read_principals) > 0 ? [var.read_principals] : []
    content {
      sid       = "CrossAccountRead"
      actions   = ["s3:GetObject", "s3:ListBucket"]
      resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = var.public_read ? [1] : []
    content {
      sid       = "PublicRead"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count  = local.create_policy ? 1 : 0
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this[0].json
}
''',
    "outputs.tf": '''\
output "id" {
  value = aws_s3_bucket.this.id
}

output "arn" {
  value = aws_s3_bucket.this.arn
}

output "name" {
  value = var.name
}
''',
}


def count_s3_bucket(b):
    """(managed, data, module instances) of one s3-bucket module instance."""
    policy = b["enforce_tls"] or b["public_read"] or bool(b["reader_accounts"])
    managed = 1 + int(b["encryption"]) + int(b["block_public_access"]) + 1
    managed += int(b["log"]) + int(policy)
    return managed, int(policy), 1


MODULES["kms-key"] = {
    "variables.tf": '''\
variable "alias" {
  type = string
}

variable "description" {
  type    = string
  default = "Managed by Terraform"
}

variable "account_id" {
  type = string
}

variable "enable_key_rotation" {
  type    = bool
  default = true
}

variable "deletion_window_in_days" {
  type    = number
  default = 30
}

variable "admin_role_arns" {
  type    = list(string)
  default = []
}

variable "admin_full_access" {
  description = "Give administrators kms:* instead of the key administration actions."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
locals {
  admin_actions = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
  ]
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = var.enable_key_rotation
  deletion_window_in_days = var.deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "EnableRootPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      }],
      [for i, arn in var.admin_role_arns : {
        Sid       = "KeyAdministrator${i}"
        Effect    = "Allow"
        Principal = { AWS = arn }
        Action    = var.admin_full_access ? ["kms:*"] : local.admin_actions
        Resource  = "*"
      }],
    )
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
''',
    "outputs.tf": '''\
output "key_arn" {
  value = aws_kms_key.this.arn
}

output "key_id" {
  value = aws_kms_key.this.key_id
}

output "alias" {
  value = aws_kms_alias.this.name
}
''',
}

MODULES["iam-role"] = {
    "variables.tf": '''\
variable "name" {
  type = string
}

variable "trusted_services" {
  type    = list(string)
  default = []
}

variable "trusted_accounts" {
  type    = list(string)
  default = []
}

variable "external_id" {
  type    = string
  default = null
}

variable "statements" {
  type = list(object({
    actions   = list(string)
    resources = list(string)
  }))
  default = []
}

variable "managed_policy_arns" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
data "aws_iam_policy_document" "assume" {
  dynamic "statement" {
    for_each = length(var.trusted_services) > 0 ? [var.trusted_services] : []
    content {
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = var.trusted_accounts
    content {
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.value}:root"]
      }

      dynamic "condition" {
        for_each = var.external_id == null ? [] : [var.external_id]
        content {
          test     = "StringEquals"
          variable = "sts:ExternalId"
          values   = [condition.value]
        }
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_policy" "this" {
  name        = "${var.name}-policy"
  description = "Permissions of ${var.name}"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for i, s in var.statements : {
      Sid      = "Statement${i}"
      Effect   = "Allow"
      Action   = s.actions
      Resource = s.resources
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.this.arn
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = toset(var.managed_policy_arns)

  role       = aws_iam_role.this.name
  policy_arn = each.value
}
''',
    "outputs.tf": '''\
output "arn" {
  value = aws_iam_role.this.arn
}

output "name" {
  value = aws_iam_role.this.name
}
''',
}


def count_role(r):
    return 3 + len(set(r["managed_policy_arns"])), 1, 1


MODULES["security-group"] = {
    "variables.tf": '''\
variable "name" {
  type = string
}

variable "description" {
  type    = string
  default = "Managed by Terraform"
}

variable "vpc_id" {
  type = string
}

variable "ingress_rules" {
  type = map(object({
    port        = number
    to_port     = optional(number)
    protocol    = optional(string, "tcp")
    cidr_blocks = list(string)
  }))
  default = {}
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
resource "aws_security_group" "this" {
  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_security_group_rule" "ingress" {
  for_each = var.ingress_rules

  type              = "ingress"
  description       = each.key
  from_port         = each.value.port
  to_port           = coalesce(each.value.to_port, each.value.port)
  protocol          = each.value.protocol
  cidr_blocks       = each.value.cidr_blocks
  security_group_id = aws_security_group.this.id
}

resource "aws_security_group_rule" "egress" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.this.id
}
''',
    "outputs.tf": '''\
output "id" {
  value = aws_security_group.this.id
}
''',
}


def count_sg(sg):
    return 2 + len(sg["ingress_rules"]), 0, 1


MODULES["rds"] = {
    "variables.tf": '''\
variable "name" {
  type = string
}

variable "engine" {
  type    = string
  default = "postgres"
}

variable "instance_class" {
  type    = string
  default = "db.t3.medium"
}

variable "allocated_storage" {
  type    = number
  default = 50
}

variable "storage_encrypted" {
  type    = bool
  default = true
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "backup_retention_period" {
  type    = number
  default = 7
}

variable "require_tls" {
  type    = bool
  default = true
}

variable "read_replicas" {
  type    = number
  default = 0
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "allowed_cidrs" {
  type    = list(string)
  default = []
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
locals {
  postgres   = var.engine == "postgres"
  tls_param  = local.postgres ? "rds.force_ssl" : "require_secure_transport"
  tls_value  = var.require_tls ? (local.postgres ? "1" : "ON") : (local.postgres ? "0" : "OFF")
  family     = local.postgres ? "postgres15" : "mysql8.0"
  port       = local.postgres ? 5432 : 3306
  kms_key_id = var.storage_encrypted ? var.kms_key_arn : null
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-params"
  family = local.family

  parameter {
    name  = local.tls_param
    value = local.tls_value
  }

  parameter {
    name  = local.postgres ? "log_min_duration_statement" : "slow_query_log"
    value = local.postgres ? "1000" : "1"
  }

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "Database ${var.name}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.allowed_cidrs
    content {
      from_port   = local.port
      to_port     = local.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }

  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = var.engine
  engine_version = local.postgres ? "15.7" : "8.0.39"
  instance_class = var.instance_class

  allocated_storage = var.allocated_storage
  storage_type      = "gp3"
  storage_encrypted = var.storage_encrypted
  kms_key_id        = local.kms_key_id

  username                    = "dbadmin"
  manage_master_user_password = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  parameter_group_name   = aws_db_parameter_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]

  backup_retention_period   = var.backup_retention_period
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.deletion_protection
  final_snapshot_identifier = var.deletion_protection ? "${var.name}-final" : null

  tags = var.tags
}

resource "aws_db_instance" "replica" {
  count = var.read_replicas

  identifier          = "${var.name}-replica-${count.index}"
  replicate_source_db = aws_db_instance.this.identifier
  instance_class      = var.instance_class
  storage_encrypted   = var.storage_encrypted
  kms_key_id          = local.kms_key_id

  parameter_group_name   = aws_db_parameter_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]

  backup_retention_period = 0
  deletion_protection     = var.deletion_protection
  skip_final_snapshot     = true

  tags = var.tags
}
''',
    "outputs.tf": '''\
output "endpoint" {
  value = aws_db_instance.this.endpoint
}

output "security_group_id" {
  value = aws_security_group.this.id
}
''',
}


def count_db(d):
    return 4 + d["read_replicas"], 0, 1


MODULES["service"] = {
    "variables.tf": '''\
variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "account_id" {
  type = string
}

variable "key_rotation" {
  type    = bool
  default = true
}

variable "buckets" {
  type = map(object({
    classification = optional(string, "internal")
    versioning     = optional(bool, true)
    enforce_tls    = optional(bool, true)
  }))
  default = {}
}

variable "encrypt_queue" {
  type    = bool
  default = true
}

variable "encrypt_topic" {
  type    = bool
  default = true
}

variable "encrypt_logs" {
  type    = bool
  default = true
}

variable "log_retention_days" {
  type    = number
  default = 90
}

variable "log_bucket" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}
''',
    "main.tf": '''\
module "key" {
  source = "../kms-key"

  alias                   = var.name
  description             = "Data of ${var.name}"
  account_id              = var.account_id
  enable_key_rotation     = var.key_rotation
  deletion_window_in_days = 30
  tags                    = var.tags
}

module "bucket" {
  source   = "../s3-bucket"
  for_each = var.buckets

  name                = "${var.name}-${each.key}"
  classification      = each.value.classification
  sse_algorithm       = "aws:kms"
  kms_key_arn         = module.key.key_arn
  versioning          = each.value.versioning
  enforce_tls         = each.value.enforce_tls
  block_public_access = true
  log_bucket          = var.log_bucket
  tags                = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  visibility_timeout_seconds = 60
  message_retention_seconds  = 345600
  kms_master_key_id          = var.encrypt_queue ? module.key.key_id : null
  sqs_managed_sse_enabled    = var.encrypt_queue ? null : false
  tags                       = var.tags
}

resource "aws_sns_topic" "this" {
  name              = "${var.name}-events"
  kms_master_key_id = var.encrypt_topic ? module.key.key_arn : null
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/${var.environment}/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.encrypt_logs ? module.key.key_arn : null
  tags              = var.tags
}

module "role" {
  source = "../iam-role"

  name             = "${var.name}-exec"
  trusted_services = ["lambda.amazonaws.com"]
  statements = [
    {
      actions   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
      resources = [aws_sqs_queue.this.arn]
    },
    {
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.this.arn]
    },
    {
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = [for b in module.bucket : "${b.arn}/*"]
    },
    {
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [module.key.key_arn]
    },
  ]
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
  tags                = var.tags
}
''',
    "outputs.tf": '''\
output "queue_arn" {
  value = aws_sqs_queue.this.arn
}

output "topic_arn" {
  value = aws_sns_topic.this.arn
}

output "bucket_arns" {
  value = { for k, b in module.bucket : k => b.arn }
}

output "role_arn" {
  value = module.role.arn
}
''',
}


def count_service(s, logged):
    managed, data, mods = 2, 0, 2  # the service and its key
    for b in s["buckets"].values():
        m, d, i = count_s3_bucket({
            "enforce_tls": b.get("enforce_tls", True), "public_read": False,
            "reader_accounts": [], "encryption": True, "block_public_access": True,
            "log": logged,
        })
        managed, data, mods = managed + m, data + d, mods + i
    managed += 3  # queue, topic, log group
    m, d, i = count_role({"managed_policy_arns": [MANAGED_POLICIES[3]]})
    return managed + m, data + d, mods + i


# --------------------------------------------------------------------------------------
# Roots
# --------------------------------------------------------------------------------------

ROOT_VARIABLES = '''\
variable "region" {
  type = string
}

variable "replica_region" {
  type    = string
  default = "us-west-2"
}

variable "account_id" {
  type = string
}

variable "environment" {
  type = string

  validation {
    condition     = contains(["prod", "staging", "dev"], var.environment)
    error_message = "environment must be prod, staging or dev."
  }
}

variable "stack" {
  type = string
}

variable "team" {
  type    = string
  default = "platform"
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "ci_account_id" {
  type    = string
  default = "444444444444"
}

variable "ci_external_id" {
  type    = string
  default = null
}

variable "kms" {
  type = object({
    rotation          = optional(bool, true)
    deletion_window   = optional(number, 30)
    admin_full_access = optional(bool, false)
  })
  default = {}
}

variable "buckets" {
  description = "Buckets of this stack; unset attributes come from local.bucket_defaults."
  type = map(object({
    classification      = optional(string)
    cmk                 = optional(bool)
    encryption          = optional(bool)
    versioning          = optional(bool)
    block_public_access = optional(bool)
    enforce_tls         = optional(bool)
    public_read         = optional(bool)
    reader_accounts     = optional(list(string))
    log                 = optional(bool)
  }))
  default = {}
}

variable "services" {
  type = map(object({
    buckets = optional(map(object({
      classification = optional(string, "internal")
      versioning     = optional(bool, true)
      enforce_tls    = optional(bool, true)
    })), {})
    encrypt_queue      = optional(bool, true)
    encrypt_topic      = optional(bool, true)
    encrypt_logs       = optional(bool, true)
    log_retention_days = optional(number, 90)
  }))
  default = {}
}

variable "roles" {
  type = map(object({
    trusted_services    = optional(list(string), [])
    trusted_accounts    = optional(list(string), [])
    external_id         = optional(string)
    statements          = list(object({ actions = list(string), resources = list(string) }))
    managed_policy_arns = optional(list(string), [])
  }))
  default = {}
}

variable "security_groups" {
  type = map(object({
    description = optional(string, "Managed by Terraform")
    ingress_rules = map(object({
      port        = number
      to_port     = optional(number)
      protocol    = optional(string, "tcp")
      cidr_blocks = list(string)
    }))
  }))
  default = {}
}

variable "database" {
  type = object({
    instances           = optional(number, 0)
    engine              = optional(string, "postgres")
    instance_class      = optional(string, "db.t3.medium")
    storage_encrypted   = optional(bool, true)
    deletion_protection = optional(bool, true)
    backup_retention    = optional(number, 7)
    require_tls         = optional(bool, true)
    read_replicas       = optional(number, 0)
  })
  default = {}
}

variable "legacy_users" {
  description = "Service users from before SSO; each has an inline policy."
  type        = list(string)
  default     = []
}

variable "parameters" {
  description = "Plain configuration values published to SSM."
  type        = map(string)
  default     = {}
}

variable "app_ingress" {
  type = map(object({
    port  = number
    cidrs = list(string)
  }))
  default = {
    https = { port = 443, cidrs = ["10.0.0.0/8"] }
  }
}
'''

ROOT_LOCALS = '''\
locals {
  name_prefix = "${var.environment}-${var.stack}"

  common_tags = merge(var.extra_tags, {
    Environment = var.environment
    Stack       = var.stack
    Team        = var.team
    ManagedBy   = "terraform"
  })

  bucket_defaults = {
    classification      = "internal"
    cmk                 = false
    encryption          = true
    versioning          = var.environment == "prod"
    block_public_access = true
    enforce_tls         = true
    public_read         = false
    reader_accounts     = []
    log                 = var.environment != "dev"
  }

  # Drop the attributes a stack left unset, then fill them from the defaults.
  buckets = {
    for name, bucket in var.buckets :
    name => merge(local.bucket_defaults, { for k, v in bucket : k => v if v != null })
  }
}
'''

ROOT_MAIN = '''\
module "kms" {
  source = "../../../../modules/kms-key"

  alias                   = "${local.name_prefix}-main"
  description             = "Main key of ${local.name_prefix}"
  account_id              = var.account_id
  enable_key_rotation     = var.kms.rotation
  deletion_window_in_days = var.kms.deletion_window
  admin_role_arns         = ["arn:aws:iam::${var.account_id}:role/${local.name_prefix}-ci"]
  admin_full_access       = var.kms.admin_full_access
  tags                    = local.common_tags
}

module "buckets" {
  source   = "../../../../modules/s3-bucket"
  for_each = local.buckets

  name                = "${local.name_prefix}-${each.key}"
  classification      = each.value.classification
  encryption          = each.value.encryption
  sse_algorithm       = each.value.cmk ? "aws:kms" : "AES256"
  kms_key_arn         = each.value.cmk ? module.kms.key_arn : null
  versioning          = each.value.versioning
  block_public_access = each.value.block_public_access
  enforce_tls         = each.value.enforce_tls
  public_read         = each.value.public_read
  read_principals     = [for a in each.value.reader_accounts : "arn:aws:iam::${a}:root"]
  log_bucket          = each.value.log ? aws_s3_bucket.logs.id : null
  tags                = local.common_tags
}

module "services" {
  source   = "../../../../modules/service"
  for_each = var.services

  name               = "${local.name_prefix}-${each.key}"
  environment        = var.environment
  account_id         = var.account_id
  key_rotation       = var.kms.rotation
  buckets            = each.value.buckets
  encrypt_queue      = each.value.encrypt_queue
  encrypt_topic      = each.value.encrypt_topic
  encrypt_logs       = each.value.encrypt_logs
  log_retention_days = each.value.log_retention_days
  log_bucket         = var.environment == "dev" ? null : aws_s3_bucket.logs.id
  tags               = local.common_tags
}

module "roles" {
  source   = "../../../../modules/iam-role"
  for_each = var.roles

  name                = "${local.name_prefix}-${each.key}"
  trusted_services    = each.value.trusted_services
  trusted_accounts    = each.value.trusted_accounts
  external_id         = each.value.external_id
  statements          = each.value.statements
  managed_policy_arns = each.value.managed_policy_arns
  tags                = local.common_tags
}

module "security_groups" {
  source   = "../../../../modules/security-group"
  for_each = var.security_groups

  name          = "${local.name_prefix}-${each.key}"
  description   = each.value.description
  vpc_id        = var.vpc_id
  ingress_rules = each.value.ingress_rules
  tags          = local.common_tags
}

module "database" {
  source = "../../../../modules/rds"
  count  = var.database.instances

  name                    = "${local.name_prefix}-db${count.index}"
  engine                  = var.database.engine
  instance_class          = var.database.instance_class
  storage_encrypted       = var.database.storage_encrypted
  kms_key_arn             = module.kms.key_arn
  deletion_protection     = var.database.deletion_protection
  backup_retention_period = var.database.backup_retention
  require_tls             = var.database.require_tls
  read_replicas           = var.database.read_replicas
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  allowed_cidrs           = [for r in values(var.app_ingress) : r.cidrs[0]]
  tags                    = local.common_tags
}

resource "aws_ssm_parameter" "config" {
  for_each = var.parameters

  name  = "/${var.environment}/${var.stack}/${each.key}"
  type  = "String"
  value = each.value
  tags  = local.common_tags
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/${var.environment}/${var.stack}/app"
  retention_in_days = var.environment == "prod" ? 365 : 30
  kms_key_id        = module.kms.key_arn
}
'''

ROOT_S3 = '''\
# Access logs of this stack's buckets; provider v4+ split resources.
resource "aws_s3_bucket" "logs" {
  bucket = "${local.name_prefix}-access-logs"
  tags   = merge(local.common_tags, { DataClassification = "internal" })
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.logs.arn}/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
    ]
  })
}
'''

ROOT_IAM = '''\
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ci_assume" {
  statement {
    sid     = "CiAssume"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.ci_account_id}:role/ci-runner"]
    }

    dynamic "condition" {
      for_each = var.ci_external_id == null ? [] : [var.ci_external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "ci" {
  name               = "${local.name_prefix}-ci"
  assume_role_policy = data.aws_iam_policy_document.ci_assume.json
  tags               = local.common_tags
}

resource "aws_iam_policy" "ci" {
  name = "${local.name_prefix}-ci"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StateAccess"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::acme-tfstate-${var.environment}", "arn:aws:s3:::acme-tfstate-${var.environment}/*"]
      },
      {
        Sid      = "Deploy"
        Effect   = "Allow"
        Action   = ["lambda:UpdateFunctionCode", "ecs:UpdateService", "ecs:DescribeServices"]
        Resource = "*"
      },
      {
        Sid      = "PassServiceRoles"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "arn:aws:iam::${var.account_id}:role/${local.name_prefix}-*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "ci" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.ci.arn
}

resource "aws_iam_user" "legacy" {
  count = length(var.legacy_users)
  name  = "${local.name_prefix}-${var.legacy_users[count.index]}"
  tags  = local.common_tags
}

resource "aws_iam_user_policy" "legacy" {
  count = length(var.legacy_users)
  name  = "legacy-access"
  user  = aws_iam_user.legacy[count.index].name

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = "*"
    }]
  })
}
'''

ROOT_NETWORK = '''\
resource "aws_security_group" "app" {
  name        = "${local.name_prefix}-app"
  description = "Application tier of ${local.name_prefix}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.app_ingress
    content {
      description = ingress.key
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.common_tags
}
'''

ROOT_OUTPUTS = '''\
output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "bucket_arns" {
  value = { for name, b in module.buckets : name => b.arn }
}

output "service_queues" {
  value = { for name, s in module.services : name => s.queue_arn }
}

output "role_arns" {
  value = merge(
    { ci = aws_iam_role.ci.arn },
    { for name, r in module.roles : name => r.arn },
  )
}

output "database_endpoints" {
  value = module.database[*].endpoint
}

output "kms_key_arn" {
  value = module.kms.key_arn
}
'''

ROOT_BASE_MANAGED = 5 + 3 + 1 + 2 + 1  # logs bucket x5, ci role x3, app sg, kms x2, log group
ROOT_BASE_DATA = 2  # caller identity, ci_assume
ROOT_BASE_MODULES = 1  # kms


def versions_tf(env, region, rel):
    return f'''\
terraform {{
  required_version = ">= 1.5.0"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }}
  }}

  backend "s3" {{
    bucket         = "acme-tfstate-{env}"
    key            = "{rel}/terraform.tfstate"
    region         = "{region}"
    dynamodb_table = "acme-tfstate-lock"
    encrypt        = true
  }}
}}
'''


PROVIDERS_TF = '''\
provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.common_tags
  }
}

provider "aws" {
  alias               = "replica"
  region              = var.replica_region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.common_tags
  }
}
'''


class Root:
    """One root module's choices, and its resource counts."""

    def __init__(self, rng, index, env):
        self.rng = rng
        self.index = index
        self.env = env
        accounts, cidr, _ = ENVS[env]
        self.account = accounts[index % len(accounts)]
        self.cidr = cidr
        self.region = REGIONS[rng.randrange(len(REGIONS))]
        self.stack = f"{STACKS[index % len(STACKS)]}-{index:05d}"
        self.team = TEAMS[rng.randrange(len(TEAMS))]
        self.kms = {}
        self.buckets = {}
        self.services = {}
        self.roles = {}
        self.security_groups = {}
        self.database = {}
        self.legacy_users = []
        self.parameters = {}
        self.app_ingress = None
        self.ci_external_id = None
        self.extra_tags = None

    # -- how insecure a setting is, by environment
    def bad(self, prod, staging, dev):
        p = {"prod": prod, "staging": staging, "dev": dev}[self.env]
        return self.rng.random() < p

    def other_env_account(self):
        others = [e for e in ENVS if e != self.env]
        return ENVS[others[self.rng.randrange(len(others))]][0][0]

    def choose(self, size):
        """Fill the root with about `size` managed resources."""
        rng = self.rng
        if self.bad(0.1, 0.3, 0.5):
            self.kms["rotation"] = False
        if self.bad(0.02, 0.1, 0.2):
            self.kms["deletion_window"] = 7
        if self.bad(0.05, 0.1, 0.15):
            self.kms["admin_full_access"] = True
        if self.bad(0.3, 0.6, 0.7):
            self.ci_external_id = None
        else:
            self.ci_external_id = f"ci-{self.stack}"
        if rng.random() < 0.5:
            self.pad(rng.randrange(1, 6))
        if rng.random() < 0.35:
            self.extra_tags = {"CostCenter": f"cc-{rng.randrange(100, 999)}"}
        if rng.random() < 0.4:
            self.app_ingress = {"https": {"port": 443, "cidrs": [f"{self.cidr}.0.0/16"]}}
            if self.bad(0.05, 0.2, 0.3):
                self.app_ingress["http"] = {"port": 80, "cidrs": ["0.0.0.0/0"]}
        if self.bad(0.0, 0.05, 0.15):
            self.legacy_users = ["reporting", "etl"][: 1 + rng.randrange(2)]
        # Components until the size is reached (the caller trims and pads).
        kinds = ["bucket"] * 5 + ["service"] * 2 + ["role"] * 3 + ["sg"] * 2 + ["db"]
        while self.count()[0] < size:
            kind = kinds[rng.randrange(len(kinds))]
            if kind == "bucket" and len(self.buckets) < len(BUCKET_NAMES):
                self.add_bucket()
            elif kind == "service" and len(self.services) < len(SERVICE_NAMES):
                self.add_service()
            elif kind == "role" and len(self.roles) < len(ROLE_NAMES):
                self.add_role()
            elif kind == "sg" and len(self.security_groups) < len(SG_NAMES):
                self.add_sg()
            elif kind == "db" and not self.database:
                self.add_db()
            elif len(self.security_groups) == len(SG_NAMES):
                self.pad(min(size - self.count()[0], 20))

    def add_bucket(self):
        rng = self.rng
        name = BUCKET_NAMES[len(self.buckets)]
        b = {}
        if rng.random() < 0.5:
            b["classification"] = CLASSIFICATIONS[rng.randrange(len(CLASSIFICATIONS))]
        if rng.random() < 0.3:
            b["cmk"] = True
        if self.bad(0.05, 0.15, 0.3):
            b["encryption"] = False
        if rng.random() < 0.3:
            b["versioning"] = not self.bad(0.1, 0.5, 0.8)
        if self.bad(0.02, 0.08, 0.15):
            b["block_public_access"] = False
        if self.bad(0.1, 0.25, 0.4):
            b["enforce_tls"] = False
        if b.get("block_public_access") is False and rng.random() < 0.3:
            b["public_read"] = True
        if rng.random() < 0.15:
            readers = [VENDOR_ACCOUNT]
            if self.bad(0.1, 0.3, 0.3):
                readers.append(self.other_env_account())
            b["reader_accounts"] = readers
        if rng.random() < 0.2:
            b["log"] = rng.random() < 0.5
        self.buckets[name] = b

    def add_service(self):
        rng = self.rng
        name = SERVICE_NAMES[len(self.services)]
        s = {"buckets": {}}
        for i in range(1 + rng.randrange(3)):
            bb = {}
            if rng.random() < 0.5:
                bb["classification"] = CLASSIFICATIONS[rng.randrange(len(CLASSIFICATIONS))]
            if self.bad(0.1, 0.4, 0.6):
                bb["versioning"] = False
            if self.bad(0.05, 0.2, 0.3):
                bb["enforce_tls"] = False
            s["buckets"][["data", "cache", "dlq-archive"][i]] = bb
        if self.bad(0.05, 0.2, 0.4):
            s["encrypt_queue"] = False
        if self.bad(0.05, 0.2, 0.4):
            s["encrypt_topic"] = False
        if self.bad(0.05, 0.15, 0.3):
            s["encrypt_logs"] = False
        if rng.random() < 0.3:
            s["log_retention_days"] = [14, 30, 180, 365][rng.randrange(4)]
        if not s["buckets"]:
            del s["buckets"]
        self.services[name] = s

    def add_role(self):
        rng = self.rng
        name = ROLE_NAMES[len(self.roles)]
        r = {}
        if rng.random() < 0.6:
            r["trusted_services"] = [["ec2.amazonaws.com"], ["lambda.amazonaws.com"],
                                     ["ecs-tasks.amazonaws.com"]][rng.randrange(3)]
        if "trusted_services" not in r or rng.random() < 0.3:
            accounts = [self.account]
            if rng.random() < 0.3:
                accounts = [VENDOR_ACCOUNT]
                if not self.bad(0.2, 0.5, 0.6):
                    r["external_id"] = f"vendor-{self.stack}-{name}"
            elif self.bad(0.05, 0.15, 0.2):
                accounts.append(self.other_env_account())
            r["trusted_accounts"] = accounts
        arn = f"arn:aws:s3:::{self.env}-{self.stack}-*"
        statements = [{"actions": ["s3:GetObject", "s3:ListBucket"], "resources": [arn, arn + "/*"]}]
        roll = rng.random()
        if self.bad(0.03, 0.08, 0.12) and roll < 0.3:
            statements.append({"actions": ["*"], "resources": ["*"]})
        elif self.bad(0.05, 0.1, 0.2) and roll < 0.6:
            statements.append({"actions": ["s3:*", "dynamodb:*"], "resources": ["*"]})
        elif self.bad(0.03, 0.08, 0.1):
            statements.append({"actions": ["iam:PassRole", "iam:CreatePolicyVersion"], "resources": ["*"]})
        else:
            statements.append({
                "actions": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "resources": [f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.stack}-*"],
            })
        r["statements"] = statements
        managed = []
        if rng.random() < 0.5:
            managed.append(MANAGED_POLICIES[rng.randrange(3)])
        if self.bad(0.02, 0.05, 0.1):
            managed.append(ADMIN_POLICY)
        if managed:
            r["managed_policy_arns"] = managed
        self.roles[name] = r

    def add_sg(self, rules=None):
        rng = self.rng
        name = SG_NAMES[len(self.security_groups)]
        n = rules if rules is not None else 1 + rng.randrange(8)
        self.security_groups[name] = {"ingress_rules": {}}
        for _ in range(n):
            self.add_rule(name)
        if rng.random() < 0.5:
            self.security_groups[name]["description"] = f"{name} tier"

    def add_rule(self, sg):
        rng = self.rng
        rules = self.security_groups[sg]["ingress_rules"]
        port = [22, 80, 443, 5432, 6379, 8080, 8443, 9090][rng.randrange(8)]
        key = f"tcp-{port}"
        n = 2
        while key in rules:
            key = f"tcp-{port}-{n}"
            n += 1
        cidr = f"{self.cidr}.{rng.randrange(256)}.0/24"
        if port in (80, 443) and self.bad(0.2, 0.3, 0.4):
            cidr = "0.0.0.0/0"
        elif port == 22 and self.bad(0.02, 0.1, 0.2):
            cidr = "0.0.0.0/0"
        elif self.bad(0.02, 0.05, 0.05):
            cidr = f"{ENVS[self.other_env()][1]}.{rng.randrange(256)}.0/24"
        rule = {"port": port, "cidr_blocks": [cidr]}
        if port == 8080 and rng.random() < 0.5:
            rule["to_port"] = 8089
        rules[key] = rule

    def other_env(self):
        others = [e for e in ENVS if e != self.env]
        return others[self.rng.randrange(len(others))]

    def add_db(self):
        rng = self.rng
        d = {"instances": 1 + (rng.random() < 0.25)}
        if rng.random() < 0.4:
            d["engine"] = "mysql"
        if self.env == "prod":
            d["instance_class"] = "db.r6g.large"
        if self.bad(0.03, 0.15, 0.3):
            d["storage_encrypted"] = False
        if self.bad(0.1, 0.5, 0.8):
            d["deletion_protection"] = False
        if self.bad(0.1, 0.3, 0.5):
            d["backup_retention"] = 1
        if self.bad(0.1, 0.3, 0.5):
            d["require_tls"] = False
        if rng.random() < 0.3:
            d["read_replicas"] = 1 + rng.randrange(2)
        self.database = d

    def pad(self, n):
        """Add n managed resources: SSM parameters (one resource each)."""
        for _ in range(max(0, n)):
            i = len(self.parameters)
            self.parameters[f"setting-{i:03d}"] = f"value-{self.rng.randrange(10**6)}"

    def trim(self, target):
        """Remove components until at most `target` managed resources remain (or only
        the fixed part is left)."""
        while self.count()[0] > target:
            if self.database:
                self.database = {}
            elif self.services:
                self.services.popitem()
            elif len(self.buckets) > 0:
                self.buckets.popitem()
            elif self.roles:
                self.roles.popitem()
            elif self.security_groups:
                self.security_groups.popitem()
            elif self.legacy_users:
                self.legacy_users.pop()
            elif self.parameters:
                self.parameters.popitem()
            else:
                break

    def bucket_settings(self, b):
        full = {
            "classification": "internal", "cmk": False, "encryption": True,
            "versioning": self.env == "prod", "block_public_access": True,
            "enforce_tls": True, "public_read": False, "reader_accounts": [],
            "log": self.env != "dev",
        }
        full.update(b)
        return full

    def count(self):
        """(managed resources, data sources, module instances) after expansion."""
        managed, data, mods = ROOT_BASE_MANAGED, ROOT_BASE_DATA, ROOT_BASE_MODULES
        for b in self.buckets.values():
            m, d, i = count_s3_bucket(self.bucket_settings(b))
            managed, data, mods = managed + m, data + d, mods + i
        for s in self.services.values():
            m, d, i = count_service({"buckets": s.get("buckets", {})}, self.env != "dev")
            managed, data, mods = managed + m, data + d, mods + i
        for r in self.roles.values():
            m, d, i = count_role({"managed_policy_arns": r.get("managed_policy_arns", [])})
            managed, data, mods = managed + m, data + d, mods + i
        for sg in self.security_groups.values():
            m, d, i = count_sg(sg)
            managed, data, mods = managed + m, data + d, mods + i
        if self.database:
            for _ in range(self.database["instances"]):
                m, d, i = count_db({"read_replicas": self.database.get("read_replicas", 0)})
                managed, data, mods = managed + m, data + d, mods + i
        managed += 2 * len(self.legacy_users) + len(self.parameters)
        return managed, data, mods

    def rel(self):
        return f"live/{self.env}/{self.region}/{self.stack}"

    def files(self):
        rel = self.rel()
        out = {
            "versions.tf": versions_tf(self.env, self.region, rel),
            "providers.tf": PROVIDERS_TF,
            "variables.tf": ROOT_VARIABLES,
            "locals.tf": ROOT_LOCALS,
            "main.tf": ROOT_MAIN,
            "s3.tf": ROOT_S3,
            "iam.tf": ROOT_IAM,
            "network.tf": ROOT_NETWORK,
            "outputs.tf": ROOT_OUTPUTS,
        }
        prefix = {"prod": "10.10", "staging": "10.20", "dev": "10.30"}[self.env]
        vars_ = {
            "region": self.region,
            "account_id": self.account,
            "environment": self.env,
            "stack": self.stack,
            "vpc_id": f"vpc-{self.index:08x}{prefix.replace('.', '')}",
            "subnet_ids": [f"subnet-{self.index:06x}{i:02d}" for i in range(3)],
        }
        auto = {}
        if self.extra_tags or self.index % 3 == 0:
            auto["team"] = self.team
            if self.extra_tags:
                auto["extra_tags"] = self.extra_tags
        else:
            vars_["team"] = self.team
        if self.ci_external_id:
            vars_["ci_external_id"] = self.ci_external_id
        if self.kms:
            vars_["kms"] = self.kms
        if self.buckets:
            vars_["buckets"] = self.buckets
        if self.services:
            vars_["services"] = self.services
        if self.roles:
            vars_["roles"] = self.roles
        if self.security_groups:
            vars_["security_groups"] = self.security_groups
        if self.database:
            vars_["database"] = self.database
        if self.legacy_users:
            vars_["legacy_users"] = self.legacy_users
        if self.parameters:
            vars_["parameters"] = self.parameters
        if self.app_ingress:
            vars_["app_ingress"] = self.app_ingress
        out["terraform.tfvars"] = f"# {rel}\n" + tfvars(vars_)
        if auto:
            out["common.auto.tfvars"] = tfvars(auto)
        return out


def soc2scan_toml():
    lines = ["# Environments of the synthetic estate (scripts/gen-estate.py).\n"]
    for env, (accounts, cidr, _) in ENVS.items():
        lines.append(f"[environments.{env}]\n")
        lines.append("accounts = [" + ", ".join(hcl_str(a) for a in accounts) + "]\n")
        lines.append(f'paths = ["live/{env}/**"]\n')
        lines.append(f'cidrs = ["{cidr}.0.0/16"]\n')
        if env == "prod":
            lines.append("production = true\n")
        lines.append("\n")
    return "".join(lines)


def plan(target, seed):
    """The roots, sized so that their managed resources add up to `target`."""
    rng = random.Random(seed)
    envs = list(ENVS)
    weights = [ENVS[e][2] for e in envs]
    roots = []
    total = 0
    index = 0
    while total < target:
        remaining = target - total
        # Root sizes: mostly 40-150 managed resources, a few large ones.
        size = int(rng.lognormvariate(4.4, 0.5))
        size = max(20, min(size, 600))
        last = remaining < size + 2 * ROOT_BASE_MANAGED
        if last:
            size = remaining
        env = rng.choices(envs, weights)[0]
        root = Root(random.Random(rng.getrandbits(64)), index, env)
        root.choose(size)
        if last or root.count()[0] > remaining:
            root.trim(remaining)
            root.pad(remaining - root.count()[0])
        roots.append(root)
        total += root.count()[0]
        index += 1
    return roots


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return len(text.encode("utf-8"))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate a synthetic Terraform estate (see the module docstring).")
    ap.add_argument("--resources", type=int, required=True,
                    help="managed resource instances after count/for_each expansion")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true",
                    help="replace OUT if it holds an estate written by this script")
    args = ap.parse_args(argv)
    if args.resources <= 0:
        ap.error("--resources must be positive")

    out = args.out
    if os.path.exists(out) and os.listdir(out):
        if not os.path.exists(os.path.join(out, MARKER)):
            ap.error(f"{out} is not empty and was not written by this script")
        if not args.force:
            ap.error(f"{out} exists; pass --force to replace it")
        shutil.rmtree(out)

    roots = plan(args.resources, args.seed)
    files = 0
    nbytes = 0
    nbytes += write(os.path.join(out, MARKER), f"resources={args.resources} seed={args.seed}\n")
    nbytes += write(os.path.join(out, ".soc2scan.toml"), soc2scan_toml())
    files += 1
    for name in sorted(MODULES):
        for fname, text in sorted(MODULES[name].items()):
            nbytes += write(os.path.join(out, "modules", name, fname), text)
            files += 1
    managed = data = mods = 0
    by_env = {e: [0, 0] for e in ENVS}
    for root in roots:
        m, d, i = root.count()
        managed, data, mods = managed + m, data + d, mods + i
        by_env[root.env][0] += 1
        by_env[root.env][1] += m
        for fname, text in root.files().items():
            nbytes += write(os.path.join(out, root.rel(), fname), text)
            files += 1
    tf_files = files - 1  # .soc2scan.toml
    summary = {
        "seed": args.seed,
        "roots": len(roots),
        "files": tf_files,
        "bytes": nbytes,
        "module_instances": mods,
        "resources": managed,
        "data_sources": data,
        "instances": managed + data,
        "by_environment": {e: {"roots": r, "resources": m} for e, (r, m) in by_env.items()},
    }
    with open(os.path.join(out, "estate.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(f"estate: {out}")
    print(f"roots: {len(roots)}, .tf/.tfvars files: {tf_files}, {nbytes / 1e6:.1f} MB")
    print(f"module instances: {mods}")
    print(f"resources: {managed} managed + {data} data sources = {managed + data} instances")
    print("by environment: " + ", ".join(
        f"{e} {r} roots / {m} resources" for e, (r, m) in by_env.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
