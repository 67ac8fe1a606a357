//! Bad input never stops a scan: each case gives a diagnostic naming the file (and line
//! where there is one), and the good files beside it are still scanned.

use soc2scan::diagnostic::{Diagnostic, Level};
use soc2scan::finding::Status;
use soc2scan::scan::{run, ScanOutcome, ScanRequest};
use std::fs;
use std::path::Path;

const GOOD: &str = "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"acme-good\"\n}\n";

fn scan(dir: &Path) -> ScanOutcome {
    let mut req = ScanRequest {
        paths: vec![dir.to_path_buf()],
        ..ScanRequest::default()
    };
    req.settings.only_rules.insert("ENC001".into());
    run(&req).expect("catalogue loads")
}

/// The good bucket beside the bad input was still judged.
fn good_bucket_scanned(o: &ScanOutcome) {
    assert!(
        o.report
            .findings
            .iter()
            .any(|f| f.resource.ends_with("aws_s3_bucket.good") && f.status == Status::Fail),
        "good file not scanned: {:?}",
        o.report.findings
    );
}

fn error<'a>(o: &'a ScanOutcome, code: &str) -> &'a Diagnostic {
    o.report
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.level == Level::Error)
        .unwrap_or_else(|| panic!("no {code} error in {:?}", o.report.diagnostics))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn syntax_error_names_file_and_line() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("broken.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl = = \"private\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "parse-error");
    assert_eq!(d.file.as_deref(), Some("broken.tf"));
    assert_eq!(d.line, Some(3));
    assert!(o.report.incomplete());
    good_bucket_scanned(&o);
}

#[test]
fn missing_module_directory_is_reported_not_fatal() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("mods.tf"),
        "module \"gone\" {\n  source = \"./does-not-exist\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "unresolved-module");
    assert_eq!((d.file.as_deref(), d.line), (Some("mods.tf"), Some(1)));
    assert!(d.message.contains("does-not-exist"), "{}", d.message);
    good_bucket_scanned(&o);
}

#[test]
fn registry_module_not_installed_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("mods.tf"),
        "\nmodule \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "unresolved-module");
    assert_eq!((d.file.as_deref(), d.line), (Some("mods.tf"), Some(2)));
    assert!(d.message.contains("terraform init"), "{}", d.message);
    good_bucket_scanned(&o);
}

#[test]
fn installed_module_is_read_from_the_manifest() {
    let dir = tempdir();
    let installed = dir.path().join(".terraform/modules/store");
    fs::create_dir_all(&installed).expect("mkdir");
    fs::write(
        installed.join("main.tf"),
        "resource \"aws_s3_bucket\" \"this\" {\n  bucket = \"acme-installed\"\n}\n",
    )
    .expect("write");
    fs::write(
        dir.path().join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"store","Source":"registry.terraform.io/acme/store/aws","Version":"1.0.0","Dir":".terraform/modules/store"}]}"#,
    )
    .expect("write");
    fs::write(
        dir.path().join("main.tf"),
        "module \"store\" {\n  source  = \"acme/store/aws\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    assert!(!o.report.incomplete(), "{:?}", o.report.diagnostics);
    let f = o
        .report
        .findings
        .iter()
        .find(|f| f.resource == "module.store.aws_s3_bucket.this")
        .expect("module resource scanned");
    assert_eq!(
        f.location().map(|l| l.file.as_str()),
        Some(".terraform/modules/store/main.tf")
    );
}

#[test]
fn module_calling_itself_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("loop.tf"),
        "module \"again\" {\n  source = \"./\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "module-cycle");
    assert_eq!((d.file.as_deref(), d.line), (Some("loop.tf"), Some(1)));
    good_bucket_scanned(&o);
}

#[test]
fn directories_calling_each_other_are_scanned_and_the_cycle_reported() {
    let dir = tempdir();
    fs::create_dir_all(dir.path().join("a")).expect("mkdir");
    fs::create_dir_all(dir.path().join("b")).expect("mkdir");
    fs::write(
        dir.path().join("a/main.tf"),
        format!("{GOOD}module \"b\" {{\n  source = \"../b\"\n}}\n"),
    )
    .expect("write");
    fs::write(
        dir.path().join("b/main.tf"),
        "module \"a\" {\n  source = \"../a\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "module-cycle");
    assert_eq!((d.file.as_deref(), d.line), (Some("b/main.tf"), Some(1)));
    assert!(o
        .report
        .findings
        .iter()
        .any(|f| f.resource == "aws_s3_bucket.good"));
}

#[test]
fn cycle_among_locals_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("locals.tf"),
        "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_s3_bucket\" \"named\" {\n  bucket = local.a\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "reference-cycle");
    assert_eq!(d.file.as_deref(), Some("locals.tf"));
    good_bucket_scanned(&o);
}

