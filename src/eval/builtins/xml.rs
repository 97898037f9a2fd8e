//! `builtins.toXML`: Nix's XML rendering of a value, forced deeply.
//!
//! The format is Nix 2.8's exactly: two spaces of indentation per level, attributes of an
//! element sorted by name, only `&<>"` and newlines escaped (tabs and carriage returns are
//! written as they are), derivations shown once (later occurrences as `<repeated />`),
//! built-in functions as `<unevaluated />`.

use super::{error, op};
use crate::eval::error::EvalResult;
use crate::eval::ir::Param;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::text::float::format_float_display;
use crate::eval::value::{Attrs, Context, NixString, PrimOp, Value};
use rustc_hash::FxHashSet;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[op("toXML", 1, to_xml)];

/// `toXML v`: the XML text, carrying the context of every string inside `v`.
fn to_xml(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut w = XmlWriter {
        out: String::new(),
        depth: 0,
        context: Context::default(),
        drvs_seen: FxHashSet::default(),
    };
    w.out.push_str("<?xml version='1.0' encoding='utf-8'?>\n");
    w.open("expr", &[]);
    w.value(ev, &a[0], s)?;
    w.close("expr");
    Ok(Value::String(Rc::new(NixString::with_context(
        w.out, w.context,
    ))))
}

/// Appends `s` with XML escapes as Nix writes them.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("&#xA;"),
            c => out.push(c),
        }
    }
}

/// Deepest nesting `toXML` writes (Nix's own default `max-call-depth`).
const MAX_DEPTH: usize = 10_000;

/// An indenting XML writer with the state `toXML` carries through the value.
struct XmlWriter {
    out: String,
    depth: usize,
    context: Context,
    /// `drvPath`s of derivations already written in full.
    drvs_seen: FxHashSet<String>,
}

impl XmlWriter {
    /// Writes `<name a="v" …` (attributes must be sorted by name).
    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, v);
            self.out.push('"');
        }
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(" />\n");
    }

    fn value(&mut self, ev: &mut Evaluator, v: &Value, s: Span) -> EvalResult<()> {
        if self.depth > MAX_DEPTH {
            // The indentation makes the text quadratic in the depth: the evaluator's own
            // depth limit would only be reached after terabytes (`let x = [ x ]; in x`).
            return Err(error(
                format!("toXML: value nested too deeply (more than {MAX_DEPTH} levels)"),
                s,
            ));
        }
        let v = ev.force(v)?;
        match &v {
            Value::Int(i) => self.empty("int", &[("value", &i.to_string())]),
            Value::Float(f) => self.empty("float", &[("value", &format_float_display(*f))]),
            Value::Bool(b) => self.empty("bool", &[("value", if *b { "true" } else { "false" })]),
            Value::Null => self.empty("null", &[]),
            Value::String(st) => {
                self.context.extend(&st.context);
                self.empty("string", &[("value", &st.text)]);
            }
            Value::Path(p) => self.empty("path", &[("value", p)]),
            Value::Attrs(attrs) => {
                if is_derivation(ev, attrs)? {
                    self.derivation(ev, attrs, s)?;
                } else {
                    self.open("attrs", &[]);
                    self.attrs(ev, attrs, s)?;
                    self.close("attrs");
                }
            }
            Value::List(items) => {
                self.open("list", &[]);
                for item in &items.0 {
                    ev.nested(s, |ev| self.value(ev, item, s))?;
                }
                self.close("list");
            }
            Value::Lambda(closure) => {
                self.open("function", &[]);
                match &closure.def.param {
                    Param::Ident(name) => self.empty("varpat", &[("name", name.as_str())]),
                    Param::Pattern {
                        formals,
                        ellipsis,
                        bind,
                    } => {
                        let mut tag: Vec<(&str, &str)> = Vec::new();
                        if *ellipsis {
                            tag.push(("ellipsis", "1"));
                        }
                        if let Some(b) = bind {
                            tag.push(("name", b.as_str()));
                        }
                        self.open("attrspat", &tag);
                        let mut names: Vec<&str> =
                            formals.iter().map(|f| f.name.as_str()).collect();
                        names.sort_unstable();
                        for name in names {
                            self.empty("attr", &[("name", name)]);
                        }
                        self.close("attrspat");
                    }
                }
                self.close("function");
            }
            Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Thunk(_) => {
                self.empty("unevaluated", &[])
            }
        }
        Ok(())
    }

    /// `<attr name="…">value</attr>` for each attribute, in name order.
    fn attrs(&mut self, ev: &mut Evaluator, attrs: &Attrs, s: Span) -> EvalResult<()> {
        for attr in attrs.sorted_by_name() {
            self.open("attr", &[("name", attr.name.as_str())]);
            ev.nested(s, |ev| self.value(ev, &attr.value, s))?;
            self.close("attr");
        }
        Ok(())
    }

    /// `<derivation drvPath=… outPath=…>`: the attributes the first time a `drvPath` is
    /// seen, `<repeated />` afterwards or when there is no string `drvPath`.
    fn derivation(&mut self, ev: &mut Evaluator, attrs: &Attrs, s: Span) -> EvalResult<()> {
        let drv_path = string_attr(ev, attrs.get(ev.sym.drv_path).cloned())?;
        let out_path = string_attr(ev, attrs.get(ev.sym.out_path).cloned())?;
        let mut tag: Vec<(&str, &str)> = Vec::new();
        if let Some(d) = &drv_path {
            tag.push(("drvPath", d));
        }
        if let Some(o) = &out_path {
            tag.push(("outPath", o));
        }
        self.open("derivation", &tag);
        match drv_path {
            Some(d) if !d.is_empty() && self.drvs_seen.insert(d.clone()) => {
                self.attrs(ev, attrs, s)?
            }
            _ => self.empty("repeated", &[]),
        }
        self.close("derivation");
        Ok(())
    }
}

