//! Expressions: literals, operators, conditionals, `for` expressions, splats,
//! traversal and function calls, with unknowns propagated as Terraform does.

use super::super::functions::{self, FileAccess, FnError, RESOURCE_MARKER};
use super::super::parse::DUPLICATE_KEY_PREFIX;
use super::scope::Scope;
use super::{EvalError, Evaluator, MAX_DEPTH, R};
use crate::model::value::{Unknown, Value};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::Span;
use std::collections::BTreeMap;
use std::ops::Range;

/// Terraform equality: same type and value (numbers compare numerically).
/// `a == b`, unknown (`None`) only when the answer depends on an unknown part: values
/// whose known parts already differ (a map and null, lists of different lengths, one
/// differing element) are unequal whatever the unknown parts turn out to be. So
/// `var.groups != null` is true for a map of groups whose AMI ids are computed.
fn tf_equal(a: &Value, b: &Value) -> Option<bool> {
    let all = |pairs: &mut dyn Iterator<Item = (&Value, &Value)>| {
        let mut verdict = Some(true);
        for (x, y) in pairs {
            match tf_equal(x, y) {
                Some(false) => return Some(false),
                None => verdict = None,
                Some(true) => {}
            }
        }
        verdict
    };
    match (a, b) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Number(x), Value::Number(y)) => Some((x - y).abs() < f64::EPSILON),
        (Value::List(x), Value::List(y)) if x.len() == y.len() => all(&mut x.iter().zip(y)),
        (Value::Map(x), Value::Map(y)) if x.keys().eq(y.keys()) => {
            all(&mut x.values().zip(y.values()))
        }
        // A partly known JSON string is a string: never null, and equal to another
        // only as far as their known structures say.
        (Value::Json(x), Value::Json(y)) => tf_equal(x, y),
        (Value::Json(_), Value::Null) | (Value::Null, Value::Json(_)) => Some(false),
        (Value::Json(_), _) | (_, Value::Json(_)) => None,
        _ => Some(a == b),
    }
}

/// The value of a conditional whose condition is unknown: whatever both branches
/// agree on, unknown only where they differ. Objects with the same attributes and
/// lists of the same length agree element by element, so that
/// `var.x ? { encrypted = true, size = 10 } : { encrypted = true, size = 20 }` is
/// certainly encrypted: a verdict that is the same for every value of the condition
/// is decided.
fn agree(cond: &Value, a: Value, b: Value) -> Value {
    match (a, b) {
        (a, b) if a == b => a,
        (Value::Map(x), Value::Map(y)) if x.keys().eq(y.keys()) => Value::Map(
            x.into_iter()
                .zip(y.into_values())
                .map(|((k, a), b)| (k, agree(cond, a, b)))
                .collect(),
        ),
        (Value::List(x), Value::List(y)) if x.len() == y.len() => Value::List(
            x.into_iter()
                .zip(y)
                .map(|(a, b)| agree(cond, a, b))
                .collect(),
        ),
        (Value::Json(x), Value::Json(y)) => Value::Json(Box::new(agree(cond, *x, *y))),
        (a, b) => Value::unknown_from([cond, &a, &b]),
    }
}

/// `value.name`. A resource object answers for attributes it does not configure
/// with a reference; an unknown's attribute is unknown, referring further in.
fn get_attr(value: &Value, name: &str) -> R {
    match value {
        Value::Map(map) => match map.get(name) {
            Some(v) => Ok(v.clone()),
            None => match map.get(RESOURCE_MARKER) {
                Some(Value::String(addr)) => Ok(Value::reference(format!("{addr}.{name}"))),
                _ => Err(EvalError(format!("object has no attribute \"{name}\""))),
            },
        },
        Value::Unknown(u) => Ok(Value::Unknown(Box::new(Unknown {
            refs: u.refs.iter().map(|r| format!("{r}.{name}")).collect(),
            shape: None,
            unresolved: u.unresolved,
        }))),
        Value::Json(_) => Ok(Value::unknown_from([value])),
        Value::Null => Err(EvalError(format!("attribute \"{name}\" of null"))),
        other => Err(EvalError(format!(
            "cannot read attribute \"{name}\" of a {}",
            other.type_name()
        ))),
    }
}

