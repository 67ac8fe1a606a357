//! Terraform's built-in functions over [`Value`], with unknowns propagated.
//!
//! The evaluator calls [`call`] with already evaluated arguments (`try` and `can` are
//! the evaluator's own: they need lazy evaluation; so are `templatefile` and
//! `templatestring`, whose template the evaluator evaluates, with [`template`]
//! checking their arguments). Semantics follow Terraform's
//! documentation and its implementation (go-cty's stdlib and Terraform's
//! `internal/lang/funcs`), including the quirks, because a scanner that computes a
//! different bucket name or policy string than Terraform judges the wrong resource.
//!
//! Unknown inputs never fail a call. A result that depends on an unknown is an unknown
//! that keeps the resource references and the `unresolved` flag of what it came from
//! ([`Value::unknown_from`]), and where Terraform knows more, so do we:
//! - `length` of a known list with unknown elements is known; `merge`, `concat`,
//!   `flatten`, `tolist`, `values`, `lookup`, `element`, `reverse`, `slice` keep
//!   unknown elements in place;
//! - `coalesce` stops at the first unknown it meets before a usable value; `contains`,
//!   `index`, `alltrue` and `anytrue` are known when a known element decides them;
//! - string building (`format`, `formatlist`, `join`, templates) yields an unknown
//!   whose `shape` keeps the literal text with [`HOLE`] where unknown parts go, so
//!   that `format("arn:aws:s3:::%s/*", aws_s3_bucket.b.id)` is still visibly not `*`;
//! - `jsonencode` of a partly unknown value is [`Value::Json`], so policy rules still
//!   see the document's structure.
//!
//! Functions that are not deterministic (`timestamp`, `uuid`, `bcrypt`) are unresolved
//! unknowns; functions not implemented here return [`FnError::Unsupported`].
//!
//! Error messages name types and positions, never argument values: a value may be a
//! secret, and messages end up in reports.

mod aws;
mod cidr;
mod collections;
mod encoding;
mod files;
mod format;
mod numbers;
mod strings;
pub(in crate::source::terraform) mod template;

use crate::model::value::{Unknown, Value, HOLE};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What file functions may read: where relative paths start, and the tree they
/// must stay in. (Named for what it holds, not `Ctx`, a word the crate already
/// uses for three other things.)
pub struct FileAccess<'a> {
    /// Directory of the module whose expression calls the function; relative paths
    /// resolve against it.
    pub module_dir: &'a Path,
    /// Root of the scan: no file outside it is ever read.
    pub scan_root: &'a Path,
}

#[derive(Debug, thiserror::Error)]
pub enum FnError {
    /// Function not implemented here: the evaluator turns the call into an unresolved unknown.
    #[error("unsupported function {0}")]
    Unsupported(String),
    /// A Terraform evaluation error (wrong type, bad index...): `try`/`can` catch it.
    #[error("{0}")]
    Invalid(String),
    /// A file function refused a path outside the tree it may read. Terraform would
    /// have read it, so this is the scanner's limit, not the configuration's error:
    /// the evaluator reports it with its location, even under `try`/`can`.
    #[error("{0}")]
    Refused(String),
}

/// Most elements a function may produce (`range`, `setproduct`, `flatten`, ...), so
/// that hostile input cannot exhaust memory.
const MAX_ITEMS: usize = 100_000;
/// Longest string a function may produce, in bytes.
const MAX_STRING: usize = 16 * 1024 * 1024;

