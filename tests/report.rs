//! Every output format on one hand-built report: Terraform and live resources that
//! fail, pass, stay unknown or are suppressed, plus diagnostics. Snapshots show the
//! whole output; SARIF is validated against the official 2.1.0 schema.

use serde_json::Value;
use soc2scan::catalogue::{Equivalents, Remediation, RuleMeta};
use soc2scan::diagnostic::Diagnostic;
use soc2scan::finding::{Finding, Severity, Status, Suppression};
use soc2scan::model::{Environment, Location, ModuleCall, Origin};
use soc2scan::provenance::git::Checkout;
use soc2scan::provenance::Provenance;
use soc2scan::provenance::RuleSetting;
use soc2scan::report::{render, Format, RenderOptions};
use soc2scan::scan::{LiveScope, ScanReport, Scope, Stats};

fn controls(ids: &[&str]) -> &'static [String] {
    Box::leak(
        ids.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

fn meta(id: &str, name: &str, severity: Severity, ctrl: &[&str]) -> RuleMeta {
    RuleMeta {
        id: id.into(),
        name: name.into(),
        title: format!("Test rule {id} <checks> \"things\" & more"),
        severity,
        raise_when_classified: true,
        controls: ctrl.iter().map(|s| s.to_string()).collect(),
        terraform: vec!["aws_s3_bucket".into()],
        live: vec!["s3:GetBucketPolicy".into()],
        description: format!("Flags what {id} flags.\nSecond line of the description.\n"),
        rationale: "Auditors want to see it configured.\n".into(),
        remediation: Remediation {
            terraform: "resource \"aws_s3_bucket_policy\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n}\n".into(),
            cli: "aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json".into(),
        },
        references: vec!["https://docs.aws.amazon.com/AmazonS3/latest/userguide/".into()],
        equivalents: Equivalents::default(),
    }
}

pub(crate) fn catalogue() -> Vec<RuleMeta> {
    vec![
        meta(
            "TST001",
            "bucket-no-encryption",
            Severity::Medium,
            &["CC6.1", "C1.1"],
        ),
        meta(
            "TST002",
            "bucket-public-policy",
            Severity::Critical,
            &["CC6.1", "CC6.6"],
        ),
        // In the catalogue but without results: must not appear as a SARIF rule.
        meta("TST003", "unused-rule", Severity::Low, &["CC8.1"]),
    ]
}

fn loc(file: &str, start: usize, end: usize) -> Location {
    Location {
        file: file.into(),
        start_line: start,
        start_column: 1,
        end_line: end,
        end_column: 2,
    }
}

pub(crate) fn tf(file: &str, start: usize, end: usize, calls: Vec<ModuleCall>) -> Origin {
    Origin::Terraform {
        root: ".".into(),
        location: loc(file, start, end),
        module_calls: calls,
    }
}

pub(crate) fn live(operation: &str) -> Origin {
    Origin::Aws {
        account: Some("123456789012".into()),
        region: "eu-west-1".into(),
        operation: operation.into(),
    }
}

pub(crate) fn finding(
    rule: &'static str,
    status: Status,
    severity: Severity,
    resource: &str,
    origin: Origin,
    message: &str,
) -> Finding {
    let (name, ctrl): (&'static str, &[&str]) = match rule {
        "TST001" => ("bucket-no-encryption", &["CC6.1", "C1.1"]),
        _ => ("bucket-public-policy", &["CC6.1", "CC6.6"]),
    };
    Finding {
        rule_id: rule,
        rule_name: name,
        status,
        severity,
        severity_reason: None,
        controls: controls(ctrl),
        resource: resource.into(),
        resource_type: "aws_s3_bucket".into(),
        message: message.into(),
        origin,
        managed_by: None,
        environment: None,
        classification: None,
        suppression: None,
        fingerprint: format!("{rule}-{}", resource.len()),
    }
}

pub(crate) fn report() -> ScanReport {
    let mut raised = finding(
        "TST001",
        Status::Fail,
        Severity::High,
        "module.storage.aws_s3_bucket.data",
        tf(
            "modules/storage/main.tf",
            3,
            9,
            vec![ModuleCall {
                address: "module.storage".into(),
                location: loc("main.tf", 10, 14),
            }],
        ),
        "bucket has no server-side encryption configuration",
    );
    raised.severity_reason =
        Some("raised from medium because the resource is classified confidential (tag DataClassification=confidential)".into());
    raised.environment = Some(Environment {
        name: "production".into(),
        production: true,
        because: "path segment prod".into(),
        conflicts: vec![],
    });
    let mut suppressed = finding(
        "TST002",
        Status::Suppressed,
        Severity::Critical,
        "aws_s3_bucket.logs",
        tf("main.tf", 20, 24, vec![]),
        "bucket policy allows Principal \"*\"",
    );
    suppressed.suppression = Some(Suppression {
        kind: "inline".into(),
        source: "# soc2scan:ignore:TST002".into(),
        reason: Some("log delivery needs it".into()),
        until: Some("2027-03-31".into()),
        location: Some(loc("main.tf", 19, 19)),
    });
    let mut findings = vec![
        finding(
            "TST002",
            Status::Fail,
            Severity::Critical,
            "arn:aws:s3:::acme-public",
            live("s3:GetBucketPolicy"),
            "bucket policy allows Principal \"*\" to s3:GetObject",
        ),
        finding(
            "TST001",
            Status::Unknown,
            Severity::Medium,
            "arn:aws:s3:::acme-public",
            live("s3:GetBucketEncryption"),
            "s3:GetBucketEncryption was denied (AccessDenied)",
        ),
        raised,
        finding(
            "TST001",
            Status::Pass,
            Severity::Medium,
            "aws_s3_bucket.logs",
            tf("main.tf", 20, 24, vec![]),
            "bucket encrypts with aws:kms",
        ),
        suppressed,
        finding(
            "TST001",
            Status::Fail,
            Severity::Medium,
            "aws_s3_bucket.assets[\"a|b\"]",
            tf("envs/prod dir/main.tf", 1, 4, vec![]),
            "tricky <message> & \"quotes\" | pipes *stars* `ticks`\nsecond line",
        ),
        finding(
            "TST002",
            Status::Unknown,
            Severity::Critical,
            "aws_s3_bucket.assets[\"a|b\"]",
            tf("envs/prod dir/main.tf", 1, 4, vec![]),
            "policy depends on var.principals, unknown until apply",
        ),
    ];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    ScanReport {
        scanned_paths: vec!["infra".into()],
        findings,
        diagnostics: vec![
            Diagnostic::warning(
                "unresolved-module",
                "module \"vpc\" from registry source is not installed; run terraform init",
            )
            .at("main.tf", Some(30), None),
            Diagnostic::error("parse-error", "expected `}` but found end of file").at(
                "broken.tf",
                Some(4),
                Some(7),
            ),
        ],
        stats: Stats {
            files: 4,
            bytes: 2048,
            root_modules: 1,
            module_instances: 2,
            resources: 4,
            attributes: 40,
            unknown_attributes: 2,
            unresolved_attributes: 1,
            live: None,
        },
        scope: Scope {
            terraform_base: Some("/work/acme/infra".into()),
            roots: vec![".".into()],
            live: vec![LiveScope {
                account: Some("123456789012".into()),
                regions: vec!["eu-west-1".into()],
                services: vec!["s3".into()],
            }],
        },
        provenance: Some(Provenance {
            started_at: "2026-12-02T03:00:07Z".into(),
            finished_at: "2026-12-02T03:00:08Z".into(),
            host: Some("runner-7".into()),
            ci: None,
            catalogue_digest: "c".repeat(64),
            config_digest: "d".repeat(64),
            rules: ["TST001", "TST002", "TST003"]
                .iter()
                .zip(catalogue())
                .map(|(id, m)| RuleSetting {
                    id: id.to_string(),
                    enabled: *id != "TST003",
                    severity: m.severity,
                    controls: m.controls,
                })
                .collect(),
            checkout: Some(Checkout {
                repository: "https://github.com/acme/infra".into(),
                prefix: "infra".into(),
                commit: Some("4e1f".repeat(10)),
                branch: Some("main".into()),
                changed: ["infra/main.tf".to_string()].into_iter().collect(),
            }),
        }),
    }
}

/// The crate version changes with releases; snapshots should not.
fn stable(text: String) -> String {
    text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

pub(crate) fn out(format: Format, options: &RenderOptions) -> String {
    stable(render(format, &report(), &catalogue(), options))
}

fn sarif_json(report: &ScanReport, options: &RenderOptions) -> Value {
    let text = render(Format::Sarif, report, &catalogue(), options);
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_valid_sarif(&doc);
    doc
}

fn assert_valid_sarif(doc: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF not valid:\n{}", errors.join("\n"));
}

pub(crate) fn all_options() -> RenderOptions {
    RenderOptions {
        sarif_category: "iac".into(),
        include_suppressed: true,
        sarif_include_live: true,
        path_prefix: Some("infra/".into()),
        link_base: Some("https://github.com/acme/infra/blob/0123abc".into()),
        ..RenderOptions::default()
    }
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!(out(Format::Table, &RenderOptions::default()));
}

#[test]
fn table_in_colour_styles_headings() {
    let opts = RenderOptions {
        color: true,
        ..RenderOptions::default()
    };
    let text = render(Format::Table, &report(), &catalogue(), &opts);
    assert!(text.contains("\x1b["), "colour asked for, none written");
    let plain = out(Format::Table, &RenderOptions::default());
    assert!(
        !plain.contains('\x1b'),
        "colour written without being asked"
    );
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(out(Format::Json, &RenderOptions::default()));
}

/// The results are serialized in parallel and spliced into the document; the text
/// must be exactly serde_json's own pretty printing of the same document, with and
/// without results.
#[test]
fn json_is_serde_pretty_byte_for_byte() {
    for report in [report(), ScanReport::default()] {
        let text = render(
            Format::Json,
            &report,
            &catalogue(),
            &RenderOptions::default(),
        );
        let doc: Value = serde_json::from_str(&text).expect("the report is JSON");
        let pretty = serde_json::to_string_pretty(&doc).expect("a Value serializes");
        assert_eq!(text, format!("{pretty}\n"));
    }
}

#[test]
fn json_carries_every_status_and_the_summary() {
    let doc: Value = serde_json::from_str(&render(
        Format::Json,
        &report(),
        &catalogue(),
        &RenderOptions::default(),
    ))
    .expect("JSON");
    assert_eq!(doc["schema"], "soc2scan/report/v2");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let results = doc["results"].as_array().expect("results");
    assert_eq!(results.len(), 7);
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == "suppressed")
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppression"]["reason"],
        "log delivery needs it"
    );
    assert!(results
        .iter()
        .filter(|r| r["status"] != "suppressed")
        .all(|r| r.get("suppression").is_none()));
    let live = results
        .iter()
        .find(|r| r["source"] == "aws")
        .expect("a live result");
    assert_eq!(live["origin"]["arn"], "arn:aws:s3:::acme-public");
    assert!(live.get("location").is_none());
    let raised = results
        .iter()
        .find(|r| r["resource"] == "module.storage.aws_s3_bucket.data")
        .expect("raised result");
    assert_eq!(raised["module_calls"][0]["address"], "module.storage");
    assert!(raised["severity_reason"]
        .as_str()
        .is_some_and(|s| s.starts_with("raised")));

    let summary = &doc["summary"];
    assert_eq!(summary["by_status"]["fail"], 3);
    assert_eq!(summary["by_status"]["pass"], 1);
    assert_eq!(summary["by_status"]["unknown"], 2);
    assert_eq!(summary["by_status"]["suppressed"], 1);
    assert_eq!(summary["failures_by_severity"]["critical"], 1);
    assert_eq!(summary["failures_by_severity"]["high"], 1);
    assert_eq!(summary["failures_by_severity"]["medium"], 1);
    let cc61 = &summary["controls"][0];
    assert_eq!(cc61["control"], "CC6.1");
    // Four resources: live bucket (fail+unknown -> fail), data (fail), assets
    // (fail+unknown -> fail), logs (pass+suppressed -> suppressed).
    assert_eq!(cc61["resources"]["fail"], 3);
    assert_eq!(cc61["resources"]["suppressed"], 1);
    assert_eq!(cc61["resources"]["pass"], 0);
    assert_eq!(cc61["results"]["fail"], 3);
    assert_eq!(summary["controls"].as_array().map(Vec::len), Some(9));
    assert_eq!(doc["incomplete"], true);
    assert_eq!(doc["diagnostics"][0]["code"], "parse-error");
    // Only rules with results are described.
    let rules: Vec<&str> = doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(rules, ["TST001", "TST002"]);
}

