//! Rendering of `templatefile` and `templatestring` templates.
//!
//! A template sees only the variables it is given, plus functions, so a small
//! evaluator over that map suffices: literals, variables, attribute and index
//! traversal (with splats), function calls (back through [`super::call`]), operators,
//! conditionals, `for` expressions and the `%{ if }` / `%{ for }` directives with
//! their `~` strip markers. Unknown values become holes in the rendered string.

use super::{
    fail, is_internal_key, resource_address, unknown_of, FnCtx, FnError, Out, Shaped, Stop,
};
use crate::model::value::{Unknown, Value, HOLE};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use std::cell::Cell;
use std::collections::BTreeMap;

/// Deepest expression nesting evaluated; deeper input yields an unknown.
const MAX_DEPTH: usize = 128;
/// Most evaluation steps one rendering may take (nested loops multiply).
const MAX_STEPS: usize = 1_000_000;

/// A template element with its literal text already stripped by `~` markers.
enum Node<'t> {
    Lit(String),
    Interp(&'t Expression),
    If {
        cond: &'t Expression,
        then: Vec<Node<'t>>,
        otherwise: Vec<Node<'t>>,
    },
    For {
        key: Option<&'t str>,
        value: &'t str,
        coll: &'t Expression,
        body: Vec<Node<'t>>,
    },
}

/// Whether an element strips the whitespace before it (`${~`, `%{~`).
fn strips_before(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(x) => x.if_expr.strip.strip_start(),
            Directive::For(x) => x.for_expr.strip.strip_start(),
        },
    }
}

/// Whether an element strips the whitespace after it (`~}`, on `endif`/`endfor`
/// for directives).
fn strips_after(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(x) => x.endif_expr.strip.strip_end(),
            Directive::For(x) => x.endfor_expr.strip.strip_end(),
        },
    }
}

/// Turn a template into nodes, applying strip markers: `first`/`last` say whether
/// the enclosing directive strips the start/end of this (sub)template.
fn lower(t: &Template, first: bool, last: bool) -> Vec<Node<'_>> {
    let els: Vec<&Element> = t.iter().collect();
    let mut out = Vec::with_capacity(els.len());
    for (i, e) in els.iter().enumerate() {
        match e {
            Element::Literal(s) => {
                let mut text: &str = s.value();
                let before = if i == 0 {
                    first
                } else {
                    strips_after(els[i - 1])
                };
                let after = match els.get(i + 1) {
                    Some(next) => strips_before(next),
                    None => last,
                };
                if before {
                    text = text.trim_start();
                }
                if after {
                    text = text.trim_end();
                }
                out.push(Node::Lit(text.to_string()));
            }
            Element::Interpolation(x) => out.push(Node::Interp(&x.expr)),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(x) => {
                    let then_end = match &x.else_expr {
                        Some(e) => e.strip.strip_start(),
                        None => x.endif_expr.strip.strip_start(),
                    };
                    out.push(Node::If {
                        cond: &x.if_expr.cond_expr,
                        then: lower(&x.if_expr.template, x.if_expr.strip.strip_end(), then_end),
                        otherwise: x
                            .else_expr
                            .as_ref()
                            .map(|e| {
                                lower(
                                    &e.template,
                                    e.strip.strip_end(),
                                    x.endif_expr.strip.strip_start(),
                                )
                            })
                            .unwrap_or_default(),
                    });
                }
                Directive::For(x) => out.push(Node::For {
                    key: x.for_expr.key_var.as_ref().map(|k| k.as_str()),
                    value: x.for_expr.value_var.as_str(),
                    coll: &x.for_expr.collection_expr,
                    body: lower(
                        &x.for_expr.template,
                        x.for_expr.strip.strip_end(),
                        x.endfor_expr.strip.strip_start(),
                    ),
                }),
            },
        }
    }
    out
}