/// A file function that would read outside the scanned tree is refused, and the
/// refusal is reported where the call is written, even inside `try()` and even when
/// the call sits in a local declared in another file than the resource using it.
#[test]
fn file_read_outside_the_scan_is_reported_where_it_is_written() {
    let outer = tempdir();
    fs::write(outer.path().join("policy.json"), "{}").expect("write");
    let dir = outer.path().join("root");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.join("locals.tf"),
        "locals {\n  policy = try(templatefile(\"../policy.json\", {}), \"{}\")\n}\n",
    )
    .expect("write");
    fs::write(
        dir.join("policy.tf"),
        "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.good.id\n  policy = local.policy\n}\n\nresource \"aws_iam_policy\" \"q\" {\n  policy = file(\"../policy.json\")\n}\n",
    )
    .expect("write");
    let o = scan(&dir);
    let mut refused: Vec<(Option<&str>, Option<usize>, Level)> = o
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "file-outside-scan")
        .map(|d| (d.file.as_deref(), d.line, d.level))
        .collect();
    refused.sort_by_key(|r| (r.0, r.1));
    assert_eq!(
        refused,
        vec![
            (Some("locals.tf"), Some(2), Level::Warning),
            (Some("policy.tf"), Some(7), Level::Warning),
        ],
        "{:?}",
        o.report.diagnostics
    );
    assert!(o
        .report
        .diagnostics
        .iter()
        .all(|d| d.code != "file-outside-scan" || d.message.contains("../policy.json")));
    good_bucket_scanned(&o);
}

fn warning<'a>(o: &'a ScanOutcome, code: &str) -> &'a Diagnostic {
    o.report
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.level == Level::Warning)
        .unwrap_or_else(|| panic!("no {code} warning in {:?}", o.report.diagnostics))
}

/// Nested `for` expressions that ask for a million strings stop at the root's step
/// budget: one warning where it ran out, the values unknown, the rest scanned.
#[test]
fn nested_for_expressions_stop_at_the_step_budget() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("bomb.tf"),
        "locals {\n  a = [for i in range(10) : [for j in range(10) : [for k in range(10) : [for l in range(10) : [for m in range(10) : [for n in range(10) : \"${i}${j}${k}${l}${m}${n}\"]]]]]]\n}\nresource \"aws_s3_bucket\" \"named\" {\n  bucket = join(\"\", flatten(local.a))\n}\n",
    )
    .expect("write");
    let mut req = ScanRequest {
        paths: vec![dir.path().to_path_buf()],
        ..ScanRequest::default()
    };
    req.settings.only_rules.insert("ENC001".into());
    req.terraform.budgets.steps = 20_000;
    let o = run(&req).expect("catalogue loads");
    let d = warning(&o, "evaluation-budget");
    assert_eq!(d.file.as_deref(), Some("bomb.tf"));
    assert_eq!(d.line, Some(2));
    assert!(d.message.contains("max-steps = 20000"), "{}", d.message);
    good_bucket_scanned(&o);
}

/// A `count` beyond the per-collection budget is not silently cut to its first
/// elements: the expansion is unknown and the scan says so at the `count`.
#[test]
fn count_beyond_the_element_budget_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("many.tf"),
        "resource \"aws_s3_bucket\" \"many\" {\n  count  = 20000\n  bucket = \"acme-${count.index}\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = warning(&o, "evaluation-budget");
    assert_eq!((d.file.as_deref(), d.line), (Some("many.tf"), Some(2)));
    assert!(d.message.contains("20000 elements"), "{}", d.message);
    let many = o
        .report
        .findings
        .iter()
        .filter(|f| f.resource.contains("aws_s3_bucket.many"))
        .count();
    assert!(many <= 1, "{many} results for an unknown expansion");
    good_bucket_scanned(&o);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    let o = scan(dir.path());
    let d = error(&o, "io-error");
    assert!(d.message.contains("loop"), "{}", d.message);
    assert_eq!(d.file.as_deref(), Some("loop"));
    good_bucket_scanned(&o);
}

