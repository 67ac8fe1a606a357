//! Expressions: literals, operators, conditionals, `for` expressions, splats,
//! traversal and function calls, with unknowns propagated as Terraform does.

use super::super::functions::{self, FnCtx, FnError};
use super::super::parse::DUPLICATE_KEY_PREFIX;
use super::refs::RESOURCE_MARKER;
use super::scope::Scope;
use super::{EvalError, Evaluator, MAX_DEPTH, R};
use crate::model::value::{Unknown, Value};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::Span;
use std::collections::BTreeMap;

/// Terraform equality: same type and value (numbers compare numerically).
pub(super) fn tf_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < f64::EPSILON,
        _ => a == b,
    }
}

pub(super) fn get_attr(value: &Value, name: &str) -> R {
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

pub(super) fn index(value: &Value, key: &Value) -> R {
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

/// Apply a non-splat traversal operator to a value.
pub(super) fn apply_static<'a>(
    value: &Value,
    op: &'a TraversalOperator,
    mut eval: impl FnMut(&'a Expression) -> R,
) -> R {
    match op {
        TraversalOperator::GetAttr(a) => get_attr(value, a.as_str()),
        TraversalOperator::Index(e) => index(value, &eval(e)?),
        TraversalOperator::LegacyIndex(n) => index(value, &Value::Number(*n.value() as f64)),
        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => Ok(value.clone()),
    }
}

/// Key/value pairs of a collection for `for` expressions; `None` when unknown.
pub(super) fn iterate(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match coll {
        Value::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect(),
        ),
        Value::Map(map) => Some(
            map.iter()
                .filter(|(k, _)| k.as_str() != RESOURCE_MARKER)
                .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                .collect(),
        ),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

impl<'a> Evaluator<'a> {
    pub(super) fn eval(&self, expr: &'a Expression, scope: &Scope<'_, 'a>) -> R {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Ok(Value::unresolved());
        }
        if !self.meter.step() {
            return Ok(self.over_budget(expr.span()));
        }
        self.depth.set(depth + 1);
        let r = self.eval_inner(expr, scope);
        self.depth.set(depth);
        r
    }

    pub(super) fn eval_inner(&self, expr: &'a Expression, scope: &Scope<'_, 'a>) -> R {
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
                        if a == b {
                            a
                        } else {
                            Value::unknown_from([&cond, &a, &b])
                        }
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

    pub(super) fn traversal(
        &self,
        head: &'a Expression,
        ops: &[&'a TraversalOperator],
        scope: &Scope<'_, 'a>,
    ) -> R {
        let (mut value, consumed) = match head {
            Expression::Variable(v) => self.traversal_root(v.as_str(), ops, scope)?,
            other => (self.eval(other, scope)?, 0),
        };
        let rest = &ops[consumed.min(ops.len())..];
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                TraversalOperator::GetAttr(a) => value = get_attr(&value, a.as_str())?,
                TraversalOperator::Index(ix) => {
                    let k = self.eval(ix, scope)?;
                    value = index(&value, &k)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = index(&value, &Value::Number(*n.value() as f64))?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // Apply the remaining operators to each element.
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        Value::Unknown(_) => return Ok(value),
                        other => vec![other],
                    };
                    let tail = &rest[i + 1..];
                    let attr_only = matches!(rest[i], TraversalOperator::AttrSplat(_));
                    let split = if attr_only {
                        tail.iter()
                            .position(|o| !matches!(o, TraversalOperator::GetAttr(_)))
                            .unwrap_or(tail.len())
                    } else {
                        tail.len()
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        let mut v = item;
                        for op in &tail[..split] {
                            v = apply_static(&v, op, |e| self.eval(e, scope))?;
                        }
                        out.push(v);
                    }
                    value = Value::List(out);
                    i += 1 + split;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    pub(super) fn for_expr(&self, f: &'a hcl_edit::expr::ForExpr, scope: &Scope<'_, 'a>) -> R {
        let coll = self.eval(&f.intro.collection_expr, scope)?;
        let Some(items) = iterate(&coll) else {
            return Ok(Value::unknown_from([&coll]));
        };
        if !self.fits(items.len(), f.span(), None) {
            return Ok(Value::unresolved());
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let mut inner = Scope {
                inst: scope.inst,
                count: scope.count.clone(),
                each: scope.each.clone(),
                locals: scope.locals.clone(),
            };
            if let Some(kv) = &f.intro.key_var {
                inner.locals.push((kv.as_str().to_string(), k));
            }
            inner
                .locals
                .push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, &inner)?;
                match c.to_tf_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Value::unknown_from([&c])),
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
                    } else {
                        map.insert(key, value);
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

    pub(super) fn call(&self, call: &'a hcl_edit::expr::FuncCall, scope: &Scope<'_, 'a>) -> R {
        let mut name = call.name.name.as_str().to_string();
        if call.name.is_namespaced() {
            let ns: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            name = format!("{}::{name}", ns.join("::"));
        }
        let args: Vec<&'a Expression> = call.args.iter().collect();
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
        let ctx = FnCtx {
            module_dir: &scope.inst.module.dir,
            scan_root: &scope.inst.module.base,
        };
        match functions::call(&name, &values, &ctx) {
            Ok(v) => Ok(self.counted(v, call.span())),
            Err(FnError::Unsupported(_)) => Ok(Value::unresolved()),
            Err(FnError::Invalid(msg)) => Err(EvalError(format!("{name}(): {msg}"))),
            Err(FnError::Refused(msg)) => {
                self.report_refused(call, &name, &msg);
                Err(EvalError(format!("{name}(): {msg}")))
            }
        }
    }

    pub(super) fn binary(
        &self,
        op: &BinaryOperator,
        lhs: &'a Expression,
        rhs: &'a Expression,
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
        if l.contains_unknown() || r.contains_unknown() {
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
            BinaryOperator::Eq => Value::Bool(tf_equal(&l, &r)),
            BinaryOperator::NotEq => Value::Bool(!tf_equal(&l, &r)),
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
