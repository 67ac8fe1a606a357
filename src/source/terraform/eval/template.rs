//! String templates: interpolations, `%{ if }` and `%{ for }` directives and their
//! `~` strip markers, in `.tf` files and in `templatefile`/`templatestring`
//! templates alike. Unknown parts become holes in the resulting string's shape.
//!
//! Strip markers apply as HCL applies them, to the literal text beside the marker in
//! the source: `${~`/`%{~` trims the whitespace that ends the literal before it,
//! `~}` the whitespace that starts the literal after it, never interpolated values.

use super::super::functions::template::{self as template_fn, Source};
use super::super::functions::{FileAccess, Shaped};
use super::expr::iterate;
use super::scope::Scope;
use super::{EvalError, Evaluator, R};
use crate::model::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, ForDirective, IfDirective, Template};
use hcl_edit::Span;
use std::ops::Range;

/// Whether the template trims the whitespace that starts and ends its literal
/// text: set by the markers of the directive tags around a directive's body.
#[derive(Clone, Copy, Default)]
struct Trim {
    start: bool,
    end: bool,
}

/// The expression of a template that is one interpolation and nothing else.
/// Such a template yields the value itself, of whatever type, as in Terraform.
fn lone_interpolation(t: &Template) -> Option<&Expression> {
    let mut elements = t.iter();
    match (elements.next(), elements.next()) {
        (Some(Element::Interpolation(i)), None) => Some(&i.expr),
        _ => None,
    }
}

/// Whether an element trims the whitespace before it (`${~`, `%{~`).
fn trims_before(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(x) => x.if_expr.strip.strip_start(),
            Directive::For(x) => x.for_expr.strip.strip_start(),
        },
    }
}

/// Whether an element trims the whitespace after it (`~}`; for a directive, the
/// marker of its closing `endif`/`endfor`).
fn trims_after(e: &Element) -> bool {
    match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(x) => x.endif_expr.strip.strip_end(),
            Directive::For(x) => x.endfor_expr.strip.strip_end(),
        },
    }
}

impl<'a> Evaluator<'a> {
    /// A template in an expression: the value itself for a lone interpolation,
    /// else the rendered string (partly unknown when a part is).
    pub(super) fn template(&self, t: &Template, scope: &Scope<'_, 'a>) -> R {
        if let Some(e) = lone_interpolation(t) {
            return self.eval(e, scope);
        }
        let mut out = Shaped::default();
        self.render(t, Trim::default(), scope, &mut out)?;
        Ok(self.counted(out.finish(), scope.site(t.span())))
    }

    /// `templatefile(path, vars)` and `templatestring(template, vars)`: the
    /// template is evaluated by this evaluator, in a scope that holds only `vars`.
    /// A rendered JSON document keeps its structure (see
    /// [`template_fn::rendered`]). Errors inside the template are the call's.
    pub(super) fn template_call(
        &self,
        name: &str,
        args: &[Value],
        access: &FileAccess,
        site: Option<Range<usize>>,
        scope: &Scope<'_, 'a>,
    ) -> R {
        if scope.template.is_some() {
            // Terraform forbids it too: a template could otherwise include itself.
            return Err(EvalError(format!(
                "{name}(): cannot be called from inside a template"
            )));
        }
        let (template, vars) = match template_fn::source(name, args, access) {
            Ok(Source::Parsed(template, vars)) => (template, vars),
            Ok(Source::Unknown(v)) => return Ok(v),
            Err(e) => return self.function_error(name, e, site),
        };
        let inner = Scope::template(scope.inst, vars, site.clone());
        let value = match lone_interpolation(&template) {
            Some(e) => self.eval(e, &inner),
            None => {
                let mut out = Shaped::keeping_holes();
                self.render(&template, Trim::default(), &inner, &mut out)
                    .map(|()| template_fn::rendered(out))
            }
        }
        .map_err(|e| EvalError(format!("{name}(): {}", e.0)))?;
        Ok(self.counted(value, site))
    }

