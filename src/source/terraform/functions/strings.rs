//! String functions and type conversions.
//!
//! Terraform counts and cuts strings by grapheme cluster; here a character (Unicode
//! scalar) stands for a cluster, which differs only for combining sequences.

use super::{
    all_known, arity, check_size, fail, integer, list, number, parse_number, string, unknown_of,
    Out, Shaped, Stop, MAX_STRING,
};
use crate::model::value::{Unknown, Value, HOLE};
use std::collections::BTreeMap;

/// Go's `unicode.ToUpper` maps one character to one character; Rust's mapping may
/// expand (`ß` → `SS`), in which case Go keeps the character.
fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Map a string character by character; an unknown with a shape keeps its shape
/// mapped the same way, since the known parts are transformed independently.
fn map_chars(args: &[Value], f: fn(char) -> char) -> Out {
    arity(args, 1, 1)?;
    if let Value::Unknown(u) = &args[0] {
        return Ok(Value::Unknown(Box::new(Unknown {
            shape: u.shape.as_ref().map(|s| s.chars().map(f).collect()),
            ..(**u).clone()
        })));
    }
    Ok(Value::String(string(&args[0])?.chars().map(f).collect()))
}

pub(super) fn lower(args: &[Value]) -> Out {
    map_chars(args, lower_char)
}

pub(super) fn upper(args: &[Value]) -> Out {
    map_chars(args, upper_char)
}

/// Go's `strings.Title`: upper-case the first letter of every word, where words are
/// separated by anything but ASCII letters, digits, `_` and non-ASCII letters/digits.
pub(super) fn title(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let s = string(&args[0])?;
    let is_separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else if c.is_alphanumeric() {
            false
        } else {
            c.is_whitespace()
        }
    };
    let mut prev = ' ';
    let out = s
        .chars()
        .map(|c| {
            let r = if is_separator(prev) { upper_char(c) } else { c };
            prev = c;
            r
        })
        .collect();
    Ok(Value::String(out))
}

pub(super) fn trimspace(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    Ok(Value::String(string(&args[0])?.trim().to_string()))
}

/// `trim(str, cutset)`: remove any of the characters of `cutset` from both ends.
pub(super) fn trim(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let s = string(&args[0])?;
    let cut: Vec<char> = string(&args[1])?.chars().collect();
    Ok(Value::String(
        s.trim_matches(|c| cut.contains(&c)).to_string(),
    ))
}

/// The literal text before the first hole of a shape.
fn shape_prefix(shape: &str) -> &str {
    shape.split(HOLE).next().unwrap_or("")
}

/// The literal text after the last hole of a shape.
fn shape_suffix(shape: &str) -> &str {
    shape.rsplit(HOLE).next().unwrap_or("")
}

/// `trimprefix`; on a shaped unknown whose known start decides it, the shape is
/// trimmed (or kept) as the final string would be.
pub(super) fn trimprefix(args: &[Value]) -> Out {
    trim_end(args, End::Start)
}

/// `trimsuffix`, with the same shape handling as [`trimprefix`] at the end.
pub(super) fn trimsuffix(args: &[Value]) -> Out {
    trim_end(args, End::Finish)
}

/// The end of a string that `trimprefix` and `trimsuffix` trim.
#[derive(Clone, Copy)]
enum End {
    Start,
    Finish,
}

fn trim_end(args: &[Value], end: End) -> Out {
    arity(args, 2, 2)?;
    if let (Value::Unknown(u), Value::String(p)) = (&args[0], &args[1]) {
        if let Some(shape) = u
            .shape
            .as_deref()
            .and_then(|shape| trimmed_shape(shape, p, end))
        {
            return Ok(Value::Unknown(Box::new(Unknown {
                shape: Some(shape),
                ..(**u).clone()
            })));
        }
    }
    all_known(args)?;
    let s = string(&args[0])?;
    let p = string(&args[1])?;
    let trimmed = match end {
        End::Start => s.strip_prefix(&p),
        End::Finish => s.strip_suffix(&p),
    };
    Ok(Value::String(trimmed.unwrap_or(&s).to_string()))
}