#[test]
fn sarif_snapshot() {
    let text = out(Format::Sarif, &RenderOptions::default());
    assert_valid_sarif(&serde_json::from_str(&text).expect("JSON"));
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_with_suppressed_and_live_snapshot() {
    let text = out(Format::Sarif, &all_options());
    assert_valid_sarif(&serde_json::from_str(&text).expect("JSON"));
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_by_default_has_only_located_unsuppressed_failures() {
    let doc = sarif_json(&report(), &RenderOptions::default());
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "two Terraform failures");
    for r in results {
        assert!(r["locations"][0]["physicalLocation"].is_object());
        assert!(r.get("suppressions").is_none());
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
    }
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "envs/prod%20dir/main.tf"
    );
    assert_eq!(run["automationDetails"]["id"], "soc2scan/");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let ids: Vec<&str> = notes
        .iter()
        .filter_map(|n| n["descriptor"]["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["parse-error", "unresolved-module", "live-results-omitted"]
    );
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    // The only rule with a located failure: TST002 failed live only.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 1);
    let rule = &rules[0];
    assert_eq!(rule["id"], "TST001");
    assert_eq!(rule["properties"]["security-severity"], "5.5");
    assert_eq!(
        rule["properties"]["tags"],
        serde_json::json!(["security", "CC6.1", "C1.1"])
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "warning");
    assert_eq!(
        rule["helpUri"],
        "https://github.com/soc2scan/soc2scan/blob/main/rules/TST001.toml"
    );
}

#[test]
fn sarif_options_add_suppressed_and_live_results() {
    let doc = sarif_json(&report(), &all_options());
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    let live = &results[0];
    assert_eq!(
        live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:s3:::acme-public"
    );
    let suppressed = results
        .iter()
        .find(|r| r.get("suppressions").is_some())
        .expect("suppressed result");
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/main.tf"
    );
    let raised = results
        .iter()
        .find(|r| r["relatedLocations"].is_array())
        .expect("result reached through a module");
    assert_eq!(raised["level"], "error", "severity raised to high");
    assert_eq!(run["automationDetails"]["id"], "iac/");
}

