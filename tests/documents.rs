//! Plans (`terraform show -json`) and states (v4) as sources, on the hand-written
//! fixtures of `tests/plans/` (see its README).

use soc2scan::diagnostic::Level;
use soc2scan::finding::{Finding, Status};
use soc2scan::scan::{run, ScanOutcome, ScanRequest};
use soc2scan::source::terraform::document::{DocumentInput, Kind};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plans/root")
}

fn scan_paths(paths: Vec<PathBuf>) -> ScanOutcome {
    run(&ScanRequest {
        paths,
        ..ScanRequest::default()
    })
    .expect("scan")
}

fn find<'a>(o: &'a ScanOutcome, rule: &str, resource: &str) -> &'a Finding {
    o.report
        .findings
        .iter()
        .find(|f| f.rule_id == rule && f.resource == resource)
        .unwrap_or_else(|| {
            panic!(
                "no {rule} result for {resource}: {:#?}",
                o.report
                    .findings
                    .iter()
                    .map(|f| (f.rule_id, &f.resource, f.status))
                    .collect::<Vec<_>>()
            )
        })
}

fn error_with<'a>(o: &'a ScanOutcome, code: &str) -> &'a soc2scan::diagnostic::Diagnostic {
    o.report
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.level == Level::Error)
        .unwrap_or_else(|| panic!("no {code} error in {:#?}", o.report.diagnostics))
}

#[test]
fn a_key_created_in_the_same_plan_is_customer_managed() {
    let o = scan_paths(vec![root().join("plan.json")]);
    assert!(
        o.report.diagnostics.is_empty(),
        "{:#?}",
        o.report.diagnostics
    );
    let f = find(&o, "ENC002", "aws_s3_bucket.data");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    // The database names the same key through the same reference.
    let db = o
        .inventory
        .db_instances
        .iter()
        .find(|d| d.meta.address == "aws_db_instance.db")
        .expect("db");
    assert!(
        format!("{:?}", db.kms_key).contains("Managed(\"aws_kms_key.data.arn\")"),
        "{:?}",
        db.kms_key
    );
}

#[test]
fn module_instances_and_count_indices_come_from_the_addresses() {
    let o = scan_paths(vec![root().join("plan.json")]);
    for a in ["a", "b"] {
        let f = find(
            &o,
            "ENC001",
            &format!("module.logs[\"{a}\"].aws_s3_bucket.this"),
        );
        assert_eq!(f.status, Status::Fail);
    }
    // after_unknown with a reference through a local: unknown, never absent or false.
    for i in 0..2 {
        let f = find(&o, "ENC008", &format!("aws_sqs_queue.q[{i}]"));
        assert_eq!(f.status, Status::Unknown, "{}", f.message);
    }
}

#[test]
fn results_sit_on_the_tf_lines_beside_the_plan() {
    let o = scan_paths(vec![root().join("plan.json")]);
    let f = find(&o, "ENC001", "module.logs[\"a\"].aws_s3_bucket.this");
    let loc = f.location().expect("location");
    assert_eq!(
        (loc.file.as_str(), loc.start_line),
        ("modules/bucket/main.tf", 5)
    );
    let soc2scan::model::Origin::Terraform { module_calls, .. } = &f.origin else {
        panic!("terraform origin")
    };
    assert_eq!(module_calls.len(), 1);
    assert_eq!(module_calls[0].address, "module.logs[\"a\"]");
    assert_eq!(module_calls[0].location.file, "main.tf");
    let data = find(&o, "ENC002", "aws_s3_bucket.data");
    let loc = data.location().expect("location");
    assert_eq!((loc.file.as_str(), loc.start_line), ("main.tf", 20));
}

#[test]
fn without_the_configuration_results_sit_on_the_plan_at_the_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    fs::copy(root().join("plan.json"), &plan).expect("copy");
    let o = scan_paths(vec![plan.clone()]);
    let f = find(&o, "ENC002", "aws_s3_bucket.data");
    let loc = f.location().expect("location");
    assert_eq!(loc.file, "plan.json");
    let text = fs::read_to_string(&plan).expect("read");
    let line = text
        .lines()
        .position(|l| l.contains("\"aws_s3_bucket.data\""))
        .expect("address in plan")
        + 1;
    assert_eq!(loc.start_line, line);
    // --source puts them back on the code.
    let o = run(&ScanRequest {
        documents: vec![DocumentInput {
            path: plan,
            kind: Some(Kind::Plan),
            source: Some(root()),
        }],
        ..ScanRequest::default()
    })
    .expect("scan");
    let f = find(&o, "ENC002", "aws_s3_bucket.data");
    assert_eq!(f.location().map(|l| l.file.as_str()), Some("main.tf"));
}

#[test]
fn sensitive_values_never_appear_in_any_output() {
    for doc in ["plan.json", "terraform.tfstate"] {
        let o = scan_paths(vec![root().join(doc)]);
        let catalogue = soc2scan::catalogue::catalogue().expect("catalogue");
        for format in [
            "json", "sarif", "table", "markdown", "junit", "github", "gitlab",
        ] {
            let format = soc2scan::report::Format::parse(format).expect("format");
            let text = soc2scan::report::render(
                format,
                &o.report,
                catalogue,
                &soc2scan::report::RenderOptions::default(),
            );
            assert!(!text.contains("hunter2"), "{doc} {format:?}");
        }
        assert!(!format!("{:?}", o.inventory.db_instances).contains("hunter2"));
    }
}