/// Render template source text with the given variables.
pub(super) fn render(text: &str, vars: &BTreeMap<String, Value>, ctx: &FnCtx) -> Out {
    for k in vars.keys().filter(|k| !is_internal_key(k)) {
        let mut chars = k.chars();
        let valid = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(fail(format!(
                "invalid template variable name {k:?}: must start with a letter, followed by zero or more letters, digits, and underscores"
            )));
        }
    }
    let template: Template = text
        .parse()
        .map_err(|e| fail(format!("invalid template: {e}")))?;
    let budget = Budget::default();
    let env = Env {
        vars,
        ctx,
        locals: Vec::new(),
        budget: &budget,
    };
    let els: Vec<&Element> = template.iter().collect();
    if let [Element::Interpolation(i)] = els.as_slice() {
        return env.eval(&i.expr);
    }
    let mut out = Shaped::default();
    env.render(&lower(&template, false, false), &mut out)?;
    Ok(json_document(&out).unwrap_or_else(|| out.finish()))
}

/// First of the numbers standing in for holes while a rendered template is parsed
/// as JSON: 20 digits, valid both inside a JSON string and as a bare JSON value.
const PLACEHOLDER_BASE: u64 = 17_000_000_000_000_000_000;
/// The fixed prefix of every placeholder (the base without its last four digits).
const PLACEHOLDER_PREFIX: &str = "1700000000000000";

/// A rendered template that is a JSON document with unknown parts (an IAM policy
/// template with an interpolated ARN) as [`Value::Json`], every unknown in its
/// place, so that policy rules see the document's structure. `None` when the
/// text is not such a document.
fn json_document(out: &Shaped) -> Option<Value> {
    let start = out.text.trim_start().chars().next()?;
    if out.unknown.is_none()
        || out.gaps
        || !matches!(start, '{' | '[')
        || out.text.contains(PLACEHOLDER_PREFIX)
        || out.text.chars().filter(|c| *c == HOLE).count() != out.holes.len()
    {
        return None;
    }
    let mut text = String::with_capacity(out.text.len() + 20 * out.holes.len());
    let mut next = 0u64;
    for c in out.text.chars() {
        if c == HOLE {
            text.push_str(&(PLACEHOLDER_BASE + next).to_string());
            next += 1;
        } else {
            text.push(c);
        }
    }
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(Value::Json(Box::new(fill_holes(&json, &out.holes)?)))
}

/// Convert parsed JSON back, replacing placeholders by the holes' values; `None`
/// when a hole is in an object key (the document's keys would be unknown).
fn fill_holes(json: &serde_json::Value, holes: &[Value]) -> Option<Value> {
    let hole = |n: u64| {
        n.checked_sub(PLACEHOLDER_BASE)
            .and_then(|i| holes.get(usize::try_from(i).ok()?))
    };
    Some(match json {
        serde_json::Value::Number(n) => match n.as_u64().and_then(hole) {
            // A jsonencode'd value inserted bare is its structure.
            Some(Value::Json(inner)) => (**inner).clone(),
            Some(v) => v.clone(),
            None => Value::from_json(json),
        },
        serde_json::Value::String(s) if s.contains(PLACEHOLDER_PREFIX) => {
            let mut parts = Shaped::default();
            let mut rest = s.as_str();
            while let Some(i) = rest.find(PLACEHOLDER_PREFIX) {
                let digits = rest.get(i..i + 20)?;
                let v = digits.parse::<u64>().ok().and_then(hole)?;
                parts.push_str(&rest[..i]).ok()?;
                parts.push_unknown(v).ok()?;
                rest = &rest[i + 20..];
            }
            parts.push_str(rest).ok()?;
            match (parts.text.as_str(), parts.holes.as_slice()) {
                // The whole string is one unknown: keep it as it was.
                (t, [only]) if t.chars().eq([HOLE]) => only.clone(),
                _ => parts.finish(),
            }
        }
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(|v| fill_holes(v, holes))
                .collect::<Option<_>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                if k.contains(PLACEHOLDER_PREFIX) {
                    return None;
                }
                out.insert(k.clone(), fill_holes(v, holes)?);
            }
            Value::Map(out)
        }
        other => Value::from_json(other),
    })
}