/// A link that leaves the scanned directory (`up -> ..`) is not followed: the sibling
/// beside the scanned tree is not scanned, and the scan says which link it refused.
/// Inside the tree, a linked file is read and a linked directory is scanned once,
/// under its own path.
#[cfg(unix)]
#[test]
fn symlinks_stay_inside_the_scanned_tree() {
    let outer = tempdir();
    let sibling = outer.path().join("sibling");
    fs::create_dir_all(&sibling).expect("mkdir");
    fs::write(
        sibling.join("main.tf"),
        "resource \"aws_s3_bucket\" \"sibling\" {\n  bucket = \"x\"\n}\n",
    )
    .expect("write");
    let dir = outer.path().join("repo");
    fs::create_dir_all(dir.join("common")).expect("mkdir");
    fs::create_dir_all(dir.join("app")).expect("mkdir");
    fs::write(dir.join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.join("common/shared.tf"),
        "resource \"aws_s3_bucket\" \"shared\" {\n  bucket = \"y\"\n}\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(outer.path(), dir.join("up")).expect("symlink");
    std::os::unix::fs::symlink(dir.join("common/shared.tf"), dir.join("app/shared.tf"))
        .expect("symlink");
    std::os::unix::fs::symlink(dir.join("common"), dir.join("common-again")).expect("symlink");
    let o = scan(&dir);
    let outside: Vec<&Diagnostic> = o
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "symlink-outside-scan")
        .collect();
    assert_eq!(outside.len(), 1, "{:?}", o.report.diagnostics);
    assert_eq!(outside[0].file.as_deref(), Some("up"));
    assert_eq!(outside[0].level, Level::Warning);
    let mut scanned: Vec<(&str, Option<&str>)> = o
        .report
        .findings
        .iter()
        .map(|f| (f.resource.as_str(), f.location().map(|l| l.file.as_str())))
        .collect();
    scanned.sort();
    assert_eq!(
        scanned,
        vec![
            ("aws_s3_bucket.good", Some("good.tf")),
            ("aws_s3_bucket.shared", Some("app/shared.tf")),
            ("aws_s3_bucket.shared", Some("common/shared.tf")),
        ]
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    // A dangling link cannot be read even by root (tests may run as root).
    std::os::unix::fs::symlink(
        dir.path().join("nowhere.tf"),
        dir.path().join("dangling.tf"),
    )
    .expect("symlink");
    let o = scan(dir.path());
    let d = error(&o, "io-error");
    assert_eq!(d.file.as_deref(), Some("dangling.tf"));
    good_bucket_scanned(&o);
}

#[test]
fn huge_file_is_skipped_with_a_message() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    let mut big = String::with_capacity(50 * 1024 * 1024 + 64);
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    fs::write(dir.path().join("huge.tf"), big).expect("write");
    let o = scan(dir.path());
    let d = error(&o, "file-too-large");
    assert_eq!(d.file.as_deref(), Some("huge.tf"));
    assert!(d.message.contains("50 MB"), "{}", d.message);
    good_bucket_scanned(&o);
}

#[test]
fn invalid_utf8_names_the_line() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("latin1.tf"),
        b"# ok\n# ok\nlocals {\n  name = \"caf\xe9\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = error(&o, "invalid-utf8");
    assert_eq!((d.file.as_deref(), d.line), (Some("latin1.tf"), Some(4)));
    good_bucket_scanned(&o);
}

#[test]
fn policy_that_is_not_json_is_reported_and_unknown() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    fs::write(
        dir.path().join("policy.tf"),
        "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.good.id\n  policy = \"{not json\"\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    let d = o
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-policy")
        .unwrap_or_else(|| panic!("no invalid-policy diagnostic: {:?}", o.report.diagnostics));
    assert_eq!((d.file.as_deref(), d.line), (Some("policy.tf"), Some(3)));
    let bucket = o
        .inventory
        .s3_buckets
        .iter()
        .find(|b| b.meta.address == "aws_s3_bucket.good")
        .expect("bucket");
    let policies = bucket.policies.known().expect("policies known");
    assert!(policies[0].document.is_unknown());
    good_bucket_scanned(&o);
}

#[test]
fn repeated_object_keys_keep_the_last_value() {
    let dir = tempdir();
    fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"acme\"\n  tags = {\n    DataClassification = \"public\"\n    DataClassification = \"confidential\"\n  }\n}\n",
    )
    .expect("write");
    let o = scan(dir.path());
    assert!(!o.report.incomplete(), "{:?}", o.report.diagnostics);
    let bucket = &o.inventory.s3_buckets[0];
    assert_eq!(
        bucket
            .meta
            .tags
            .get("DataClassification")
            .map(String::as_str),
        Some("confidential")
    );
}