/// The shape of a shaped unknown trimmed of `p` at `end`, when its literal end
/// decides it: trimmed when the literal holds `p`, kept when `p` cannot match, `None`
/// when the unknown part decides.
fn trimmed_shape(shape: &str, p: &str, end: End) -> Option<String> {
    let (lit, holds, cannot_match) = match end {
        End::Start => {
            let lit = shape_prefix(shape);
            (lit, lit.starts_with(p), !p.starts_with(lit))
        }
        End::Finish => {
            let lit = shape_suffix(shape);
            (lit, lit.ends_with(p), !p.ends_with(lit))
        }
    };
    if lit.len() < shape.len() && holds {
        Some(match end {
            End::Start => shape[p.len()..].to_string(),
            End::Finish => shape[..shape.len() - p.len()].to_string(),
        })
    } else if cannot_match {
        Some(shape.to_string())
    } else {
        None
    }
}

/// `chomp`: remove all trailing newlines (`\n` or `\r\n` or `\r`).
pub(super) fn chomp(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let s = string(&args[0])?;
    Ok(Value::String(s.trim_end_matches(['\n', '\r']).to_string()))
}

pub(super) fn strrev(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    Ok(Value::String(string(&args[0])?.chars().rev().collect()))
}

/// `indent(spaces, str)`: indent every line but the first.
pub(super) fn indent(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let n = integer(&args[0])?;
    let s = string(&args[1])?;
    let n = usize::try_from(n).map_err(|_| fail("spaces must not be negative"))?;
    let lines = s.matches('\n').count();
    if n.saturating_mul(lines).saturating_add(s.len()) > MAX_STRING {
        return Err(fail("result string is too long"));
    }
    Ok(Value::String(
        s.replace('\n', &format!("\n{}", " ".repeat(n))),
    ))
}

/// `substr(str, offset, length)`, ported from go-cty including its corner cases: a
/// negative offset counts from the end, a negative length means "to the end", and
/// a zero length after a negative offset also runs to the end.
pub(super) fn substr(args: &[Value]) -> Out {
    arity(args, 3, 3)?;
    all_known(args)?;
    let s = string(&args[0])?;
    let mut offset = integer(&args[1])?;
    let length = integer(&args[2])?;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let total = chars.len() as i64;
    if offset < 0 {
        offset += total;
    } else if length == 0 {
        return Ok(Value::str(""));
    }
    let start = if offset > 0 {
        if offset >= total {
            return Ok(Value::str(""));
        }
        offset as usize
    } else {
        0
    };
    let rest = &chars[start.min(chars.len())..];
    let byte_start = rest.first().map_or(s.len(), |(i, _)| *i);
    if length < 0 {
        return Ok(Value::String(s[byte_start..].to_string()));
    }
    // go-cty's loop takes at least one cluster, so a zero length keeps everything.
    let take = if length == 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    let byte_end = rest.get(take).map_or(s.len(), |(i, _)| *i);
    Ok(Value::String(s[byte_start..byte_end].to_string()))
}

/// `startswith`; decided on a shaped unknown when its known start decides it.
pub(super) fn startswith(args: &[Value]) -> Out {
    at_edge(args, shape_prefix, |s, p| s.starts_with(p))
}

/// `endswith`; decided on a shaped unknown when its known end decides it.
pub(super) fn endswith(args: &[Value]) -> Out {
    at_edge(args, shape_suffix, |s, p| s.ends_with(p))
}

/// `startswith` and `endswith`, mirror images: `known` is the literal part of an
/// unknown's shape at that edge and `has(s, p)` whether `s` has `p` there. The
/// known literal decides when it already has the pattern at that edge, or when the
/// pattern cannot have the literal there.
fn at_edge(args: &[Value], known: fn(&str) -> &str, has: fn(&str, &str) -> bool) -> Out {
    arity(args, 2, 2)?;
    if let (Value::Unknown(u), Value::String(p)) = (&args[0], &args[1]) {
        if let Some(shape) = &u.shape {
            let lit = known(shape);
            if has(lit, p) {
                return Ok(Value::Bool(true));
            }
            if !has(p, lit) {
                return Ok(Value::Bool(false));
            }
        }
    }
    all_known(args)?;
    Ok(Value::Bool(has(&string(&args[0])?, &string(&args[1])?)))
}

/// `strcontains`; true on a shaped unknown whose known text contains the substring.
pub(super) fn strcontains(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    if let (Value::Unknown(u), Value::String(sub)) = (&args[0], &args[1]) {
        if let Some(shape) = &u.shape {
            if shape.split(HOLE).any(|lit| lit.contains(sub.as_str())) {
                return Ok(Value::Bool(true));
            }
        }
    }
    all_known(args)?;
    Ok(Value::Bool(string(&args[0])?.contains(&string(&args[1])?)))
}