    /// Render a template's elements into `out`; `trim` says whether the tags around
    /// this (directive body) template trim its first and last literal.
    fn render(
        &self,
        t: &Template,
        trim: Trim,
        scope: &Scope<'_, 'a>,
        out: &mut Shaped,
    ) -> Result<(), EvalError> {
        let mut trim_start = trim.start;
        let mut elements = t.iter().peekable();
        while let Some(element) = elements.next() {
            match element {
                Element::Literal(s) => {
                    let mut text = s.value().as_str();
                    if trim_start {
                        text = text.trim_start();
                    }
                    if elements.peek().map_or(trim.end, |next| trims_before(next)) {
                        text = text.trim_end();
                    }
                    out.push_str(text)?;
                }
                Element::Interpolation(i) => out.push_value(&self.eval(&i.expr, scope)?)?,
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(x) => self.render_if(x, scope, out)?,
                    Directive::For(x) => self.render_for(x, scope, out)?,
                },
            }
            trim_start = trims_after(element);
        }
        Ok(())
    }

    /// `%{ if cond }...%{ else }...%{ endif }`: an unknown condition leaves a gap.
    fn render_if(
        &self,
        x: &IfDirective,
        scope: &Scope<'_, 'a>,
        out: &mut Shaped,
    ) -> Result<(), EvalError> {
        let c = self.eval(&x.if_expr.cond_expr, scope)?;
        match c.to_tf_bool() {
            Some(true) => {
                // The tag that closes the `if` branch: `%{ else }`, else `%{ endif }`.
                let closing = x.else_expr.as_ref().map_or(x.endif_expr.strip, |e| e.strip);
                let trim = Trim {
                    start: x.if_expr.strip.strip_end(),
                    end: closing.strip_start(),
                };
                self.render(&x.if_expr.template, trim, scope, out)
            }
            Some(false) => match &x.else_expr {
                Some(e) => {
                    let trim = Trim {
                        start: e.strip.strip_end(),
                        end: x.endif_expr.strip.strip_start(),
                    };
                    self.render(&e.template, trim, scope, out)
                }
                None => Ok(()),
            },
            None if c.contains_unknown() => Ok(out.push_gap(&c)?),
            None => Err(EvalError(format!(
                "the condition of an if directive is {}, not a bool",
                c.type_name()
            ))),
        }
    }

    /// `%{ for k, v in coll }...%{ endfor }`: an unknown collection leaves a gap.
    /// Each pass costs a step of the root's budget, so that nested loops over
    /// literal text stay bounded too.
    fn render_for(
        &self,
        x: &ForDirective,
        scope: &Scope<'_, 'a>,
        out: &mut Shaped,
    ) -> Result<(), EvalError> {
        let f = &x.for_expr;
        let coll = self.eval(&f.collection_expr, scope)?;
        let Some(items) = iterate(&coll)? else {
            return Ok(out.push_gap(&coll)?);
        };
        let trim = Trim {
            start: f.strip.strip_end(),
            end: x.endfor_expr.strip.strip_start(),
        };
        for (k, v) in items {
            if !self.meter.step() {
                self.over_budget(scope.site(x.span()));
                return Err(EvalError("the evaluation budget is spent".into()));
            }
            let key_var = f.key_var.as_ref().map(|n| (n.as_str(), k));
            let inner = scope.with(key_var.into_iter().chain([(f.value_var.as_str(), v)]));
            self.render(&f.template, trim, &inner, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{list, map, n, probe, probe_in, s, unknown, value, with_root};
    use crate::model::value::{Unknown, Value, HOLE};

    const VARS: &str = r#"
variable "u" {}
variable "x" { default = "module's" }
resource "aws_s3_bucket" "b" {}
"#;

    /// `templatestring(template, vars)`; `vars` is HCL.
    fn render(template: &str, vars: &str) -> Result<Value, String> {
        // Escaped, so that the template reaches templatestring() unevaluated.
        let text = template.replace("${", "$${").replace("%{", "%%{");
        probe(VARS, &format!("templatestring({text:?}, {vars})"))
    }

    fn rendered(template: &str, vars: &str) -> Value {
        render(template, vars).unwrap_or_else(|e| panic!("{template}: {e}"))
    }

    #[test]
    fn templates_in_expressions() {
        assert_eq!(value(VARS, r#""a-${var.x}-${1 + 1}""#), s("a-module's-2"));
        // A lone interpolation is the value itself, of any type.
        assert_eq!(value(VARS, r#""${[1]}""#), list(&[n(1.0)]));
        let v = value(VARS, r#""arn:aws:s3:::${aws_s3_bucket.b.id}/*""#);
        let (refs, shape, unresolved) = unknown(&v);
        assert_eq!(refs, ["aws_s3_bucket.b.id"]);
        assert_eq!(shape, Some(format!("arn:aws:s3:::{HOLE}/*").as_str()));
        assert!(!unresolved);
        assert!(probe(VARS, r#""a${null}""#).is_err());
        assert!(probe(VARS, r#""a${[1]}""#).is_err());
    }

    #[test]
    fn interpolation_and_traversal() {
        let vars = r#"{ name = "b", obj = { a = ["x", "y"] }, list = [{ id = 1 }, { id = 2 }] }"#;
        assert_eq!(rendered("hi ${name}!", vars), s("hi b!"));
        assert_eq!(rendered("${obj.a[1]}/${obj[\"a\"][0]}", vars), s("y/x"));
        assert_eq!(rendered("${join(\",\", list[*].id)}", vars), s("1,2"));
        assert_eq!(
            rendered("${jsonencode(obj)}", vars),
            s("{\"a\":[\"x\",\"y\"]}")
        );
        assert_eq!(
            rendered("${name == \"b\" ? \"yes\" : \"no\"} ${1 + 2 * 3}", vars),
            s("yes 7")
        );
        assert_eq!(rendered("${upper(\"a-${name}\")}", vars), s("A-B"));
        assert_eq!(
            rendered("${[for x in obj.a : upper(x)]}", vars),
            list(&[s("X"), s("Y")])
        );
        assert_eq!(
            rendered("${try(obj.zzz, \"d\")} ${can(obj.zzz)}", vars),
            s("d false")
        );
        // A lone interpolation yields the value itself.
        assert_eq!(rendered("${obj.a}", vars), list(&[s("x"), s("y")]));
        // A template sees its variables and nothing of the module.
        assert!(render("${missing}", vars).is_err());
        assert!(render("${var.x}", vars).is_err());
        assert_eq!(rendered("${var.x}", r#"{ var = { x = 1 } }"#), n(1.0));
        assert_eq!(
            value(VARS, r#"core::templatestring("a$${x}", { x = 1 })"#),
            s("a1")
        );
        assert!(render("${obj.nope}", vars).is_err());
        assert!(render("${templatestring(\"a\", {})}", vars).is_err());
        assert!(render("${", vars).is_err());
        assert!(render("${x}", r#"{ "not valid!" = 1 }"#).is_err());
    }

    #[test]
    fn directives_and_strip_markers() {
        let vars = r#"{ m = { a = "1", b = "2" }, on = true, none = null }"#;
        assert_eq!(
            rendered(
                "x=(\n  %{ for k, v in m ~}\n  [\"${k}\"]=\"${v}\"\n  %{ endfor ~}\n)",
                vars
            ),
            s("x=(\n  [\"a\"]=\"1\"\n  [\"b\"]=\"2\"\n  )")
        );
        assert_eq!(
            rendered("%{ if on ~}\nyes\n%{ else ~}\nno\n%{ endif ~}\n", vars),
            s("yes\n")
        );
        assert_eq!(
            rendered("a %{~ if !on }x%{ else }y%{ endif ~} b", vars),
            s("ayb")
        );
        assert_eq!(
            rendered("[%{ if on }  x  %{~ else ~}  y  %{ endif }]", vars),
            s("[  x]")
        );
        assert_eq!(
            rendered("[%{ if !on }  x  %{~ else ~}  y  %{ endif }]", vars),
            s("[y  ]")
        );
        // A marker trims template text only, never an interpolated value.
        assert_eq!(rendered("${\" a \"} ${~ \" b \"}", vars), s(" a  b "));
        assert_eq!(
            rendered("%{ for v in [1, 2] }${v},%{ endfor }", vars),
            s("1,2,")
        );
        assert_eq!(
            rendered("[%{ for v in none }${v}%{ endfor }]", vars),
            s("[]")
        );
        assert!(render("%{ if 3 }x%{ endif }", vars).is_err());
        assert!(render("%{ for v in 3 }x%{ endfor }", vars).is_err());
    }

    #[test]
    fn unknown_variables_become_holes() {
        let vars = "{ bucket = aws_s3_bucket.b.id, flag = var.u, items = var.u }";
        let v = rendered("arn:aws:s3:::${bucket}/*", vars);
        assert_eq!(unknown(&v).0, ["aws_s3_bucket.b.id"]);
        assert_eq!(
            unknown(&v).1,
            Some(format!("arn:aws:s3:::{HOLE}/*").as_str())
        );
        let v = rendered("a%{ if flag }b%{ endif }c", vars);
        assert_eq!(unknown(&v).1, Some(format!("a{HOLE}c").as_str()));
        assert!(unknown(&v).2);
        let v = rendered("[%{ for i in items }${i}%{ endfor }]", vars);
        assert_eq!(unknown(&v).1, Some(format!("[{HOLE}]").as_str()));
        // A lone interpolation of a partly unknown value passes it through.
        let doc = rendered("${jsonencode({ Resource = bucket })}", vars);
        assert!(matches!(doc, Value::Json(_)));
        assert!(value(VARS, "templatestring(\"x\", var.u)").is_unknown());
        assert!(value(VARS, "templatestring(var.u, {})").is_unknown());
    }

    #[test]
    fn json_templates_keep_their_structure() {
        let vars = r#"{ bucket = aws_s3_bucket.b.arn, actions = jsonencode(["s3:GetObject", var.u]), n = var.u }"#;
        let doc = rendered(
            r#"{"Statement":[{"Effect":"Allow","Action":${actions},"Resource":["${bucket}/*","${bucket}"],"Max":${n}}]}"#,
            vars,
        );
        let arn = Value::reference("aws_s3_bucket.b.arn".into());
        let arn_objects = Value::Unknown(Box::new(Unknown {
            refs: vec!["aws_s3_bucket.b.arn".into()],
            shape: Some(format!("{HOLE}/*")),
            unresolved: false,
        }));
        let want = map(&[(
            "Statement",
            list(&[map(&[
                ("Action", list(&[s("s3:GetObject"), Value::unresolved()])),
                ("Effect", s("Allow")),
                ("Max", Value::unresolved()),
                ("Resource", list(&[arn_objects, arn])),
            ])]),
        )]);
        assert_eq!(doc, Value::Json(Box::new(want)));
        // A directive over an unknown stands for any text, not one value.
        assert!(rendered("[%{ if n }1%{ endif }]", vars).is_unknown());
        // Not JSON, or an unknown key: a shaped string.
        assert!(rendered("x ${bucket}", vars).is_unknown());
        assert!(rendered(r#"{"${bucket}": 1}"#, vars).is_unknown());
        assert!(rendered(r#"{"a": "${bucket}""#, vars).is_unknown());
    }

    #[test]
    fn templatefile_reads_the_module_tree_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("scan");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(
            root.join("t.tpl"),
            "Hello ${name}!%{ for r in regions } ${r}%{ endfor ~}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("secret"), "s3cr3t").expect("write");
        let call = |vars: &str| {
            probe_in(
                &root,
                "variable \"u\" {}",
                &format!("templatefile(\"t.tpl\", {vars})"),
            )
        };
        assert_eq!(
            call(r#"{ name = "world", regions = ["eu", "us"] }"#),
            Ok(s("Hello world! eu us"))
        );
        let v = call(r#"{ name = var.u, regions = [] }"#).expect("renders");
        assert_eq!(unknown(&v).1, Some(format!("Hello {HOLE}!").as_str()));
        assert!(call(r#"{ name = "x" }"#).is_err());
        assert!(call("var.u").is_ok_and(|v| v.is_unknown()));
        // A file outside the scanned tree is refused, and the scan says where,
        // also when the template reads it.
        let text = "a = templatefile(\"../secret\", {})\n\
                    b = templatestring(\"$${file(\\\"../secret\\\")}\", {})\n";
        with_root(&root, &[("", text)], |ev, inst, file| {
            for name in ["a", "b"] {
                let e = super::super::testing::attr(ev, inst, file, name);
                assert!(e.is_err_and(|e| e.contains("outside")), "{name}");
            }
            let diags = ev.diags.borrow();
            let lines: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
            assert_eq!(
                lines,
                [
                    ("file-outside-scan", Some(1)),
                    ("file-outside-scan", Some(2))
                ]
            );
        });
    }

    #[test]
    fn hostile_templates_are_bounded() {
        let loops = "%{ for a in range(1000) }%{ for b in range(1000) }%{ for c in range(1000) }x%{ endfor }%{ endfor }%{ endfor }";
        assert!(render(loops, "{}").is_err());
        // Deeper than a `.tf` file may nest (so from a file): an error or an
        // unknown, never a crash.
        let dir = tempfile::tempdir().expect("tempdir");
        let deep = format!("${{{}1{}}}", "(".repeat(300), ")".repeat(300));
        std::fs::write(dir.path().join("deep.tpl"), deep).expect("write");
        if let Ok(v) = probe_in(dir.path(), "", "templatefile(\"deep.tpl\", {})") {
            assert!(v.is_unknown());
        }
    }
}