#[test]
fn deeply_nested_expression_does_not_crash() {
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    let deep = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    fs::write(dir.path().join("deep.tf"), deep).expect("write");
    let o = scan(dir.path());
    let d = error(&o, "parse-error");
    assert_eq!(d.file.as_deref(), Some("deep.tf"));
    good_bucket_scanned(&o);
}

/// As deep as the parser accepts (64 levels, of which a `for` takes two), each way
/// of nesting parses and evaluates without overflowing the stack, in the debug build
/// the tests use too.
#[test]
fn nesting_at_the_parsers_limit_is_evaluated() {
    let nested = |depth: usize, open: &str, inner: &str, close: &str| {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    };
    let exprs = [
        nested(63, "[", "1", "]"),
        nested(63, "{a = ", "1", "}"),
        nested(63, "upper(", "\"a\"", ")"),
        nested(63, "true ? ", "1", " : 2"),
        nested(31, "[for a in ", "[1]", " : a]"),
        nested(63, "\"${", "1", "}\""),
    ];
    let dir = tempdir();
    fs::write(dir.path().join("good.tf"), GOOD).expect("write");
    let locals: String = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("  x{i} = {e}\n"))
        .collect();
    // Resource attributes are evaluated whether or not a rule reads them.
    let used: Vec<String> = (0..exprs.len()).map(|i| format!("local.x{i}")).collect();
    let queue = format!(
        "resource \"aws_sqs_queue\" \"deep\" {{\n  name = jsonencode([{}])\n}}\n",
        used.join(", ")
    );
    fs::write(
        dir.path().join("deep.tf"),
        format!("locals {{\n{locals}}}\n{queue}"),
    )
    .expect("write");
    let o = scan(dir.path());
    assert!(
        o.report.diagnostics.iter().all(|d| d.level != Level::Error),
        "{:?}",
        o.report.diagnostics
    );
    good_bucket_scanned(&o);
}

/// Every fixture tree, with every file cut off at a third, a half and two thirds of its
/// length (and, separately, with one byte in five dropped), scans with all rules
/// without panicking, and every file that no longer parses is reported with its name.
#[test]
fn truncated_and_mangled_fixtures_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform");
    let mut trees: Vec<_> = fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    type Mangle = fn(&str) -> String;
    let mangles: [(&str, Mangle); 4] = [
        ("third", |t| cut(t, 1, 3)),
        ("half", |t| cut(t, 1, 2)),
        ("two-thirds", |t| cut(t, 2, 3)),
        ("every-fifth-char-dropped", |t| {
            t.chars()
                .enumerate()
                .filter(|(i, _)| i % 5 != 4)
                .map(|(_, c)| c)
                .collect()
        }),
    ];
    for tree in &trees {
        for (name, mangle) in &mangles {
            let dir = tempdir();
            copy_mangled(tree, dir.path(), *mangle);
            let outcome = run(&ScanRequest {
                paths: vec![dir.path().to_path_buf()],
                ..ScanRequest::default()
            })
            .unwrap_or_else(|e| panic!("{} ({name}): {e}", tree.display()));
            for d in &outcome.report.diagnostics {
                if d.code == "parse-error" {
                    assert!(
                        d.file
                            .as_deref()
                            .is_some_and(|f| f.ends_with(".tf") || f.ends_with(".tfvars")),
                        "{} ({name}): parse error without a file: {}",
                        tree.display(),
                        d.render()
                    );
                }
            }
        }
    }
}

/// `text` cut at `num/den` of its length, on a character boundary.
fn cut(text: &str, num: usize, den: usize) -> String {
    let mut at = text.len() * num / den;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].to_string()
}

/// Copy `from` to `to`, passing every .tf and .tfvars file through `mangle`.
fn copy_mangled(from: &Path, to: &Path, mangle: fn(&str) -> String) {
    for entry in fs::read_dir(from).expect("readable").flatten() {
        let p = entry.path();
        let target = to.join(entry.file_name());
        if p.is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_mangled(&p, &target, mangle);
            continue;
        }
        let text = fs::read_to_string(&p).unwrap_or_default();
        let is_tf = p.extension().is_some_and(|e| e == "tf" || e == "tfvars");
        fs::write(&target, if is_tf { mangle(&text) } else { text }).expect("write");
    }
}
