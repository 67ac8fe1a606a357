//! What the user typed (clap). Validation and resolution happen in `app.rs`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "soc2scan",
    version,
    about = "Prove the SOC 2 controls only engineering can implement, from Terraform and live AWS",
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, \
                  2 usage or configuration error, 3 scan incomplete (see --allow-incomplete)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan Terraform (and, with --aws, the live account) and report findings.
    Scan(Box<ScanArgs>),
    /// Record today's failures so later scans gate only on new ones (--baseline).
    Baseline(BaselineArgs),
    /// Merge JSON reports (the shards of `scan --org --shard I/N`) into one report
    /// with one summary, in any output format.
    Merge(MergeArgs),
    /// List the rule catalogue.
    Rules {
        /// Output format: table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Print a rule's full documentation.
    Explain {
        /// Rule id (ENC001) or name (s3-bucket-no-explicit-encryption).
        rule: String,
    },
    /// Write a starter .soc2scan.toml with every setting explained.
    Init {
        /// Directory to write it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The evidence ledger: import runs, verify it, report on a Type 2 window.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Print the man page (roff): `soc2scan man > soc2scan.1`, or a command's page:
    /// `soc2scan man scan > soc2scan-scan.1`.
    Man {
        /// The command to document (default: soc2scan itself).
        command: Vec<String>,
    },
}

/// `soc2scan evidence ...`: the ledger that `scan --evidence` appends to.
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Append JSON reports written elsewhere (parallel CI jobs, other machines); a
    /// report already in the ledger is skipped, and said so.
    Import {
        #[command(flatten)]
        ledger: LedgerArgs,
        /// JSON reports (`scan --format json`, schema v2 or later).
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Sign each new checkpoint with this Ed25519 private key (`evidence keygen`).
        #[arg(long, value_name = "FILE")]
        sign_key: Option<PathBuf>,
    },
    /// Recompute every run, the hash chain and the checkpoints; exit 1 naming the
    /// first run altered, removed or reordered, or whose signature fails.
    Verify {
        #[command(flatten)]
        ledger: LedgerArgs,
        /// Ed25519 public key that must have signed the checkpoints.
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
    },
    /// Write an Ed25519 key pair for signed checkpoints and attestations.
    Keygen {
        /// Private key file (PKCS#8 PEM); the public key goes to FILE.pub.
        #[arg(long, short = 'o', default_value = "soc2scan-evidence.key")]
        output: PathBuf,
        /// Overwrite existing key files.
        #[arg(long)]
        force: bool,
    },
    /// The auditor's view of a window: per control, source and day, whether the
    /// control operated, with the gaps, findings and exceptions stated plainly.
    Report(EvidenceReportArgs),
    /// The auditor's view as a signed in-toto attestation (`--format intoto`: a DSSE
    /// envelope whose subject is the JSON report's digest) or as CSV (one row per
    /// control, day and source).
    Export {
        #[command(flatten)]
        report: EvidenceReportArgs,
        /// Ed25519 private key that signs the attestation (`evidence keygen`).
        #[arg(long, value_name = "FILE")]
        sign_key: Option<PathBuf>,
    },
}

/// Which ledger to read or write.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// The ledger file (default: `evidence` in .soc2scan.toml).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,
}

/// The window and form of an evidence report.
#[derive(Debug, Args)]
pub struct EvidenceReportArgs {
    #[command(flatten)]
    pub ledger: LedgerArgs,
    /// First day of the window (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub from: String,
    /// Last day of the window (YYYY-MM-DD, inclusive; default: today).
    #[arg(long)]
    pub to: Option<String>,
    /// How often each source is expected to run: daily or weekly (default: from
    /// config, else daily).
    #[arg(long)]
    pub cadence: Option<String>,
    /// Day boundaries in this UTC offset, e.g. +02:00 (default: UTC).
    #[arg(long)]
    pub tz: Option<String>,
    /// html, json, csv or markdown for `report`; intoto or csv for `export`.
    #[arg(long, short = 'f')]
    pub format: String,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Ed25519 public key the ledger's checkpoints must be signed with.
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
}

/// Where the project configuration comes from.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Configuration file (default: .soc2scan.toml in the first scanned directory or
    /// its nearest parent up to the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore any .soc2scan.toml; use the built-in defaults.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

