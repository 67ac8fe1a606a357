//! `format` and `formatlist`: go-cty's printf-like formatting, verb for verb.
//!
//! Numbers follow Go's formatting of `big.Float`/`big.Int` (so `format("%v", 1000000)`
//! is `1e+06`, as in Terraform). An argument that is unknown becomes a hole in the
//! result's shape instead of making the whole string unknown.

use super::encoding::{json_quote, json_text};
use super::{all_known, arity, fail, string, unknown_of, FnError, Out, Shaped, Stop};
use crate::model::value::Value;

/// Widest field width or precision accepted, so that `%999999999d` cannot exhaust memory.
const MAX_WIDTH: usize = 10_000;

/// One `%` verb of a format string.
#[derive(Default)]
struct Verb {
    /// The verb as written, for messages (`%-5[2]s`).
    raw: String,
    /// Byte offset of the verb in the format string.
    offset: usize,
    /// One-based argument index.
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

enum Piece {
    Lit(String),
    Verb(Verb),
}

/// Parse a format string as go-cty's state machine does: flags, width, precision,
/// then an optional `[n]` argument index, then the verb letter.
fn parse(f: &str) -> Result<Vec<Piece>, Stop> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = f.char_indices().peekable();
    let mut next_arg = 1usize;
    let bad_char =
        |i: usize, c: char| fail(format!("unrecognized format character {c:?} at offset {i}"));
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        if let Some((_, '%')) = chars.peek() {
            chars.next();
            lit.push('%');
            continue;
        }
        let mut v = Verb {
            offset: start,
            arg: next_arg,
            ..Verb::default()
        };
        let number =
            |chars: &mut std::iter::Peekable<std::str::CharIndices>| -> Result<usize, Stop> {
                let mut n = 0usize;
                while let Some(&(_, d)) = chars.peek() {
                    let Some(digit) = d.to_digit(10) else { break };
                    n = n.saturating_mul(10).saturating_add(digit as usize);
                    chars.next();
                }
                if n > MAX_WIDTH {
                    return Err(fail(format!("format width or index {n} is too large")));
                }
                Ok(n)
            };
        while let Some(&(_, c)) = chars.peek() {
            match c {
                '0' => v.zero = true,
                '#' => v.sharp = true,
                '-' => v.minus = true,
                '+' => v.plus = true,
                ' ' => v.space = true,
                _ => break,
            }
            chars.next();
        }
        if let Some(&(_, '1'..='9')) = chars.peek() {
            v.width = Some(number(&mut chars)?);
        }
        if let Some(&(_, '.')) = chars.peek() {
            chars.next();
            v.prec = Some(number(&mut chars)?);
        }
        if let Some(&(_, '[')) = chars.peek() {
            chars.next();
            match chars.peek() {
                Some(&(_, '1'..='9')) => v.arg = number(&mut chars)?,
                Some(&(i, c)) => return Err(bad_char(i, c)),
                None => {
                    return Err(fail(format!(
                        "invalid format string starting at offset {start}"
                    )))
                }
            }
            match chars.next() {
                Some((_, ']')) => {}
                Some((i, c)) => return Err(bad_char(i, c)),
                None => {
                    return Err(fail(format!(
                        "invalid format string starting at offset {start}"
                    )))
                }
            }
        }
        match chars.next() {
            Some((i, c)) if c.is_ascii_alphabetic() => {
                v.mode = c;
                v.raw = f[start..i + 1].to_string();
            }
            Some((i, c)) => return Err(bad_char(i, c)),
            None => {
                return Err(fail(format!(
                    "invalid format string starting at offset {start}"
                )))
            }
        }
        next_arg = v.arg.saturating_add(1);
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        pieces.push(Piece::Verb(v));
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

/// Format `args` with a parsed format string; unknown arguments become holes.
fn render(pieces: &[Piece], args: &[Value]) -> Out {
    let mut out = Shaped::default();
    let mut highest = 0;
    for p in pieces {
        let v = match p {
            Piece::Lit(s) => {
                out.push_str(s)?;
                continue;
            }
            Piece::Verb(v) => v,
        };
        highest = highest.max(v.arg);
        let Some(arg) = args.get(v.arg - 1) else {
            return Err(fail(format!(
                "not enough arguments for {:?} at {}: need index {} but have {} total",
                v.raw,
                v.offset,
                v.arg,
                args.len()
            )));
        };
        if arg.contains_unknown() {
            out.push_unknown(arg)?;
            continue;
        }
        out.push_str(&verb(v, arg)?)?;
    }
    if highest < args.len() {
        return Err(fail(if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        }));
    }
    Ok(out.finish())
}

