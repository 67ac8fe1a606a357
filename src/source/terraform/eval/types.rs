//! Type constraints of input variables: values convert to the declared type and
//! missing `optional()` attributes get their defaults, as Terraform does, so that a
//! module reading them sees what it would see under Terraform.

use super::super::module::{Expr, VarDecl};
use super::super::parse::SourceFile;
use super::Evaluator;
use crate::model::value::Value;
use hcl_edit::expr::{Expression, ObjectKey};

impl<'a> Evaluator<'a> {
    /// A variable's value converted to its declared `type`, if it has one.
    pub(super) fn conform_var(&self, decl: &VarDecl<'a>, v: Value) -> Value {
        match decl.type_expr {
            Some(t) => self.conform(t.expr, v, t.file),
            None => v,
        }
    }

    /// Convert a value to a type constraint: primitives convert (`"true"` to `true`),
    /// and object attributes declared `optional(type, default)` that are missing get
    /// their default (or null), so modules can read them without an error.
    fn conform(&self, ty: &'a Expression, v: Value, file: &'a SourceFile) -> Value {
        if v.is_unknown() || v.is_null() {
            return v;
        }
        match ty {
            Expression::Variable(name) => match (name.as_str(), &v) {
                ("bool", _) => v.to_tf_bool().map(Value::Bool).unwrap_or(v),
                ("number", Value::String(_)) => v.to_tf_number().map(Value::Number).unwrap_or(v),
                ("string", Value::Bool(_) | Value::Number(_)) => {
                    v.to_tf_string().map(Value::String).unwrap_or(v)
                }
                _ => v,
            },
            Expression::FuncCall(call) => {
                let args: Vec<&'a Expression> = call.args.iter().collect();
                match (call.name.name.as_str(), args.as_slice(), v) {
                    ("optional", [inner, ..], v) => self.conform(inner, v, file),
                    ("list" | "set", [inner], Value::List(items)) => Value::List(
                        items
                            .into_iter()
                            .map(|i| self.conform(inner, i, file))
                            .collect(),
                    ),
                    ("map", [inner], Value::Map(map)) => Value::Map(
                        map.into_iter()
                            .map(|(k, i)| (k, self.conform(inner, i, file)))
                            .collect(),
                    ),
                    ("object", [Expression::Object(attrs)], Value::Map(mut map)) => {
                        for (k, attr_ty) in attrs.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(e) => match e.as_str() {
                                    Some(s) => s.to_string(),
                                    None => continue,
                                },
                            };
                            let attr_ty = attr_ty.expr();
                            match map.remove(&key) {
                                Some(present) => {
                                    map.insert(key, self.conform(attr_ty, present, file));
                                }
                                None => {
                                    if let Expression::FuncCall(opt) = attr_ty {
                                        if opt.name.name.as_str() == "optional" {
                                            let opt_args: Vec<&'a Expression> =
                                                opt.args.iter().collect();
                                            let default = match opt_args.get(1) {
                                                Some(d) => {
                                                    let d =
                                                        self.eval_isolated(Expr { file, expr: d });
                                                    match opt_args.first() {
                                                        Some(t) => self.conform(t, d, file),
                                                        None => d,
                                                    }
                                                }
                                                None => Value::Null,
                                            };
                                            map.insert(key, default);
                                        }
                                    }
                                }
                            }
                        }
                        Value::Map(map)
                    }
                    (_, _, v) => v,
                }
            }
            _ => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{list, map, n, s, value};
    use crate::model::value::Value;

    #[test]
    fn variables_convert_to_their_type() {
        let pre = r#"
variable "flag" {
  type    = bool
  default = "true"
}
variable "count" {
  type    = number
  default = "3"
}
variable "name" {
  type    = string
  default = 7
}
variable "ports" {
  type    = list(number)
  default = ["80"]
}
variable "settings" {
  type = object({
    name    = string
    enabled = optional(bool, true)
    size    = optional(number)
    nested  = optional(object({ on = optional(bool, false) }), {})
  })
  default = { name = "x" }
}
variable "untyped" { default = "true" }
"#;
        assert_eq!(value(pre, "var.flag"), Value::Bool(true));
        assert_eq!(value(pre, "var.count"), n(3.0));
        assert_eq!(value(pre, "var.name"), s("7"));
        assert_eq!(value(pre, "var.ports"), list(&[n(80.0)]));
        assert_eq!(
            value(pre, "var.settings"),
            map(&[
                ("enabled", Value::Bool(true)),
                ("name", s("x")),
                ("nested", map(&[("on", Value::Bool(false))])),
                ("size", Value::Null),
            ])
        );
        assert_eq!(value(pre, "var.untyped"), s("true"));
    }
}
