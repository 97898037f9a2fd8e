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

pub(crate) const PRIMOPS: &[PrimOp] = &[
    op("toJSON", 1, to_json_op),
    op("fromTOML", 1, from_toml_op),
];

/// `toJSON v`: the JSON text, carrying the context of every string inside `v`.
fn to_json_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut context = Context::default();
    let text = to_json(ev, &a[0], s, &mut context)?;
    Ok(Value::String(Rc::new(NixString::with_context(text, context))))
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
                    span: Span::NONE,
                })
                .collect();
            Value::attrs(Attrs::from_unsorted(entries))
        }
    }
}
