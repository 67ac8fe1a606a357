//! Generative tests with bounded case counts, so the normal suite stays fast: the
//! evaluator on generated expressions and the configuration loader on mutated files
//! never panic, and answer the same way every time. (IAM wildcard matching is checked
//! against an oracle in `src/model/policy/pattern.rs`.)

use proptest::prelude::*;
use soc2scan::config::{ConfigError, FileConfig};
use soc2scan::source::terraform::{scan, TfOptions};
use std::fs;
use std::path::Path;

/// Terraform expressions built from literals, references, operators, `for`
/// expressions, splats, templates and functions, nested a few levels deep.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-3i64..1000).prop_map(|n| n.to_string()),
        "[a-z ]{0,6}".prop_map(|s| format!("\"{s}\"")),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("var.m".to_string()),
        Just("var.l".to_string()),
        Just("var.unset".to_string()),
        Just("aws_kms_key.k.arn".to_string()),
        Just("data.aws_caller_identity.c.account_id".to_string()),
        Just("[1, \"two\", [3]]".to_string()),
        Just("{ a = 1, b = \"x\" }".to_string()),
    ];
    leaf.prop_recursive(4, 48, 3, |inner| {
        let function = prop_oneof![
            Just("length"),
            Just("tostring"),
            Just("jsonencode"),
            Just("upper"),
            Just("keys"),
            Just("values"),
            Just("flatten"),
            Just("distinct"),
            Just("one"),
            Just("toset"),
            Just("tolist"),
            Just("range"),
            Just("abs"),
            Just("coalesce"),
            Just("concat"),
            Just("merge"),
            Just("max"),
        ];
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} == {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner
                .clone()
                .prop_map(|a| format!("[for x in {a} : x if x != null]")),
            inner
                .clone()
                .prop_map(|a| format!("{{ for k, v in {a} : k => v... }}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            inner.clone().prop_map(|a| format!("{a}[*].id")),
            inner.clone().prop_map(|a| format!("{a}.name")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("\"${{{a}}}-${{{b}}}\"")),
            inner
                .clone()
                .prop_map(|a| format!("\"%{{ for x in {a} }}${{x}},%{{ endfor }}\"")),
            (function, proptest::collection::vec(inner.clone(), 1..3))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("try({a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("join(\",\", [{a}, {b}])")),
        ]
    })
}

/// A root whose local is the generated expression, used as a bucket name, tags,
/// `count` and `for_each`, so every evaluation path sees it.
fn root(expr: &str) -> String {
    format!(
        r#"
variable "m" {{
  default = {{ a = "x", b = "y" }}
}}
variable "l" {{
  default = ["p", "q"]
}}
variable "unset" {{}}
data "aws_caller_identity" "c" {{}}
resource "aws_kms_key" "k" {{}}
locals {{
  x = {expr}
}}
resource "aws_s3_bucket" "named" {{
  bucket = local.x
  tags   = {{ value = jsonencode(local.x) }}
}}
resource "aws_s3_bucket" "counted" {{
  count  = try(length(local.x), 1)
  bucket = "b-${{count.index}}"
}}
resource "aws_s3_bucket" "each" {{
  for_each = try(toset([for v in local.x : tostring(v)]), {{}})
  bucket   = each.key
}}
"#
    )
}

/// What one scan of `dir` produced, in a form two scans can be compared by.
fn evaluate(dir: &Path) -> String {
    let out = scan(&[dir.to_path_buf()], &TfOptions::default(), |root| root);
    let resources: Vec<_> = out.roots.into_iter().flat_map(|r| r.resources).collect();
    format!("{resources:?}\n{:?}", out.diagnostics)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn evaluator_never_panics_and_is_deterministic(expr in expression()) {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("main.tf"), root(&expr)).expect("write");
        let first = evaluate(dir.path());
        let second = evaluate(dir.path());
        prop_assert_eq!(first, second);
    }
}

/// One edit to a configuration file's lines.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Uncomment(usize),
    /// Replace what follows `=` on a line.
    Value(usize, String),
    Insert(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("-1".to_string()),
        Just("9223372036854775807".to_string()),
        Just("1e400".to_string()),
        Just("true".to_string()),
        Just("[\"ENC001\", 3]".to_string()),
        Just("\"[*\"".to_string()),
        "\"[^\"\\\\]{0,12}\"".prop_map(|s| s),
    ];
    let line = prop_oneof![
        Just("[rules]".to_string()),
        Just("[evaluation]".to_string()),
        Just("[[evidence.expect]]".to_string()),
        Just("[environments.prod]".to_string()),
        Just("enable = [\"ENC001\"]".to_string()),
        Just("max-steps = 10".to_string()),
        Just("source = \"aws:*\"".to_string()),
        "[a-z.=\\[\\]\" -]{0,20}".prop_map(|s| s),
    ];
    prop_oneof![
        (0usize..200).prop_map(Edit::Delete),
        (0usize..200).prop_map(Edit::Duplicate),
        (0usize..200, 0usize..200).prop_map(|(a, b)| Edit::Swap(a, b)),
        (0usize..200).prop_map(Edit::Uncomment),
        (0usize..200, value).prop_map(|(i, v)| Edit::Value(i, v)),
        (0usize..200, line).prop_map(|(i, l)| Edit::Insert(i, l)),
    ]
}

/// The starter file `soc2scan init` writes, edited.
fn edited(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = soc2scan::config::init::starter_file()
        .lines()
        .map(str::to_string)
        .collect();
    for e in edits {
        let n = lines.len().max(1);
        match e {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Edit::Uncomment(i) if !lines.is_empty() => {
                let l = &mut lines[i % n];
                *l = l.trim_start_matches(['#', ' ']).to_string();
            }
            Edit::Value(i, v) if !lines.is_empty() => {
                let l = &mut lines[i % n];
                if let Some(eq) = l.find('=') {
                    l.replace_range(eq + 1.., &format!(" {v}"));
                }
            }
            Edit::Insert(i, l) => lines.insert(i % (lines.len() + 1), l.clone()),
            _ => {}
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any edit of the starter file loads or is refused with problems located on
    /// lines of the file, never a panic.
    #[test]
    fn config_loader_locates_every_problem(edits in proptest::collection::vec(edit(), 1..8)) {
        let text = edited(&edits);
        let catalogue = soc2scan::catalogue::catalogue().expect("catalogue");
        let path = Path::new(".soc2scan.toml");
        let lines = text.lines().count().max(1);
        match FileConfig::parse(&text, path, catalogue) {
            Ok(_) => {}
            Err(ConfigError::Invalid { problems, .. }) => {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(
                        (1..=lines + 1).contains(&p.line),
                        "problem on line {} of {}: {}", p.line, lines, p.message
                    );
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
        // The same text gives the same answer.
        let again = FileConfig::parse(&text, path, catalogue).map_err(|e| e.to_string());
        let first = FileConfig::parse(&text, path, catalogue).map_err(|e| e.to_string());
        prop_assert_eq!(again.err(), first.err());
    }
}
