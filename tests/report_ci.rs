//! The CI-native formats on the hand-built report of `report.rs`: GitHub Actions
//! annotations (escaping, per-step limits, repository paths) and GitLab Code Quality
//! (validated against the fields GitLab documents).

use super::report::{all_options, catalogue, finding, live, out, report, tf};
use serde_json::Value;
use soc2scan::finding::{Severity, Status};
use soc2scan::report::{render, Format, RenderOptions};
use soc2scan::scan::ScanReport;

fn github(report: &ScanReport, options: &RenderOptions) -> Vec<String> {
    render(Format::Github, report, &catalogue(), options)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(out(Format::Github, &RenderOptions::default()));
}

#[test]
fn github_paths_start_at_the_repository_root() {
    let lines = github(&report(), &all_options());
    // The critical live result comes first and has no file.
    assert!(lines[0].starts_with("::error title=TST002"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("::error file=infra/modules/storage/main.tf,line=3,endLine=9,"),
        "{}",
        lines[1]
    );
}

#[test]
fn github_escapes_properties_and_messages() {
    let mut r = report();
    r.findings.retain(|f| f.status == Status::Fail);
    r.findings.truncate(1);
    r.findings[0].origin = tf("a,b:c%d.tf", 2, 2, vec![]);
    r.findings[0].message = "50% of it\r\nand more".into();
    let lines = github(&r, &RenderOptions::default());
    assert_eq!(lines.len(), 1, "one command, whatever the message holds");
    let line = &lines[0];
    assert!(
        line.contains("file=a%2Cb%3Ac%25d.tf,line=2,endLine=2,"),
        "{line}"
    );
    assert!(line.contains("::"), "{line}");
    let message = line
        .split_once("::")
        .and_then(|(_, rest)| rest.split_once("::"));
    let message = message.map(|(_, m)| m).unwrap_or_default();
    assert!(message.contains("50%25 of it%0D%0Aand more"), "{message}");
    assert!(
        message.contains(": "),
        "a message keeps its colons: {message}"
    );
}

/// GitHub shows 10 annotations per level and step: past that, 9 results and one
/// line counting the rest, most severe first, so no level ever exceeds 10.
#[test]
fn github_respects_the_per_step_limits() {
    let mut r = report();
    r.findings.clear();
    for (severity, n) in [
        (Severity::Low, 12),
        (Severity::Critical, 20),
        (Severity::High, 5),
        (Severity::Medium, 3),
    ] {
        for i in 0..n {
            r.findings.push(finding(
                "TST002",
                Status::Fail,
                severity,
                &format!("aws_s3_bucket.{severity}{i}"),
                tf("main.tf", i + 1, i + 1, vec![]),
                "fails",
            ));
        }
    }
    r.findings.push(finding(
        "TST002",
        Status::Fail,
        Severity::Critical,
        "arn:aws:s3:::live",
        live("s3:GetBucketPolicy"),
        "fails live",
    ));
    let lines = github(&r, &RenderOptions::default());
    let of = |level: &str| -> Vec<&String> {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("::{level} ")))
            .collect()
    };
    let (errors, warnings, notices) = (of("error"), of("warning"), of("notice"));
    assert_eq!(errors.len(), 10);
    assert_eq!(warnings.len(), 3);
    assert_eq!(notices.len(), 10);
    assert_eq!(lines.len(), 23);
    // Critical before high; the live result, without a file, after located ones.
    assert!(errors[..9].iter().all(|l| l.contains("critical")));
    assert!(!errors[..9].iter().any(|l| l.contains("arn:aws")));
    assert!(
        errors[9].contains("17 more error results not annotated"),
        "{}",
        errors[9]
    );
    assert!(
        notices[9].contains("3 more notice results"),
        "{}",
        notices[9]
    );
}

#[test]
fn github_without_failures_prints_nothing() {
    let mut r = report();
    r.findings.retain(|f| f.status != Status::Fail);
    assert_eq!(
        render(Format::Github, &r, &catalogue(), &RenderOptions::default()),
        ""
    );
}

/// The fields GitLab documents for a Code Quality report, as a JSON schema.
fn gitlab_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("gitlab-codequality-schema.json"))
        .expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn gitlab_snapshot() {
    insta::assert_snapshot!(out(Format::Gitlab, &all_options()));
}

#[test]
fn gitlab_has_exactly_the_documented_fields() {
    let validator = gitlab_validator();
    for options in [RenderOptions::default(), all_options()] {
        let text = render(Format::Gitlab, &report(), &catalogue(), &options);
        let doc: Value = serde_json::from_str(&text).expect("Code Quality is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "not valid:\n{}", errors.join("\n"));
        let issues = doc.as_array().expect("array");
        // The two located, unsuppressed failures; the live one has no file.
        assert_eq!(issues.len(), 2);
        let mut fingerprints: Vec<&str> = issues
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        fingerprints.dedup();
        assert_eq!(
            fingerprints.len(),
            2,
            "GitLab keeps one issue per fingerprint"
        );
    }
    let doc: Value = serde_json::from_str(&render(
        Format::Gitlab,
        &report(),
        &catalogue(),
        &all_options(),
    ))
    .expect("JSON");
    let raised = &doc[1];
    assert_eq!(raised["check_name"], "TST001");
    assert_eq!(raised["severity"], "critical", "high maps to critical");
    assert_eq!(raised["location"]["path"], "infra/modules/storage/main.tf");
    assert_eq!(raised["location"]["lines"]["begin"], 3);
}

#[test]
fn gitlab_schema_rejects_what_gitlab_would() {
    let validator = gitlab_validator();
    let mut doc: Value = serde_json::from_str(&render(
        Format::Gitlab,
        &report(),
        &catalogue(),
        &RenderOptions::default(),
    ))
    .expect("JSON");
    doc[0]["severity"] = "high".into();
    assert!(!validator.is_valid(&doc), "severity outside GitLab's scale");
}

/// Inside GitHub Actions a scan without `--format` prints the table and then the
/// annotations; with a format it prints only what was asked for.
#[test]
fn github_annotations_come_by_themselves_in_actions() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"old\" {\n  bucket = \"acme-old\"\n}\n",
    )
    .expect("write");
    let scan = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_soc2scan"))
            .args(["scan", ".", "--fail-on", "none", "--path-prefix", "infra"])
            .args(args)
            .current_dir(dir.path())
            .env("GITHUB_ACTIONS", "true")
            .output()
            .expect("run soc2scan");
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let default = scan(&[]);
    assert!(default.contains("file=infra/main.tf,line=1,"), "{default}");
    assert!(default.contains("SOC 2"), "the table comes too: {default}");
    let json = scan(&["--format", "json"]);
    assert!(!json.lines().any(|l| l.starts_with("::")), "{json}");
}