#[test]
fn sarif_result_cap_keeps_the_most_severe() {
    let opts = RenderOptions {
        sarif_max_results: 2,
        include_suppressed: true,
        sarif_include_live: true,
        ..RenderOptions::default()
    };
    let doc = sarif_json(&report(), &opts);
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    let severities: Vec<&str> = results
        .iter()
        .filter_map(|r| r["properties"]["severity"].as_str())
        .collect();
    // Four candidates: critical (live), high, critical (suppressed), medium.
    assert_eq!(severities, ["critical", "critical"]);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let cap = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "result-cap")
        .expect("cap notification");
    assert_eq!(cap["level"], "warning");
    let text = cap["message"]["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("2 results were left out"), "{text}");
    // Only the rule of the kept results is described.
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn schema_validation_catches_invalid_sarif() {
    let schema: Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut doc = sarif_json(&report(), &RenderOptions::default());
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator.is_valid(&doc),
        "an unknown level must be rejected"
    );
    let mut doc = sarif_json(&report(), &RenderOptions::default());
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&doc), "line 0 must be rejected");
}

#[test]
fn sarif_message_brackets_do_not_become_links() {
    let mut r = report();
    r.findings
        .retain(|f| f.status == Status::Fail && f.location().is_some());
    r.findings[0].message = "see [x](1)".into();
    let doc = sarif_json(&r, &RenderOptions::default());
    let text = doc["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(text.ends_with("see \\[x\\](1)"), "{text}");
}

#[test]
fn sarif_of_an_empty_scan_is_valid() {
    let doc = sarif_json(&ScanReport::default(), &RenderOptions::default());
    let run = &doc["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(out(Format::Markdown, &RenderOptions::default()));
}

#[test]
fn markdown_with_links_snapshot() {
    insta::assert_snapshot!(out(Format::Markdown, &all_options()));
}

#[test]
fn markdown_cuts_long_failure_lists() {
    let mut r = report();
    let template = r.findings[0].clone();
    r.findings = (0..150)
        .map(|i| Finding {
            resource: format!("aws_s3_bucket.b{i:03}"),
            origin: tf("main.tf", i + 1, i + 2, vec![]),
            status: Status::Fail,
            ..template.clone()
        })
        .collect();
    let text = render(
        Format::Markdown,
        &r,
        &catalogue(),
        &RenderOptions::default(),
    );
    assert!(text.contains("… and 50 more"), "{text}");
    assert!(text.contains("aws_s3_bucket.b099"));
    assert!(!text.contains("aws_s3_bucket.b100"));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(out(Format::Junit, &RenderOptions::default()));
}

#[test]
fn junit_escapes_what_xml_cannot_carry() {
    let mut r = report();
    r.findings[0].message = "nul\u{0} bell\u{7} <&> \"'".into();
    r.findings[0].resource = "a\"b".into();
    let text = render(Format::Junit, &r, &catalogue(), &RenderOptions::default());
    assert!(!text.contains('\u{0}') && !text.contains('\u{7}'));
    assert!(text.contains("nul\u{fffd} bell\u{fffd} &lt;&amp;&gt; &quot;&apos;"));
    assert!(text.contains("name=\"a&quot;b\""));
}

#[test]
fn every_format_is_deterministic() {
    for format in Format::ALL {
        for opts in [RenderOptions::default(), all_options()] {
            let a = render(format, &report(), &catalogue(), &opts);
            let b = render(format, &report(), &catalogue(), &opts);
            assert_eq!(a, b, "{format} differs between runs");
            assert!(a.ends_with('\n'), "{format} ends without a newline");
        }
    }
}

#[test]
fn formats_parse_by_name() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        assert_eq!(Format::parse(&f.as_str().to_uppercase()), Some(f));
    }
    assert_eq!(Format::parse("md"), Some(Format::Markdown));
    assert!("html"
        .parse::<Format>()
        .is_err_and(|e| e.contains("use one of table, json")));
}

