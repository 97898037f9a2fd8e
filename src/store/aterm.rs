//! The small subset of the ATerm format that `.drv` files use: quoted
//! strings with Nix's escapes, lists in `[…]`, tuples in `(…)`.
//!
//! [`write_string`] is the printer; [`Reader`] is a cursor-based parser
//! whose errors carry the byte offset.

use thiserror::Error;

/// A syntax error in an ATerm, with its byte offset.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid ATerm at byte {pos}: {msg}")]
pub struct ATermError {
    /// Byte offset of the problem.
    pub pos: usize,
    /// What was wrong.
    pub msg: String,
}

/// Appends `s` quoted, escaping `"`, `\`, newline, carriage return and tab
/// as Nix does.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `[s1,s2,…]` with each string quoted.
pub fn write_string_list<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, s);
    }
    out.push(']');
}

/// A parsing cursor over an ATerm text.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts at the beginning of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader { text, pos: 0 }
    }

    /// Current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// An error at the current position.
    pub fn error(&self, msg: impl Into<String>) -> ATermError {
        ATermError {
            pos: self.pos,
            msg: msg.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes the literal `lit` or fails.
    pub fn expect(&mut self, lit: &str) -> Result<(), ATermError> {
        if self.text[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.error(format!("expected '{lit}'")))
        }
    }

    /// Consumes `c` if it is next; reports whether it did.
    pub fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Fails unless the whole input has been consumed.
    pub fn expect_end(&self) -> Result<(), ATermError> {
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(self.error("trailing data"))
        }
    }

    /// Parses a quoted string, undoing Nix's escapes (`\n`, `\r`, `\t`, and
    /// `\x` for any other `x`).
    pub fn string(&mut self) -> Result<String, ATermError> {
        self.expect("\"")?;
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        self.pos = self.text.len();
        Err(self.error("unterminated string"))
    }

    /// Parses `[` item `,` … `]`, calling `item` for each element.
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, ATermError>,
    ) -> Result<Vec<T>, ATermError> {
        self.expect("[")?;
        let mut out = Vec::new();
        if self.eat(b']') {
            return Ok(out);
        }
        loop {
            out.push(item(self)?);
            if self.eat(b']') {
                return Ok(out);
            }
            self.expect(",")?;
        }
    }

    /// Parses a list of quoted strings.
    pub fn string_list(&mut self) -> Result<Vec<String>, ATermError> {
        self.list(|r| r.string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let raw = "a\"b\\c\nd\te\rf — ü";
        let mut out = String::new();
        write_string(&mut out, raw);
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\te\\rf — ü\"");
        let mut r = Reader::new(&out);
        assert_eq!(r.string().unwrap(), raw);
        r.expect_end().unwrap();
    }

    #[test]
    fn lists() {
        let mut out = String::new();
        write_string_list(&mut out, ["x", "y"]);
        assert_eq!(out, "[\"x\",\"y\"]");
        assert_eq!(Reader::new(&out).string_list().unwrap(), ["x", "y"]);
        assert!(Reader::new("[]").string_list().unwrap().is_empty());
    }

    #[test]
    fn errors_carry_position() {
        assert_eq!(Reader::new("\"abc").string().unwrap_err().pos, 4);
        assert_eq!(Reader::new("[\"a\";").string_list().unwrap_err().pos, 4);
        assert!(Reader::new("\"a\\").string().is_err());
    }
}