/// Apply one verb to a known argument.
fn verb(v: &Verb, arg: &Value) -> Result<String, Stop> {
    let unsupported = |why: &str| {
        fail(format!(
            "unsupported value for {:?} at {}: {why}",
            v.raw, v.offset
        ))
    };
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match v.mode {
        'v' => {
            let text = match arg {
                Value::String(s) if !v.sharp => s.clone(),
                Value::Number(n) if !v.sharp => shortest(*n),
                other => json_text(other)?,
            };
            Ok(pad(v, text))
        }
        't' => match arg.to_tf_bool() {
            Some(b) => Ok(b.to_string()),
            None => Err(unsupported("a bool is required")),
        },
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = match arg {
                Value::Number(n) => *n,
                Value::String(s) => {
                    super::parse_number(s).ok_or_else(|| unsupported("a number is required"))?
                }
                _ => return Err(unsupported("a number is required")),
            };
            if matches!(v.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                integer(v, n).ok_or_else(|| unsupported("an integer is required"))?
            } else {
                Ok(float(v, n))
            }
        }
        's' | 'q' => {
            let mut s = match arg {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => arg.to_tf_string().unwrap_or_default(),
                _ => return Err(unsupported("a string is required")),
            };
            if let Some(p) = v.prec.filter(|p| *p > 0) {
                if let Some((i, _)) = s.char_indices().nth(p) {
                    s.truncate(i);
                }
            }
            Ok(pad(v, if v.mode == 'q' { json_quote(&s) } else { s }))
        }
        other => Err(fail(format!(
            "unsupported format verb {other:?} in {:?} at offset {}",
            v.raw, v.offset
        ))),
    }
}

/// go-cty's padding for strings and `%v`: the zero flag pads with zeros even on the
/// right and before a sign, as it does there.
fn pad(v: &Verb, s: String) -> String {
    let Some(width) = v.width else { return s };
    let len = s.chars().count();
    if len >= width {
        return s;
    }
    let pads = (if v.zero { "0" } else { " " }).repeat(width - len);
    if v.minus {
        s + &pads
    } else {
        pads + &s
    }
}

