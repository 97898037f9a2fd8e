//! Debian control-file syntax (deb822): stanzas of `Field: value` lines separated by blank
//! lines, continuation lines starting with a space or a tab.
//!
//! The parser never copies: it yields byte ranges into the text, so that an index of
//! 60,000 stanzas is read in one pass without allocating per field.

use std::ops::Range;

/// One field of a stanza: its name and its value (continuation lines included, the
/// newlines between them kept), as ranges into the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The field name, e.g. `Package`.
    pub name: Range<usize>,
    /// The value with surrounding whitespace trimmed.
    pub value: Range<usize>,
}

/// Iterates over the stanzas of `text`, each as the range of its lines.
pub fn stanzas(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        // Skip blank lines (and `#` comment lines, which deb822 allows between stanzas).
        loop {
            if pos >= bytes.len() {
                return None;
            }
            let end = line_end(bytes, pos);
            let line = &bytes[pos..end];
            if line.iter().all(|c| c.is_ascii_whitespace()) || line.first() == Some(&b'#') {
                pos = next_line(bytes, end);
            } else {
                break;
            }
        }
        let start = pos;
        loop {
            if pos >= bytes.len() {
                return Some(start..bytes.len());
            }
            let end = line_end(bytes, pos);
            if bytes[pos..end].iter().all(|c| c.is_ascii_whitespace()) {
                let stanza = start..pos;
                pos = next_line(bytes, end);
                return Some(stanza);
            }
            pos = next_line(bytes, end);
        }
    })
}

/// Iterates over the fields of one stanza (`range` as given by [`stanzas`]). Lines that
/// are neither a field nor a continuation are skipped.
pub fn fields(text: &str, range: Range<usize>) -> impl Iterator<Item = Field> + '_ {
    let bytes = text.as_bytes();
    let stop = range.end.min(bytes.len());
    let mut pos = range.start;
    std::iter::from_fn(move || {
        while pos < stop {
            let end = line_end(bytes, pos).min(stop);
            let line_start = pos;
            pos = next_line(bytes, end);
            if matches!(bytes[line_start], b' ' | b'\t' | b'#') {
                continue;
            }
            let Some(colon) = memchr::memchr(b':', &bytes[line_start..end]) else {
                continue;
            };
            let name = line_start..line_start + colon;
            // Continuation lines belong to this field's value.
            let mut value_end = end;
            while pos < stop && matches!(bytes[pos], b' ' | b'\t') {
                value_end = line_end(bytes, pos).min(stop);
                pos = next_line(bytes, value_end);
            }
            let value = trim(bytes, line_start + colon + 1..value_end);
            return Some(Field { name, value });
        }
        None
    })
}

/// The first line of a field value (for `Description`, the synopsis).
pub fn first_line(value: &str) -> &str {
    value.split('\n').next().unwrap_or("").trim()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i)
}

fn next_line(bytes: &[u8], end: usize) -> usize {
    (end + 1).min(bytes.len())
}

fn trim(bytes: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && bytes[r.start].is_ascii_whitespace() {
        r.start += 1;
    }
    while r.end > r.start && bytes[r.end - 1].is_ascii_whitespace() {
        r.end -= 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Package: hello\nVersion: 2.10-3\nDescription: example package\n more text\n .\n end\n\n\nPackage: b\nDepends: a,\n c\n";

    #[test]
    fn splits_stanzas_and_fields() {
        let all: Vec<Vec<(String, String)>> = stanzas(TEXT)
            .map(|s| {
                fields(TEXT, s)
                    .map(|f| (TEXT[f.name].to_owned(), TEXT[f.value].to_owned()))
                    .collect()
            })
            .collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0][0], ("Package".into(), "hello".into()));
        assert_eq!(all[0][1], ("Version".into(), "2.10-3".into()));
        assert_eq!(
            all[0][2].1,
            "example package\n more text\n .\n end".to_owned()
        );
        assert_eq!(first_line(&all[0][2].1), "example package");
        assert_eq!(all[1][1], ("Depends".into(), "a,\n c".into()));
    }

    #[test]
    fn tolerates_crlf_free_garbage_and_no_final_newline() {
        let text = "\n\nPackage: x\nnot a field\nVersion: 1";
        let s: Vec<_> = stanzas(text).collect();
        assert_eq!(s.len(), 1);
        let f: Vec<_> = fields(text, s[0].clone()).map(|f| &text[f.value]).collect();
        assert_eq!(f, vec!["x", "1"]);
    }
}