#[test]
fn destroyed_resources_are_not_judged_and_replaced_ones_are() {
    let o = scan_paths(vec![root().join("plan.json")]);
    assert!(
        !o.report
            .findings
            .iter()
            .any(|f| f.resource == "aws_s3_bucket.old"),
        "a deleted bucket was judged"
    );
    let f = find(&o, "KMS001", "aws_kms_key.replaced");
    assert_eq!(f.status, Status::Fail, "{}", f.message);
    assert_eq!(find(&o, "KMS001", "aws_kms_key.data").status, Status::Pass);
}

#[test]
fn state_gives_each_address_its_arn() {
    let o = scan_paths(vec![root().join("terraform.tfstate")]);
    assert!(
        o.report.diagnostics.is_empty(),
        "{:#?}",
        o.report.diagnostics
    );
    let arns: Vec<(&str, Option<&str>)> = o
        .inventory
        .s3_buckets
        .iter()
        .map(|b| (b.meta.address.as_str(), b.meta.arn.as_deref()))
        .collect();
    assert!(arns.contains(&("aws_s3_bucket.data", Some("arn:aws:s3:::acme-data"))));
    assert!(arns.contains(&(
        "module.logs[\"b\"].aws_s3_bucket.this",
        Some("arn:aws:s3:::acme-logs-b")
    )));
    // Every value is known in a state: the queues' encryption is decided.
    assert_eq!(
        find(&o, "ENC008", "aws_sqs_queue.q[1]").status,
        Status::Pass
    );
    let f = find(&o, "ENC002", "aws_s3_bucket.data");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert_eq!(f.location().map(|l| l.file.as_str()), Some("main.tf"));
}

/// Bad input: each gets an error naming the file, and the scan goes on.
#[test]
fn bad_documents_name_the_file_and_the_rest_of_the_scan_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(
        d.join("good.tf"),
        "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"acme-good\"\n}\n",
    )
    .expect("write");
    let plan = fs::read_to_string(root().join("plan.json")).expect("read");
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "truncated.json",
            plan.as_bytes()[..plan.len() / 2].to_vec(),
            "parse-error",
            "not valid JSON",
        ),
        (
            "old.tfstate",
            br#"{"version": 3, "serial": 1, "lineage": "x", "modules": []}"#.to_vec(),
            "unsupported-version",
            "state format version 3",
        ),
        (
            "google.json",
            br#"{"format_version": "1.2", "resource_changes": [{"address": "google_storage_bucket.b", "mode": "managed", "type": "google_storage_bucket", "name": "b", "provider_name": "registry.terraform.io/hashicorp/google", "change": {"actions": ["create"], "after": {"name": "b"}, "after_unknown": {}}}]}"#.to_vec(),
            "no-aws-resources",
            "providers: google",
        ),
        (
            "future.json",
            plan.replacen("\"format_version\": \"1.2\"", "\"format_version\": \"2.0\"", 1)
                .into_bytes(),
            "unsupported-version",
            "plan format version 2.0",
        ),
        (
            "tfplan",
            b"PK\x03\x04binary plan".to_vec(),
            "binary-plan",
            "terraform show -json",
        ),
        (
            "notes.json",
            br#"{"hello": "world"}"#.to_vec(),
            "not-terraform",
            "neither a Terraform plan",
        ),
    ];
    let mut paths = vec![d.to_path_buf()];
    for (name, content, _, _) in &cases {
        fs::write(d.join(name), content).expect("write");
        paths.push(d.join(name));
    }
    let mut req = ScanRequest {
        paths,
        ..ScanRequest::default()
    };
    req.settings.only_rules.insert("ENC001".into());
    let o = run(&req).expect("scan");
    for (name, _, code, words) in &cases {
        let d = o
            .report
            .diagnostics
            .iter()
            .find(|x| x.file.as_deref().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no diagnostic for {name}: {:#?}", o.report.diagnostics));
        assert_eq!((d.code, d.level), (*code, Level::Error), "{name}");
        assert!(d.message.contains(words), "{name}: {}", d.message);
    }
    assert!(error_with(&o, "parse-error").line.is_some_and(|l| l > 1));
    assert!(o.report.incomplete());
    assert!(o
        .report
        .findings
        .iter()
        .any(|f| f.resource == "aws_s3_bucket.good" && f.status == Status::Fail));
}

/// The closing comparison: the HCL of `tests/plans/root` and its plan give the same
/// results except where the plan knows more (or, for values known only after apply,
/// less). Each difference is listed with its reason.
#[test]
fn hcl_and_plan_differ_only_where_the_plan_knows_more() {
    let hcl = scan_paths(vec![root()]);
    let plan = scan_paths(vec![root().join("plan.json")]);
    let key = |o: &ScanOutcome| {
        let mut v: Vec<(String, String, String)> = o
            .report
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.to_string(),
                    f.resource.clone(),
                    format!("{:?}", f.status),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (h, p) = (key(&hcl), key(&plan));
    let only_hcl: Vec<_> = h.iter().filter(|x| !p.contains(x)).cloned().collect();
    let only_plan: Vec<_> = p.iter().filter(|x| !h.contains(x)).cloned().collect();
    let archive = "module.archive.aws_s3_bucket.this[0]".to_string();
    let r = |rule: &str, status: &str| (rule.to_string(), archive.clone(), status.to_string());
    // The registry module `archive` is not installed beside the HCL (no `terraform
    // init`): the HCL reader reports it unresolved and cannot judge its bucket; the
    // plan has it expanded, with its encryption and public access block.
    assert_eq!(only_hcl, Vec::<(String, String, String)>::new());
    assert_eq!(
        only_plan,
        vec![
            r("ENC001", "Pass"),
            r("IAM012", "Pass"),
            r("IAM013", "Pass"),
            r("TLS001", "Fail"),
        ]
    );
    assert!(hcl
        .report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("terraform-aws-modules/s3-bucket/aws")));
}

/// A policy in a plan is a JSON string, decoded as `jsonencode` output is for HCL.
#[test]
fn policy_strings_in_a_plan_are_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-p","arn:aws:s3:::acme-p/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let plan = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket.p", "mode": "managed", "type": "aws_s3_bucket", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "after": {"bucket": "acme-p"}, "after_unknown": {"id": true, "arn": true}}},
            {"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "after": {"policy": policy}, "after_unknown": {"bucket": true, "id": true}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.p", "mode": "managed", "type": "aws_s3_bucket", "name": "p",
             "expressions": {"bucket": {"constant_value": "acme-p"}}},
            {"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
             "expressions": {"bucket": {"references": ["aws_s3_bucket.p.id", "aws_s3_bucket.p"]}, "policy": {"constant_value": policy}}}
        ]}}
    });
    let path = dir.path().join("plan.json");
    fs::write(&path, plan.to_string()).expect("write");
    let o = scan_paths(vec![path]);
    assert!(
        o.report.diagnostics.is_empty(),
        "{:#?}",
        o.report.diagnostics
    );
    let f = find(&o, "TLS001", "aws_s3_bucket.p");
    assert_eq!(f.status, Status::Pass, "{}", f.message);
}