/// The live AWS account to sweep.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// Sweep the AWS account of the current credentials (read-only), alongside any
    /// Terraform paths given.
    #[arg(long)]
    pub aws: bool,

    /// AWS shared-config profile.
    #[arg(long, requires = "aws")]
    pub profile: Option<String>,

    /// Region to sweep (repeatable or comma-separated; default: the configured region).
    #[arg(long = "region", value_delimiter = ',', requires = "aws")]
    pub regions: Vec<String>,

    /// Sweep every region enabled in the account.
    #[arg(long, requires = "aws", conflicts_with = "regions")]
    pub all_regions: bool,

    /// Role to assume for the sweep.
    #[arg(long, value_name = "ARN", requires = "aws")]
    pub assume_role: Option<String>,

    /// ExternalId to present when assuming --assume-role or --org-role.
    #[arg(long, requires = "aws")]
    pub external_id: Option<String>,

    /// Send every AWS call to this endpoint (an emulator such as moto).
    #[arg(long, value_name = "URL", requires = "aws")]
    pub endpoint_url: Option<String>,

    /// Services to sweep (comma-separated; default all): s3, kms, iam, rds, elbv2,
    /// elb, cloudfront, dynamodb, sqs, sns, ec2.
    #[arg(long, value_delimiter = ',', requires = "aws")]
    pub services: Vec<String>,
}