/// `value[key]`: a list by whole number, a map or object by string.
fn index(value: &Value, key: &Value) -> R {
    if key.is_unknown() {
        return Ok(Value::unknown_from([value, key]));
    }
    match value {
        Value::List(items) => {
            let i = key
                .to_tf_number()
                .ok_or_else(|| EvalError("list index is not a number".into()))?;
            if i < 0.0 || i.fract() != 0.0 {
                return Err(EvalError(format!("invalid index {i}")));
            }
            items
                .get(i as usize)
                .cloned()
                .ok_or_else(|| EvalError(format!("index {i} out of range")))
        }
        Value::Map(_) => {
            let k = key
                .to_tf_string()
                .ok_or_else(|| EvalError("map key is not a string".into()))?;
            get_attr(value, &k)
        }
        Value::Unknown(_) => Ok(value.clone()),
        other => Err(EvalError(format!("cannot index a {}", other.type_name()))),
    }
}

/// Key/value pairs of a `for` collection (expression or template directive);
/// `None` when which pairs there are is unknown. A value that is not a collection
/// fails, as in Terraform.
///
/// Null iterates as empty, where Terraform fails ("A null value cannot be used as
/// the collection in a 'for' expression"). Kept on purpose, and pinned by the
/// golden test: modules iterate variables that default to null and that a
/// deployment sets (the corpus' `opsgenie-team` iterates `var.routing_rules` in a
/// module call's `for_each`); scanning such a module on its own must not turn the
/// call's instances unknown.
pub(super) fn iterate(coll: &Value) -> Result<Option<Vec<(Value, Value)>>, EvalError> {
    Ok(Some(match coll {
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::Number(i as f64), v.clone()))
            .collect(),
        Value::Map(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != RESOURCE_MARKER)
            .map(|(k, v)| (Value::String(k.clone()), v.clone()))
            .collect(),
        Value::Null => Vec::new(),
        Value::Unknown(_) | Value::Json(_) => return Ok(None),
        other => {
            return Err(EvalError(format!(
                "a 'for' expression cannot iterate over a {}",
                other.type_name()
            )))
        }
    }))
}