/// The binary: a plan given as a path or with --plan, SARIF on the `.tf` lines, and
/// clear errors for what cannot be read.
#[test]
fn the_command_line_reads_plans_and_says_what_it_cannot() {
    let cwd = root();
    let o = crate::cli::soc2scan(
        &[
            "scan",
            "plan.json",
            "--format",
            "sarif",
            "--fail-on",
            "none",
            "--no-config",
        ],
        &cwd,
    );
    assert_eq!(
        crate::cli::code(&o),
        0,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).expect("sarif");
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter().any(|u| u.ends_with("modules/bucket/main.tf")),
        "{uris:?}"
    );
    assert!(
        uris.iter()
            .any(|u| u.ends_with("main.tf") && !u.contains("modules")),
        "{uris:?}"
    );
    // The registry module's bucket has no configuration here: it sits on the plan.
    assert!(uris.iter().any(|u| u.ends_with("plan.json")), "{uris:?}");

    let o = crate::cli::soc2scan(&["scan", "--plan", "missing.json"], &cwd);
    assert_eq!(crate::cli::code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--plan missing.json: no such file"));

    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("tfplan"), b"PK\x03\x04binary").expect("write");
    let o = crate::cli::soc2scan(&["scan", "--plan", "tfplan", "--no-config"], dir.path());
    assert_eq!(crate::cli::code(&o), 3);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tfplan") && err.contains("terraform show -json"),
        "{err}"
    );
}

/// A state read with its configuration lends it the ARNs and is not judged again; one
/// kept apart from the `.tf` files belongs to the only root scanned.
#[test]
fn a_state_with_its_configuration_lends_arns_and_adds_no_results() {
    let hcl = scan_paths(vec![root()]);
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("prod.tfstate");
    fs::copy(root().join("terraform.tfstate"), &state).expect("copy");
    let both = run(&ScanRequest {
        paths: vec![root()],
        documents: vec![DocumentInput {
            path: state,
            kind: Some(Kind::State),
            source: None,
        }],
        ..ScanRequest::default()
    })
    .expect("scan");
    assert_eq!(both.report.findings.len(), hcl.report.findings.len());
    let arn = |o: &ScanOutcome, address: &str| {
        o.inventory
            .s3_buckets
            .iter()
            .find(|b| b.meta.address == address)
            .and_then(|b| b.meta.arn.clone())
    };
    assert_eq!(arn(&hcl, "aws_s3_bucket.data"), None);
    assert_eq!(
        arn(&both, "aws_s3_bucket.data").as_deref(),
        Some("arn:aws:s3:::acme-data")
    );
    assert_eq!(
        arn(&both, "module.logs[\"a\"].aws_s3_bucket.this").as_deref(),
        Some("arn:aws:s3:::acme-logs-a")
    );
}