/// `templatestring(template, vars)`: like `templatefile` with the template given as
/// a string.
pub(super) fn templatestring(args: &[Value], ctx: &FnCtx) -> Out {
    super::arity(args, 2, 2)?;
    if args[0].contains_unknown() || args[1].is_unknown() {
        return Ok(unknown_of(args));
    }
    let text = super::string(&args[0])?;
    let vars = super::partial_map(&args[1])?;
    render(&text, vars, ctx)
}

/// Limits shared by every scope of one rendering.
#[derive(Default)]
struct Budget {
    depth: Cell<usize>,
    steps: Cell<usize>,
}

/// Variables in scope while rendering: the given map, plus loop variables.
struct Env<'a> {
    vars: &'a BTreeMap<String, Value>,
    ctx: &'a FnCtx<'a>,
    locals: Vec<(String, Value)>,
    budget: &'a Budget,
}

impl<'a> Env<'a> {
    fn step(&self) -> Result<(), Stop> {
        let n = self.budget.steps.get() + 1;
        self.budget.steps.set(n);
        if n > MAX_STEPS {
            return Err(fail("template evaluation takes too many steps"));
        }
        Ok(())
    }

    /// A nested scope with one or two more loop variables.
    fn with(&self, key: Option<(&str, Value)>, value: (&str, Value)) -> Env<'a> {
        let mut locals = self.locals.clone();
        if let Some((k, v)) = key {
            locals.push((k.to_string(), v));
        }
        locals.push((value.0.to_string(), value.1));
        Env {
            vars: self.vars,
            ctx: self.ctx,
            locals,
            budget: self.budget,
        }
    }

    /// A template's value: the value itself for a lone interpolation, else a string.
    fn template(&self, t: &Template) -> Out {
        let els: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = els.as_slice() {
            return self.eval(&i.expr);
        }
        let nodes = lower(t, false, false);
        let mut out = Shaped::default();
        self.render(&nodes, &mut out)?;
        Ok(out.finish())
    }

    fn render(&self, nodes: &[Node<'_>], out: &mut Shaped) -> Result<(), Stop> {
        for node in nodes {
            self.step()?;
            match node {
                Node::Lit(s) => out.push_str(s)?,
                Node::Interp(e) => out.push_value(&self.eval(e)?)?,
                Node::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond)?;
                    match c.to_tf_bool() {
                        Some(true) => self.render(then, out)?,
                        Some(false) => self.render(otherwise, out)?,
                        None if c.contains_unknown() => {
                            out.gaps = true;
                            out.push_unknown(&c)?;
                        }
                        None => {
                            return Err(fail(format!("condition is {}, not a bool", c.type_name())))
                        }
                    }
                }
                Node::For {
                    key,
                    value,
                    coll,
                    body,
                } => {
                    let c = self.eval(coll)?;
                    let Some(items) = iterate(&c)? else {
                        out.gaps = true;
                        out.push_unknown(&c)?;
                        continue;
                    };
                    for (k, v) in items {
                        self.with(key.map(|name| (name, k)), (value, v))
                            .render(body, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Out {
        if let Some((_, v)) = self.locals.iter().rev().find(|(k, _)| k == name) {
            return Ok(v.clone());
        }
        match self.vars.get(name) {
            Some(v) if !is_internal_key(name) => Ok(v.clone()),
            _ => Err(fail(format!("vars map does not contain key {name:?}"))),
        }
    }

    fn eval(&self, e: &Expression) -> Out {
        let depth = self.budget.depth.get();
        if depth >= MAX_DEPTH {
            return Ok(Value::unresolved());
        }
        self.step()?;
        self.budget.depth.set(depth + 1);
        let r = self.eval_inner(e);
        self.budget.depth.set(depth);
        r
    }

    fn eval_inner(&self, e: &Expression) -> Out {
        Ok(match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(a) => {
                Value::List(a.iter().map(|x| self.eval(x)).collect::<Result<_, _>>()?)
            }
            Expression::Object(o) => {
                let mut map = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(x) => {
                            let kv = self.eval(x)?;
                            match kv.to_tf_string() {
                                Some(s) => s,
                                None if kv.contains_unknown() => return Ok(unknown_of([&kv])),
                                None => return Err(fail("object key must be a string")),
                            }
                        }
                    };
                    map.insert(key, self.eval(v.expr())?);
                }
                Value::Map(map)
            }
            Expression::StringTemplate(t) => self.template(t)?,
            Expression::HeredocTemplate(h) => self.template(&h.template)?,
            Expression::Parenthesis(p) => self.eval(p.inner())?,
            Expression::Variable(v) => self.lookup(v.as_str())?,
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr)?;
                match cond.to_tf_bool() {
                    Some(true) => self.eval(&c.true_expr)?,
                    Some(false) => self.eval(&c.false_expr)?,
                    None if cond.contains_unknown() => {
                        let a = self
                            .eval(&c.true_expr)
                            .unwrap_or_else(|_| Value::unresolved());
                        let b = self
                            .eval(&c.false_expr)
                            .unwrap_or_else(|_| Value::unresolved());
                        if a == b {
                            a
                        } else {
                            unknown_of([&cond, &a, &b])
                        }
                    }
                    None => {
                        return Err(fail(format!(
                            "condition is {}, not a bool",
                            cond.type_name()
                        )))
                    }
                }
            }
            Expression::FuncCall(f) => self.call(f)?,
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                let head = self.eval(&t.expr)?;
                self.traverse(head, &ops)?
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr)?;
                if v.contains_unknown() {
                    return Ok(unknown_of([&v]));
                }
                match op.operator.value() {
                    UnaryOperator::Neg => Value::Number(-super::number(&v)?),
                    UnaryOperator::Not => Value::Bool(!super::boolean(&v)?),
                }
            }
            Expression::BinaryOp(op) => {
                self.binary(op.operator.value(), &op.lhs_expr, &op.rhs_expr)?
            }
            Expression::ForExpr(f) => self.for_expr(f)?,
        })
    }

    fn call(&self, f: &hcl_edit::expr::FuncCall) -> Out {
        let mut name = f.name.name.as_str().to_string();
        if f.name.is_namespaced() {
            let ns: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
            name = format!("{}::{name}", ns.join("::"));
        }
        let exprs: Vec<&Expression> = f.args.iter().collect();
        match name.as_str() {
            "try" => {
                for a in &exprs {
                    if let Ok(v) = self.eval(a) {
                        return Ok(v);
                    }
                }
                return Err(fail("no argument of try() could be evaluated"));
            }
            "can" => {
                let Some(a) = exprs.first() else {
                    return Err(fail("can() needs an argument"));
                };
                return Ok(match self.eval(a) {
                    Ok(v) if v.is_unknown() => v,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "templatefile" | "templatestring" => {
                return Err(fail(format!("cannot call {name} from inside a template")));
            }
            _ => {}
        }
        let mut args = exprs
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<Vec<_>, _>>()?;
        if f.args.expand_final() {
            match args.pop() {
                Some(Value::List(items)) => args.extend(items),
                Some(other) => return Ok(unknown_of([&other])),
                None => {}
            }
        }
        match super::call(&name, &args, self.ctx) {
            Ok(v) => Ok(v),
            Err(FnError::Unsupported(_)) => Ok(Value::unresolved()),
            Err(FnError::Invalid(m)) => Err(fail(format!("{name}(): {m}"))),
            Err(FnError::Refused(m)) => Err(Stop::Fail(FnError::Refused(format!("{name}(): {m}")))),
        }
    }

    /// Apply traversal operators; a splat maps the rest of them over the elements.
    fn traverse(&self, mut v: Value, ops: &[&TraversalOperator]) -> Out {
        for (i, op) in ops.iter().enumerate() {
            v = match op {
                TraversalOperator::GetAttr(a) => get_attr(&v, a.as_str())?,
                TraversalOperator::Index(e) => index(&v, &self.eval(e)?)?,
                TraversalOperator::LegacyIndex(n) => index(&v, &Value::Number(*n.value() as f64))?,
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match v {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        u @ Value::Unknown(_) => return Ok(unknown_of([&u])),
                        other => vec![other],
                    };
                    let rest = &ops[i + 1..];
                    return Ok(Value::List(
                        items
                            .into_iter()
                            .map(|item| self.traverse(item, rest))
                            .collect::<Result<_, _>>()?,
                    ));
                }
            };
        }
        Ok(v)
    }

    fn binary(&self, op: &BinaryOperator, lhs: &Expression, rhs: &Expression) -> Out {
        let l = self.eval(lhs)?;
        match op {
            BinaryOperator::And if l.to_tf_bool() == Some(false) => return Ok(Value::Bool(false)),
            BinaryOperator::Or if l.to_tf_bool() == Some(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
        let r = self.eval(rhs)?;
        match op {
            BinaryOperator::And if r.to_tf_bool() == Some(false) => return Ok(Value::Bool(false)),
            BinaryOperator::Or if r.to_tf_bool() == Some(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
        if l.contains_unknown() || r.contains_unknown() {
            return Ok(unknown_of([&l, &r]));
        }
        let num = |v: &Value| super::number(v);
        Ok(match op {
            BinaryOperator::Eq => Value::Bool(l == r),
            BinaryOperator::NotEq => Value::Bool(l != r),
            BinaryOperator::Less => Value::Bool(num(&l)? < num(&r)?),
            BinaryOperator::LessEq => Value::Bool(num(&l)? <= num(&r)?),
            BinaryOperator::Greater => Value::Bool(num(&l)? > num(&r)?),
            BinaryOperator::GreaterEq => Value::Bool(num(&l)? >= num(&r)?),
            BinaryOperator::Plus => Value::Number(num(&l)? + num(&r)?),
            BinaryOperator::Minus => Value::Number(num(&l)? - num(&r)?),
            BinaryOperator::Mul => Value::Number(num(&l)? * num(&r)?),
            BinaryOperator::Div | BinaryOperator::Mod => {
                let d = num(&r)?;
                if d == 0.0 {
                    return Err(fail("can't divide by zero"));
                }
                let x = num(&l)?;
                Value::Number(if matches!(op, BinaryOperator::Div) {
                    x / d
                } else {
                    x % d
                })
            }
            BinaryOperator::And => Value::Bool(super::boolean(&l)? && super::boolean(&r)?),
            BinaryOperator::Or => Value::Bool(super::boolean(&l)? || super::boolean(&r)?),
        })
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr) -> Out {
        let coll = self.eval(&f.intro.collection_expr)?;
        let Some(items) = iterate(&coll)? else {
            return Ok(unknown_of([&coll]));
        };
        let mut list = Vec::new();
        let mut map = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let key_var = f.intro.key_var.as_ref().map(|kv| (kv.as_str(), k));
            let inner = self.with(key_var, (f.intro.value_var.as_str(), v));
            if let Some(cond) = &f.cond {
                let c = inner.eval(&cond.expr)?;
                match c.to_tf_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None if c.contains_unknown() => return Ok(unknown_of([&c])),
                    None => return Err(fail("for condition must be a bool")),
                }
            }
            let value = inner.eval(&f.value_expr)?;
            let key = f.key_expr.as_ref().map(|ke| inner.eval(ke)).transpose()?;
            match key {
                None => list.push(value),
                Some(kv) => {
                    let Some(key) = kv.to_tf_string() else {
                        return Ok(unknown_of([&kv, &value]));
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if map.insert(key.clone(), value).is_some() {
                        return Err(fail(format!("duplicate object key {key:?}")));
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
}

/// Key/value pairs of a collection; `None` when it is unknown.
fn iterate(coll: &Value) -> Result<Option<Vec<(Value, Value)>>, Stop> {
    Ok(Some(match coll {
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::Number(i as f64), v.clone()))
            .collect(),
        Value::Map(map) if resource_address(map).is_none() => map
            .iter()
            .map(|(k, v)| (Value::str(k.as_str()), v.clone()))
            .collect(),
        Value::Map(_) | Value::Unknown(_) | Value::Json(_) => return Ok(None),
        Value::Null => return Err(fail("cannot iterate over a null value")),
        other => return Err(fail(format!("cannot iterate over a {}", other.type_name()))),
    }))
}

fn get_attr(v: &Value, name: &str) -> Out {
    match v {
        Value::Map(map) => match map.get(name).filter(|_| !is_internal_key(name)) {
            Some(x) => Ok(x.clone()),
            None => match resource_address(map) {
                Some(addr) => Ok(Value::reference(format!("{addr}.{name}"))),
                None => Err(fail(format!("object has no attribute {name:?}"))),
            },
        },
        Value::Unknown(u) => Ok(Value::Unknown(Box::new(Unknown {
            refs: u.refs.iter().map(|r| format!("{r}.{name}")).collect(),
            shape: None,
            unresolved: u.unresolved,
        }))),
        Value::Json(_) => Ok(unknown_of([v])),
        Value::Null => Err(fail(format!("attribute {name:?} of null"))),
        other => Err(fail(format!(
            "cannot read attribute {name:?} of a {}",
            other.type_name()
        ))),
    }
}

fn index(v: &Value, key: &Value) -> Out {
    if key.contains_unknown() {
        return Ok(unknown_of([v, key]));
    }
    match v {
        Value::List(items) => {
            let i = super::integer(key)?;
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| fail(format!("index {i} out of range")))
        }
        Value::Map(_) => get_attr(v, &super::string(key)?),
        Value::Unknown(_) | Value::Json(_) => Ok(unknown_of([v])),
        other => Err(fail(format!("cannot index a {}", other.type_name()))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::{Value, HOLE};

    fn render(text: &str, vars: Value) -> Value {
        ok("templatestring", &[s(text), vars])
    }

    fn fails(text: &str, vars: Value) -> bool {
        err("templatestring", &[s(text), vars])
    }

    #[test]
    fn interpolation_and_traversal() {
        let vars = map(&[
            ("name", s("b")),
            ("obj", map(&[("a", strs(&["x", "y"]))])),
            (
                "list",
                list(&[map(&[("id", n(1.0))]), map(&[("id", n(2.0))])]),
            ),
        ]);
        assert_eq!(render("hi ${name}!", vars.clone()), s("hi b!"));
        assert_eq!(
            render("${obj.a[1]}/${obj[\"a\"][0]}", vars.clone()),
            s("y/x")
        );
        assert_eq!(render("${join(\",\", list[*].id)}", vars.clone()), s("1,2"));
        assert_eq!(
            render("${jsonencode(obj)}", vars.clone()),
            s("{\"a\":[\"x\",\"y\"]}")
        );
        assert_eq!(
            render(
                "${name == \"b\" ? \"yes\" : \"no\"} ${1 + 2 * 3}",
                vars.clone()
            ),
            s("yes 7")
        );
        assert_eq!(render("${upper(\"a-${name}\")}", vars.clone()), s("A-B"));
        assert_eq!(
            render("${[for x in obj.a : upper(x)]}", vars.clone()),
            strs(&["X", "Y"])
        );
        assert_eq!(
            render("${try(obj.zzz, \"d\")} ${can(obj.zzz)}", vars.clone()),
            s("d false")
        );
        assert_eq!(
            render("$${literal} %%{x}", vars.clone()),
            s("${literal} %{x}")
        );
        // A lone interpolation yields the value itself.
        assert_eq!(render("${obj.a}", vars.clone()), strs(&["x", "y"]));
        assert!(fails("${missing}", vars.clone()));
        assert!(fails("${obj.nope}", vars.clone()));
        assert!(fails("${templatefile(\"x\", {})}", vars.clone()));
        assert!(fails("${", vars));
    }

    #[test]
    fn directives_and_strip_markers() {
        let vars = map(&[
            ("m", map(&[("a", s("1")), ("b", s("2"))])),
            ("on", Value::Bool(true)),
        ]);
        assert_eq!(
            render(
                "x=(\n  %{ for k, v in m ~}\n  [\"${k}\"]=\"${v}\"\n  %{ endfor ~}\n)",
                vars.clone()
            ),
            s("x=(\n  [\"a\"]=\"1\"\n  [\"b\"]=\"2\"\n  )")
        );
        assert_eq!(
            render(
                "%{ if on ~}\nyes\n%{ else ~}\nno\n%{ endif ~}\n",
                vars.clone()
            ),
            s("yes\n")
        );
        assert_eq!(
            render("a %{~ if !on }x%{ else }y%{ endif ~} b", vars.clone()),
            s("ayb")
        );
        assert_eq!(
            render("%{ for v in [1, 2] }${v},%{ endfor }", vars.clone()),
            s("1,2,")
        );
        assert!(fails("%{ if 3 }x%{ endif }", vars.clone()));
        assert!(fails("%{ for v in 3 }x%{ endfor }", vars));
    }

    #[test]
    fn unknown_variables_become_holes() {
        let vars = map(&[
            ("bucket", Value::reference("aws_s3_bucket.b.id".into())),
            ("flag", Value::unresolved()),
            ("items", Value::unresolved()),
        ]);
        let Value::Unknown(u) = render("arn:aws:s3:::${bucket}/*", vars.clone()) else {
            panic!()
        };
        assert_eq!(u.shape, Some(format!("arn:aws:s3:::{HOLE}/*")));
        assert_eq!(u.refs, vec!["aws_s3_bucket.b.id".to_string()]);
        let Value::Unknown(u) = render("a%{ if flag }b%{ endif }c", vars.clone()) else {
            panic!()
        };
        assert_eq!(u.shape, Some(format!("a{HOLE}c")));
        assert!(u.unresolved);
        let Value::Unknown(u) = render("[%{ for i in items }${i}%{ endfor }]", vars.clone()) else {
            panic!()
        };
        assert_eq!(u.shape, Some(format!("[{HOLE}]")));
        // A lone interpolation of a partly unknown value passes it through.
        let doc = render("${jsonencode({Resource = bucket})}", vars);
        assert!(matches!(doc, Value::Json(_)));
        assert!(ok("templatestring", &[s("x"), Value::unresolved()]).is_unknown());
    }

    #[test]
    fn json_templates_keep_their_structure() {
        let arn = Value::reference("aws_s3_bucket.b.arn".into());
        let actions = Value::Json(Box::new(list(&[s("s3:GetObject"), Value::unresolved()])));
        let vars = map(&[
            ("bucket", arn.clone()),
            ("actions", actions),
            ("n", Value::unresolved()),
        ]);
        let doc = render(
            r#"{"Statement":[{"Effect":"Allow","Action":${actions},"Resource":["${bucket}/*","${bucket}"],"Max":${n}}]}"#,
            vars.clone(),
        );
        let want = map(&[(
            "Statement",
            list(&[map(&[
                ("Action", list(&[s("s3:GetObject"), Value::unresolved()])),
                ("Effect", s("Allow")),
                ("Max", Value::unresolved()),
                (
                    "Resource",
                    list(&[shaped("\u{FFFC}/*", &["aws_s3_bucket.b.arn"]), arn]),
                ),
            ])]),
        )]);
        assert_eq!(doc, Value::Json(Box::new(want)));
        // A directive over an unknown stands for any text, not one value.
        assert!(render("[%{ if n }1%{ endif }]", vars.clone()).is_unknown());
        // Not JSON, or an unknown key: a shaped string.
        assert!(render("x ${bucket}", vars.clone()).is_unknown());
        assert!(render(r#"{"${bucket}": 1}"#, vars.clone()).is_unknown());
        assert!(render(r#"{"a": "${bucket}""#, vars).is_unknown());
    }

    #[test]
    fn hostile_templates_are_bounded() {
        let vars = map(&[]);
        assert!(fails("%{ for a in range(1000) }%{ for b in range(1000) }%{ for c in range(1000) }x%{ endfor }%{ endfor }%{ endfor }", vars.clone()));
        let deep = format!("${{{}1{}}}", "(".repeat(300), ")".repeat(300));
        // Either a parse error or an unknown, never a crash.
        let _ = super::super::call(
            "templatestring",
            &[s(&deep), vars.clone()],
            &ctx(std::path::Path::new("/")),
        );
        assert!(fails("${x}", map(&[("not valid!", n(1.0))])));
    }
}
