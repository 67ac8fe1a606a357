//! `scan --aws --org` against moto's Organizations: an organization of six active
//! accounts (the management account and five created through the API, two of them
//! in a nested unit) and one suspended account, each active account seeded through
//! credentials of a role assumed in it. The sweep lists the accounts, assumes
//! OrganizationAccountAccessRole in each, and judges them with the configuration's
//! account → environment mapping.

use super::moto::{credentials, tuning, Moto, ACCOUNT, REGION};
use super::proxy::{Fault, Proxy};
use aws_credential_types::provider::SharedCredentialsProvider;
use soc2scan::config::{CliOverrides, FileConfig, Settings};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanRequest};
use soc2scan::source::aws::{AwsOptions, OrgOptions};
use std::collections::BTreeMap;
use std::process::{Command, Output};

/// The organization as seeded: account ids by name.
struct Org {
    ids: BTreeMap<&'static str, String>,
    /// The unit holding `staging` and, below it, the unit holding both prod accounts.
    workloads: String,
}

impl Org {
    fn id(&self, name: &str) -> &str {
        self.ids.get(name).map(String::as_str).unwrap_or_default()
    }

    /// `.soc2scan.toml` mapping the accounts to environments.
    fn config(&self) -> String {
        format!(
            "[environments.prod]\naccounts = [\"{}\", \"{}\"]\nproduction = true\n\n[environments.staging]\naccounts = [\"{}\"]\n",
            self.id("prod-a"),
            self.id("prod-b"),
            self.id("staging")
        )
    }
}

/// Created accounts, in creation order; `retired` is then closed (suspended).
const CREATED: [&str; 6] = [
    "prod-a", "prod-b", "staging", "sandbox", "shared", "retired",
];