/// `--org`: every account of an AWS Organization, and how a run shares the work.
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// Sweep every active account of the AWS Organization (credentials of the
    /// management account or a delegated administrator), each through --org-role.
    #[arg(long, requires = "aws")]
    pub org: bool,

    /// Role name assumed in each account [default: OrganizationAccountAccessRole];
    /// a read-only role (SecurityAudit) is enough.
    #[arg(long, value_name = "NAME", requires = "org")]
    pub org_role: Option<String>,

    /// Only accounts under this organizational unit (or root) id, at any depth.
    #[arg(long, value_name = "ID", requires = "org")]
    pub ou: Option<String>,

    /// Only these account ids (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "org")]
    pub accounts: Vec<String>,

    /// Never these account ids (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "org")]
    pub exclude_accounts: Vec<String>,

    /// Sweep only share I of N (0 <= I < N) of the accounts, by a stable hash of the
    /// account id: N jobs with I = 0..N-1 cover the organization exactly once
    /// (`soc2scan merge` joins their JSON reports).
    #[arg(long, value_name = "I/N", requires = "org")]
    pub shard: Option<String>,

    /// Most AWS API calls in flight at once in the whole run, all accounts
    /// [default: 16].
    #[arg(long, value_name = "N", requires = "aws")]
    pub max_concurrency: Option<usize>,

    /// Lifetime in seconds of assumed-role credentials (900 to 43200) [default:
    /// 3600]; they are renewed when a sweep outlasts them.
    #[arg(long, value_name = "SECONDS", requires = "aws")]
    pub role_duration: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Terraform files or directories to scan (default: the current directory, unless
    /// --aws is given alone).
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// A plan as `terraform show -json PLANFILE > plan.json` writes it (repeatable). A
    /// JSON plan or state given as a path is recognised by its content too.
    #[arg(long = "plan", value_name = "FILE")]
    pub plans: Vec<PathBuf>,

    /// A Terraform state file, format version 4 (repeatable).
    #[arg(long = "state", value_name = "FILE")]
    pub states: Vec<PathBuf>,

    /// Read each scanned root's state from the S3 backend it configures (read-only,
    /// through the sweep's guarded client), for the ARNs that link live resources to
    /// their Terraform.
    #[arg(long, requires = "aws")]
    pub state_from_backend: bool,

    /// The configuration directory plans and states were made from, so that their
    /// results sit on its .tf lines (default: the plan's or state's own directory when
    /// it holds .tf files).
    #[arg(long = "source", value_name = "DIR")]
    pub source: Option<PathBuf>,
    #[command(flatten)]
    pub org: OrgArgs,

    /// Output format, repeatable: table, json, sarif, markdown, junit, github
    /// (Actions annotations), gitlab (Code Quality); `FORMAT=FILE` writes that format
    /// to FILE (e.g. --format table --format sarif=results.sarif). Default: table,
    /// plus github when GITHUB_ACTIONS=true.
    #[arg(long = "format", short = 'f')]
    pub formats: Vec<String>,

    /// Write the (single) output to FILE instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,

    /// Exit 1 when a failure at or above this severity remains: info, low, medium,
    /// high, critical, or none. Default: from config, else high.
    #[arg(long)]
    pub fail_on: Option<String>,

    /// Exit 0/1 even when some file or module could not be read.
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Variable file applied to every root module (repeatable).
    #[arg(long = "var-file")]
    pub var_files: Vec<PathBuf>,

    /// Variable value NAME=VALUE applied to every root module (repeatable).
    #[arg(long = "var")]
    pub vars: Vec<String>,

    /// Download registry, git and HTTP(S) modules that `terraform init` has not
    /// installed, honouring the Terraform CLI configuration's host and credentials
    /// blocks; cached in the user cache directory.
    #[arg(long)]
    pub download_modules: bool,

    /// Only run rules mapped to these controls (comma-separated, e.g. CC6.7,C1.1).
    #[arg(long, value_delimiter = ',')]
    pub controls: Vec<String>,

    /// Only report results for resources of this environment (production, staging,
    /// development, test, sandbox, a configured name, or an alias such as prod).
    #[arg(long)]
    pub env: Option<String>,

    /// Only run these rules (ids or names, repeatable or comma-separated).
    #[arg(long = "rule", value_delimiter = ',')]
    pub rules: Vec<String>,

    /// Run these rules although the configuration disables them.
    #[arg(long, value_delimiter = ',')]
    pub enable: Vec<String>,

    /// Do not run these rules (ids or names).
    #[arg(long, value_delimiter = ',')]
    pub disable: Vec<String>,

    /// Require a customer-managed KMS key on every bucket (ENC002), not only on
    /// classified ones.
    #[arg(long)]
    pub require_cmk: bool,

    /// Baseline file from `soc2scan baseline`: its findings are reported as
    /// suppressed (kind baseline) and do not fail the scan.
    #[arg(long)]
    pub baseline: Option<PathBuf>,

    /// Git ref to compare with (e.g. origin/main): only findings not present in that
    /// ref's tree are reported as failures and gate the scan.
    #[arg(long)]
    pub diff_base: Option<String>,

    /// SARIF automationDetails.id: GitHub keeps one set of alerts per category.
    #[arg(long, default_value = "soc2scan/")]
    pub sarif_category: String,

    /// Include suppressed findings in SARIF, marked with `suppressions` (GitHub code
    /// scanning ignores that mark and would show them as open alerts).
    #[arg(long)]
    pub sarif_suppressed: bool,

    /// Path of the scanned directory inside the repository, prepended to SARIF and
    /// Markdown file paths (default: found with git).
    #[arg(long)]
    pub path_prefix: Option<String>,

    /// Base URL for Markdown source links, e.g. https://github.com/acme/infra/blob/SHA.
    #[arg(long)]
    pub link_base: Option<String>,

    /// Do not apply suppression comments that give no reason.
    #[arg(long)]
    pub require_reason: bool,

    /// Append this run to the evidence ledger FILE (created when missing); default:
    /// `evidence` in .soc2scan.toml.
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,

    /// Sign the ledger checkpoint with this Ed25519 private key (`evidence keygen`).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    /// Print the time of each phase on stderr.
    #[arg(long)]
    pub timings: bool,

    /// Disable colours in the table output.
    #[arg(long)]
    pub no_color: bool,
}

/// `soc2scan merge`: shard reports into one.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports (`scan --format json`) written by this version of soc2scan with
    /// the same rule catalogue and configuration.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,

    /// Output format, repeatable, as for `scan` (`FORMAT=FILE` writes a file).
    /// Default: table, plus github when GITHUB_ACTIONS=true.
    #[arg(long = "format", short = 'f')]
    pub formats: Vec<String>,

    /// Write the (single) output to FILE instead of stdout.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,

    /// Exit 1 when a failure at or above this severity remains: info, low, medium,
    /// high, critical, or none [default: high].
    #[arg(long, default_value = "high")]
    pub fail_on: String,

    /// Exit 0/1 even when some report is incomplete.
    #[arg(long)]
    pub allow_incomplete: bool,

    /// Disable colours in the table output.
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Terraform files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Where to write the baseline.
    #[arg(long, short = 'o', default_value = ".soc2scan-baseline.json")]
    pub output: PathBuf,

    /// Variable file applied to every root module (repeatable).
    #[arg(long = "var-file")]
    pub var_files: Vec<PathBuf>,

    /// Variable value NAME=VALUE applied to every root module (repeatable).
    #[arg(long = "var")]
    pub vars: Vec<String>,
}
