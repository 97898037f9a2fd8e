//! Printing values the way `nix-instantiate --eval` does, and as JSON.

use super::error::{ErrorKind, EvalError, EvalResult};
use super::machine::{CoerceOpts, Evaluator};
use super::source::Span;
use super::text::float::{format_float_display, format_float_json};
use super::value::Value;
use rustc_hash::FxHashSet;
use std::fmt::Write;

/// Prints `v` as `nix-instantiate --eval` does. Unevaluated parts print as `<CODE>`;
/// a non-empty set or list met a second time prints as `«repeated»`.
pub fn print_value(v: &Value) -> String {
    let mut out = String::new();
    let mut seen = FxHashSet::default();
    print_into(&mut out, v, &mut seen);
    out
}

fn print_into(out: &mut String, v: &Value, seen: &mut FxHashSet<usize>) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float_display(*f)),
        Value::String(s) => write_nix_string(out, &s.text),
        Value::Path(p) => out.push_str(p),
        Value::Attrs(attrs) => {
            if !attrs.is_empty() && !seen.insert(std::rc::Rc::as_ptr(attrs) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for attr in attrs.sorted_by_name() {
                write_attr_name(out, attr.name.as_str());
                out.push_str(" = ");
                stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
                    print_into(out, &attr.value, seen)
                });
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(items) => {
            if !items.0.is_empty() && !seen.insert(std::rc::Rc::as_ptr(items) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("[ ");
            for item in &items.0 {
                stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || print_into(out, item, seen));
                out.push(' ');
            }
            out.push(']');
        }
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
        Value::Thunk(t) => match t.evaluated() {
            Some(inner) => print_into(out, &inner, seen),
            None => out.push_str("<CODE>"),
        },
    }
}

/// Writes a string literal with Nix's escapes.
pub fn write_nix_string(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes an attribute name, quoted unless it is a plain identifier.
pub fn write_attr_name(out: &mut String, name: &str) {
    if is_plain_identifier(name) {
        out.push_str(name);
    } else {
        write_nix_string(out, name);
    }
}

fn is_plain_identifier(name: &str) -> bool {
    // Nix 2.8's rule: identifier characters, not starting with a digit, `-` or `'`; of the
    // keywords, only `if` is quoted.
    match name.chars().next() {
        None => return false,
        Some(c) if c.is_ascii_digit() || c == '-' || c == '\'' => return false,
        _ => {}
    }
    name != "if"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
}

/// Converts a value to JSON text as `builtins.toJSON` does, forcing it deeply. Paths are
/// copied to the store; string context is collected into `context`.
pub fn to_json(
    ev: &mut Evaluator,
    v: &Value,
    span: Span,
    context: &mut super::value::Context,
) -> EvalResult<String> {
    let mut out = String::new();
    json_into(ev, &mut out, v, span, context)?;
    Ok(out)
}

fn json_into(
    ev: &mut Evaluator,
    out: &mut String,
    v: &Value,
    span: Span,
    context: &mut super::value::Context,
) -> EvalResult<()> {
    let v = ev.force(v)?;
    match &v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float_json(*f)),
        Value::String(s) => {
            context.extend(&s.context);
            write_json_string(out, &s.text);
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(&v, span, CoerceOpts::interpolation())?;
            context.extend(&s.context);
            write_json_string(out, &s.text);
        }
        Value::Attrs(attrs) => {
            if attrs.get(ev.sym.to_string).is_some() {
                let s = ev.coerce_to_string(&v, span, CoerceOpts::interpolation())?;
                context.extend(&s.context);
                write_json_string(out, &s.text);
                return Ok(());
            }
            if let Some(p) = attrs.get(ev.sym.out_path).cloned() {
                return ev.nested(span, |ev| json_into(ev, out, &p, span, context));
            }
            out.push('{');
            for (i, attr) in attrs.sorted_by_name().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, attr.name.as_str());
                out.push(':');
                let value = attr.value.clone();
                ev.nested(span, |ev| json_into(ev, out, &value, span, context))
                    .map_err(|e| {
                        e.with_frame(
                            attr.span(),
                            format!("while evaluating attribute '{}'", attr.name),
                        )
                    })?;
            }
            out.push('}');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ev.nested(span, |ev| json_into(ev, out, item, span, context))?;
            }
            out.push(']');
        }
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => {
            return Err(EvalError::new(
                ErrorKind::Other,
                "cannot convert a function to JSON",
                span,
            ));
        }
        Value::Thunk(_) => unreachable!("forced above"),
    }
    Ok(())
}

/// Writes a JSON string literal with the escapes Nix uses.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