/// `split(separator, str)` as Go's `strings.Split`: an empty separator splits into
/// characters, and splitting an empty string gives one empty element.
pub(super) fn split(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let sep = string(&args[0])?;
    let s = string(&args[1])?;
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::str).collect()
    };
    check_size(parts.len())?;
    Ok(Value::List(parts))
}

/// `join(separator, lists...)`. Unknown elements become holes in the result's shape;
/// an unknown list (unknown length) makes the whole result unknown.
pub(super) fn join(args: &[Value]) -> Out {
    arity(args, 2, usize::MAX)?;
    if args[0].contains_unknown() || args[1..].iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let sep = string(&args[0])?;
    // One element joins to itself: a partly known JSON document (the usual
    // `join("", data.aws_iam_policy_document.x[*].json)`) keeps its structure.
    let mut items = args[1..].iter().filter_map(|l| match l {
        Value::List(items) => Some(items.iter()),
        _ => None,
    });
    if let (Some(mut only), None) = (items.next(), items.next()) {
        if let (Some(item @ (Value::Json(_) | Value::Unknown(_))), None) =
            (only.next(), only.next())
        {
            return Ok(item.clone());
        }
    }
    let mut out = Shaped::default();
    let mut first = true;
    for l in &args[1..] {
        for (i, item) in list(l)?.iter().enumerate() {
            if !first {
                out.push_str(&sep)?;
            }
            first = false;
            match item {
                Value::Null => return Err(fail(format!("element {i} is null"))),
                Value::List(_) | Value::Map(_) => {
                    return Err(fail(format!(
                        "element {i} is a {}, not a string",
                        item.type_name()
                    )))
                }
                other => out.push_value(other)?,
            }
        }
    }
    Ok(out.finish())
}

/// Compile a Terraform (RE2) regular expression.
fn compile(pattern: &str) -> Result<regex::Regex, Stop> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| fail(format!("invalid regular expression {pattern:?}: {e}")))
}

/// `replace(str, substr, replacement)`; a `substr` wrapped in slashes is a regular
/// expression whose replacement may use `$1`/`${name}`.
pub(super) fn replace(args: &[Value]) -> Out {
    arity(args, 3, 3)?;
    if let Some(out) = replace_in_partly_known(args) {
        return Ok(out);
    }
    all_known(args)?;
    let s = string(&args[0])?;
    let sub = string(&args[1])?;
    let rep = string(&args[2])?;
    let out = if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile(&sub[1..sub.len() - 1])?;
        let matches = re.find_iter(&s).count();
        if matches.saturating_mul(rep.len()).saturating_add(s.len()) > MAX_STRING {
            return Err(fail("result string is too long"));
        }
        re.replace_all(&s, rep.as_str()).into_owned()
    } else {
        let matches = if sub.is_empty() {
            s.chars().count() + 1
        } else {
            s.matches(sub.as_str()).count()
        };
        if matches.saturating_mul(rep.len()).saturating_add(s.len()) > MAX_STRING {
            return Err(fail("result string is too long"));
        }
        s.replace(sub.as_str(), &rep)
    };
    Ok(Value::String(out))
}

/// `replace` of a literal substring where the string or the replacement is only
/// partly known, keeping every known part. terraform-aws-s3-bucket writes
/// `_S3_BUCKET_ARN_` into its policy documents and replaces it with the bucket's ARN:
/// each string leaf of the document is replaced on its own, so the statements stay
/// readable. `None` (the result is unknown) when the substring is a regular
/// expression, or could match across a hole or across JSON syntax (it holds a quote,
/// a backslash or a control character, or occurs in a key, number or literal).
fn replace_in_partly_known(args: &[Value]) -> Option<Value> {
    let [text, Value::String(sub), rep] = args else {
        return None;
    };
    let regex = sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/');
    let crosses = |c: char| c == '"' || c == '\\' || c == HOLE || c.is_control();
    let plain = !sub.is_empty() && !regex && !sub.chars().any(crosses);
    let rep_usable = matches!(rep, Value::String(_))
        || matches!(rep, Value::Unknown(u) if !u.shape.as_deref().is_some_and(|s| s.contains(sub.as_str())));
    if !plain || !rep_usable || !(text.contains_unknown() || rep.contains_unknown()) {
        return None;
    }
    match text {
        Value::Json(doc) => replace_leaves(doc, sub, rep).map(|d| Value::Json(Box::new(d))),
        Value::String(_) | Value::Unknown(_) => replace_leaves(text, sub, rep),
        _ => None,
    }
}