/// Call the Terraform function `name` (`provider::aws::arn_parse` for provider
/// functions; a `core::` prefix is accepted as Terraform does).
pub fn call(name: &str, args: &[Value], access: &FileAccess) -> Result<Value, FnError> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let out = match name {
        // Strings.
        "lower" => strings::lower(args),
        "upper" => strings::upper(args),
        "title" => strings::title(args),
        "trimspace" => strings::trimspace(args),
        "trim" => strings::trim(args),
        "trimprefix" => strings::trimprefix(args),
        "trimsuffix" => strings::trimsuffix(args),
        "chomp" => strings::chomp(args),
        "strrev" => strings::strrev(args),
        "indent" => strings::indent(args),
        "substr" => strings::substr(args),
        "startswith" => strings::startswith(args),
        "endswith" => strings::endswith(args),
        "strcontains" => strings::strcontains(args),
        "split" => strings::split(args),
        "join" => strings::join(args),
        "replace" => strings::replace(args),
        "regex" => strings::regex(args, false),
        "regexall" => strings::regex(args, true),
        "format" => format::format(args),
        "formatlist" => format::formatlist(args),
        "tostring" => strings::tostring(args),
        "tonumber" => strings::tonumber(args),
        "tobool" => strings::tobool(args),
        // Collections.
        "length" => collections::length(args),
        "element" => collections::element(args),
        "index" => collections::index(args),
        "contains" => collections::contains(args),
        "lookup" => collections::lookup(args),
        "merge" => collections::merge(args),
        "concat" => collections::concat(args),
        "flatten" => collections::flatten(args),
        "coalesce" => collections::coalesce(args),
        "coalescelist" => collections::coalescelist(args),
        "compact" => collections::compact(args),
        "distinct" => collections::distinct(args),
        "keys" => collections::keys(args),
        "values" => collections::values(args),
        "zipmap" => collections::zipmap(args),
        "tolist" => collections::tolist(args),
        "toset" => collections::toset(args),
        "tomap" => collections::tomap(args),
        "one" => collections::one(args),
        "alltrue" => collections::alltrue(args),
        "anytrue" => collections::anytrue(args),
        "reverse" => collections::reverse(args),
        "slice" => collections::slice(args),
        "sort" => collections::sort(args),
        "chunklist" => collections::chunklist(args),
        "setunion" => collections::setunion(args),
        "setintersection" => collections::setintersection(args),
        "setsubtract" => collections::setsubtract(args),
        "setproduct" => collections::setproduct(args),
        "transpose" => collections::transpose(args),
        "matchkeys" => collections::matchkeys(args),
        // Numbers.
        "range" => numbers::range(args),
        "min" => numbers::min_max(args, false),
        "max" => numbers::min_max(args, true),
        "sum" => numbers::sum(args),
        "abs" => numbers::unary(args, f64::abs),
        "ceil" => numbers::unary(args, f64::ceil),
        "floor" => numbers::unary(args, f64::floor),
        "signum" => numbers::unary(args, numbers::signum),
        "log" => numbers::log(args),
        "pow" => numbers::pow(args),
        "parseint" => numbers::parseint(args),
        // Encoding and hashing.
        "jsonencode" => encoding::jsonencode(args),
        "jsondecode" => encoding::jsondecode(args),
        "yamlencode" => encoding::yamlencode(args),
        "base64encode" => encoding::base64encode(args),
        "base64decode" => encoding::base64decode(args),
        "textencodebase64" => encoding::textencodebase64(args),
        "textdecodebase64" => encoding::textdecodebase64(args),
        "urlencode" => encoding::urlencode(args),
        "sha256" => encoding::hash(args, encoding::Digest::Sha256, false),
        "sha512" => encoding::hash(args, encoding::Digest::Sha512, false),
        "base64sha256" => encoding::hash(args, encoding::Digest::Sha256, true),
        "base64sha512" => encoding::hash(args, encoding::Digest::Sha512, true),
        // Networking.
        "cidrsubnet" => cidr::cidrsubnet(args),
        "cidrsubnets" => cidr::cidrsubnets(args),
        "cidrhost" => cidr::cidrhost(args),
        "cidrnetmask" => cidr::cidrnetmask(args),
        // Files and paths.
        "file" => files::file(args, access),
        "fileexists" => files::fileexists(args, access),
        "filebase64" => files::filebase64(args, access),
        "filesha256" => files::filehash(args, access, encoding::Digest::Sha256, false),
        "filesha512" => files::filehash(args, access, encoding::Digest::Sha512, false),
        "filebase64sha256" => files::filehash(args, access, encoding::Digest::Sha256, true),
        "filebase64sha512" => files::filehash(args, access, encoding::Digest::Sha512, true),
        "fileset" => files::fileset(args, access),
        "abspath" => files::abspath(args, access),
        "basename" => files::basename(args),
        "dirname" => files::dirname(args),
        "pathexpand" => files::pathexpand(args),
        // Sensitivity marks do not exist here: the value passes through.
        "sensitive" | "nonsensitive" | "ephemeralasnull" => {
            arity(args, 1, 1).map(|()| args[0].clone())
        }
        "issensitive" => arity(args, 1, 1).map(|()| Value::Bool(false)),
        // Different on every run: never knowable.
        "timestamp" | "plantimestamp" | "uuid" | "bcrypt" => Ok(Value::unresolved()),
        // AWS provider functions.
        "provider::aws::arn_parse" => aws::arn_parse(args),
        "provider::aws::arn_build" => aws::arn_build(args),
        "provider::aws::trim_iam_role_path" => aws::trim_iam_role_path(args),
        _ => return Err(FnError::Unsupported(name.to_string())),
    };
    match out {
        Ok(v) | Err(Stop::Done(v)) => Ok(v),
        Err(Stop::Fail(e)) => Err(e),
    }
}