/// The SARIF of a real scan of every fixture directory (and of the whole bundled
/// tree) is valid, and every result carries a location and a partial fingerprint.
#[test]
fn sarif_of_every_fixture_scan_validates() {
    use soc2scan::scan::{run, ScanRequest};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs = vec![root.clone()];
    let mut rule_dirs: Vec<_> = std::fs::read_dir(root.join("terraform"))
        .expect("fixtures/terraform")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    rule_dirs.sort();
    dirs.extend(rule_dirs);
    let catalogue = soc2scan::catalogue::catalogue().expect("catalogue");
    for dir in dirs {
        let outcome = run(&ScanRequest {
            paths: vec![dir.clone()],
            ..ScanRequest::default()
        })
        .expect("scan");
        let text = render(Format::Sarif, &outcome.report, catalogue, &all_options());
        let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
        assert_valid_sarif(&doc);
        let results = doc["runs"][0]["results"].as_array().expect("results");
        for r in results {
            assert!(
                r["partialFingerprints"]
                    .as_object()
                    .is_some_and(|m| !m.is_empty()),
                "{}: result without fingerprint: {r}",
                dir.display()
            );
        }
    }
}

/// Lines inserted above a resource and blocks reordered within and across the files
/// of a root leave every fingerprint unchanged.
#[test]
fn fingerprints_survive_inserted_lines_and_reordered_blocks() {
    use soc2scan::scan::{run, ScanRequest};
    let bucket = "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n";
    let key = "resource \"aws_kms_key\" \"k\" {\n  description = \"k\"\n}\n";
    let fingerprints = |files: &[(&str, String)]| {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        let outcome = run(&ScanRequest {
            paths: vec![dir.path().to_path_buf()],
            ..ScanRequest::default()
        })
        .expect("scan");
        let mut fps: Vec<(String, String, String)> = outcome
            .report
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.to_string(),
                    f.resource.clone(),
                    f.fingerprint.clone(),
                )
            })
            .collect();
        fps.sort();
        fps
    };
    let before = fingerprints(&[("main.tf", format!("{bucket}{key}"))]);
    assert!(before.len() > 2, "{before:?}");
    let after = fingerprints(&[(
        "main.tf",
        format!("# a comment\n\nlocals {{\n  x = 1\n}}\n\n{key}\n\n{bucket}"),
    )]);
    assert_eq!(before, after);
    // A file added before main.tf in scan order changes nothing either.
    let more = fingerprints(&[
        ("main.tf", format!("{key}{bucket}")),
        ("aaa.tf", "variable \"v\" {\n  default = 1\n}\n".to_string()),
    ]);
    assert_eq!(before, more);
}

