//! String templates: interpolations, `%{ if }` and `%{ for }` directives and their
//! `~` strip markers. Unknown parts become holes in the resulting string's shape.

use super::expr::iterate;
use super::scope::Scope;
use super::{EvalError, Evaluator, R};
use crate::model::value::{Unknown, Value, HOLE};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span;

/// Pieces of a string template: literal text, and unknown parts that become holes.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) text: String,
    pub(super) unknown: Option<Unknown>,
    /// Where the literal text at the end of `text` begins, if the last part was a
    /// literal: a strip marker trims only template literals, never interpolated values.
    pub(super) literal_from: Option<usize>,
    /// A `~}` was seen: trim the whitespace that starts the next literal.
    pub(super) strip_next: bool,
}

impl Parts {
    pub(super) fn literal(&mut self, s: &str) {
        let s = if std::mem::take(&mut self.strip_next) {
            s.trim_start()
        } else {
            s
        };
        if self.literal_from.is_none() {
            self.literal_from = Some(self.text.len());
        }
        self.text.push_str(s);
    }

    /// `${~` / `%{~`: the whitespace that ends the preceding literal goes.
    pub(super) fn strip_before(&mut self, strip: Strip) {
        if let (true, Some(from)) = (strip.strip_start(), self.literal_from) {
            let kept = self.text[from..].trim_end().len();
            self.text.truncate(from + kept);
        }
    }

    /// `~}`: the whitespace that starts the following literal goes.
    pub(super) fn strip_after(&mut self, strip: Strip) {
        if strip.strip_end() {
            self.strip_next = true;
        }
    }

    pub(super) fn value(&mut self, v: &Value) -> Result<(), EvalError> {
        self.literal_from = None;
        self.strip_next = false;
        if let Some(s) = v.to_tf_string() {
            self.text.push_str(&s);
            return Ok(());
        }
        match v {
            Value::Unknown(u) => {
                let acc = self.unknown.get_or_insert_with(Unknown::default);
                acc.refs.extend(u.refs.iter().cloned());
                acc.unresolved |= u.unresolved;
                // A partly known string keeps its known parts inside this one:
                // `"${local.prefix}/Name"` with prefix `arn:<hole>:iam::aws:policy`
                // is `arn:<hole>:iam::aws:policy/Name`, not a single hole.
                match &u.shape {
                    Some(shape) => self.text.push_str(shape),
                    None => self.text.push(HOLE),
                }
                Ok(())
            }
            Value::Json(_) => {
                let acc = self.unknown.get_or_insert_with(Unknown::default);
                let Value::Unknown(u) = Value::unknown_from([v]) else {
                    return Ok(());
                };
                acc.refs.extend(u.refs);
                acc.unresolved |= u.unresolved;
                self.text.push(HOLE);
                Ok(())
            }
            Value::Null => Err(EvalError("null value in a string template".into())),
            other => Err(EvalError(format!(
                "cannot use a {} in a string template",
                other.type_name()
            ))),
        }
    }

    pub(super) fn finish(self) -> Value {
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

impl<'a> Evaluator<'a> {
    pub(super) fn template(&self, t: &'a Template, scope: &Scope<'_, 'a>) -> R {
        // A template that is a single interpolation yields the value itself.
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr, scope);
        }
        let mut parts = Parts::default();
        self.render(t, scope, &mut parts)?;
        Ok(self.counted(parts.finish(), t.span()))
    }

    pub(super) fn render(
        &self,
        t: &'a Template,
        scope: &Scope<'_, 'a>,
        parts: &mut Parts,
    ) -> Result<(), EvalError> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => parts.literal(s.value()),
                Element::Interpolation(i) => {
                    parts.strip_before(i.strip);
                    let v = self.eval(&i.expr, scope)?;
                    parts.value(&v)?;
                    parts.strip_after(i.strip);
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        parts.strip_before(ifd.if_expr.strip);
                        let c = self.eval(&ifd.if_expr.cond_expr, scope)?;
                        // Whichever branch renders, the tag that closes it may strip
                        // its end: `%{ else }` closes the `if` branch, `%{ endif }`
                        // the last one.
                        let closing = |has_else: bool| match &ifd.else_expr {
                            Some(e) if has_else => e.strip,
                            _ => ifd.endif_expr.strip,
                        };
                        match c.to_tf_bool() {
                            Some(true) => {
                                parts.strip_after(ifd.if_expr.strip);
                                self.render(&ifd.if_expr.template, scope, parts)?;
                                parts.strip_before(closing(true));
                            }
                            Some(false) => {
                                if let Some(e) = &ifd.else_expr {
                                    parts.strip_after(e.strip);
                                    self.render(&e.template, scope, parts)?;
                                    parts.strip_before(ifd.endif_expr.strip);
                                }
                            }
                            None => parts.value(&Value::unknown_from([&c]))?,
                        }
                        parts.strip_after(ifd.endif_expr.strip);
                    }
                    Directive::For(ford) => {
                        let f = &ford.for_expr;
                        parts.strip_before(f.strip);
                        let coll = self.eval(&f.collection_expr, scope)?;
                        let Some(items) = iterate(&coll) else {
                            parts.value(&Value::unknown_from([&coll]))?;
                            parts.strip_after(ford.endfor_expr.strip);
                            continue;
                        };
                        for (k, v) in items {
                            let mut inner = Scope {
                                inst: scope.inst,
                                count: scope.count.clone(),
                                each: scope.each.clone(),
                                locals: scope.locals.clone(),
                            };
                            if let Some(kv) = &f.key_var {
                                inner.locals.push((kv.as_str().to_string(), k));
                            }
                            inner.locals.push((f.value_var.as_str().to_string(), v));
                            parts.strip_after(f.strip);
                            self.render(&f.template, &inner, parts)?;
                            parts.strip_before(ford.endfor_expr.strip);
                        }
                        parts.strip_after(ford.endfor_expr.strip);
                    }
                },
            }
        }
        Ok(())
    }
}
