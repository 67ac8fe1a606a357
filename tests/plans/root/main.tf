provider "aws" {
  region = "eu-west-1"
}

locals {
  # Known only once the key exists: the queues' setting is unknown in the plan.
  queue_sse = aws_kms_key.data.arn != ""
}

resource "aws_kms_key" "data" {
  description         = "data"
  enable_key_rotation = true
}

# Replaced in the plan (its description forces a new key).
resource "aws_kms_key" "replaced" {
  description = "replaced"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
  tags = {
    DataClassification = "confidential"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

module "logs" {
  source   = "./modules/bucket"
  for_each = toset(["a", "b"])
  name     = "acme-logs-${each.key}"
}

resource "aws_sqs_queue" "q" {
  count                   = 2
  name                    = "q-${count.index}"
  sqs_managed_sse_enabled = local.queue_sse
}

resource "aws_db_instance" "db" {
  identifier        = "db"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = true
  kms_key_id        = aws_kms_key.data.arn
  username          = "app"
  password          = "hunter2-not-shown"
}

# A registry module that `terraform init` has not installed here: the HCL reader
# cannot see inside it, the plan has it expanded.
module "archive" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"
  bucket  = "acme-archive"
}
