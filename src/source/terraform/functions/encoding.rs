//! JSON, YAML, base64, URL encoding and hashes, byte-exact with Terraform.
//!
//! Terraform encodes JSON with Go's `encoding/json` (object keys sorted, no spaces,
//! `<`, `>`, `&`, U+2028 and U+2029 escaped) and YAML with go-cty-yaml, a port of
//! libyaml's emitter; both are reproduced here because resource names, hashes and
//! policy comparisons are computed from these exact bytes.

use super::{all_known, arity, fail, resource_address, string, unknown_of, FnError, Out, Stop};
use crate::model::value::{format_number, Value};
use base64::Engine as _;
use sha2::Digest as _;
use std::fmt::Write as _;

/// Replace resource objects (maps carrying the evaluator's internal address key) by
/// references: their attributes computed after apply are not in the map, so their
/// encoding is unknown.
fn hide_resources(v: &Value) -> Value {
    match v {
        Value::Map(map) => match resource_address(map) {
            Some(addr) => Value::reference(addr.to_string()),
            None => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), hide_resources(v)))
                    .collect(),
            ),
        },
        Value::List(items) => Value::List(items.iter().map(hide_resources).collect()),
        Value::Json(inner) => Value::Json(Box::new(hide_resources(inner))),
        other => other.clone(),
    }
}

/// A JSON string literal as Go's `encoding/json` writes it.
pub(super) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Terraform's compact JSON encoding of a wholly known value.
pub(super) fn json_text(v: &Value) -> Result<String, Stop> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value, out: &mut String) -> Result<(), Stop> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Value::Number(_) => return Err(fail("cannot serialize infinity as JSON")),
        Value::String(s) => out.push_str(&json_quote(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            if let Some(addr) = resource_address(map) {
                return Err(Stop::Done(Value::reference(addr.to_string())));
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Json(_) | Value::Unknown(_) => return Err(Stop::Done(unknown_of([v]))),
    }
    if out.len() > super::MAX_STRING {
        return Err(fail("result string is too long"));
    }
    Ok(())
}

/// `jsonencode(value)`: a string when the value is wholly known, else the value itself
/// wrapped as [`Value::Json`] so that its known structure stays visible.
pub(super) fn jsonencode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let v = hide_resources(&args[0]);
    if v.contains_unknown() {
        return Ok(Value::Json(Box::new(v)));
    }
    json_text(&v).map(Value::String)
}

/// `jsondecode(string)`; a partly known JSON document decodes to its structure.
pub(super) fn jsondecode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    if let Value::Json(inner) = &args[0] {
        return Ok((**inner).clone());
    }
    let text = string(&args[0])?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
    Ok(Value::from_json(&json))
}

/// `yamlencode(value)`; unknown when any part of the value is.
pub(super) fn yamlencode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let v = hide_resources(&args[0]);
    if v.contains_unknown() {
        return Ok(unknown_of([&v]));
    }
    let mut y = Yaml::default();
    y.node(&v, Position::Root, false)?;
    y.write_indent();
    if y.open_ended {
        y.write_indicator("...", true, false, false);
        y.write_indent();
    }
    Ok(Value::String(y.out))
}

