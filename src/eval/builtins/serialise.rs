//! Serialisation builtins: `toJSON`, `fromJSON` and `fromTOML`.

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
    op("fromJSON", 1, from_json),
    op("fromTOML", 1, from_toml_op),
];

/// `toJSON v`: the JSON text, carrying the context of every string inside `v`.
fn to_json_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let mut context = Context::default();
    let text = to_json(ev, &a[0], s, &mut context)?;
    Ok(Value::String(Rc::new(NixString::with_context(text, context))))
}

/// `fromJSON s`. As in Nix 2.8: integers that fit in 64 bits stay integers (unsigned ones
/// above `i64::MAX` wrap around), other numbers become floats, for duplicate keys the last
/// one wins, and a string ends at its first NUL character.
fn from_json(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_string_no_ctx(ev, &a[0], s)?;
    let parsed: serde_json::Value = serde_json::from_str(&text.text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; Nix puts the position first.
        let reason = match message.rfind(" at line ") {
            Some(i) => &message[..i],
            None => message.as_str(),
        };
        error(
            format!(
                "[json.exception.parse_error.101] parse error at line {}, column {}: {reason}",
                e.line(),
                e.column()
            ),
            s,
        )
    })?;
    Ok(json_to_value(parsed))
}

fn json_to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                // Nix 2.8 stores unsigned JSON integers with a plain cast.
                Value::Int(u as i64)
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(mut text) => {
            if let Some(nul) = text.find('\0') {
                text.truncate(nul);
            }
            Value::string(text)
        }
        serde_json::Value::Array(items) => {
            Value::list(items.into_iter().map(|x| stacker::maybe_grow(64 * 1024, 1024 * 1024, || json_to_value(x))).collect())
        }
        serde_json::Value::Object(map) => {
            let entries = map
                .into_iter()
                .map(|(k, x)| Attr {
                    name: Symbol::intern(&k),
                    value: stacker::maybe_grow(64 * 1024, 1024 * 1024, || json_to_value(x)),
                    span: Span::NONE,
                })
                .collect();
            Value::attrs(Attrs::from_unsorted(entries))
        }
    }
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