/// Go's `big.Int` formatting for `%b %d %o %x %X`; `None` for a non-integer. Values
/// beyond i128 are left to Terraform: the call fails as unsupported.
fn integer(v: &Verb, n: f64) -> Option<Result<String, Stop>> {
    if n.fract() != 0.0 || !n.is_finite() {
        return None;
    }
    if n.abs() >= 1.0e38 {
        return Some(Err(Stop::Fail(FnError::Unsupported("format".into()))));
    }
    let i = n as i128;
    let abs = i.unsigned_abs();
    let sign = if i < 0 {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let digits = match v.mode {
        'b' => format!("{abs:b}"),
        'o' => format!("{abs:o}"),
        'x' => format!("{abs:x}"),
        'X' => format!("{abs:X}"),
        _ => abs.to_string(),
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return Some(Ok(String::new()));
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width.filter(|w| *w > len) {
        let d = w - len;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    Some(Ok(format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )))
}

/// Go's `big.Float` formatting for `%e %E %f %g %G` with flags and width.
fn float(v: &Verb, n: f64) -> String {
    let body = go_float(n.abs(), v.mode.to_ascii_lowercase(), v.prec);
    let body = if v.mode.is_ascii_uppercase() {
        body.to_uppercase().replace("INF", "Inf")
    } else {
        body
    };
    let (sign, body) = if n.is_sign_negative() && n != 0.0 {
        ("-", body)
    } else if n.is_infinite() {
        (if v.space { " " } else { "+" }, body)
    } else if v.plus {
        ("+", body)
    } else if v.space {
        (" ", body)
    } else {
        ("", body)
    };
    let padding = v
        .width
        .map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    if v.zero && n.is_finite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Decimal digits (no trailing zeros) and exponent of `x >= 0`, with `x = 0.d1d2… ×
/// 10^exp` as Go's `big` package counts, rounded to `sig` significant digits or
/// shortest when `None`.
fn digits(x: f64, sig: Option<usize>) -> (String, i32) {
    if x == 0.0 {
        return (String::new(), 0);
    }
    let sci = match sig {
        Some(p) => format!("{:.*e}", p.saturating_sub(1), x),
        None => format!("{x:e}"),
    };
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0').to_string();
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// Go's `fmtE`: one digit, `prec` decimals, and an exponent of at least two digits.
fn fmt_e(d: &str, exp: i32, prec: usize) -> String {
    let mut s = String::new();
    s.push(d.chars().next().unwrap_or('0'));
    if prec > 0 {
        s.push('.');
        let frac: String = d.chars().skip(1).take(prec).collect();
        s.push_str(&frac);
        s.push_str(&"0".repeat(prec - frac.len()));
    }
    let e = if d.is_empty() { 0 } else { exp - 1 };
    s.push_str(&format!(
        "e{}{:02}",
        if e < 0 { '-' } else { '+' },
        e.unsigned_abs()
    ));
    s
}

/// Go's `fmtF` over decimal digits: integer part, then `prec` decimals.
fn fmt_f(d: &str, exp: i32, prec: usize) -> String {
    let digit = |i: i32| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| d.as_bytes().get(i))
            .map_or('0', |b| *b as char)
    };
    let mut s = String::new();
    if exp > 0 {
        (0..exp).for_each(|i| s.push(digit(i)));
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        (0..prec as i32).for_each(|i| s.push(digit(exp + i)));
    }
    s
}

/// Go's `big.Float.Text(mode, prec)` for `x >= 0` and mode `e`, `f` or `g`; `prec`
/// `None` is Go's default (6 for `e`/`f`, shortest for `g`).
fn go_float(x: f64, mode: char, prec: Option<usize>) -> String {
    if x.is_infinite() {
        return "Inf".to_string();
    }
    if x.is_nan() {
        return "NaN".to_string();
    }
    match mode {
        'e' => {
            let p = prec.unwrap_or(6);
            let (d, exp) = digits(x, Some(p + 1));
            fmt_e(&d, exp, p)
        }
        'f' => format!("{:.*}", prec.unwrap_or(6), x),
        _ => {
            let (d, exp, eprec, p) = match prec {
                None => {
                    let (d, exp) = digits(x, None);
                    let len = d.len();
                    (d, exp, 6, len)
                }
                Some(p) => {
                    let p = p.max(1);
                    let (d, exp) = digits(x, Some(p));
                    let mut eprec = p;
                    if eprec > d.len() && d.len() as i32 >= exp {
                        eprec = d.len();
                    }
                    (d, exp, eprec, p)
                }
            };
            let e = exp - 1;
            if e < -4 || e >= eprec as i32 {
                let p = p.min(d.len());
                fmt_e(&d, exp, p.saturating_sub(1))
            } else {
                let p = if p as i32 > exp { d.len() } else { p };
                fmt_f(&d, exp, (p as i32 - exp).max(0) as usize)
            }
        }
    }
}

/// Go's `big.Float.Text('g', -1)`, the default rendering of a number by `%v`.
fn shortest(n: f64) -> String {
    if n.is_sign_negative() && n != 0.0 {
        format!("-{}", go_float(-n, 'g', None))
    } else if n.is_infinite() {
        "+Inf".to_string()
    } else {
        go_float(n, 'g', None)
    }
}

/// `format(spec, args...)`.
pub(super) fn format(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    all_known(&args[..1])?;
    let pieces = parse(&string(&args[0])?)?;
    render(&pieces, &args[1..])
}

/// `formatlist(spec, args...)`: list arguments (all of the same length) are iterated
/// together, other arguments repeat. An unknown list makes the result unknown.
pub(super) fn formatlist(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    all_known(&args[..1])?;
    let pieces = parse(&string(&args[0])?)?;
    let rest = &args[1..];
    if rest.iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let mut len: Option<(usize, usize)> = None;
    for (i, a) in rest.iter().enumerate() {
        if let Value::List(items) = a {
            match len {
                None => len = Some((items.len(), i)),
                Some((l, j)) if l != items.len() => {
                    return Err(fail(format!(
                        "argument {} has length {}, which is inconsistent with argument {} of length {l}",
                        i + 2,
                        items.len(),
                        j + 2
                    )))
                }
                Some(_) => {}
            }
        }
    }
    let n = len.map_or(1, |(l, _)| l);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let row: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(items) => items.get(k).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        out.push(render(&pieces, &row).map_err(|e| match e {
            Stop::Fail(FnError::Invalid(m)) => fail(format!("error on format iteration {k}: {m}")),
            other => other,
        })?);
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::{Unknown, Value, HOLE};

    fn f(spec: &str, args: &[Value]) -> Value {
        let mut all = vec![s(spec)];
        all.extend_from_slice(args);
        ok("format", &all)
    }

    fn fails(spec: &str, args: &[Value]) -> bool {
        let mut all = vec![s(spec)];
        all.extend_from_slice(args);
        err("format", &all)
    }

    #[test]
    fn strings_and_padding() {
        assert_eq!(f("Hello, %s!", &[s("Ander")]), s("Hello, Ander!"));
        assert_eq!(f("%5s|%-5s|", &[s("ab"), s("cd")]), s("   ab|cd   |"));
        assert_eq!(f("%05s", &[s("ab")]), s("000ab"));
        assert_eq!(f("%.2s", &[s("hello")]), s("he"));
        assert_eq!(f("%.0s", &[s("hello")]), s("hello"));
        assert_eq!(f("%q", &[s("a\"b<")]), s("\"a\\\"b\\u003c\""));
        assert_eq!(f("%s", &[n(1000000.0)]), s("1000000"));
        assert_eq!(f("100%%", &[]), s("100%"));
        assert_eq!(f("%[2]s %[1]s %s", &[s("a"), s("b")]), s("b a b"));
    }

    #[test]
    fn values_and_json() {
        assert_eq!(f("%v", &[n(1000000.0)]), s("1e+06"));
        let res = map(&[("\u{0}resource", s("aws_s3_bucket.b"))]);
        assert_eq!(f("%v", &[res]), Value::reference("aws_s3_bucket.b".into()));
        assert_eq!(f("%v", &[n(123456.0)]), s("123456"));
        assert_eq!(f("%v", &[n(0.5)]), s("0.5"));
        assert_eq!(f("%v", &[n(0.00001)]), s("1e-05"));
        assert_eq!(f("%v", &[n(0.0)]), s("0"));
        assert_eq!(f("%v", &[n(-2.5)]), s("-2.5"));
        assert_eq!(f("%v", &[Value::Bool(true)]), s("true"));
        assert_eq!(f("%v", &[Value::Null]), s("null"));
        assert_eq!(f("%v", &[list(&[n(1.0), s("a")])]), s("[1,\"a\"]"));
        assert_eq!(f("%#v", &[s("a")]), s("\"a\""));
        assert_eq!(f("%t", &[s("true")]), s("true"));
        assert!(fails("%t", &[n(1.0)]));
    }

    #[test]
    fn numbers_like_go() {
        assert_eq!(f("%d", &[n(42.0)]), s("42"));
        assert_eq!(f("%d", &[s("42")]), s("42"));
        assert_eq!(
            f("%5d|%-5d|%05d", &[n(42.0), n(42.0), n(-42.0)]),
            s("   42|42   |-0042")
        );
        assert_eq!(f("%+d % d", &[n(5.0), n(5.0)]), s("+5  5"));
        assert_eq!(f("%.3d", &[n(7.0)]), s("007"));
        assert_eq!(
            f(
                "%x %X %o %b %#x",
                &[n(255.0), n(255.0), n(8.0), n(5.0), n(255.0)]
            ),
            s("ff FF 10 101 0xff")
        );
        assert_eq!(f("%f", &[n(1.23456)]), s("1.234560"));
        assert_eq!(f("%.2f", &[n(1.23456)]), s("1.23"));
        assert_eq!(
            f("%8.2f|%-8.2f|%08.2f", &[n(-1.23456), n(3.0), n(-3.0)]),
            s("   -1.23|3.00    |-0003.00")
        );
        assert_eq!(f("%e", &[n(123456.789)]), s("1.234568e+05"));
        assert_eq!(f("%.2E", &[n(0.000123)]), s("1.23E-04"));
        assert_eq!(f("%g", &[n(0.000012345)]), s("1.2345e-05"));
        assert_eq!(f("%.3g", &[n(1234.5678)]), s("1.23e+03"));
        assert_eq!(f("%.3g", &[n(1.5)]), s("1.5"));
        assert_eq!(f("%g", &[n(100.0)]), s("100"));
        assert!(fails("%d", &[n(1.5)]));
        assert!(fails("%d", &[s("abc")]));
        assert!(fails("%d", &[Value::Null]));
    }

    #[test]
    fn errors() {
        assert!(fails("%s %s", &[s("a")]));
        assert!(fails("%s", &[s("a"), s("b")]));
        assert!(fails("no verbs", &[s("a")]));
        assert!(fails("%", &[]));
        assert!(fails("%y", &[s("a")]));
        assert!(fails("%!", &[s("a")]));
        assert!(fails("%99999999999s", &[s("a")]));
        assert!(fails("%[0]s", &[s("a")]));
        assert!(fails("%s", &[list(&[])]));
    }

    #[test]
    fn unknown_arguments_become_holes() {
        let v = f(
            "arn:aws:s3:::%s/*",
            &[Value::reference("aws_s3_bucket.b.id".into())],
        );
        assert_eq!(
            v,
            Value::Unknown(Box::new(Unknown {
                refs: vec!["aws_s3_bucket.b.id".into()],
                shape: Some(format!("arn:aws:s3:::{HOLE}/*")),
                unresolved: false,
            }))
        );
        // A shaped argument splices its shape in.
        let inner = shaped("x-\u{FFFC}", &["aws_kms_key.k.id"]);
        let Value::Unknown(u) = f("<%s>", &[inner]) else {
            panic!()
        };
        assert_eq!(u.shape.as_deref(), Some("<x-\u{FFFC}>"));
        // An unknown format string makes everything unknown.
        let Value::Unknown(u) = ok("format", &[Value::unresolved(), s("a")]) else {
            panic!()
        };
        assert!(u.unresolved && u.shape.is_none());
    }

    #[test]
    fn formatlist_iterates_lists() {
        assert_eq!(
            ok("formatlist", &[s("%s-%s"), strs(&["a", "b"]), s("x")]),
            strs(&["a-x", "b-x"])
        );
        assert_eq!(ok("formatlist", &[s("%s"), strs(&[])]), strs(&[]));
        assert_eq!(ok("formatlist", &[s("x")]), strs(&["x"]));
        assert!(err(
            "formatlist",
            &[s("%s%s"), strs(&["a"]), strs(&["a", "b"])]
        ));
        let out = ok(
            "formatlist",
            &[
                s("arn:%s"),
                list(&[s("a"), Value::reference("aws_iam_role.r.name".into())]),
            ],
        );
        let Value::List(items) = out else { panic!() };
        assert_eq!(items[0], s("arn:a"));
        assert!(items[1].is_unknown());
        assert!(ok("formatlist", &[s("%s"), Value::unresolved()]).is_unknown());
    }
}
