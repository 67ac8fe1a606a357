//! Collection functions: lists, sets (kept as sorted lists), maps and objects.
//!
//! Known collections keep their unknown elements in place wherever Terraform would
//! (and where the result does not depend on what the unknowns turn out to be).

use super::{
    all_known, arity, boolean, check_size, equal, fail, full_map, integer, is_internal_key, list,
    make_set, partial_map, resource_address, string, unify, unknown_of, Out, Stop,
};
use crate::model::value::{Value, HOLE};
use std::collections::{BTreeMap, BTreeSet};

/// An unknown that could be anything, including a duplicate of another element, an
/// empty string or null: an input variable without a value, an unsupported function.
/// Resource references and template-built strings are treated as distinct,
/// non-empty values (computed ids and ARNs).
fn opaque(v: &Value) -> bool {
    matches!(v, Value::Unknown(u) if u.unresolved && u.shape.is_none())
}

/// An unknown string that is certainly not empty: its shape has literal text, or it
/// is a JSON document.
fn non_empty_unknown(v: &Value) -> bool {
    match v {
        Value::Json(_) => true,
        Value::Unknown(u) => u
            .shape
            .as_deref()
            .is_some_and(|s| s.chars().any(|c| c != HOLE)),
        _ => false,
    }
}

/// `length` of a string (characters), list, set, map or object. A known list with
/// unknown elements has a known length.
pub(super) fn length(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let n = match &args[0] {
        Value::String(s) => s.chars().count(),
        Value::List(items) => items.len(),
        v @ Value::Map(_) => full_map(v)?.len(),
        v @ (Value::Unknown(_) | Value::Json(_)) => return Ok(unknown_of([v])),
        Value::Null => return Err(fail("argument must not be null")),
        _ => {
            return Err(fail(
                "argument must be a string, a collection type, or a structural type",
            ))
        }
    };
    Ok(Value::Number(n as f64))
}

/// `element(list, index)`: the index wraps around; the element is returned as it is,
/// known or not.
pub(super) fn element(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    if args[1].contains_unknown() {
        return Ok(unknown_of(args));
    }
    let items = list(&args[0])?;
    let i = integer(&args[1])?;
    if items.is_empty() {
        return Err(fail("cannot use element function with an empty list"));
    }
    let idx = i.rem_euclid(items.len() as i64) as usize;
    Ok(items.get(idx).cloned().unwrap_or(Value::Null))
}

/// `index(list, value)`: the first matching index; unknown when an unknown element
/// comes before any match.
pub(super) fn index(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    let items = list(&args[0])?;
    if items.is_empty() {
        return Err(fail("cannot search an empty list"));
    }
    for (i, v) in items.iter().enumerate() {
        match equal(v, &args[1]) {
            Some(true) => return Ok(Value::Number(i as f64)),
            Some(false) => {}
            None => return Ok(unknown_of(args)),
        }
    }
    Err(fail("item not found"))
}

/// `contains(list, value)`: true as soon as a known element matches, unknown when
/// only unknown elements could.
pub(super) fn contains(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    let items = list(&args[0])?;
    let mut undecided = Vec::new();
    for v in items {
        match equal(v, &args[1]) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => undecided.push(v),
        }
    }
    if undecided.is_empty() {
        return Ok(Value::Bool(false));
    }
    undecided.push(&args[1]);
    Ok(unknown_of(undecided))
}

/// `lookup(map, key, default)`: the value under `key` (known or not), else the
/// default. On a resource object an unconfigured attribute is a reference to it.
pub(super) fn lookup(args: &[Value]) -> Out {
    arity(args, 2, 3)?;
    if args[0].is_unknown() || args[1].contains_unknown() {
        return Ok(unknown_of(args));
    }
    let map = partial_map(&args[0])?;
    let key = string(&args[1])?;
    if let Some(v) = map.get(&key).filter(|_| !is_internal_key(&key)) {
        return Ok(v.clone());
    }
    if let Some(addr) = resource_address(map) {
        return Ok(Value::reference(format!("{addr}.{key}")));
    }
    match args.get(2) {
        Some(d) => Ok(d.clone()),
        None => Err(fail(format!("lookup failed to find key {key:?}"))),
    }
}