impl<'a> Evaluator<'a> {
    /// Evaluate an expression: the one entry every part goes through, so that the
    /// depth limit and the root's step budget apply to all of them.
    pub(super) fn eval(&self, expr: &Expression, scope: &Scope<'_, 'a>) -> R {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Ok(Value::unresolved());
        }
        if !self.meter.step() {
            return Ok(self.over_budget(scope.site(expr.span())));
        }
        self.depth.set(depth + 1);
        let r = self.eval_inner(expr, scope);
        self.depth.set(depth);
        r
    }

    /// [`Self::eval`] of one expression node.
    fn eval_inner(&self, expr: &Expression, scope: &Scope<'_, 'a>) -> R {
        Ok(match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(arr) => {
                let mut items = Vec::with_capacity(arr.len());
                for e in arr.iter() {
                    items.push(self.eval(e, scope)?);
                }
                Value::List(items)
            }
            Expression::Object(obj) => {
                let mut map = BTreeMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => {
                            let kv = self.eval(e, scope)?;
                            match kv.to_tf_string() {
                                Some(s) => s,
                                // Unknown key: the object's shape is unknown.
                                None => return Ok(Value::unknown_from([&kv])),
                            }
                        }
                    };
                    let key = key
                        .strip_prefix(DUPLICATE_KEY_PREFIX)
                        .map(str::to_string)
                        .unwrap_or(key);
                    map.insert(key, self.eval(v.expr(), scope)?);
                }
                Value::Map(map)
            }
            Expression::StringTemplate(t) => self.template(t, scope)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, scope)?,
            Expression::Parenthesis(p) => self.eval(p.inner(), scope)?,
            Expression::Variable(v) => self.variable(v.as_str(), scope)?,
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope)?;
                match cond.to_tf_bool() {
                    Some(true) => self.eval(&c.true_expr, scope)?,
                    Some(false) => self.eval(&c.false_expr, scope)?,
                    None if cond.is_unknown() => {
                        let a = self
                            .eval(&c.true_expr, scope)
                            .unwrap_or_else(|_| Value::unresolved());
                        let b = self
                            .eval(&c.false_expr, scope)
                            .unwrap_or_else(|_| Value::unresolved());
                        agree(&cond, a, b)
                    }
                    None => {
                        return Err(EvalError(format!(
                            "condition is {}, not a bool",
                            cond.type_name()
                        )))
                    }
                }
            }
            Expression::FuncCall(call) => self.call(call, scope)?,
            Expression::Traversal(t) => self.traversal(
                &t.expr,
                &t.operators.iter().map(|o| o.value()).collect::<Vec<_>>(),
                scope,
            )?,
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope)?;
                if v.is_unknown() {
                    return Ok(v);
                }
                match op.operator.value() {
                    UnaryOperator::Neg => Value::Number(
                        -v.to_tf_number()
                            .ok_or_else(|| EvalError("negating a non-number".into()))?,
                    ),
                    UnaryOperator::Not => Value::Bool(
                        !v.to_tf_bool()
                            .ok_or_else(|| EvalError("negating a non-bool".into()))?,
                    ),
                }
            }
            Expression::BinaryOp(op) => {
                self.binary(op.operator.value(), &op.lhs_expr, &op.rhs_expr, scope)?
            }
            Expression::ForExpr(f) => self.for_expr(f, scope)?,
        })
    }

    /// A traversal: its head (a name resolved in the scope, or any expression),
    /// then the operators the head did not consume.
    fn traversal(&self, head: &Expression, ops: &[&TraversalOperator], scope: &Scope<'_, 'a>) -> R {
        let (value, consumed) = match head {
            Expression::Variable(v) => self.traversal_root(v.as_str(), ops, scope)?,
            other => (self.eval(other, scope)?, 0),
        };
        self.apply(value, &ops[consumed.min(ops.len())..], scope)
    }

    /// Apply traversal operators to a value. A splat applies the operators after it
    /// to each element: all of them for `[*]` (nested splats included), the
    /// attribute names that follow for the attribute-only `.*`. A splat over null
    /// is an empty list, over any other single value a list of that value.
    fn apply(&self, mut value: Value, ops: &[&TraversalOperator], scope: &Scope<'_, 'a>) -> R {
        let mut i = 0;
        while i < ops.len() {
            value = match ops[i] {
                TraversalOperator::GetAttr(a) => get_attr(&value, a.as_str())?,
                TraversalOperator::Index(ix) => index(&value, &self.eval(ix, scope)?)?,
                TraversalOperator::LegacyIndex(n) => {
                    index(&value, &Value::Number(*n.value() as f64))?
                }
                op @ (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        unknown @ Value::Unknown(_) => return Ok(unknown),
                        other => vec![other],
                    };
                    let tail = &ops[i + 1..];
                    let each = match op {
                        TraversalOperator::AttrSplat(_) => tail
                            .iter()
                            .position(|o| !matches!(o, TraversalOperator::GetAttr(_)))
                            .unwrap_or(tail.len()),
                        _ => tail.len(),
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply(item, &tail[..each], scope)?);
                    }
                    i += each;
                    Value::List(out)
                }
            };
            i += 1;
        }
        Ok(value)
    }

    /// `[for k, v in coll : value if cond]` and `{for ... : key => value...}`.
    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, scope: &Scope<'_, 'a>) -> R {
        let coll = self.eval(&f.intro.collection_expr, scope)?;
        let Some(items) = iterate(&coll)? else {
            return Ok(Value::unknown_from([&coll]));
        };
        if !self.fits(items.len(), scope.site(f.span()), None) {
            return Ok(Value::unresolved());
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let key_var = f.intro.key_var.as_ref().map(|n| (n.as_str(), k));
            let inner = scope.with(key_var.into_iter().chain([(f.intro.value_var.as_str(), v)]));
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, &inner)?;
                match c.to_tf_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None if c.contains_unknown() => return Ok(Value::unknown_from([&c])),
                    None => {
                        return Err(EvalError(format!(
                            "the condition of a 'for' expression is {}, not a bool",
                            c.type_name()
                        )))
                    }
                }
            }
            let value = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let kv = self.eval(ke, &inner)?;
                    let Some(key) = kv.to_tf_string() else {
                        return Ok(Value::unknown_from([&kv, &value]));
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if map.insert(key, value).is_some() {
                        return Err(EvalError(
                            "duplicate object key in a 'for' expression (group with `...`)".into(),
                        ));
                    }
                }
            }
        }
        Ok(match &f.key_expr {
            None => Value::List(list),
            Some(_) if f.grouping => Value::Map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            Some(_) => Value::Map(map),
        })
    }

    /// A function call. `try` and `can` evaluate their arguments lazily, and
    /// `templatefile`/`templatestring` evaluate a template, so those are the
    /// evaluator's own; every other function gets evaluated arguments.
    fn call(&self, call: &hcl_edit::expr::FuncCall, scope: &Scope<'_, 'a>) -> R {
        let mut name = call.name.name.as_str().to_string();
        if call.name.is_namespaced() {
            let ns: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            name = format!("{}::{name}", ns.join("::"));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match name.as_str() {
            "try" => {
                for a in &args {
                    if let Ok(v) = self.eval(a, scope) {
                        return Ok(v);
                    }
                }
                return Err(EvalError("no argument of try() could be evaluated".into()));
            }
            "can" => {
                let Some(a) = args.first() else {
                    return Err(EvalError("can() needs an argument".into()));
                };
                return Ok(match self.eval(a, scope) {
                    Ok(v) if v.is_unknown() => v,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for a in &args {
            values.push(self.eval(a, scope)?);
        }
        if call.args.expand_final() {
            if let Some(last) = values.pop() {
                match last {
                    Value::List(items) => values.extend(items),
                    other => return Ok(Value::unknown_from([&other])),
                }
            }
        }
        let access = FileAccess {
            module_dir: &scope.inst.module.dir,
            scan_root: &scope.inst.module.base,
        };
        let site = scope.site(call.span());
        let result = match name.strip_prefix("core::").unwrap_or(&name) {
            template @ ("templatefile" | "templatestring") => {
                return self.template_call(template, &values, &access, site, scope)
            }
            _ => functions::call(&name, &values, &access),
        };
        match result {
            Ok(v) => Ok(self.counted(v, site)),
            Err(e) => self.function_error(&name, e, site),
        }
    }

    /// What a function's error means for the expression that called it: an
    /// unsupported function is an unresolved unknown; a refused file is reported
    /// (even under `try`/`can`, whose fallback would hide why a value is not the
    /// configuration's); any other is an evaluation error.
    pub(super) fn function_error(&self, name: &str, e: FnError, site: Option<Range<usize>>) -> R {
        match e {
            FnError::Unsupported(_) => Ok(Value::unresolved()),
            FnError::Invalid(msg) => Err(EvalError(format!("{name}(): {msg}"))),
            FnError::Refused(msg) => {
                self.report_refused(site, name, &msg);
                Err(EvalError(format!("{name}(): {msg}")))
            }
        }
    }

    /// A binary operator, unknown-aware: `&&` and `||` are decided by a known
    /// operand that decides them, anything else with an unknown operand is unknown.
    fn binary(
        &self,
        op: &BinaryOperator,
        lhs: &Expression,
        rhs: &Expression,
        scope: &Scope<'_, 'a>,
    ) -> R {
        let l = self.eval(lhs, scope)?;
        // Short-circuit logic as Terraform's unknown-aware operators do.
        match op {
            BinaryOperator::And if l.to_tf_bool() == Some(false) => return Ok(Value::Bool(false)),
            BinaryOperator::Or if l.to_tf_bool() == Some(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
        let r = self.eval(rhs, scope)?;
        if matches!(op, BinaryOperator::And) && r.to_tf_bool() == Some(false) {
            return Ok(Value::Bool(false));
        }
        if matches!(op, BinaryOperator::Or) && r.to_tf_bool() == Some(true) {
            return Ok(Value::Bool(true));
        }
        let comparison = matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq);
        if !comparison && (l.contains_unknown() || r.contains_unknown()) {
            return Ok(Value::unknown_from([&l, &r]));
        }
        let num = |v: &Value| {
            v.to_tf_number()
                .ok_or_else(|| EvalError(format!("{} is not a number", v.describe())))
        };
        let boolean = |v: &Value| {
            v.to_tf_bool()
                .ok_or_else(|| EvalError(format!("{} is not a bool", v.describe())))
        };
        Ok(match op {
            BinaryOperator::Eq | BinaryOperator::NotEq => match tf_equal(&l, &r) {
                Some(same) => Value::Bool(same == matches!(op, BinaryOperator::Eq)),
                None => Value::unknown_from([&l, &r]),
            },
            BinaryOperator::Less => Value::Bool(num(&l)? < num(&r)?),
            BinaryOperator::LessEq => Value::Bool(num(&l)? <= num(&r)?),
            BinaryOperator::Greater => Value::Bool(num(&l)? > num(&r)?),
            BinaryOperator::GreaterEq => Value::Bool(num(&l)? >= num(&r)?),
            BinaryOperator::Plus => Value::Number(num(&l)? + num(&r)?),
            BinaryOperator::Minus => Value::Number(num(&l)? - num(&r)?),
            BinaryOperator::Mul => Value::Number(num(&l)? * num(&r)?),
            BinaryOperator::Div => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err(EvalError("division by zero".into()));
                }
                Value::Number(num(&l)? / d)
            }
            BinaryOperator::Mod => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err(EvalError("modulo by zero".into()));
                }
                Value::Number(num(&l)? % d)
            }
            BinaryOperator::And => Value::Bool(boolean(&l)? && boolean(&r)?),
            BinaryOperator::Or => Value::Bool(boolean(&l)? || boolean(&r)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{list, map, n, probe, s, unknown, value};
    use crate::model::value::Value;

    const VARS: &str = r#"
variable "u" {}
variable "nothing" { default = null }
variable "obj" {
  default = { a = { b = "x" }, l = [1, 2] }
}
variable "objs" {
  default = [{ id = 1, tags = { n = "a" } }, { id = 2, tags = { n = "b" } }]
}
variable "nested" {
  default = [{ xs = [{ v = 1 }, { v = 2 }] }, { xs = [{ v = 3 }] }]
}
resource "aws_s3_bucket" "b" { bucket = "named" }
"#;

    #[test]
    fn a_conditional_keeps_what_both_branches_agree_on() {
        const PRE: &str = r#"
variable "u" {}
"#;
        let v = value(
            PRE,
            "var.u ? { encrypted = true, size = 10 } : { encrypted = true, size = 20 }",
        );
        let Value::Map(m) = &v else {
            panic!("{v:?}");
        };
        assert_eq!(m.get("encrypted"), Some(&Value::Bool(true)));
        assert!(m.get("size").is_some_and(Value::is_unknown));
        // Different shapes: nothing is known.
        assert!(value(PRE, "var.u ? [1] : [1, 2]").is_unknown());
        assert!(value(PRE, "var.u ? { a = 1 } : { b = 1 }").is_unknown());
    }

    #[test]
    fn equality_is_decided_by_known_parts() {
        const PRE: &str = r#"
variable "groups" {
  default = { a = { ami = aws_instance.x.ami }, b = { ami = "ami-1" } }
}
resource "aws_instance" "x" {}
"#;
        assert_eq!(value(PRE, "var.groups != null"), Value::Bool(true));
        assert_eq!(value(PRE, "var.groups == {}"), Value::Bool(false));
        let lists = "[1, aws_instance.x.id] == [2, aws_instance.x.id]";
        assert_eq!(value(PRE, lists), Value::Bool(false));
        assert!(value(PRE, "var.groups.a == { ami = \"ami-1\" }").is_unknown());
        assert!(value(PRE, "aws_instance.x.id == null").is_unknown());
    }

    #[test]
    fn traversal_reads_values_and_extends_unknowns() {
        assert_eq!(value(VARS, "var.obj.a.b"), s("x"));
        assert_eq!(value(VARS, "var.obj[\"l\"][1]"), n(2.0));
        assert_eq!(value(VARS, "var.obj.l.0"), n(1.0));
        // Reading into a resource's computed attribute extends the reference.
        let v = value(VARS, "aws_s3_bucket.b.tags.Name");
        assert_eq!(unknown(&v).0, ["aws_s3_bucket.b.tags.Name"]);
        assert!(!unknown(&v).2, "a reference is not unresolved");
        // An unset variable stays unresolved through attributes and indexes.
        assert!(unknown(&value(VARS, "var.u.a[0].b")).2);
        // An unknown key makes the element unknown, whatever the collection holds.
        assert!(value(VARS, "var.obj.l[var.u]").is_unknown());
        for bad in [
            "var.obj.nope",
            "var.obj.l[5]",
            "var.obj.l[-1]",
            "var.obj.l[\"x\"]",
            "var.nothing.a",
            "var.missing",
            "local.missing",
            "count.index",
            "each.key",
        ] {
            assert!(probe(VARS, bad).is_err(), "{bad} must fail");
        }
    }

    #[test]
    fn for_over_lists_maps_and_null() {
        assert_eq!(
            value("", r#"[for i, x in ["a", "b"] : "${i}${x}"]"#),
            list(&[s("0a"), s("1b")])
        );
        assert_eq!(
            value("", "{for k, v in { a = 1, b = 2 } : v => k}"),
            map(&[("1", s("a")), ("2", s("b"))])
        );
        assert_eq!(
            value("", r#"{for x in ["a", "b", "a"] : x => 1...}"#),
            map(&[("a", list(&[n(1.0), n(1.0)])), ("b", list(&[n(1.0)]))])
        );
        assert_eq!(
            value("", "[for x in [1, 2, 3] : x if x > 1]"),
            list(&[n(2.0), n(3.0)])
        );
        // Null iterates as empty (see `iterate`); other non-collections fail.
        assert_eq!(value(VARS, "[for x in var.nothing : x]"), list(&[]));
        assert!(probe("", "[for x in 3 : x]").is_err());
        assert!(probe("", r#"[for x in "ab" : x]"#).is_err());
        // Terraform's errors: a duplicate key without `...`, a condition not a bool.
        assert!(probe("", r#"{for x in ["a", "a"] : x => 1}"#).is_err());
        assert!(probe("", r#"[for x in [1] : x if "maybe"]"#).is_err());
        // What cannot be known yields an unknown, not an error.
        assert!(value(VARS, "[for x in var.u : x]").is_unknown());
        assert!(value(VARS, "[for x in [1] : x if var.u]").is_unknown());
        assert!(value(VARS, "{for x in [1] : var.u => x}").is_unknown());
        // Loop variables shadow outer ones and end with their loop.
        assert_eq!(
            value("", "[for x in [1] : [for x in [2] : x]]"),
            list(&[list(&[n(2.0)])])
        );
        assert!(probe("", "[[for x in [1] : x], x]").is_err());
    }

    #[test]
    fn splats_over_null_lists_and_single_values() {
        assert_eq!(value(VARS, "var.objs[*].id"), list(&[n(1.0), n(2.0)]));
        assert_eq!(value(VARS, "var.objs.*.tags.n"), list(&[s("a"), s("b")]));
        // The attribute-only splat stops at an index, which applies to the list.
        assert_eq!(value(VARS, "var.objs.*.id[1]"), n(2.0));
        // The full splat applies every operator after it to each element.
        assert_eq!(
            value(VARS, "var.objs[*].tags[\"n\"]"),
            list(&[s("a"), s("b")])
        );
        assert_eq!(
            value(VARS, "var.nested[*].xs[*].v"),
            list(&[list(&[n(1.0), n(2.0)]), list(&[n(3.0)])])
        );
        assert_eq!(value(VARS, "var.nothing[*].id"), list(&[]));
        assert_eq!(value(VARS, "var.obj.a[*].b"), list(&[s("x")]));
        assert!(value(VARS, "var.u[*].id").is_unknown());
        assert!(probe(VARS, "var.objs[*].nope").is_err());
    }

    #[test]
    fn operators_and_conditionals() {
        assert_eq!(value("", "1 + 2 * 3 - 4 / 2"), n(5.0));
        assert_eq!(value("", "7 % 4"), n(3.0));
        assert_eq!(value("", "-(2)"), n(-2.0));
        assert_eq!(value("", "!(1 < 2) || 2 >= 2"), Value::Bool(true));
        assert_eq!(value("", "\"1\" == 1"), Value::Bool(false));
        assert_eq!(value("", "1.0 == 1"), Value::Bool(true));
        for bad in ["1 / 0", "1 % 0", "\"a\" + 1", "!\"a\"", "\"x\" ? 1 : 2"] {
            assert!(probe("", bad).is_err(), "{bad} must fail");
        }
        assert!(value(VARS, "var.u + 1").is_unknown());
        // A known operand decides `&&` and `||` whatever the other one is.
        assert_eq!(value(VARS, "false && var.u"), Value::Bool(false));
        assert_eq!(value(VARS, "var.u || true"), Value::Bool(true));
        assert!(value(VARS, "var.u && true").is_unknown());
        // An unknown condition: the branches' value when they agree.
        assert_eq!(value(VARS, "var.u ? \"x\" : \"x\""), s("x"));
        assert!(value(VARS, "var.u ? \"x\" : \"y\"").is_unknown());
        assert_eq!(value(VARS, "true ? \"x\" : var.missing"), s("x"));
    }

    #[test]
    fn function_calls() {
        assert_eq!(value("", "upper(\"a\")"), s("A"));
        assert_eq!(value("", "max([1, 5, 2]...)"), n(5.0));
        assert!(value(VARS, "max(var.u...)").is_unknown());
        assert_eq!(value(VARS, "try(var.missing, var.obj.a.b)"), s("x"));
        assert_eq!(value(VARS, "can(var.missing)"), Value::Bool(false));
        assert_eq!(value(VARS, "can(var.obj)"), Value::Bool(true));
        assert!(value(VARS, "can(var.u)").is_unknown());
        assert!(probe(VARS, "try(var.missing)").is_err());
        assert!(probe("", "upper(1, 2)").is_err());
        // A function not implemented here is an unresolved unknown, not an error.
        assert!(unknown(&value("", "nosuchfunction(1)")).2);
        assert_eq!(
            value(
                "",
                "provider::aws::trim_iam_role_path(\"arn:aws:iam::123456789012:role/a/b/r\")"
            ),
            s("arn:aws:iam::123456789012:role/r")
        );
    }
}
