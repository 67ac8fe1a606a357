//! Numeric functions. Terraform computes with 512-bit floats; f64 is exact for the
//! integers and simple decimals that configuration uses.

use super::{all_known, arity, fail, integer, list, number, string, Out};
use crate::model::value::Value;

/// Terraform's `range` refuses to build more than this many numbers.
const MAX_RANGE: usize = 1024;

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`.
pub(super) fn range(args: &[Value]) -> Out {
    arity(args, 1, 3)?;
    all_known(args)?;
    let nums = args.iter().map(number).collect::<Result<Vec<f64>, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, if *end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (*start, *end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return Err(fail("must have one, two, or three arguments")),
    };
    if step == 0.0 || !step.is_finite() {
        return Err(fail("step must not be zero"));
    }
    if step < 0.0 && end > start {
        return Err(fail("end must be less than start when step is negative"));
    }
    if step > 0.0 && end < start {
        return Err(fail("end must be greater than start when step is positive"));
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= MAX_RANGE {
            return Err(fail(format!(
                "more than {MAX_RANGE} values were generated; either decrease the difference between start and end or use a smaller step"
            )));
        }
        out.push(Value::Number(x));
        x += step;
    }
    Ok(Value::List(out))
}

/// `min(numbers...)` and `max(numbers...)`.
pub(super) fn min_max(args: &[Value], max: bool) -> Out {
    if args.is_empty() {
        return Err(fail("must pass at least one number"));
    }
    all_known(args)?;
    let mut best: Option<f64> = None;
    for a in args {
        let x = number(a)?;
        best = Some(match best {
            Some(b) if (max && b >= x) || (!max && b <= x) => b,
            _ => x,
        });
    }
    Ok(Value::Number(best.unwrap_or(0.0)))
}

/// `sum(list)`.
pub(super) fn sum(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let items = list(&args[0])?;
    if items.is_empty() {
        return Err(fail("cannot sum an empty list"));
    }
    let mut total = 0.0;
    for v in items {
        if v.is_null() {
            return Err(fail(
                "argument must be list, set, or tuple of number values",
            ));
        }
        total += number(v)?;
    }
    if total.is_nan() {
        return Err(fail("can't compute sum of opposing infinities"));
    }
    Ok(Value::Number(total))
}

/// One-number functions (`abs`, `ceil`, `floor`, `signum`).
pub(super) fn unary(args: &[Value], f: fn(f64) -> f64) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    Ok(Value::Number(f(number(&args[0])?)))
}

/// `signum`: -1, 0 or 1.
pub(super) fn signum(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `log(number, base)`.
pub(super) fn log(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let r = number(&args[0])?.ln() / number(&args[1])?.ln();
    if r.is_nan() {
        return Err(fail("result is not a number"));
    }
    Ok(Value::Number(r))
}

/// `pow(base, exponent)`.
pub(super) fn pow(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let r = number(&args[0])?.powf(number(&args[1])?);
    if r.is_nan() {
        return Err(fail("result is not a number"));
    }
    Ok(Value::Number(r))
}

/// `parseint(string, base)` as Go's `big.Int.SetString`: bases 2 to 62, letters
/// case-insensitive up to base 36, lowercase before uppercase above.
pub(super) fn parseint(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let s = string(&args[0])?;
    let base = integer(&args[1])?;
    if !(2..=62).contains(&base) {
        return Err(fail(
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let bad = || fail(format!("cannot parse the string as a base {base} integer"));
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut n = 0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as i64 - '0' as i64,
            'a'..='z' => c as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
            'A'..='Z' => c as i64 - 'A' as i64 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        n = n * base as f64 + d as f64;
    }
    if !n.is_finite() {
        return Err(bad());
    }
    Ok(Value::Number(if neg { -n } else { n }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::Value;

    fn nums(xs: &[f64]) -> Value {
        list(&xs.iter().map(|x| n(*x)).collect::<Vec<_>>())
    }

    #[test]
    fn ranges() {
        assert_eq!(ok("range", &[n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(ok("range", &[n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(ok("range", &[n(4.0), n(1.0)]), nums(&[4.0, 3.0, 2.0]));
        assert_eq!(
            ok("range", &[n(0.0), n(1.0), n(0.25)]),
            nums(&[0.0, 0.25, 0.5, 0.75])
        );
        assert_eq!(ok("range", &[n(-2.0)]), nums(&[0.0, -1.0]));
        assert_eq!(ok("range", &[n(0.0)]), nums(&[]));
        assert!(err("range", &[n(0.0), n(5.0), n(0.0)]));
        assert!(err("range", &[n(0.0), n(5.0), n(-1.0)]));
        assert!(err("range", &[n(1e12)]));
        assert!(err("range", &[]));
        assert!(ok("range", &[Value::unresolved()]).is_unknown());
    }

    #[test]
    fn aggregates() {
        assert_eq!(ok("min", &[n(12.0), n(54.0), n(3.0)]), n(3.0));
        assert_eq!(ok("max", &[n(12.0), s("54"), n(3.0)]), n(54.0));
        assert!(err("max", &[]));
        assert!(err("max", &[s("x")]));
        assert!(ok("max", &[n(1.0), Value::unresolved()]).is_unknown());
        assert_eq!(ok("sum", &[nums(&[1.0, 2.5, 3.0])]), n(6.5));
        assert!(err("sum", &[nums(&[])]));
        assert!(err("sum", &[list(&[Value::Null])]));
        assert!(ok("sum", &[list(&[n(1.0), Value::unresolved()])]).is_unknown());
    }

    #[test]
    fn unary_and_math() {
        assert_eq!(ok("abs", &[n(-12.4)]), n(12.4));
        assert_eq!(ok("ceil", &[n(5.1)]), n(6.0));
        assert_eq!(ok("floor", &[n(-5.1)]), n(-6.0));
        assert_eq!(ok("signum", &[n(-3.0)]), n(-1.0));
        assert_eq!(ok("signum", &[n(0.0)]), n(0.0));
        assert_eq!(ok("log", &[n(16.0), n(2.0)]), n(4.0));
        assert_eq!(ok("pow", &[n(3.0), n(2.0)]), n(9.0));
        assert!(err("log", &[n(-1.0), n(10.0)]));
    }

    #[test]
    fn parseint_bases() {
        assert_eq!(ok("parseint", &[s("100"), n(10.0)]), n(100.0));
        assert_eq!(ok("parseint", &[s("FF"), n(16.0)]), n(255.0));
        assert_eq!(ok("parseint", &[s("-10"), n(2.0)]), n(-2.0));
        assert_eq!(ok("parseint", &[s("Z"), n(62.0)]), n(61.0));
        assert!(err("parseint", &[s("12"), n(2.0)]));
        assert!(err("parseint", &[s(""), n(10.0)]));
        assert!(err("parseint", &[s("1"), n(1.0)]));
    }
}