/// The text of an attribute if it is a string (forcing it).
fn string_attr(ev: &mut Evaluator, v: Option<Value>) -> EvalResult<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    Ok(match ev.force(&v)? {
        Value::String(st) => Some(st.text.clone()),
        _ => None,
    })
}

/// Whether a set is a derivation: its `type` is the string `"derivation"`.
fn is_derivation(ev: &mut Evaluator, attrs: &Attrs) -> EvalResult<bool> {
    let Some(t) = attrs.get(ev.sym.type_).cloned() else {
        return Ok(false);
    };
    Ok(matches!(ev.force(&t)?, Value::String(st) if st.text == "derivation"))
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`nix-instantiate --eval --strict`).
    use super::super::check_cases as check;

    const HEAD: &str = r#""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n"#;

    #[test]
    fn scalars_and_escapes() {
        check(&[
            (
                r#"builtins.toXML 1"#,
                &format!(r#"{HEAD}  <int value=\"1\" />\n</expr>\n""#),
            ),
            (
                r#"builtins.toXML 1.0e20"#,
                &format!(r#"{HEAD}  <float value=\"1e+20\" />\n</expr>\n""#),
            ),
            (
                r#"builtins.toXML "x&<>\"' \n\t\r y""#,
                &format!(
                    r#"{HEAD}  <string value=\"x&amp;&lt;&gt;&quot;' &#xA;\t\r y\" />\n</expr>\n""#
                ),
            ),
            (
                r#"builtins.toXML builtins.toXML"#,
                &format!(r#"{HEAD}  <unevaluated />\n</expr>\n""#),
            ),
            (r#"builtins.toXML { a = throw "boom"; }"#, "error: boom"),
        ]);
    }

    #[test]
    fn containers_and_functions() {
        check(&[
            (
                r#"builtins.toXML { d = {}; e = [ null ]; }"#,
                &format!(
                    r#"{HEAD}  <attrs>\n    <attr name=\"d\">\n      <attrs>\n      </attrs>\n    </attr>\n    <attr name=\"e\">\n      <list>\n        <null />\n      </list>\n    </attr>\n  </attrs>\n</expr>\n""#
                ),
            ),
            (
                r#"builtins.toXML ({ b, a ? 1, ... }@args: a)"#,
                &format!(
                    r#"{HEAD}  <function>\n    <attrspat ellipsis=\"1\" name=\"args\">\n      <attr name=\"a\" />\n      <attr name=\"b\" />\n    </attrspat>\n  </function>\n</expr>\n""#
                ),
            ),
            (
                r#"builtins.toXML (x: x)"#,
                &format!(
                    r#"{HEAD}  <function>\n    <varpat name=\"x\" />\n  </function>\n</expr>\n""#
                ),
            ),
        ]);
    }

    #[test]
    fn derivations_are_shown_once() {
        check(&[
            (
                r#"let d = { type = "derivation"; drvPath = "/d"; outPath = "/o"; }; in builtins.toXML [ d d ]"#,
                &format!(
                    r#"{HEAD}  <list>\n    <derivation drvPath=\"/d\" outPath=\"/o\">\n      <attr name=\"drvPath\">\n        <string value=\"/d\" />\n      </attr>\n      <attr name=\"outPath\">\n        <string value=\"/o\" />\n      </attr>\n      <attr name=\"type\">\n        <string value=\"derivation\" />\n      </attr>\n    </derivation>\n    <derivation drvPath=\"/d\" outPath=\"/o\">\n      <repeated />\n    </derivation>\n  </list>\n</expr>\n""#
                ),
            ),
            (
                r#"builtins.toXML { type = "derivation"; outPath = 1; }"#,
                &format!(r#"{HEAD}  <derivation>\n    <repeated />\n  </derivation>\n</expr>\n""#),
            ),
        ]);
    }
}