/// `merge(maps...)`: later keys win; null arguments are skipped. Any unknown map
/// makes the key set unknown.
pub(super) fn merge(args: &[Value]) -> Out {
    if args.iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let mut out = BTreeMap::new();
    for a in args {
        match a {
            Value::Null => {}
            Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => {
                return Err(fail(format!(
                    "arguments must be maps or objects, got {}",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::Map(out))
}

/// `concat(lists...)`; an unknown list makes the result unknown.
pub(super) fn concat(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    if args.iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let mut out = Vec::new();
    for a in args {
        match a {
            Value::List(items) => {
                check_size(out.len() + items.len())?;
                out.extend(items.iter().cloned());
            }
            Value::Null => return Err(fail("argument must not be null")),
            other => {
                return Err(fail(format!(
                    "all arguments must be lists or tuples; got {}",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::List(out))
}

/// `flatten(list)`: nested lists are spliced in, recursively; other elements
/// (unknowns included) stay in place.
pub(super) fn flatten(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    fn walk(items: &[Value], out: &mut Vec<Value>) -> Result<(), Stop> {
        for v in items {
            match v {
                Value::List(inner) => walk(inner, out)?,
                other => {
                    out.push(other.clone());
                    check_size(out.len())?;
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(list(&args[0])?, &mut out)?;
    Ok(Value::List(out))
}

/// `coalesce(values...)`: the first argument that is neither null nor an empty
/// string. An unknown met before it makes the result unknown (unless it is a string
/// that is certainly not empty); primitives convert to string when strings are mixed in.
pub(super) fn coalesce(args: &[Value]) -> Out {
    let has_string = args
        .iter()
        .any(|a| matches!(a, Value::String(_) | Value::Json(_)));
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            v if non_empty_unknown(v) => return Ok(v.clone()),
            Value::Unknown(_) => return Ok(unknown_of(&args[i..])),
            v @ (Value::Number(_) | Value::Bool(_)) if has_string => {
                return Ok(Value::String(v.to_tf_string().unwrap_or_default()))
            }
            v => return Ok(v.clone()),
        }
    }
    Err(fail("no non-null, non-empty-string arguments"))
}

/// `coalescelist(lists...)`: the first non-empty list.
pub(super) fn coalescelist(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Unknown(_) => return Ok(unknown_of(&args[i..])),
            Value::Null => {}
            Value::List(items) if items.is_empty() => {}
            Value::List(_) => return Ok(a.clone()),
            _ => return Err(fail("coalescelist arguments must be lists or tuples")),
        }
    }
    Err(fail("no non-null arguments"))
}

/// `compact(list)`: drop nulls and empty strings. Unknown strings that are
/// certainly not empty stay; any other unknown element makes the result unknown.
pub(super) fn compact(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let mut out = Vec::new();
    for v in list(&args[0])? {
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(_) => out.push(v.clone()),
            Value::Number(_) | Value::Bool(_) => {
                out.push(Value::String(v.to_tf_string().unwrap_or_default()))
            }
            v if non_empty_unknown(v) => out.push(v.clone()),
            Value::Unknown(_) => return Ok(unknown_of(args)),
            _ => return Err(fail("compact requires a list of strings")),
        }
    }
    Ok(Value::List(out))
}

/// `distinct(list)`: first occurrences, in order. Unknown elements stay (see
/// [`opaque`]), except that an opaque unknown makes the result unknown.
pub(super) fn distinct(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    let items = list(&args[0])?;
    if items.iter().any(opaque) {
        return Ok(unknown_of(args));
    }
    let mut seen = BTreeSet::new();
    Ok(Value::List(
        items
            .iter()
            .filter(|v| seen.insert(format!("{v:?}")))
            .cloned()
            .collect(),
    ))
}

/// `keys(map)`, in lexical order.
pub(super) fn keys(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    Ok(Value::List(
        full_map(&args[0])?
            .keys()
            .map(|k| Value::str(k.as_str()))
            .collect(),
    ))
}

/// `values(map)`, in the order of the keys; unknown values stay in place.
pub(super) fn values(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    Ok(Value::List(full_map(&args[0])?.values().cloned().collect()))
}

/// `zipmap(keys, values)`.
pub(super) fn zipmap(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    let ks = list(&args[0])?;
    let vs = list(&args[1])?;
    if ks.iter().any(Value::contains_unknown) {
        return Ok(unknown_of(args));
    }
    if ks.len() != vs.len() {
        return Err(fail(format!(
            "number of keys ({}) does not match number of values ({})",
            ks.len(),
            vs.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (k, v) in ks.iter().zip(vs) {
        out.insert(string(k)?, v.clone());
    }
    Ok(Value::Map(out))
}

/// `tolist(value)`: lists, tuples and sets convert; mixed primitives unify.
pub(super) fn tolist(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v @ Value::Unknown(_) => Ok(unknown_of([v])),
        Value::List(items) => Ok(Value::List(unify(items.clone())?)),
        other => Err(fail(format!(
            "cannot convert {} to list",
            other.type_name()
        ))),
    }
}

/// `toset(value)`: de-duplicated and ordered as Terraform orders sets.
pub(super) fn toset(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v @ Value::Unknown(_) => Ok(unknown_of([v])),
        v @ Value::List(items) => {
            if items.iter().any(opaque) {
                return Ok(unknown_of([v]));
            }
            Ok(Value::List(make_set(items.clone())?))
        }
        other => Err(fail(format!("cannot convert {} to set", other.type_name()))),
    }
}

/// `tomap(value)`: objects convert; mixed primitive values unify.
pub(super) fn tomap(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v @ Value::Unknown(_) => Ok(unknown_of([v])),
        v @ Value::Map(map) => {
            if resource_address(map).is_some() {
                return Ok(v.clone());
            }
            let (keys, vals): (Vec<String>, Vec<Value>) =
                map.iter().map(|(k, v)| (k.clone(), v.clone())).unzip();
            Ok(Value::Map(keys.into_iter().zip(unify(vals)?).collect()))
        }
        other => Err(fail(format!("cannot convert {} to map", other.type_name()))),
    }
}

/// `one(list)`: null for an empty list, the element of a one-element list.
pub(super) fn one(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    match list(&args[0])? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(fail(
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}

/// `alltrue(list)`: false as soon as a known element is false (null counts as false).
pub(super) fn alltrue(args: &[Value]) -> Out {
    first_known(args, false)
}

/// `anytrue(list)`: true as soon as a known element is true (nulls are skipped).
pub(super) fn anytrue(args: &[Value]) -> Out {
    first_known(args, true)
}

/// `alltrue` and `anytrue`, which differ only in the value that decides: the first
/// known element equal to `decisive` is the answer (a null reads as false, so it
/// decides `alltrue` and is skipped by `anytrue`); otherwise unknown if an element
/// is, else `!decisive`.
fn first_known(args: &[Value], decisive: bool) -> Out {
    arity(args, 1, 1)?;
    let items = list(&args[0])?;
    let mut undecided = false;
    for v in items {
        let b = match v {
            Value::Null => false,
            Value::Unknown(_) | Value::Json(_) => {
                undecided = true;
                continue;
            }
            other => boolean(other)?,
        };
        if b == decisive {
            return Ok(Value::Bool(decisive));
        }
    }
    Ok(if undecided {
        unknown_of(items)
    } else {
        Value::Bool(!decisive)
    })
}

pub(super) fn reverse(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    Ok(Value::List(list(&args[0])?.iter().rev().cloned().collect()))
}

/// `slice(list, start, end)`, end exclusive.
pub(super) fn slice(args: &[Value]) -> Out {
    arity(args, 3, 3)?;
    let items = list(&args[0])?;
    all_known(&args[1..])?;
    let (start, end) = (integer(&args[1])?, integer(&args[2])?);
    if start < 0 {
        return Err(fail("from index must be greater than or equal to 0"));
    }
    if end > items.len() as i64 {
        return Err(fail(
            "to index must be less than or equal to the length of the input list",
        ));
    }
    if start > end {
        return Err(fail("from index must be less than or equal to index"));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

/// `sort(list)`: strings in lexical order (numbers and bools convert).
pub(super) fn sort(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let mut out = Vec::new();
    for v in list(&args[0])? {
        match v {
            Value::Null => return Err(fail("a null string cannot be sorted")),
            Value::List(_) | Value::Map(_) => return Err(fail("sort requires a list of strings")),
            other => out.push(string(other)?),
        }
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

/// `chunklist(list, size)`; a size of zero gives the whole list as one chunk.
pub(super) fn chunklist(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    let items = list(&args[0])?;
    all_known(&args[1..])?;
    let size = integer(&args[1])?;
    let size = usize::try_from(size).map_err(|_| fail("the size argument must be positive"))?;
    if items.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    Ok(Value::List(
        items
            .chunks(size)
            .map(|c| Value::List(c.to_vec()))
            .collect(),
    ))
}

/// The elements of every argument, which must all be lists or sets.
fn set_args(args: &[Value]) -> Result<Vec<&[Value]>, Stop> {
    args.iter().map(list).collect()
}

/// `setunion(sets...)`; unknown elements stay (see [`opaque`]).
pub(super) fn setunion(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    if args.iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let all: Vec<Value> = set_args(args)?.into_iter().flatten().cloned().collect();
    if all.iter().any(opaque) {
        return Ok(unknown_of(args));
    }
    check_size(all.len())?;
    Ok(Value::List(make_set(all)?))
}

/// `setintersection(sets...)`.
pub(super) fn setintersection(args: &[Value]) -> Out {
    arity(args, 1, usize::MAX)?;
    all_known(args)?;
    let sets = set_args(args)?;
    let first = sets.first().copied().unwrap_or_default();
    let common = first
        .iter()
        .filter(|v| {
            sets[1..]
                .iter()
                .all(|s| s.iter().any(|w| equal(v, w) == Some(true)))
        })
        .cloned()
        .collect();
    Ok(Value::List(make_set(common)?))
}

/// `setsubtract(a, b)`.
pub(super) fn setsubtract(args: &[Value]) -> Out {
    arity(args, 2, 2)?;
    all_known(args)?;
    let (a, b) = (list(&args[0])?, list(&args[1])?);
    let rest = a
        .iter()
        .filter(|v| !b.iter().any(|w| equal(v, w) == Some(true)))
        .cloned()
        .collect();
    Ok(Value::List(make_set(rest)?))
}

/// `setproduct(sets...)`: every combination, as lists.
pub(super) fn setproduct(args: &[Value]) -> Out {
    arity(args, 2, usize::MAX)?;
    if args.iter().any(Value::is_unknown) {
        return Ok(unknown_of(args));
    }
    let sets = set_args(args)?;
    let total = sets
        .iter()
        .fold(1usize, |acc, s| acc.saturating_mul(s.len()));
    check_size(total)?;
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for s in sets {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                s.iter().map(move |v| {
                    let mut row = prefix.clone();
                    row.push(v.clone());
                    row
                })
            })
            .collect();
    }
    Ok(Value::List(out.into_iter().map(Value::List).collect()))
}

/// `transpose(map of lists of strings)`.
pub(super) fn transpose(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in full_map(&args[0])? {
        for item in list(v).map_err(|_| fail("input must be a map of lists of strings"))? {
            if !matches!(item, Value::String(_)) {
                return Err(fail("input must be a map of lists of strings"));
            }
            out.entry(string(item)?)
                .or_default()
                .push(Value::str(k.as_str()));
        }
    }
    Ok(Value::Map(
        out.into_iter().map(|(k, v)| (k, Value::List(v))).collect(),
    ))
}

/// `matchkeys(values, keys, searchset)`: the values whose key is in the search set.
pub(super) fn matchkeys(args: &[Value]) -> Out {
    arity(args, 3, 3)?;
    all_known(args)?;
    let values = list(&args[0])?;
    let keys = list(&args[1])?;
    let search = list(&args[2])?;
    if values.len() != keys.len() {
        return Err(fail("length of keys and values should be equal"));
    }
    let mut both = unify(keys.iter().chain(search).cloned().collect())?;
    let search = both.split_off(keys.len());
    Ok(Value::List(
        both.iter()
            .zip(values)
            .filter(|(k, _)| search.iter().any(|s| equal(k, s) == Some(true)))
            .map(|(_, v)| v.clone())
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::{Unknown, Value};

    fn r(target: &str) -> Value {
        Value::reference(target.into())
    }

    #[test]
    fn length_of_everything() {
        assert_eq!(ok("length", &[s("héllo")]), n(5.0));
        assert_eq!(
            ok("length", &[list(&[Value::unresolved(), n(1.0)])]),
            n(2.0)
        );
        assert_eq!(ok("length", &[map(&[("a", n(1.0))])]), n(1.0));
        assert!(ok("length", &[Value::unresolved()]).is_unknown());
        assert!(ok("length", &[map(&[("\u{0}resource", s("aws_s3_bucket.b"))])]).is_unknown());
        assert!(err("length", &[n(1.0)]));
        assert!(err("length", &[Value::Null]));
    }

    #[test]
    fn element_and_index() {
        let l = strs(&["a", "b", "c"]);
        assert_eq!(ok("element", &[l.clone(), n(1.0)]), s("b"));
        assert_eq!(ok("element", &[l.clone(), n(4.0)]), s("b"));
        assert_eq!(ok("element", &[l.clone(), n(-1.0)]), s("c"));
        assert!(err("element", &[strs(&[]), n(0.0)]));
        assert_eq!(ok("element", &[list(&[r("x.y.id")]), n(0.0)]), r("x.y.id"));
        let Value::Unknown(u) = ok("element", &[list(&[r("x.y.id")]), Value::unresolved()]) else {
            panic!()
        };
        assert_eq!(u.refs, vec!["x.y.id".to_string()]);
        assert!(u.unresolved);
        assert_eq!(ok("index", &[l.clone(), s("c")]), n(2.0));
        assert!(err("index", &[l, s("z")]));
        assert!(ok("index", &[list(&[Value::unresolved(), s("c")]), s("c")]).is_unknown());
        assert_eq!(
            ok("index", &[list(&[s("c"), Value::unresolved()]), s("c")]),
            n(0.0)
        );
    }

    #[test]
    fn contains_with_unknowns() {
        assert_eq!(
            ok("contains", &[strs(&["a", "b"]), s("b")]),
            Value::Bool(true)
        );
        assert_eq!(
            ok("contains", &[strs(&["a", "b"]), s("z")]),
            Value::Bool(false)
        );
        assert_eq!(
            ok("contains", &[list(&[n(1.0)]), s("1")]),
            Value::Bool(false)
        );
        assert_eq!(
            ok("contains", &[strs(&[]), Value::unresolved()]),
            Value::Bool(false)
        );
        let l = list(&[r("aws_kms_key.k.arn"), s("b")]);
        assert_eq!(ok("contains", &[l.clone(), s("b")]), Value::Bool(true));
        let Value::Unknown(u) = ok("contains", &[l.clone(), s("z")]) else {
            panic!()
        };
        assert_eq!(u.refs, vec!["aws_kms_key.k.arn".to_string()]);
        assert!(ok("contains", &[strs(&["a"]), Value::unresolved()]).is_unknown());
        assert!(ok("contains", &[Value::unresolved(), s("a")]).is_unknown());
        assert!(err("contains", &[map(&[]), s("a")]));
    }

    #[test]
    fn lookup_forms() {
        let m = map(&[("a", s("x")), ("u", Value::unresolved())]);
        assert_eq!(ok("lookup", &[m.clone(), s("a")]), s("x"));
        assert!(ok("lookup", &[m.clone(), s("u"), s("d")]).is_unknown());
        assert_eq!(ok("lookup", &[m.clone(), s("z"), s("d")]), s("d"));
        assert!(err("lookup", &[m.clone(), s("z")]));
        assert!(ok("lookup", &[m.clone(), Value::unresolved(), s("d")]).is_unknown());
        assert!(ok("lookup", &[Value::unresolved(), s("a"), s("d")]).is_unknown());
        let res = map(&[("bucket", s("b")), ("\u{0}resource", s("aws_s3_bucket.b"))]);
        assert_eq!(ok("lookup", &[res.clone(), s("bucket")]), s("b"));
        assert_eq!(
            ok("lookup", &[res, s("arn"), Value::Null]),
            r("aws_s3_bucket.b.arn")
        );
        assert!(err("lookup", &[strs(&["a"]), s("a")]));
    }

    #[test]
    fn merge_and_concat_keep_unknown_elements() {
        let a = map(&[("a", n(1.0)), ("b", r("x.y.id"))]);
        let b = map(&[("a", n(2.0))]);
        assert_eq!(
            ok("merge", &[a, Value::Null, b]),
            map(&[("a", n(2.0)), ("b", r("x.y.id"))])
        );
        assert_eq!(ok("merge", &[]), map(&[]));
        assert!(ok("merge", &[map(&[]), Value::unresolved()]).is_unknown());
        assert!(err("merge", &[strs(&["a"])]));
        assert_eq!(
            ok("concat", &[strs(&["a"]), list(&[r("x.y.id")]), strs(&[])]),
            list(&[s("a"), r("x.y.id")])
        );
        assert!(ok("concat", &[strs(&["a"]), Value::unresolved()]).is_unknown());
        assert!(err("concat", &[s("a")]));
        assert!(err("concat", &[Value::Null]));
    }

    #[test]
    fn flatten_nested() {
        let v = list(&[
            list(&[s("a"), list(&[s("b")])]),
            list(&[]),
            s("c"),
            r("x.y.id"),
        ]);
        assert_eq!(
            ok("flatten", &[v]),
            list(&[s("a"), s("b"), s("c"), r("x.y.id")])
        );
        assert!(ok("flatten", &[Value::unresolved()]).is_unknown());
        assert!(err("flatten", &[map(&[])]));
    }

    #[test]
    fn coalesce_rules() {
        assert_eq!(ok("coalesce", &[Value::Null, s(""), s("b")]), s("b"));
        assert_eq!(ok("coalesce", &[n(1.0), s("b")]), s("1"));
        assert_eq!(ok("coalesce", &[n(1.0), n(2.0)]), n(1.0));
        assert!(ok("coalesce", &[Value::unresolved(), s("x")]).is_unknown());
        assert_eq!(ok("coalesce", &[s("a"), Value::unresolved()]), s("a"));
        let shaped_name = shaped("\u{FFFC}-logs", &[]);
        assert_eq!(ok("coalesce", &[shaped_name.clone(), s("x")]), shaped_name);
        assert!(err("coalesce", &[Value::Null, s("")]));
        assert_eq!(ok("coalescelist", &[strs(&[]), strs(&["a"])]), strs(&["a"]));
        assert!(ok("coalescelist", &[strs(&[]), Value::unresolved()]).is_unknown());
        assert!(err("coalescelist", &[strs(&[])]));
        assert!(err("coalescelist", &[s("a")]));
    }

    #[test]
    fn compact_and_distinct() {
        assert_eq!(
            ok("compact", &[list(&[s("a"), s(""), Value::Null, n(1.0)])]),
            strs(&["a", "1"])
        );
        let shaped_arn = shaped("arn:\u{FFFC}", &["aws_kms_key.k.id"]);
        assert_eq!(
            ok("compact", &[list(&[shaped_arn.clone(), s("")])]),
            list(&[shaped_arn])
        );
        // A computed attribute may well be empty (an instance's public IP).
        assert!(ok("compact", &[list(&[r("aws_instance.i.public_ip"), s("a")])]).is_unknown());
        assert_eq!(ok("distinct", &[strs(&["b", "a", "b"])]), strs(&["b", "a"]));
        assert_eq!(
            ok("distinct", &[list(&[r("a.b.arn"), s("x"), r("a.b.arn")])]),
            list(&[r("a.b.arn"), s("x")])
        );
        assert!(ok("distinct", &[list(&[Value::unresolved(), s("x")])]).is_unknown());
    }

    #[test]
    fn keys_values_zipmap() {
        let m = map(&[("b", n(2.0)), ("a", Value::unresolved())]);
        assert_eq!(ok("keys", std::slice::from_ref(&m)), strs(&["a", "b"]));
        assert_eq!(ok("values", &[m]), list(&[Value::unresolved(), n(2.0)]));
        assert!(ok("keys", &[Value::unresolved()]).is_unknown());
        assert!(err("keys", &[strs(&[])]));
        assert_eq!(
            ok("zipmap", &[strs(&["a", "b"]), list(&[n(1.0), r("x.y.id")])]),
            map(&[("a", n(1.0)), ("b", r("x.y.id"))])
        );
        assert!(err("zipmap", &[strs(&["a"]), strs(&[])]));
        assert!(ok("zipmap", &[list(&[Value::unresolved()]), strs(&["x"])]).is_unknown());
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("tolist", &[list(&[s("a"), n(1.0)])]), strs(&["a", "1"]));
        assert!(err("tolist", &[list(&[Value::Bool(true), n(1.0)])]));
        assert!(err("tolist", &[map(&[])]));
        assert_eq!(ok("tolist", &[Value::Null]), Value::Null);
        assert_eq!(
            ok("toset", &[strs(&["c", "a", "c", "b"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok("toset", &[list(&[n(10.0), n(9.0), n(10.0)])]),
            list(&[n(9.0), n(10.0)])
        );
        assert_eq!(ok("toset", &[list(&[s("b"), n(1.0)])]), strs(&["1", "b"]));
        assert_eq!(
            ok("toset", &[list(&[r("x.y.id"), s("a"), r("x.y.id")])]),
            list(&[s("a"), r("x.y.id")])
        );
        assert!(ok("toset", &[list(&[Value::unresolved()])]).is_unknown());
        assert_eq!(
            ok("tomap", &[map(&[("a", n(1.0)), ("b", s("x"))])]),
            map(&[("a", s("1")), ("b", s("x"))])
        );
        assert!(err("tomap", &[strs(&[])]));
    }

    #[test]
    fn one_alltrue_anytrue() {
        assert_eq!(ok("one", &[strs(&[])]), Value::Null);
        assert_eq!(ok("one", &[strs(&["a"])]), s("a"));
        assert!(err("one", &[strs(&["a", "b"])]));
        assert!(ok("one", &[Value::unresolved()]).is_unknown());
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(ok("alltrue", &[list(&[t.clone(), s("true")])]), t);
        assert_eq!(ok("alltrue", &[list(&[])]), t);
        assert_eq!(ok("alltrue", &[list(&[Value::unresolved(), f.clone()])]), f);
        assert!(ok("alltrue", &[list(&[Value::unresolved(), t.clone()])]).is_unknown());
        assert_eq!(ok("anytrue", &[list(&[Value::unresolved(), t.clone()])]), t);
        assert!(ok("anytrue", &[list(&[Value::unresolved(), f.clone()])]).is_unknown());
        assert_eq!(ok("anytrue", &[list(&[])]), f);
        assert!(err("anytrue", &[list(&[s("maybe")])]));
    }

    #[test]
    fn reorder_and_cut() {
        assert_eq!(ok("reverse", &[strs(&["a", "b"])]), strs(&["b", "a"]));
        let l = strs(&["a", "b", "c", "d"]);
        assert_eq!(ok("slice", &[l.clone(), n(1.0), n(3.0)]), strs(&["b", "c"]));
        assert!(err("slice", &[l.clone(), n(3.0), n(1.0)]));
        assert!(err("slice", &[l.clone(), n(0.0), n(9.0)]));
        assert!(err("slice", &[l.clone(), n(-1.0), n(1.0)]));
        assert_eq!(
            ok("sort", &[strs(&["b", "a", "10", "9"])]),
            strs(&["10", "9", "a", "b"])
        );
        assert!(ok("sort", &[list(&[s("a"), Value::unresolved()])]).is_unknown());
        assert!(err("sort", &[list(&[Value::Null])]));
        assert_eq!(
            ok("chunklist", &[l.clone(), n(3.0)]),
            list(&[strs(&["a", "b", "c"]), strs(&["d"])])
        );
        assert_eq!(
            ok("chunklist", &[l.clone(), n(0.0)]),
            list(std::slice::from_ref(&l))
        );
        assert!(err("chunklist", &[l, n(-1.0)]));
    }

    #[test]
    fn set_operations() {
        assert_eq!(
            ok("setunion", &[strs(&["b", "a"]), strs(&["c", "a"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok("setunion", &[strs(&["a"]), list(&[r("x.y.arn")])]),
            list(&[s("a"), r("x.y.arn")])
        );
        assert!(ok("setunion", &[strs(&["a"]), Value::unresolved()]).is_unknown());
        assert_eq!(
            ok(
                "setintersection",
                &[strs(&["a", "b", "c"]), strs(&["b", "c", "d"])]
            ),
            strs(&["b", "c"])
        );
        assert_eq!(
            ok("setsubtract", &[strs(&["a", "b", "c"]), strs(&["a", "c"])]),
            strs(&["b"])
        );
        assert!(ok("setsubtract", &[strs(&["a"]), list(&[Value::unresolved()])]).is_unknown());
        assert_eq!(
            ok("setproduct", &[strs(&["a", "b"]), strs(&["1", "2"])]),
            list(&[
                strs(&["a", "1"]),
                strs(&["a", "2"]),
                strs(&["b", "1"]),
                strs(&["b", "2"])
            ])
        );
        assert_eq!(ok("setproduct", &[strs(&["a"]), strs(&[])]), list(&[]));
        let big = list(&(0..1000).map(|i| n(i as f64)).collect::<Vec<_>>());
        assert!(err("setproduct", &[big.clone(), big.clone(), big]));
    }

    #[test]
    fn transpose_and_matchkeys() {
        let m = map(&[("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(
            ok("transpose", &[m]),
            map(&[
                ("1", strs(&["a"])),
                ("2", strs(&["a", "b"])),
                ("3", strs(&["b"]))
            ])
        );
        assert_eq!(
            ok(
                "matchkeys",
                &[
                    strs(&["i-1", "i-2", "i-3"]),
                    strs(&["a", "b", "a"]),
                    strs(&["a"])
                ]
            ),
            strs(&["i-1", "i-3"])
        );
        assert!(err("matchkeys", &[strs(&["x"]), strs(&[]), strs(&[])]));
    }

    #[test]
    fn unknown_merges_refs_and_flags() {
        let Value::Unknown(u) = ok(
            "concat",
            &[
                Value::reference("aws_s3_bucket.a.arn".into()),
                list(&[Value::unresolved()]),
            ],
        ) else {
            panic!()
        };
        assert_eq!(
            *u,
            Unknown {
                refs: vec!["aws_s3_bucket.a.arn".into()],
                shape: None,
                unresolved: true
            }
        );
    }
}