/// Why a function returned before computing its result.
enum Stop {
    /// An input decides the result on its own: an unknown list makes `sort` unknown.
    Done(Value),
    Fail(FnError),
}

impl From<FnError> for Stop {
    fn from(e: FnError) -> Self {
        Stop::Fail(e)
    }
}

type Out = Result<Value, Stop>;

fn fail(msg: impl Into<String>) -> Stop {
    Stop::Fail(FnError::Invalid(msg.into()))
}

/// Check the number of arguments.
fn arity(args: &[Value], min: usize, max: usize) -> Result<(), Stop> {
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(fail(format!(
            "takes {want} argument{}, got {}",
            if want == "1" { "" } else { "s" },
            args.len()
        )));
    }
    Ok(())
}

/// Stop with an unknown that merges every argument when any of them is (or
/// contains) unknown: for functions whose result depends on all of their input.
fn all_known(args: &[Value]) -> Result<(), Stop> {
    if args.iter().any(Value::contains_unknown) {
        return Err(Stop::Done(Value::unknown_from(args)));
    }
    Ok(())
}

/// The unknown standing for a result computed from `values`.
fn unknown_of<'a>(values: impl IntoIterator<Item = &'a Value>) -> Value {
    Value::unknown_from(values)
}

/// A string argument (numbers and bools convert as in Terraform).
fn string(v: &Value) -> Result<String, Stop> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(v.to_tf_string().unwrap_or_default()),
        Value::Unknown(_) | Value::Json(_) => Err(Stop::Done(unknown_of([v]))),
        Value::Null => Err(fail("argument must not be null")),
        other => Err(fail(format!(
            "a string is required, got {}",
            other.type_name()
        ))),
    }
}

/// A number argument (numeric strings convert as in Terraform).
fn number(v: &Value) -> Result<f64, Stop> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => parse_number(s)
            .ok_or_else(|| fail("a number is required, got a string that is not one")),
        Value::Unknown(_) | Value::Json(_) => Err(Stop::Done(unknown_of([v]))),
        Value::Null => Err(fail("argument must not be null")),
        other => Err(fail(format!(
            "a number is required, got {}",
            other.type_name()
        ))),
    }
}

/// Terraform's string-to-number conversion: a decimal number, nothing around it.
fn parse_number(s: &str) -> Option<f64> {
    let ok_chars = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    s.parse::<f64>().ok().filter(|n| ok_chars && n.is_finite())
}

/// A whole-number argument.
fn integer(v: &Value) -> Result<i64, Stop> {
    let n = number(v)?;
    if n.fract() != 0.0 || !(-9.0e15..=9.0e15).contains(&n) {
        return Err(fail(format!(
            "a whole number is required, got {}",
            crate::model::value::format_number(n)
        )));
    }
    Ok(n as i64)
}

/// A bool argument (`"true"`/`"false"` convert as in Terraform).
fn boolean(v: &Value) -> Result<bool, Stop> {
    match v {
        Value::Unknown(_) | Value::Json(_) => Err(Stop::Done(unknown_of([v]))),
        Value::Null => Err(fail("argument must not be null")),
        other => other
            .to_tf_bool()
            .ok_or_else(|| fail(format!("a bool is required, got {}", other.type_name()))),
    }
}