/// [`replace_in_partly_known`] over one value of a document.
fn replace_leaves(v: &Value, sub: &str, rep: &Value) -> Option<Value> {
    let literal = |t: &str| (!t.contains(sub)).then(|| v.clone());
    match v {
        Value::String(t) => replace_shaped(t, None, sub, rep),
        Value::Unknown(u) => match &u.shape {
            Some(shape) => replace_shaped(shape, Some(u), sub, rep),
            // Wholly unknown: it stays unknown whatever it holds.
            None => Some(v.clone()),
        },
        Value::Number(n) => literal(&crate::model::value::format_number(*n)),
        Value::Bool(b) => literal(if *b { "true" } else { "false" }),
        Value::Null => literal("null"),
        Value::List(items) => items
            .iter()
            .map(|i| replace_leaves(i, sub, rep))
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        Value::Map(m) => m
            .iter()
            .map(|(k, i)| {
                (!k.contains(sub))
                    .then_some(())
                    .and_then(|()| replace_leaves(i, sub, rep))
                    .map(|i| (k.clone(), i))
            })
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Value::Map),
        Value::Json(doc) => replace_leaves(doc, sub, rep).map(|d| Value::Json(Box::new(d))),
    }
}

/// Replace `sub` in a string's literal text (holes marked by [`HOLE`], standing for
/// `unknown`'s references) by `rep`, a string or an unknown; `None` past the
/// string length limit.
fn replace_shaped(text: &str, unknown: Option<&Unknown>, sub: &str, rep: &Value) -> Option<Value> {
    let matches = text.matches(sub).count();
    if matches == 0 {
        return Some(match unknown {
            Some(u) => Value::Unknown(Box::new(u.clone())),
            None => Value::str(text),
        });
    }
    let mut acc = unknown.cloned().unwrap_or_default();
    let with = match rep {
        Value::Unknown(r) => {
            acc.refs.extend(r.refs.iter().cloned());
            acc.unresolved |= r.unresolved;
            r.shape.clone().unwrap_or_else(|| HOLE.to_string())
        }
        other => other.to_tf_string().unwrap_or_default(),
    };
    if matches
        .saturating_mul(with.len())
        .saturating_add(text.len())
        > MAX_STRING
    {
        return None;
    }
    let out = text.replace(sub, &with);
    Some(if out.contains(HOLE) {
        acc.shape = Some(out);
        Value::Unknown(Box::new(acc))
    } else {
        Value::String(out)
    })
}

/// What one match of a pattern yields: the matched text without capture groups, a
/// list of groups, or an object of named groups (unmatched groups are null).
fn captures_value(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return caps.get(0).map_or(Value::Null, |m| Value::str(m.as_str()));
    }
    let group = |i: usize| caps.get(i).map_or(Value::Null, |m| Value::str(m.as_str()));
    if names.iter().all(Option::is_some) {
        let map: BTreeMap<String, Value> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n.to_string(), group(i + 1))))
            .collect();
        Value::Map(map)
    } else {
        Value::List((1..=names.len()).map(group).collect())
    }
}

/// `regex(pattern, str)` (first match, error when none) and `regexall` (all matches).
pub(super) fn regex(args: &[Value], all: bool) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let pattern = string(&args[0])?;
    let s = string(&args[1])?;
    let re = compile(&pattern)?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().any(Option::is_some) && names.iter().any(Option::is_none) {
        return Err(fail(
            "invalid regular expression: cannot mix both named and unnamed capture groups",
        ));
    }
    if all {
        let mut out = Vec::new();
        for caps in re.captures_iter(&s) {
            out.push(captures_value(&re, &caps));
            check_size(out.len())?;
        }
        return Ok(Value::List(out));
    }
    match re.captures(&s) {
        Some(caps) => Ok(captures_value(&re, &caps)),
        None => Err(fail("pattern did not match any part of the given string")),
    }
}

/// `tostring`: primitives convert, null stays null, unknowns stay as they are.
pub(super) fn tostring(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        v @ (Value::Null | Value::String(_) | Value::Unknown(_) | Value::Json(_)) => Ok(v.clone()),
        v @ (Value::Number(_) | Value::Bool(_)) => {
            Ok(Value::String(v.to_tf_string().unwrap_or_default()))
        }
        other => Err(fail(format!(
            "cannot convert {} to string",
            other.type_name()
        ))),
    }
}