fn trust(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The organization, its units, and in each active account one KMS key (rotating in
/// production only) and, in prod-a, prod-b and staging, one role.
async fn organization(moto: &Moto) -> Org {
    use aws_sdk_organizations::types::OrganizationFeatureSet;
    let orgs = aws_sdk_organizations::Client::new(&moto.config().await);
    orgs.create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("organization");
    let roots = orgs.list_roots().send().await.expect("roots");
    let root = roots.roots()[0].id().expect("root id").to_string();
    let unit = |parent: String, name: &'static str| {
        let orgs = orgs.clone();
        async move {
            orgs.create_organizational_unit()
                .parent_id(parent)
                .name(name)
                .send()
                .await
                .expect("unit")
                .organizational_unit()
                .and_then(|u| u.id())
                .expect("unit id")
                .to_string()
        }
    };
    let workloads = unit(root.clone(), "workloads").await;
    let prod = unit(workloads.clone(), "prod").await;

    let mut ids = BTreeMap::new();
    ids.insert("master", ACCOUNT.to_string());
    for name in CREATED {
        let created = orgs
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .expect("create account");
        let id = created
            .create_account_status()
            .and_then(|s| s.account_id())
            .expect("account id")
            .to_string();
        ids.insert(name, id);
    }
    for (name, parent) in [
        ("prod-a", &prod),
        ("prod-b", &prod),
        ("staging", &workloads),
    ] {
        orgs.move_account()
            .account_id(&ids[name])
            .source_parent_id(&root)
            .destination_parent_id(parent)
            .send()
            .await
            .expect("move account");
    }
    orgs.close_account()
        .account_id(&ids["retired"])
        .send()
        .await
        .expect("close account");

    for (name, id) in &ids {
        if *name == "retired" {
            continue;
        }
        let conf = moto.config_in(id).await;
        let kms = aws_sdk_kms::Client::new(&conf);
        let key = kms.create_key().send().await.expect("key");
        let key_id = key.key_metadata().expect("metadata").key_id().to_string();
        if name.starts_with("prod") {
            kms.enable_key_rotation()
                .key_id(key_id)
                .send()
                .await
                .expect("rotation");
        }
        let roles: &[(&str, &str)] = match *name {
            // Production reachable from staging: ENV001 across accounts.
            "prod-a" => &[("deploy", "staging")],
            "prod-b" => &[("deploy", "prod-a")],
            "staging" => &[("ci", "staging")],
            _ => &[],
        };
        let iam = aws_sdk_iam::Client::new(&conf);
        for (role, trusted) in roles {
            iam.create_role()
                .role_name(*role)
                .assume_role_policy_document(trust(&ids[trusted]))
                .send()
                .await
                .expect("role");
        }
    }
    Org { ids, workloads }
}

fn settings(org: &Org) -> Settings {
    let file = FileConfig::parse(
        &org.config(),
        std::path::Path::new(".soc2scan.toml"),
        soc2scan::catalogue::catalogue().expect("catalogue"),
    )
    .expect("config");
    let cli = CliOverrides {
        only_rules: ["ENV001".to_string(), "KMS001".to_string()].into(),
        ..CliOverrides::default()
    };
    Settings::resolve(Some(&file), &cli)
}

fn request(moto: &Moto, org: &Org, opts: OrgOptions) -> ScanRequest {
    let mut tuned = tuning();
    tuned.credentials = Some(SharedCredentialsProvider::new(credentials()));
    ScanRequest {
        settings: settings(org),
        aws: Some(AwsOptions {
            regions: vec![REGION.to_string()],
            endpoint_url: Some(moto.url()),
            services: vec!["kms".into(), "iam".into()],
            org: Some(opts),
            ..AwsOptions::default()
        }),
        aws_tuning: tuned,
        ..ScanRequest::default()
    }
}

/// (rule, status, account, environment, resource with the random key id hidden).
type Row = (String, Status, String, String, String);

fn rows(findings: &[soc2scan::finding::Finding]) -> Vec<Row> {
    let key = regex::Regex::new(r"key/[0-9a-f-]+").expect("regex");
    let mut out: Vec<Row> = findings
        .iter()
        .map(|f| {
            (
                f.rule_id.to_string(),
                f.status,
                f.origin.account().unwrap_or_default().to_string(),
                f.environment
                    .as_ref()
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                key.replace(&f.resource, "key/<id>").to_string(),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.2, &a.0, &a.4).cmp(&(&b.2, &b.0, &b.4)));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_account_of_the_organization_is_swept_and_judged_by_its_environment() {
    let moto = Moto::start();
    let org = organization(&moto).await;
    let outcome = tokio::task::spawn_blocking({
        let req = request(&moto, &org, OrgOptions::default());
        move || run(&req)
    })
    .await
    .expect("join")
    .expect("scan");
    let report = &outcome.report;

    let row = |rule: &str, status, name: &str, env: &str, resource: String| -> Row {
        (
            rule.into(),
            status,
            org.id(name).into(),
            env.into(),
            resource,
        )
    };
    let key = |name: &str| format!("arn:aws:kms:{REGION}:{}:key/<id>", org.id(name));
    let role = |name: &str, role: &str| format!("arn:aws:iam::{}:role/{role}", org.id(name));
    // Organizations creates OrganizationAccountAccessRole, trusting the management
    // account (in no environment), in every account it creates.
    let admin = "OrganizationAccountAccessRole";
    let mut expected = vec![
        row("KMS001", Status::Fail, "master", "", key("master")),
        row(
            "ENV001",
            Status::Fail,
            "prod-a",
            "production",
            role("prod-a", "deploy"),
        ),
        row(
            "ENV001",
            Status::Pass,
            "prod-a",
            "production",
            role("prod-a", admin),
        ),
        row(
            "KMS001",
            Status::Pass,
            "prod-a",
            "production",
            key("prod-a"),
        ),
        row(
            "ENV001",
            Status::Pass,
            "prod-b",
            "production",
            role("prod-b", "deploy"),
        ),
        row(
            "ENV001",
            Status::Pass,
            "prod-b",
            "production",
            role("prod-b", admin),
        ),
        row(
            "KMS001",
            Status::Pass,
            "prod-b",
            "production",
            key("prod-b"),
        ),
        row(
            "ENV001",
            Status::Pass,
            "staging",
            "staging",
            role("staging", "ci"),
        ),
        row(
            "ENV001",
            Status::Pass,
            "staging",
            "staging",
            role("staging", admin),
        ),
        row("KMS001", Status::Fail, "staging", "staging", key("staging")),
        row("KMS001", Status::Fail, "sandbox", "", key("sandbox")),
        row("KMS001", Status::Fail, "shared", "", key("shared")),
    ];
    expected.sort_by(|a, b| (&a.2, &a.0, &a.4).cmp(&(&b.2, &b.0, &b.4)));
    assert_eq!(rows(&report.findings), expected, "{:#?}", report.findings);

    // Production trusting staging is the critical direction.
    let env001 = report
        .findings
        .iter()
        .find(|f| f.rule_id == "ENV001" && f.status == Status::Fail)
        .expect("ENV001 failure");
    assert_eq!(env001.severity, soc2scan::finding::Severity::Critical);
    assert!(
        env001.message.contains(org.id("staging")),
        "{}",
        env001.message
    );

    // Every active account is named with its counts; the suspended one is a note.
    let live = report.stats.live.as_ref().expect("live stats");
    assert_eq!(live.account.as_deref(), Some(ACCOUNT), "the lister");
    let accounts: Vec<(&str, Option<&str>, usize)> = live
        .accounts
        .iter()
        .map(|a| (a.account.as_str(), a.name.as_deref(), a.gaps))
        .collect();
    let mut want: Vec<(&str, Option<&str>, usize)> = org
        .ids
        .iter()
        .filter(|(n, _)| **n != "retired")
        .map(|(n, id)| (id.as_str(), Some(*n), 0))
        .collect();
    want.sort();
    assert_eq!(accounts, want);
    // At least the seeded key and roles (moto's IAM adds AWS-managed policies).
    for a in &live.accounts {
        let seeded = rows(&report.findings)
            .iter()
            .filter(|r| r.2 == a.account)
            .count();
        assert!(a.resources >= seeded && a.api_calls > 0, "{a:?}");
    }
    assert_eq!(
        live.resources,
        live.accounts.iter().map(|a| a.resources).sum::<usize>()
    );
    let notes: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "account-skipped")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        notes,
        [format!(
            "account {} (retired) is SUSPENDED: not swept",
            org.id("retired")
        )
        .as_str()]
    );
    assert!(!report.incomplete(), "{:#?}", report.diagnostics);
    let scoped: Vec<Option<&str>> = report
        .scope
        .live
        .iter()
        .map(|l| l.account.as_deref())
        .collect();
    let mut ids: Vec<Option<&str>> = want.iter().map(|w| Some(w.0)).collect();
    ids.sort();
    assert_eq!(scoped, ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizational_unit_is_swept_with_the_units_below_it() {
    let moto = Moto::start();
    let org = organization(&moto).await;
    let opts = OrgOptions {
        ou: Some(org.workloads.clone()),
        ..OrgOptions::default()
    };
    let outcome = tokio::task::spawn_blocking({
        let req = request(&moto, &org, opts);
        move || run(&req)
    })
    .await
    .expect("join")
    .expect("scan");
    let live = outcome.report.stats.live.as_ref().expect("live");
    let swept: Vec<&str> = live.accounts.iter().map(|a| a.account.as_str()).collect();
    let mut want = vec![org.id("prod-a"), org.id("prod-b"), org.id("staging")];
    want.sort();
    assert_eq!(swept, want);
    let accounts: std::collections::BTreeSet<&str> = outcome
        .report
        .findings
        .iter()
        .filter_map(|f| f.origin.account())
        .collect();
    assert_eq!(accounts, want.iter().copied().collect());
}

/// Runs the binary with the management account's credentials only.
fn soc2scan(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2scan"))
        .args(args)
        .current_dir(dir)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent/soc2scan-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/soc2scan-test-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("soc2scan runs")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "json report: {e}\nstderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The org-sweep arguments against `url`, with the configuration in `dir`.
fn org_args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "scan",
        "--aws",
        "--org",
        "--endpoint-url",
        url,
        "--region",
        REGION,
        "--services",
        "kms,iam",
        "--rule",
        "ENV001,KMS001",
        "--config",
        ".soc2scan.toml",
        "--fail-on",
        "none",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_whose_role_cannot_be_assumed_is_a_gap_and_the_others_are_swept() {
    let moto = Moto::start();
    let org = organization(&moto).await;
    let sandbox = org.id("sandbox").to_string();
    let denied: &'static str = Box::leak(sandbox.clone().into_boxed_str());
    let proxy = Proxy::start(moto.port, "sts", Fault::DenyQueryWith(denied)).await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join(".soc2scan.toml"), org.config()).expect("config");
    let url = proxy.url();

    let o = tokio::task::spawn_blocking({
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        move || soc2scan(&org_args(&url, &["-f", "json"]), &path)
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(proxy.injected() >= 1);
    let r = json(&o);
    let gaps: Vec<&serde_json::Value> = r["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "collection-gap")
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    let message = gaps[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("account {sandbox} (sandbox): not swept: sts:AssumeRole of arn:aws:iam::{sandbox}:role/OrganizationAccountAccessRole failed with AccessDenied")),
        "{message}"
    );
    assert_eq!(gaps[0]["gap"]["account"], sandbox.as_str());
    // The account's source carries the gap; the other accounts are complete.
    let sources = r["sources"].as_array().expect("sources");
    for s in sources {
        let gaps = s["gaps"].as_array().map_or(0, Vec::len);
        assert_eq!(gaps, usize::from(s["account"] == sandbox.as_str()), "{s:#}");
    }
    let accounts = r["stats"]["live"]["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 6);
    for a in accounts {
        let is_sandbox = a["account"] == sandbox.as_str();
        assert_eq!(a["gaps"], usize::from(is_sandbox), "{a:#}");
        assert_eq!(a["resources"].as_u64() == Some(0), is_sandbox, "{a:#}");
    }
    let kms001 = r["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|x| x["rule_id"] == "KMS001")
        .count();
    assert_eq!(kms001, 5, "every other account's key is judged");

    // --allow-incomplete gates on findings only; the table names every account.
    let o = tokio::task::spawn_blocking({
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        move || {
            soc2scan(
                &org_args(&url, &["--allow-incomplete", "-f", "table"]),
                &path,
            )
        }
    })
    .await
    .expect("join");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("AWS accounts (6 of the organization)"),
        "{table}"
    );
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| {
            l.split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    for (name, id) in org.ids.iter().filter(|(n, _)| **n != "retired") {
        let row = rows
            .iter()
            .find(|cells| cells.first() == Some(&id.as_str()) && cells.get(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} {id} not in the accounts table:\n{table}"));
        if *name == "sandbox" {
            assert_eq!(row, &[id.as_str(), "sandbox", "0", "0", "1"]);
        } else {
            assert_eq!(row.last(), Some(&"0"), "{row:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_merged_equal_the_unsharded_run() {
    let moto = Moto::start();
    let org = organization(&moto).await;
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join(".soc2scan.toml"), org.config()).expect("config");
    let url = moto.url();
    let run_to = |extra: Vec<&'static str>, out: &'static str| {
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        tokio::task::spawn_blocking(move || {
            let target = format!("json={out}");
            let mut args = org_args(&url, &extra);
            args.extend(["-f", target.as_str()]);
            soc2scan(&args, &path)
        })
    };
    for (extra, out) in [
        (vec![], "all.json"),
        (vec!["--shard", "0/2"], "shard0.json"),
        (vec!["--shard", "1/2"], "shard1.json"),
    ] {
        let o = run_to(extra, out).await.expect("join");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).expect("report"))
            .expect("json")
    };
    let (s0, s1) = (read("shard0.json"), read("shard1.json"));
    let accounts = |r: &serde_json::Value| {
        r["stats"]["live"]["accounts"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(
        accounts(&s0) + accounts(&s1),
        6,
        "the shards split the accounts"
    );

    let merged = tokio::task::spawn_blocking({
        let path = dir.path().to_path_buf();
        move || {
            soc2scan(
                &[
                    "merge",
                    "shard0.json",
                    "shard1.json",
                    "-f",
                    "json",
                    "--fail-on",
                    "none",
                ],
                &path,
            )
        }
    })
    .await
    .expect("join");
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let merged = json(&merged);
    let all = read("all.json");
    // Result for result, and everything computed from them.
    for field in [
        "results",
        "summary",
        "rules",
        "sources",
        "diagnostics",
        "incomplete",
        "configuration",
    ] {
        assert_eq!(merged[field], all[field], "{field} differs");
    }
    let live = |r: &serde_json::Value| {
        let mut l = r["stats"]["live"].clone();
        for a in l["accounts"].as_array_mut().into_iter().flatten() {
            a["api_calls"] = 0.into();
        }
        l["api_calls"] = 0.into();
        l
    };
    assert_eq!(live(&merged), live(&all));
    assert_eq!(merged["catalogue_digest"], all["catalogue_digest"]);
    assert_eq!(merged["config_digest"], all["config_digest"]);

    // The evidence ledger takes the shard reports as they are: one run each.
    let imported = tokio::task::spawn_blocking({
        let path = dir.path().to_path_buf();
        move || {
            soc2scan(
                &[
                    "evidence",
                    "import",
                    "--ledger",
                    "evidence.db",
                    "shard0.json",
                    "shard1.json",
                ],
                &path,
            )
        }
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&imported.stderr);
    assert_eq!(imported.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches(": recorded as run ").count(), 2, "{stderr}");
}