/// A list, tuple or set argument; an unknown one stops with an unknown.
fn list(v: &Value) -> Result<&[Value], Stop> {
    match v {
        Value::List(items) => Ok(items),
        Value::Unknown(_) => Err(Stop::Done(unknown_of([v]))),
        Value::Null => Err(fail("argument must not be null")),
        other => Err(fail(format!(
            "a list is required, got {}",
            other.type_name()
        ))),
    }
}

/// A map or object argument whose full set of keys matters (`keys`, `length`): a
/// resource object, whose computed attributes are not listed, stops with an unknown.
fn full_map(v: &Value) -> Result<&BTreeMap<String, Value>, Stop> {
    let map = partial_map(v)?;
    if let Some(addr) = resource_address(map) {
        return Err(Stop::Done(Value::reference(addr.to_string())));
    }
    Ok(map)
}

/// A map or object argument used key by key (`lookup`, `merge`).
fn partial_map(v: &Value) -> Result<&BTreeMap<String, Value>, Stop> {
    match v {
        Value::Map(map) => Ok(map),
        Value::Unknown(_) => Err(Stop::Done(unknown_of([v]))),
        Value::Null => Err(fail("argument must not be null")),
        other => Err(fail(format!(
            "a map or object is required, got {}",
            other.type_name()
        ))),
    }
}

/// Key under which a resource object built by the evaluator keeps its address. Such
/// a map holds the configured attributes plus this internal key (starting with NUL,
/// which no HCL key can), so that attributes computed after apply read as
/// references to the resource, in expressions and in functions alike.
pub(in crate::source::terraform) const RESOURCE_MARKER: &str = "\u{0}resource";

/// The address of a resource object built by the evaluator (see [`RESOURCE_MARKER`]).
fn resource_address(map: &BTreeMap<String, Value>) -> Option<&str> {
    map.get(RESOURCE_MARKER).and_then(Value::as_str)
}

/// Whether a map key is internal to the evaluator (see [`resource_address`]).
pub(in crate::source::terraform) fn is_internal_key(k: &str) -> bool {
    k.starts_with('\u{0}')
}

/// Terraform's `==` on known values; `None` when an unknown part decides it.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    if a.contains_unknown() || b.contains_unknown() {
        return None;
    }
    Some(a == b)
}

/// A string built from known text and unknown parts. Unknown parts become [`HOLE`]s
/// in the resulting unknown's `shape` (or the part's own shape, when it has one).
///
/// The one string builder of the Terraform source: `format`, `join` and every
/// template the evaluator renders build through it, so that they agree on how a
/// value converts and where an unknown leaves its hole.
#[derive(Default)]
pub(in crate::source::terraform) struct Shaped {
    text: String,
    unknown: Option<Unknown>,
    /// What each hole of `text` stands for, in order (up to [`MAX_HOLES`]), when
    /// kept: a rendered JSON template puts every unknown back where it was. Kept
    /// only for `templatefile`/`templatestring`, so that other strings cost nothing.
    holes: Option<Vec<Value>>,
    /// Whether a hole stands for an unknown stretch of template output (a directive
    /// over an unknown) rather than one value.
    gaps: bool,
}

/// Most holes whose values a [`Shaped`] string remembers.
const MAX_HOLES: usize = 10_000;

impl Shaped {
    /// A builder that remembers what each hole stands for (see [`Shaped::holes`]).
    pub(in crate::source::terraform) fn keeping_holes() -> Shaped {
        Shaped {
            holes: Some(Vec::new()),
            ..Shaped::default()
        }
    }

    pub(in crate::source::terraform) fn push_str(&mut self, s: &str) -> Result<(), FnError> {
        if self.text.len().saturating_add(s.len()) > MAX_STRING {
            return Err(FnError::Invalid("result string is too long".into()));
        }
        self.text.push_str(s);
        Ok(())
    }