/// The JSON report is what the evidence ledger records: its sources, coverage and
/// results come through, and a run's id does not depend on formatting.
#[test]
fn json_report_reads_back_as_a_run_record() {
    use soc2scan::evidence::record::{RecordError, RunRecord};
    use soc2scan::provenance::SourceKind;
    let text = out(Format::Json, &RenderOptions::default());
    let run = RunRecord::from_report_json(text.as_bytes()).expect("v2 report records");
    let compact = serde_json::to_vec(&serde_json::from_str::<Value>(&text).expect("json"))
        .expect("serialise");
    assert_eq!(
        RunRecord::from_report_json(&compact)
            .expect("compact")
            .run_id,
        run.run_id,
        "the run id is the digest of the canonical form, not of the bytes"
    );
    assert_eq!(run.meta.started_at, "2026-12-02T03:00:07Z");
    assert_eq!(run.meta.host.as_deref(), Some("runner-7"));
    assert!(run.meta.incomplete);
    let keys: Vec<(&str, SourceKind)> = run
        .sources
        .iter()
        .map(|s| (s.key.as_str(), s.kind))
        .collect();
    assert_eq!(
        keys,
        [
            ("aws:123456789012/eu-west-1", SourceKind::Aws),
            (
                "terraform:https://github.com/acme/infra//infra",
                SourceKind::Terraform
            ),
        ]
    );
    assert_eq!(run.results.len(), 7);
    assert!(run
        .results
        .iter()
        .all(|r| keys.iter().any(|(k, _)| *k == r.source)));
    let suppressed = run
        .results
        .iter()
        .find(|r| r.status == Status::Suppressed)
        .expect("a suppressed result");
    assert!(suppressed
        .suppression
        .as_ref()
        .is_some_and(|s| s.reason.is_some()));
    let located = run
        .results
        .iter()
        .find(|r| r.resource == "aws_s3_bucket.assets[\"a|b\"]")
        .expect("terraform result");
    assert_eq!(located.location.as_deref(), Some("envs/prod dir/main.tf:1"));

    let mut v1: Value = serde_json::from_str(&text).expect("json");
    v1["schema"] = "soc2scan/report/v1".into();
    let err = RunRecord::from_report_json(v1.to_string().as_bytes()).expect_err("v1 refused");
    assert!(
        matches!(err, RecordError::Schema(ref s) if s == "soc2scan/report/v1"),
        "{err}"
    );
}
