//! Serialisation builtins: `toJSON` and `fromTOML` (`fromJSON` is in `json.rs`, `toXML`
//! in `xml.rs`).

use super::{arg_string_no_ctx, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::print::to_json;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::text::toml::{TomlValue, from_toml};
use crate::eval::value::{Attr, Attrs, Context, NixString, PrimOp, Value};
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] =
    &[op("toJSON", 1, to_json_op), op("fromTOML", 1, from_toml_op)];

/// `toJSON v`: the JSON text, carrying the context of every string inside `v`.
fn to_json_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut context = Context::default();
    let text = to_json(ev, &a[0], s, &mut context)?;
    Ok(Value::String(Rc::new(NixString::with_context(
        text, context,
    ))))
}

/// `fromTOML s`: a set; dates and times are refused.
fn from_toml_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_string_no_ctx(ev, &a[0], s)?;
    let parsed = from_toml(&text.text).map_err(|e| error(e.to_string(), s))?;
    Ok(toml_to_value(parsed))
}

fn toml_to_value(v: TomlValue) -> Value {
    match v {
        TomlValue::Int(i) => Value::Int(i),
        TomlValue::Float(f) => Value::Float(f),
        TomlValue::Bool(b) => Value::Bool(b),
        TomlValue::String(text) => Value::string(text),
        TomlValue::Array(items) => Value::list(
            items
                .into_iter()
                .map(|x| stacker::maybe_grow(64 * 1024, 1024 * 1024, || toml_to_value(x)))
                .collect(),
        ),
        TomlValue::Table(entries) => {
            let entries = entries
                .into_iter()
                .map(|(k, x)| Attr {
                    name: Symbol::intern(&k),
                    value: stacker::maybe_grow(64 * 1024, 1024 * 1024, || toml_to_value(x)),
                    pos: Attr::NO_POS,
                })
                .collect();
            Value::attrs(Attrs::from_unsorted(entries))
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`nix-instantiate --eval --strict`).
    use super::super::check_cases as check;

    #[test]
    fn to_json_keeps_context() {
        let ctx = r#"(builtins.appendContext "a" { "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo" = { path = true; }; })"#;
        check(&[
            (
                r#"builtins.toJSON { a = 1; b = [ 1.5 "x" null ]; }"#,
                r#""{\"a\":1,\"b\":[1.5,\"x\",null]}""#,
            ),
            (
                &format!("builtins.hasContext (builtins.toJSON [ {ctx} ])"),
                "true",
            ),
        ]);
    }

    #[test]
    fn from_toml() {
        check(&[
            (
                r#"builtins.fromTOML "a = 1\nb = [1, \"x\"]\n[c]\nd = 1.5""#,
                r#"{ a = 1; b = [ 1 "x" ]; c = { d = 1.5; }; }"#,
            ),
            (
                r#"builtins.fromTOML "a = 1979-05-27""#,
                "error: while parsing a TOML string: Dates and times are not supported",
            ),
        ]);
    }
}
