//! `builtins.fromJSON`: JSON text to Nix values, with Nix 2.8's number rules.
//!
//! Parsing is serde_json's; a serde visitor builds the values directly, in document order.
//! As in Nix 2.8 (nlohmann::json): integers that fit in 64 bits stay integers (unsigned ones
//! above `i64::MAX` wrap around), `-0` is the integer 0, other numbers become floats, for
//! duplicate keys the last one wins, and a string ends at its first NUL character.

use super::{arg_string_no_ctx, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

pub(crate) const PRIMOPS: &[PrimOp] = &[op("fromJSON", 1, from_json)];

fn from_json(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_string_no_ctx(ev, &a[0], s)?;
    parse_json(&text.text).map_err(|message| error(message, s))
}

/// Parses a JSON document into a Nix value; the error is a user-facing message.
pub(crate) fn parse_json(text: &str) -> Result<Value, String> {
    let numbers = number_tokens(text);
    let next = Cell::new(0);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed {
        numbers: &numbers,
        next: &next,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(|e| describe(&e))?;
    Ok(value)
}

/// Words a serde_json error the way Nix 2.8 (nlohmann::json) lays its errors out.
fn describe(e: &serde_json::Error) -> String {
    let message = e.to_string();
    // serde_json appends " at line L column C"; nlohmann puts the position first.
    let reason = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message.as_str(),
    };
    format!(
        "[json.exception.parse_error.101] parse error at line {}, column {}: {reason}",
        e.line(),
        e.column()
    )
}

/// The text of every number token in `text`, in document order (strings are skipped).
/// Only consulted to tell `-0` (an integer in Nix) from `-0.0`.
fn number_tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(&text[start..i]);
            }
            _ => i += 1,
        }
    }
    out
}

/// Builds one value; `next` counts the numbers seen so far.
#[derive(Clone, Copy)]
struct Seed<'a> {
    numbers: &'a [&'a str],
    next: &'a Cell<usize>,
}

impl Seed<'_> {
    /// The token of the number being visited, advancing the count.
    fn number_token(&self) -> Option<&str> {
        let k = self.next.get();
        self.next.set(k + 1);
        self.numbers.get(k).copied()
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        self.number_token();
        Ok(Value::Int(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        self.number_token();
        // Nix 2.8 stores unsigned JSON integers with a plain cast.
        Ok(Value::Int(u as i64))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        let token = self.number_token();
        // serde_json reads `-0` as the float -0.0; nlohmann reads it as the integer 0.
        if f == 0.0 && token.is_some_and(|t| !t.contains(['.', 'e', 'E'])) {
            return Ok(Value::Int(0));
        }
        Ok(Value::Float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        // Nix strings end at a NUL character.
        Ok(Value::string(s.split('\0').next().unwrap_or_default()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::list(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            entries.push(Attr {
                name: Symbol::intern(&key),
                value,
                pos: Attr::NO_POS,
            });
        }
        // The last of duplicate keys wins; `from_unsorted` keeps the first.
        entries.reverse();
        Ok(Value::attrs(Attrs::from_unsorted(entries)))
    }
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`nix-instantiate --eval --strict`).
    use super::super::check_cases as check;

    #[test]
    fn numbers_follow_nix_2_8() {
        check(&[
            (
                r#"builtins.fromJSON "[1, 1.5, 1e3, -0, -0.0, 9223372036854775808, 18446744073709551615, 18446744073709551616]""#,
                "[ 1 1.5 1000 0 -0 -9223372036854775808 -1 1.84467e+19 ]",
            ),
            (r#"builtins.fromJSON "1.0""#, "1"),
        ]);
    }

    #[test]
    fn objects_strings_and_errors() {
        check(&[
            (r#"builtins.fromJSON "{\"a\":1,\"a\":2}""#, "{ a = 2; }"),
            (
                r#"builtins.fromJSON "{\"b\":1,\"a\":{\"c\":[]}}""#,
                "{ a = { c = [ ]; }; b = 1; }",
            ),
            (r#"builtins.fromJSON "\"a\\u0000b\"""#, r#""a""#),
            (
                r#"builtins.fromJSON "[\"\\u00e9\\ud83d\\ude00\", true, null]""#,
                r#"[ "é😀" true null ]"#,
            ),
            (
                r#"builtins.fromJSON 1"#,
                "error: value is an integer while a string was expected",
            ),
        ]);
        assert!(
            super::super::eval_print(r#"builtins.fromJSON "[1,""#)
                .starts_with("error: [json.exception")
        );
    }
}