/// Where a YAML node is emitted (libyaml's context flags).
#[derive(Clone, Copy, PartialEq)]
enum Position {
    Root,
    Sequence,
    Mapping,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// The subset of libyaml's emitter (as vendored by go-cty-yaml) that Terraform's
/// `yamlencode` exercises: block collections, `[]`/`{}` for empty ones, plain
/// numbers/bools/null, double-quoted strings folded at 80 columns, and literal
/// blocks for multi-line strings.
struct Yaml {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

impl Default for Yaml {
    fn default() -> Self {
        Yaml {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }
}

/// libyaml's preferred line width for folding double-quoted scalars.
const YAML_WIDTH: usize = 80;

fn yaml_is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable` (note: it rejects every character outside the BMP).
fn yaml_is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

impl Yaml {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        s.chars().for_each(|c| self.put(c));
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { 2 } else { 0 };
        } else if !indentless {
            self.indent += 2;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn check_size(&self) -> Result<(), Stop> {
        if self.out.len() > super::MAX_STRING {
            return Err(fail("result string is too long"));
        }
        Ok(())
    }

    fn node(&mut self, v: &Value, ctx: Position, simple_key: bool) -> Result<(), Stop> {
        self.check_size()?;
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx, simple_key),
            Value::Bool(b) => self.scalar(
                if *b { "true" } else { "false" },
                Style::Plain,
                ctx,
                simple_key,
            ),
            Value::Number(n) if n.is_infinite() => self.scalar(
                if *n > 0.0 { "+Inf" } else { "-Inf" },
                Style::Plain,
                ctx,
                simple_key,
            ),
            Value::Number(n) => self.scalar(&format_number(*n), Style::Plain, ctx, simple_key),
            Value::String(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else {
                    Style::DoubleQuoted
                };
                self.scalar(s, style, ctx, simple_key)
            }
            Value::List(items) if items.is_empty() => {
                self.write_indicator("[", true, true, false);
                self.write_indicator("]", false, false, false);
                Ok(())
            }
            Value::Map(map) if map.is_empty() => {
                self.write_indicator("{", true, true, false);
                self.write_indicator("}", false, false, false);
                Ok(())
            }
            Value::List(items) => {
                self.increase_indent(false, ctx == Position::Mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Position::Sequence, false)?;
                }
                self.pop_indent();
                Ok(())
            }
            Value::Map(map) => {
                self.increase_indent(false, false);
                for (k, item) in map {
                    self.write_indent();
                    let simple = k.len() <= 128 && !k.chars().any(yaml_is_break);
                    let key = Value::String(k.clone());
                    if simple {
                        self.node(&key, Position::Mapping, true)?;
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(&key, Position::Mapping, false)?;
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(item, Position::Mapping, false)?;
                }
                self.pop_indent();
                Ok(())
            }
            Value::Json(_) | Value::Unknown(_) => Err(Stop::Done(unknown_of([v]))),
        }
    }

    fn scalar(
        &mut self,
        s: &str,
        style: Style,
        ctx: Position,
        simple_key: bool,
    ) -> Result<(), Stop> {
        let multiline = s.chars().any(yaml_is_break);
        let mut style = style;
        if simple_key && multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (simple_key || !literal_allowed(s)) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                if !self.whitespace {
                    self.put(' ');
                }
                s.chars().for_each(|c| self.put(c));
                self.whitespace = false;
                self.indention = false;
                if ctx == Position::Root {
                    self.open_ended = true;
                }
            }
            Style::DoubleQuoted => self.double_quoted(s, !simple_key),
            Style::Literal => self.literal(s),
        }
        self.pop_indent();
        self.check_size()
    }

    fn double_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !yaml_is_printable(c) || c == '\u{FEFF}' || yaml_is_break(c) || c == '"' || c == '\\'
            {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let u = c as u32;
                        let (tag, width) = if u <= 0xFF {
                            ('x', 2)
                        } else if u <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(tag);
                        for k in (0..width).rev() {
                            let digit = (u >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16)
                                    .unwrap_or('0')
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                let last = i + 1 >= s.len();
                if allow_breaks && !spaces && self.column > YAML_WIDTH && i > 0 && !last {
                    self.write_indent();
                    if let Some((_, ' ')) = chars.peek() {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || yaml_is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        self.open_ended = false;
        let mut rev = s.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (Some(last), _) if !yaml_is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if yaml_is_break(prev) => Some("+"),
            _ => None,
        };
        if let Some(hint) = chomp {
            self.write_indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if yaml_is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.put(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// libyaml's analysis of whether a string may be written as a block (literal)
/// scalar: no trailing space, no space before a line break, only printable text.
fn literal_allowed(s: &str) -> bool {
    if s.ends_with(' ') {
        return false;
    }
    let mut prev_space = false;
    for c in s.chars() {
        if !yaml_is_printable(c) {
            return false;
        }
        if yaml_is_break(c) && prev_space {
            return false;
        }
        prev_space = c == ' ';
    }
    true
}

/// Base64 as Go's `StdEncoding`: padded, and lenient about unused trailing bits.
fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    )
}

pub(super) fn base64encode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    Ok(Value::String(b64().encode(string(&args[0])?)))
}

/// `base64decode(str)`: the result must be UTF-8 text, as in Terraform.
pub(super) fn base64decode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let s = string(&args[0])?;
    // Go's decoder skips line breaks.
    let cleaned: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let bytes = b64()
        .decode(cleaned)
        .map_err(|_| fail("failed to decode base64 data"))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| fail("the result of decoding the provided string is not valid UTF-8"))
}

/// Whether an encoding name (as `textencodebase64` takes it) is UTF-8; only that
/// encoding is supported here.
fn is_utf8(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "utf-8" | "utf8")
}

pub(super) fn textencodebase64(args: &[Value]) -> Out {
    utf8_only(args, "textencodebase64")?;
    base64encode(&args[..1])
}

pub(super) fn textdecodebase64(args: &[Value]) -> Out {
    utf8_only(args, "textdecodebase64")?;
    base64decode(&args[..1])
}

/// The arguments of `name` (`text*base64(string, encoding)`), refused as unsupported
/// for any encoding but UTF-8, the only one both directions support here.
fn utf8_only(args: &[Value], name: &str) -> Result<(), Stop> {
    arity(args, 2, 2)?;
    all_known(args)?;
    if !is_utf8(&string(&args[1])?) {
        return Err(Stop::Fail(FnError::Unsupported(name.into())));
    }
    Ok(())
}

/// `urlencode` as Go's `url.QueryEscape`: spaces become `+`.
pub(super) fn urlencode(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let s = string(&args[0])?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Ok(Value::String(out))
}

/// Hash algorithms of the `sha*` functions.
#[derive(Clone, Copy)]
pub(super) enum Digest {
    Sha256,
    Sha512,
}

/// A digest as lowercase hex, or as base64 for the `base64sha*` functions.
pub(super) fn digest(bytes: &[u8], d: Digest, base64: bool) -> Value {
    let raw = match d {
        Digest::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        Digest::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    };
    if base64 {
        return Value::String(b64().encode(raw));
    }
    let mut hex = String::with_capacity(raw.len() * 2);
    for b in raw {
        let _ = write!(hex, "{b:02x}");
    }
    Value::String(hex)
}

/// `sha256`, `sha512`, `base64sha256`, `base64sha512` of a string's UTF-8 bytes.
pub(super) fn hash(args: &[Value], d: Digest, base64: bool) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    Ok(digest(string(&args[0])?.as_bytes(), d, base64))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::Value;

    #[test]
    fn jsonencode_is_byte_exact() {
        let v = map(&[
            ("b", n(1.0)),
            ("a", list(&[s("x"), Value::Bool(true), Value::Null])),
        ]);
        assert_eq!(ok("jsonencode", &[v]), s(r#"{"a":["x",true,null],"b":1}"#));
        assert_eq!(
            ok("jsonencode", &[s("<a&b>\n\u{8}\u{1}\u{2028}é")]),
            s(r#""\u003ca\u0026b\u003e\n\b\u0001\u2028é""#)
        );
        assert_eq!(ok("jsonencode", &[n(1.5)]), s("1.5"));
        assert_eq!(ok("jsonencode", &[n(1e20)]), s("100000000000000000000"));
        assert_eq!(ok("jsonencode", &[n(-0.25)]), s("-0.25"));
        assert_eq!(ok("jsonencode", &[Value::Null]), s("null"));
        assert_eq!(ok("jsonencode", &[map(&[])]), s("{}"));
        assert!(err("jsonencode", &[n(f64::INFINITY)]));
    }

    #[test]
    fn jsonencode_of_unknowns_keeps_structure() {
        let doc = map(&[(
            "Statement",
            list(&[map(&[
                ("Effect", s("Allow")),
                ("Resource", Value::reference("aws_s3_bucket.b.arn".into())),
            ])]),
        )]);
        assert_eq!(
            ok("jsonencode", std::slice::from_ref(&doc)),
            Value::Json(Box::new(doc.clone()))
        );
        // And jsondecode gives the structure back.
        let enc = ok("jsonencode", std::slice::from_ref(&doc));
        assert_eq!(ok("jsondecode", &[enc]), doc);
    }

    #[test]
    fn jsonencode_hides_resource_objects() {
        let res = map(&[("bucket", s("b")), ("\u{0}resource", s("aws_s3_bucket.b"))]);
        let Value::Json(inner) = ok("jsonencode", &[list(&[res])]) else {
            panic!("expected partly known JSON")
        };
        assert_eq!(*inner, list(&[Value::reference("aws_s3_bucket.b".into())]));
    }

    #[test]
    fn jsondecode_values() {
        assert_eq!(
            ok(
                "jsondecode",
                &[s(r#"{"a":[1,"x",null,true],"b":{"c":2.5}}"#)]
            ),
            map(&[
                ("a", list(&[n(1.0), s("x"), Value::Null, Value::Bool(true)])),
                ("b", map(&[("c", n(2.5))])),
            ])
        );
        assert!(err("jsondecode", &[s("{not json")]));
        assert!(err("jsondecode", &[s(&"[".repeat(10_000))]));
        assert!(ok("jsondecode", &[Value::unresolved()]).is_unknown());
        assert!(err("jsondecode", &[Value::Null]));
    }

    #[test]
    fn yamlencode_like_go_cty_yaml() {
        assert_eq!(
            ok("yamlencode", &[map(&[("a", s("b")), ("c", s("d"))])]),
            s("\"a\": \"b\"\n\"c\": \"d\"\n")
        );
        assert_eq!(
            ok(
                "yamlencode",
                &[map(&[
                    ("foo", list(&[n(1.0), n(2.0), n(3.0)])),
                    ("bar", s("baz"))
                ])]
            ),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n")
        );
        assert_eq!(
            ok(
                "yamlencode",
                &[map(&[
                    (
                        "foo",
                        list(&[n(1.0), map(&[("a", s("b")), ("c", s("d"))]), n(3.0)])
                    ),
                    ("bar", s("baz")),
                ])]
            ),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n")
        );
        assert_eq!(ok("yamlencode", &[Value::Bool(true)]), s("true\n...\n"));
        assert_eq!(ok("yamlencode", &[s("")]), s("\"\"\n"));
        assert_eq!(ok("yamlencode", &[s("hello")]), s("\"hello\"\n"));
        assert_eq!(ok("yamlencode", &[n(0.0)]), s("0\n...\n"));
        assert_eq!(ok("yamlencode", &[Value::Null]), s("null\n...\n"));
        assert_eq!(ok("yamlencode", &[map(&[])]), s("{}\n"));
        assert_eq!(ok("yamlencode", &[list(&[])]), s("[]\n"));
        assert_eq!(ok("yamlencode", &[list(&[s("b")])]), s("- \"b\"\n"));
        assert_eq!(
            ok(
                "yamlencode",
                &[map(&[("a", map(&[("b", list(&[])), ("c", Value::Null)]))])]
            ),
            s("\"a\":\n  \"b\": []\n  \"c\": null\n")
        );
        assert_eq!(
            ok("yamlencode", &[list(&[list(&[n(1.0), n(2.0)])])]),
            s("- - 1\n  - 2\n")
        );
        assert_eq!(
            ok("yamlencode", &[map(&[("k", s("a\nb"))])]),
            s("\"k\": |-\n  a\n  b\n")
        );
        assert_eq!(ok("yamlencode", &[s("a\nb\n")]), s("|\n  a\n  b\n"));
        assert_eq!(
            ok("yamlencode", &[s("tab\there \u{7f}")]),
            s("\"tab\\there \\x7F\"\n")
        );
        assert!(ok("yamlencode", &[list(&[Value::unresolved()])]).is_unknown());
    }

    #[test]
    fn yamlencode_folds_long_strings() {
        let long = "word ".repeat(30).trim_end().to_string();
        let Value::String(out) = ok("yamlencode", &[map(&[("k", s(&long))])]) else {
            panic!()
        };
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[1].starts_with("  word"), "{out}");
        assert_eq!(out.replace("\n  ", " "), format!("\"k\": \"{long}\"\n"));
    }

    #[test]
    fn base64_and_text() {
        assert_eq!(
            ok("base64encode", &[s("Hello World")]),
            s("SGVsbG8gV29ybGQ=")
        );
        assert_eq!(
            ok("base64decode", &[s("SGVsbG8gV29ybGQ=")]),
            s("Hello World")
        );
        assert_eq!(
            ok("base64decode", &[s("SGVsbG8g\nV29ybGQ=")]),
            s("Hello World")
        );
        assert!(err("base64decode", &[s("not base64!")]));
        assert!(err("base64decode", &[s("/w==")]));
        assert_eq!(ok("textencodebase64", &[s("hi"), s("UTF-8")]), s("aGk="));
        assert_eq!(ok("textdecodebase64", &[s("aGk="), s("utf-8")]), s("hi"));
        assert!(unsupported("textencodebase64", &[s("hi"), s("UTF-16LE")]));
        assert_eq!(ok("urlencode", &[s("a b&c/é~")]), s("a+b%26c%2F%C3%A9~"));
    }

    #[test]
    fn hashes() {
        assert_eq!(
            ok("sha256", &[s("hello world")]),
            s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        assert_eq!(
            ok("base64sha256", &[s("hello world")]),
            s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
        let Value::String(h) = ok("sha512", &[s("hello world")]) else {
            panic!()
        };
        assert!(h.starts_with("309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f"));
        assert!(ok("sha256", &[Value::unresolved()]).is_unknown());
    }
}
