//! `soc2scan init`: a starter `.soc2scan.toml` with every key present and explained.
//!
//! Convention, as in Helm's values files: `## ` lines are prose, `# ` lines are
//! settings left at their default; deleting the `# ` turns one on. The file as
//! written, and the file with every setting turned on, both validate (tested).

/// The text of a starter `.soc2scan.toml`. What is active equals the built-in
/// defaults, so writing it changes nothing until the team edits it.
pub fn starter_file() -> &'static str {
    STARTER
}

const STARTER: &str = r##"## soc2scan configuration. Every key is optional; without this file soc2scan uses
## the defaults shown here. Reference: docs/config.md.
## Lines starting with "# " are settings left at their default: delete the "# " to
## turn one on.

## Exit 1 when a failure at or above this severity remains:
## info, low, medium, high or critical. --fail-on overrides it.
fail-on = "high"

## Require a customer-managed KMS key on every bucket (ENC002), not only on
## buckets classified confidential or restricted.
require-cmk = false

## Download registry, git and HTTP(S) modules that `terraform init` has not
## installed (cached in the user cache directory). --download-modules turns it on.
# download-modules = true

[rules]
## Rules to switch off, by id or name (`soc2scan rules` lists them).
# disable = ["ENC010", "log-group-not-kms"]

## Change a rule's severity (info, low, medium, high, critical).
[rules.severity]
# ENC001 = "medium"

[classification]
## Tag keys that carry a resource's data classification, highest priority first.
## Keys are case-sensitive; values may be public, internal (or private),
## confidential (or sensitive), restricted (or secret). Confidential and restricted
## resources get stricter checks and higher severities.
tag-keys = ["DataClassification", "data_classification", "Classification"]

## The level of a resource that no tag and no path below classifies.
# default = "internal"

## Classify everything declared in matching Terraform files (paths relative to the
## scanned directory; `*` stays within a directory, `**` crosses them). Tags win over
## paths; the first matching glob wins, so list specific globs first.
# [[classification.paths]]
# glob = "data/**"
# level = "confidential"

[accounts]
## The organisation's own AWS account ids (12 digits, quoted).
# organisation = ["111111111111", "222222222222"]

## Third-party accounts allowed to assume your roles, and the ExternalId each must
## present. A trust policy naming any other outside account is a finding.
# [[accounts.trusted]]
# id = "999999999999"
# name = "Datadog"
# external-id = "abc"

[thresholds]
## IAM access keys older than this are a finding.
access-key-max-age-days = 90
## KMS keys scheduled for deletion sooner than this are a finding (7 to 30).
kms-min-deletion-window-days = 30
## RDS automated backups kept for fewer days are a finding (1 to 35).
backup-retention-min-days = 7

## What evaluating one Terraform root may cost: a pull request can ask for millions
## of values in a few lines. Past a budget the value is unknown and the scan says
## where. Raise them for a trusted configuration that needs more.
# [evaluation]
# max-steps = 1000000
# max-elements = 10000
# max-string-bytes = 33554432

## Live resources left out of Terraform on purpose (DRIFT002 passes them, saying
## so): globs over ARNs and names. A tag soc2scan:unmanaged=<reason> does the same.
# [drift]
# unmanaged = ["arn:aws:s3:::legacy-*", "arn:aws:iam::*:role/break-glass"]

## Environments, for the environment-separation rules (ENV001-ENV007). Without
## them, soc2scan reads Environment/env/stage tags and prod/staging/dev path
## segments. A resource matches an environment by path, then tag, then account;
## an account belongs to one environment only.
# [environments.prod]
# accounts = ["111111111111"]
# paths = ["envs/prod/**"]
# tags = { Environment = "production" }
# cidrs = ["10.0.0.0/16"]
## prod, production, prd and live are production unless this says otherwise.
# production = true

# [environments.staging]
# accounts = ["222222222222"]
# paths = ["envs/staging/**"]
# tags = { Environment = "staging" }
# cidrs = ["10.1.0.0/16"]

## The evidence ledger (SOC 2 Type 2): every scan appends its run to `ledger`, and
## `soc2scan evidence report` shows, per control and day, that controls operated.
# [evidence]
# ledger = "evidence/ledger.db"
## An Ed25519 key (`soc2scan evidence keygen`) that signs each checkpoint.
# sign-key = "keys/evidence.key"
## How often each source is expected to run: daily or weekly.
# cadence = "daily"
## A day is incomplete when more than this share of its results are unknown.
# max-unknown-percent = 20

## Sources expected over the whole window (default: every source seen, from its
## first run on). `source` is a glob over aws:<account>/<region> and
## terraform:<repository>//<root>.
# [[evidence.expect]]
# source = "aws:111111111111/*"
# cadence = "daily"
# controls = ["CC6.1", "CC6.7"]
"##;
