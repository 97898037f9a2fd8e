//! Literal strings shared between the sites that spell them the same.
//!
//! Every lowered expression stays in memory for the whole run, and so does every string
//! literal's value. String values are immutable, so the lowerer gives all literals with
//! the same (short) text one value: `"x"` written 16,000 times is one string.

use super::value::{NixString, Value};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;
use std::rc::Rc;

/// Literals longer than this (descriptions, scripts) are rarely written twice: they are
/// not looked up, which keeps hashing cheap and the table small.
const MAX_SHARED_LEN: usize = 64;

/// The string literals lowered so far, by text. Owned by the evaluator, shared by every
/// source it lowers.
#[derive(Default)]
pub struct StringLiterals {
    table: HashTable<Rc<NixString>>,
}

impl StringLiterals {
    /// The value of a literal string with `text`: the one made before for the same text,
    /// or a new one (remembered if the text is short).
    pub fn value(&mut self, text: String) -> Value {
        if text.len() > MAX_SHARED_LEN {
            return Value::string(text);
        }
        let hash = FxBuildHasher.hash_one(text.as_str());
        if let Some(shared) = self.table.find(hash, |s| s.text == text) {
            return Value::String(shared.clone());
        }
        let string = Rc::new(NixString::plain(text));
        self.table.insert_unique(hash, string.clone(), |s| {
            FxBuildHasher.hash_one(s.text.as_str())
        });
        Value::String(string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ptr(v: &Value) -> *const NixString {
        match v {
            Value::String(s) => Rc::as_ptr(s),
            _ => panic!("not a string"),
        }
    }

    /// Short literals with the same text are one value; other texts and long literals are
    /// values of their own, with their text.
    #[test]
    fn equal_short_literals_share_one_value() {
        let mut literals = StringLiterals::default();
        let a = literals.value("x".to_owned());
        let b = literals.value("x".to_owned());
        let c = literals.value("y".to_owned());
        assert_eq!(ptr(&a), ptr(&b));
        assert_ne!(ptr(&a), ptr(&c));
        let long = "l".repeat(MAX_SHARED_LEN + 1);
        let d = literals.value(long.clone());
        let e = literals.value(long.clone());
        assert_ne!(ptr(&d), ptr(&e));
        let texts: Vec<String> = [&a, &c, &e]
            .iter()
            .map(|v| match v {
                Value::String(s) => s.text.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(texts, ["x".to_owned(), "y".to_owned(), long]);
    }
}
