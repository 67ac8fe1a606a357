//! Test helpers shared by the function modules, and tests of the dispatcher.

use super::{call, FileAccess, FnError};
use crate::model::value::{Unknown, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub(super) fn access(dir: &Path) -> FileAccess<'_> {
    FileAccess {
        module_dir: dir,
        scan_root: dir,
    }
}

/// Call a function that must succeed.
pub(super) fn ok(name: &str, args: &[Value]) -> Value {
    match call(name, args, &access(Path::new("/"))) {
        Ok(v) => v,
        Err(e) => panic!("{name}({args:?}) failed: {e}"),
    }
}

/// Whether a call fails with an evaluation error.
pub(super) fn err(name: &str, args: &[Value]) -> bool {
    matches!(
        call(name, args, &access(Path::new("/"))),
        Err(FnError::Invalid(_))
    )
}

/// Whether a call is refused as unsupported.
pub(super) fn unsupported(name: &str, args: &[Value]) -> bool {
    matches!(
        call(name, args, &access(Path::new("/"))),
        Err(FnError::Unsupported(_))
    )
}

pub(crate) fn s(v: &str) -> Value {
    Value::str(v)
}

pub(crate) fn n(v: f64) -> Value {
    Value::Number(v)
}

pub(crate) fn list(items: &[Value]) -> Value {
    Value::List(items.to_vec())
}

pub(super) fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|v| Value::str(*v)).collect())
}

pub(crate) fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// An unknown string built from a template, with resource references.
pub(super) fn shaped(shape: &str, refs: &[&str]) -> Value {
    Value::Unknown(Box::new(Unknown {
        refs: refs.iter().map(|r| r.to_string()).collect(),
        shape: Some(shape.to_string()),
        unresolved: false,
    }))
}

#[test]
fn unknown_functions_are_unsupported() {
    assert!(unsupported("md5", &[s("x")]));
    assert!(unsupported("yamldecode", &[s("a: 1")]));
    assert!(unsupported("provider::aws::nope", &[]));
}

#[test]
fn core_namespace_and_pass_through() {
    assert_eq!(ok("core::upper", &[s("a")]), s("A"));
    assert_eq!(ok("sensitive", &[s("a")]), s("a"));
    assert_eq!(ok("nonsensitive", &[n(1.0)]), n(1.0));
    assert_eq!(ok("issensitive", &[s("a")]), Value::Bool(false));
    assert!(err("sensitive", &[]));
}

#[test]
fn nondeterministic_functions_are_unresolved() {
    for f in ["timestamp", "uuid", "plantimestamp"] {
        let Value::Unknown(u) = ok(f, &[]) else {
            panic!("{f} must be unknown")
        };
        assert!(u.unresolved);
    }
    assert!(ok("bcrypt", &[s("secret")]).contains_unresolved());
}

#[test]
fn arity_is_checked() {
    assert!(err("lower", &[]));
    assert!(err("lower", &[s("a"), s("b")]));
    assert!(err("lookup", &[map(&[])]));
    assert!(err("join", &[s(",")]));
}

/// Every function, fed hostile or mistyped arguments, answers without panicking.
#[test]
fn no_panics_on_odd_input() {
    let odd = [
        Value::Null,
        Value::Bool(true),
        n(-1.0),
        n(1e300),
        n(f64::INFINITY),
        n(0.5),
        s(""),
        s("%"),
        s("%[99999999999999999999]d"),
        s("/(/"),
        s("\u{FFFC}"),
        list(&[]),
        list(&[Value::Null, Value::unresolved()]),
        map(&[("\u{0}resource", s("aws_s3_bucket.b"))]),
        Value::unresolved(),
        Value::Json(Box::new(Value::unresolved())),
    ];
    let names = [
        "lower",
        "upper",
        "title",
        "trimspace",
        "trim",
        "trimprefix",
        "trimsuffix",
        "chomp",
        "strrev",
        "indent",
        "substr",
        "startswith",
        "endswith",
        "strcontains",
        "split",
        "join",
        "replace",
        "regex",
        "regexall",
        "format",
        "formatlist",
        "tostring",
        "tonumber",
        "tobool",
        "length",
        "element",
        "index",
        "contains",
        "lookup",
        "merge",
        "concat",
        "flatten",
        "coalesce",
        "coalescelist",
        "compact",
        "distinct",
        "keys",
        "values",
        "zipmap",
        "tolist",
        "toset",
        "tomap",
        "one",
        "alltrue",
        "anytrue",
        "reverse",
        "slice",
        "sort",
        "chunklist",
        "setunion",
        "setintersection",
        "setsubtract",
        "setproduct",
        "transpose",
        "matchkeys",
        "range",
        "min",
        "max",
        "sum",
        "abs",
        "ceil",
        "floor",
        "signum",
        "log",
        "pow",
        "parseint",
        "jsonencode",
        "jsondecode",
        "yamlencode",
        "base64encode",
        "base64decode",
        "textencodebase64",
        "textdecodebase64",
        "urlencode",
        "sha256",
        "sha512",
        "base64sha256",
        "base64sha512",
        "cidrsubnet",
        "cidrsubnets",
        "cidrhost",
        "cidrnetmask",
        "file",
        "fileexists",
        "filebase64",
        "filesha256",
        "fileset",
        "abspath",
        "basename",
        "dirname",
        "pathexpand",
        "provider::aws::arn_parse",
        "provider::aws::arn_build",
        "provider::aws::trim_iam_role_path",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let c = access(dir.path());
    for name in names {
        for a in &odd {
            for b in &odd {
                let _ = call(name, std::slice::from_ref(a), &c);
                let _ = call(name, &[a.clone(), b.clone()], &c);
                let _ = call(name, &[a.clone(), b.clone(), n(3.0)], &c);
                let _ = call(name, &[s("10.0.0.0/8"), a.clone(), b.clone()], &c);
            }
        }
    }
}