/// `tonumber`: numbers and numeric strings; null stays null.
pub(super) fn tonumber(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::String(s) => parse_number(s)
            .map(Value::Number)
            .ok_or_else(|| fail("cannot convert this string to number")),
        Value::Bool(_) | Value::List(_) | Value::Map(_) => Err(fail(format!(
            "cannot convert {} to number",
            args[0].type_name()
        ))),
        other => number(other).map(Value::Number),
    }
}

/// `tobool`: bools and the strings `"true"`/`"false"`; null stays null.
pub(super) fn tobool(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v @ (Value::Unknown(_) | Value::Json(_)) => Err(Stop::Done(unknown_of([v]))),
        other => other
            .to_tf_bool()
            .map(Value::Bool)
            .ok_or_else(|| fail(format!("cannot convert this {} to bool", other.type_name()))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::{Unknown, Value, HOLE};

    #[test]
    fn case_functions() {
        assert_eq!(ok("lower", &[s("HeLLo Σ")]), s("hello σ"));
        assert_eq!(ok("upper", &[s("straße")]), s("STRAßE"));
        assert_eq!(
            ok("title", &[s("hello world-foo_bar 1a")]),
            s("Hello World-Foo_bar 1a")
        );
        assert_eq!(ok("upper", &[n(1.0)]), s("1"));
        assert!(err("lower", &[Value::Null]));
        assert!(err("lower", &[list(&[])]));
    }

    #[test]
    fn case_of_shaped_unknown_keeps_shape() {
        let v = shaped("ARN:\u{FFFC}:X", &["aws_s3_bucket.b.id"]);
        let Value::Unknown(u) = ok("lower", &[v]) else {
            panic!("expected unknown")
        };
        assert_eq!(u.shape.as_deref(), Some("arn:\u{FFFC}:x"));
        assert_eq!(u.refs, vec!["aws_s3_bucket.b.id".to_string()]);
    }

    #[test]
    fn trimming() {
        assert_eq!(ok("trimspace", &[s("  a b \n\t")]), s("a b"));
        assert_eq!(ok("trim", &[s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trimprefix", &[s("helloworld"), s("hello")]), s("world"));
        assert_eq!(
            ok("trimprefix", &[s("helloworld"), s("x")]),
            s("helloworld")
        );
        assert_eq!(ok("trimsuffix", &[s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("chomp", &[s("hello\n\r\n")]), s("hello"));
        assert_eq!(ok("strrev", &[s("abc")]), s("cba"));
        assert_eq!(ok("indent", &[n(2.0), s("a\nb\n")]), s("a\n  b\n  "));
        assert!(err("indent", &[n(-1.0), s("a")]));
        assert!(err("indent", &[n(1e12), s("a\nb")]));
    }

    #[test]
    fn trimming_shaped_unknowns() {
        let v = shaped("arn:aws:iam::\u{FFFC}:role/x", &[]);
        let Value::Unknown(u) = ok("trimprefix", &[v.clone(), s("arn:aws:")]) else {
            panic!()
        };
        assert_eq!(u.shape.as_deref(), Some("iam::\u{FFFC}:role/x"));
        let Value::Unknown(u) = ok("trimprefix", &[v.clone(), s("zzz")]) else {
            panic!()
        };
        assert_eq!(u.shape.as_deref(), Some("arn:aws:iam::\u{FFFC}:role/x"));
        let Value::Unknown(u) = ok("trimsuffix", &[v.clone(), s("/x")]) else {
            panic!()
        };
        assert_eq!(u.shape.as_deref(), Some("arn:aws:iam::\u{FFFC}:role"));
        // The prefix runs into the hole: cannot tell.
        let Value::Unknown(u) = ok("trimprefix", &[v, s("arn:aws:iam::123")]) else {
            panic!()
        };
        assert_eq!(u.shape, None);
    }

    #[test]
    fn substr_follows_go_cty() {
        assert_eq!(ok("substr", &[s("hello world"), n(1.0), n(4.0)]), s("ello"));
        assert_eq!(ok("substr", &[s("🤔🤷"), n(0.0), n(1.0)]), s("🤔"));
        assert_eq!(
            ok("substr", &[s("hello world"), n(-5.0), n(-1.0)]),
            s("world")
        );
        assert_eq!(ok("substr", &[s("hello"), n(10.0), n(2.0)]), s(""));
        assert_eq!(ok("substr", &[s("hello"), n(5.0), n(2.0)]), s(""));
        assert_eq!(ok("substr", &[s("hello"), n(1.0), n(0.0)]), s(""));
        assert_eq!(ok("substr", &[s("hello"), n(-2.0), n(0.0)]), s("lo"));
        assert_eq!(ok("substr", &[s("hello"), n(-20.0), n(2.0)]), s("he"));
        assert_eq!(ok("substr", &[s("hello"), n(3.0), n(100.0)]), s("lo"));
        assert!(err("substr", &[s("hello"), n(1.5), n(1.0)]));
    }

    #[test]
    fn prefix_and_suffix_tests() {
        assert_eq!(ok("startswith", &[s("hello"), s("he")]), Value::Bool(true));
        assert_eq!(ok("endswith", &[s("hello"), s("he")]), Value::Bool(false));
        assert_eq!(ok("strcontains", &[s("hello"), s("ll")]), Value::Bool(true));
        let v = shaped("arn:aws:s3:::\u{FFFC}/*", &["aws_s3_bucket.b.id"]);
        assert_eq!(
            ok("startswith", &[v.clone(), s("arn:aws:s3")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("startswith", &[v.clone(), s("arn:aws:iam")]),
            Value::Bool(false)
        );
        assert!(ok("startswith", &[v.clone(), s("arn:aws:s3:::bucket")]).is_unknown());
        assert_eq!(ok("endswith", &[v.clone(), s("/*")]), Value::Bool(true));
        assert_eq!(ok("endswith", &[v.clone(), s(".json")]), Value::Bool(false));
        assert_eq!(ok("strcontains", &[v.clone(), s("s3")]), Value::Bool(true));
        assert!(ok("strcontains", &[v, s("zzz")]).is_unknown());
        assert!(ok("startswith", &[Value::unresolved(), s("a")]).is_unknown());
    }

    #[test]
    fn split_like_go() {
        assert_eq!(
            ok("split", &[s(","), s("a,b,,c")]),
            strs(&["a", "b", "", "c"])
        );
        assert_eq!(ok("split", &[s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", &[s(""), s("ab")]), strs(&["a", "b"]));
        assert_eq!(ok("split", &[s(""), s("")]), strs(&[]));
    }

    #[test]
    fn join_with_holes() {
        assert_eq!(
            ok("join", &[s("-"), strs(&["a", "b"]), strs(&["c"])]),
            s("a-b-c")
        );
        assert_eq!(
            ok("join", &[s(","), list(&[n(1.0), Value::Bool(true)])]),
            s("1,true")
        );
        let joined = ok(
            "join",
            &[
                s(","),
                list(&[s("a"), Value::reference("aws_s3_bucket.b.arn".into())]),
            ],
        );
        assert_eq!(
            joined,
            Value::Unknown(Box::new(Unknown {
                refs: vec!["aws_s3_bucket.b.arn".into()],
                shape: Some(format!("a,{HOLE}")),
                unresolved: false,
            }))
        );
        let Value::Unknown(u) = ok("join", &[s(","), Value::unresolved()]) else {
            panic!()
        };
        assert!(u.unresolved && u.shape.is_none());
        assert!(err("join", &[s(","), list(&[Value::Null])]));
        assert!(err("join", &[s(",")]));
    }

    #[test]
    fn join_of_one_partly_known_document_is_that_document() {
        let arn = shaped(&format!("arn:aws:s3:::{HOLE}"), &["b.arn"]);
        let doc = Value::Json(Box::new(map(&[("Resource", arn)])));
        assert_eq!(ok("join", &[s(""), list(std::slice::from_ref(&doc))]), doc);
        // Two elements: a string with holes, no longer a document.
        let two = ok("join", &[s(""), list(&[doc.clone(), s("x")])]);
        assert!(!matches!(two, Value::Json(_)));
    }

    #[test]
    fn replace_keeps_the_known_parts_of_a_document() {
        let doc = Value::Json(Box::new(map(&[
            ("Effect", s("Deny")),
            ("Resource", list(&[s("_ARN_"), s("_ARN_/*")])),
        ])));
        let arn = Value::reference("aws_s3_bucket.b.arn".into());
        let want = Value::Json(Box::new(map(&[
            ("Effect", s("Deny")),
            (
                "Resource",
                list(&[
                    shaped(&HOLE.to_string(), &["aws_s3_bucket.b.arn"]),
                    shaped(&format!("{HOLE}/*"), &["aws_s3_bucket.b.arn"]),
                ]),
            ),
        ])));
        assert_eq!(ok("replace", &[doc.clone(), s("_ARN_"), arn.clone()]), want);
        // A known replacement into a templated string keeps its other hole.
        let t = shaped(&format!("_ID_-{HOLE}"), &["x.y.id"]);
        let want = shaped(&format!("a-{HOLE}"), &["x.y.id"]);
        assert_eq!(ok("replace", &[t, s("_ID_"), s("a")]), want);
        // A pattern that could cross JSON syntax, or a regular expression: unknown.
        assert!(ok("replace", &[doc.clone(), s("\"Deny"), arn.clone()]).is_unknown());
        assert!(ok("replace", &[doc.clone(), s("/_ARN_/"), arn.clone()]).is_unknown());
        let keyed = Value::Json(Box::new(map(&[("_ARN_", s("x"))])));
        assert!(ok("replace", &[keyed, s("_ARN_"), arn]).is_unknown());
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(
            ok("replace", &[s("1 + 2 + 3"), s("+"), s("-")]),
            s("1 - 2 - 3")
        );
        assert_eq!(
            ok("replace", &[s("hello world"), s("/w.*d/"), s("everybody")]),
            s("hello everybody")
        );
        assert_eq!(
            ok(
                "replace",
                &[s("2024-01-02"), s("/(\\d+)-(\\d+)-(\\d+)/"), s("$3.$2.$1")]
            ),
            s("02.01.2024")
        );
        assert_eq!(ok("replace", &[s("ab"), s(""), s("x")]), s("xaxbx"));
        assert_eq!(ok("replace", &[s("a/b"), s("/"), s("x")]), s("axb"));
        assert!(err("replace", &[s("a"), s("/(/"), s("x")]));
        assert!(ok("replace", &[Value::unresolved(), s("a"), s("b")]).is_unknown());
    }

    #[test]
    fn regex_results_by_group_kind() {
        assert_eq!(
            ok("regex", &[s("[a-z]+"), s("53453453.345345aaabbbccc23454")]),
            s("aaabbbccc")
        );
        assert_eq!(
            ok("regex", &[s("(\\d\\d\\d\\d)-(\\d\\d)"), s("2019-02")]),
            strs(&["2019", "02"])
        );
        assert_eq!(
            ok("regex", &[s("(?P<y>\\d+)-(?P<m>\\d+)"), s("2019-02")]),
            map(&[("m", s("02")), ("y", s("2019"))])
        );
        assert_eq!(
            ok("regex", &[s("(a)|(b)"), s("b")]),
            list(&[Value::Null, s("b")])
        );
        assert!(err("regex", &[s("x"), s("abc")]));
        assert!(err("regex", &[s("(?P<a>x)(y)"), s("xy")]));
        assert_eq!(
            ok("regexall", &[s("[a-z]+"), s("1a2bb3")]),
            strs(&["a", "bb"])
        );
        assert_eq!(ok("regexall", &[s("z"), s("abc")]), strs(&[]));
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("tostring", &[n(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", &[Value::Bool(true)]), s("true"));
        assert_eq!(ok("tostring", &[Value::Null]), Value::Null);
        assert!(err("tostring", &[list(&[])]));
        let j = Value::Json(Box::new(Value::unresolved()));
        assert_eq!(ok("tostring", std::slice::from_ref(&j)), j);
        assert_eq!(ok("tonumber", &[s("42")]), n(42.0));
        assert_eq!(ok("tonumber", &[s("-1.5e3")]), n(-1500.0));
        assert!(err("tonumber", &[s("abc")]));
        assert!(err("tonumber", &[s("inf")]));
        assert!(err("tonumber", &[Value::Bool(true)]));
        assert_eq!(ok("tonumber", &[Value::Null]), Value::Null);
        assert!(ok("tonumber", &[Value::unresolved()]).is_unknown());
        assert_eq!(ok("tobool", &[s("true")]), Value::Bool(true));
        assert!(err("tobool", &[s("yes")]));
        assert!(ok("tobool", &[Value::unresolved()]).is_unknown());
    }
}