    /// Append an unknown part: its own shape if it has one, else a hole.
    pub(in crate::source::terraform) fn push_unknown(&mut self, v: &Value) -> Result<(), FnError> {
        let acc = self.unknown.get_or_insert_with(Unknown::default);
        let shape = match v {
            Value::Unknown(u) => {
                acc.refs.extend(u.refs.iter().cloned());
                acc.unresolved |= u.unresolved;
                u.shape.as_deref()
            }
            other => {
                if let Value::Unknown(u) = Value::unknown_from([other]) {
                    acc.refs.extend(u.refs);
                    acc.unresolved |= u.unresolved;
                }
                None
            }
        };
        if let Some(holes) = &mut self.holes {
            let (piece, n) = match shape {
                Some(shape) => (
                    Value::unknown_from([v]),
                    shape.chars().filter(|c| *c == HOLE).count(),
                ),
                None => (v.clone(), 1),
            };
            if holes.len() + n <= MAX_HOLES {
                holes.extend(std::iter::repeat_n(piece, n));
            }
        }
        match shape {
            Some(shape) => self.push_str(shape),
            None => self.push_str(HOLE.encode_utf8(&mut [0; 4])),
        }
    }

    /// Append an unknown stretch of template output: a directive over an unknown
    /// condition or collection, which may stand for any text, not for one value.
    pub(in crate::source::terraform) fn push_gap(&mut self, over: &Value) -> Result<(), FnError> {
        self.gaps = true;
        self.push_unknown(&Value::unknown_from([over]))
    }

    /// Append a value as string templates do: primitives convert, unknowns are holes.
    pub(in crate::source::terraform) fn push_value(&mut self, v: &Value) -> Result<(), FnError> {
        match v {
            Value::Unknown(_) | Value::Json(_) => self.push_unknown(v),
            Value::Null => Err(FnError::Invalid(
                "cannot include a null value in a string".into(),
            )),
            Value::List(_) | Value::Map(_) => Err(FnError::Invalid(format!(
                "cannot include a {} in a string",
                v.type_name()
            ))),
            _ => self.push_str(&v.to_tf_string().unwrap_or_default()),
        }
    }

    pub(in crate::source::terraform) fn finish(self) -> Value {
        match self.unknown {
            None => Value::String(self.text),
            Some(mut u) => {
                u.refs.sort();
                u.refs.dedup();
                u.shape = Some(self.text);
                Value::Unknown(Box::new(u))
            }
        }
    }
}

/// Convert mixed primitive elements to a common type as Terraform does when it
/// builds a list, set or map: if strings are mixed with numbers or bools, all become
/// strings. Numbers mixed with bools cannot be unified.
fn unify(items: Vec<Value>) -> Result<Vec<Value>, Stop> {
    let has = |f: fn(&Value) -> bool| items.iter().any(f);
    let strings = has(|v| matches!(v, Value::String(_) | Value::Json(_)));
    let numbers = has(|v| matches!(v, Value::Number(_)));
    let bools = has(|v| matches!(v, Value::Bool(_)));
    if !strings {
        if numbers && bools {
            return Err(fail("all elements must have the same type"));
        }
        return Ok(items);
    }
    if !numbers && !bools {
        return Ok(items);
    }
    Ok(items
        .into_iter()
        .map(|v| match v {
            Value::Number(_) | Value::Bool(_) => {
                Value::String(v.to_tf_string().unwrap_or_default())
            }
            other => other,
        })
        .collect())
}

/// Build a Terraform set: elements unified, de-duplicated and ordered as Terraform
/// orders sets (strings lexically, numbers numerically, bools false first; other
/// element types keep first-seen order). Unknown elements stay, after the known ones.
fn make_set(items: Vec<Value>) -> Result<Vec<Value>, Stop> {
    let items = unify(items)?;
    let mut seen = BTreeSet::new();
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for v in items {
        if !seen.insert(format!("{v:?}")) {
            continue;
        }
        if v.contains_unknown() {
            unknown.push(v);
        } else {
            known.push(v);
        }
    }
    if known.iter().all(|v| matches!(v, Value::String(_))) {
        known.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    } else if known.iter().all(|v| matches!(v, Value::Number(_))) {
        known.sort_by(|a, b| {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        });
    } else if known.iter().all(|v| matches!(v, Value::Bool(_))) {
        known.sort_by_key(|v| v.as_bool());
    }
    known.extend(unknown);
    Ok(known)
}

/// Fail when a function would produce more than [`MAX_ITEMS`] elements.
fn check_size(n: usize) -> Result<(), Stop> {
    if n > MAX_ITEMS {
        return Err(fail(format!(
            "result would have {n} elements, more than the {MAX_ITEMS} allowed"
        )));
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests;
