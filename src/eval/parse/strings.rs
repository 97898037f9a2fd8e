//! String literal contents: escapes and the indentation stripping of `''` strings.
//!
//! Both front ends hand over the raw text between interpolations; this turns it into
//! the string's parts as Nix defines them. An indented string loses the smallest
//! indentation of its lines (interpolations count as text), a first line holding only
//! spaces, and the spaces after its last newline.

use super::ast::{Node, StrPart};

/// A string part before escapes and indentation are resolved.
pub enum RawPart<'a> {
    Literal(&'a str),
    Interpolation(Node),
}

/// Resolves escapes (and for `''` strings, indentation) of a string's raw parts.
pub fn normalize(parts: Vec<RawPart<'_>>, indented: bool) -> Vec<StrPart> {
    if !indented {
        // Pushed one by one: collecting would reuse (and resize) the raw parts' buffer.
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            out.push(match part {
                RawPart::Literal(t) => StrPart::Literal(unescape(t, false)),
                RawPart::Interpolation(n) => StrPart::Interpolation(n),
            });
        }
        return out;
    }
    let first_is_literal = matches!(parts.first(), Some(RawPart::Literal(_)));
    let min_indent = smallest_indent(&parts, first_is_literal);
    let count = parts.len();
    let mut out = Vec::with_capacity(count);
    let mut at_line_start = true;
    let mut dropped = 0usize;
    for (i, part) in parts.into_iter().enumerate() {
        match part {
            RawPart::Interpolation(n) => {
                at_line_start = false;
                dropped = 0;
                out.push(StrPart::Interpolation(n));
            }
            RawPart::Literal(mut text) => {
                if i == 0
                    && first_is_literal
                    && let Some(rest) = strip_blank_first_line(text)
                {
                    text = rest;
                    if text.is_empty() {
                        continue;
                    }
                }
                let mut kept = String::with_capacity(text.len());
                for c in text.chars() {
                    if at_line_start {
                        match c {
                            ' ' => {
                                if dropped >= min_indent {
                                    kept.push(c);
                                }
                                dropped += 1;
                            }
                            '\n' => {
                                dropped = 0;
                                kept.push(c);
                            }
                            _ => {
                                at_line_start = false;
                                dropped = 0;
                                kept.push(c);
                            }
                        }
                    } else {
                        kept.push(c);
                        if c == '\n' {
                            at_line_start = true;
                        }
                    }
                }
                if i + 1 == count
                    && let Some(p) = kept.rfind('\n')
                    && kept[p + 1..].bytes().all(|b| b == b' ')
                {
                    kept.truncate(p + 1);
                }
                out.push(StrPart::Literal(unescape(&kept, true)));
            }
        }
    }
    out
}

/// The text after a first line made only of spaces, if the text starts with one.
fn strip_blank_first_line(text: &str) -> Option<&str> {
    let p = text.find('\n')?;
    text[..p].bytes().all(|b| b == b' ').then(|| &text[p + 1..])
}

/// The smallest indentation of any line with content (an interpolation is content).
fn smallest_indent(parts: &[RawPart<'_>], first_is_literal: bool) -> usize {
    let mut at_line_start = true;
    let mut min_indent = usize::MAX;
    let mut indent = 0usize;
    for (i, part) in parts.iter().enumerate() {
        match part {
            RawPart::Interpolation(_) => {
                if at_line_start {
                    at_line_start = false;
                    min_indent = min_indent.min(indent);
                }
            }
            RawPart::Literal(text) => {
                let mut text = *text;
                if i == 0
                    && first_is_literal
                    && let Some(rest) = strip_blank_first_line(text)
                {
                    text = rest;
                }
                for c in text.chars() {
                    if at_line_start {
                        match c {
                            ' ' => indent += 1,
                            '\n' => indent = 0,
                            _ => {
                                at_line_start = false;
                                min_indent = min_indent.min(indent);
                            }
                        }
                    } else if c == '\n' {
                        at_line_start = true;
                        indent = 0;
                    }
                }
            }
        }
    }
    min_indent
}

/// Resolves the escapes of one literal part: `\n`, `\"`… in `"` strings; `''$`, `'''`,
/// `''\n`… in `''` strings.
pub fn unescape(input: &str, indented: bool) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !indented => match chars.next() {
                None => break,
                Some(e) => out.push(escaped(e)),
            },
            '\'' if indented => match chars.next() {
                None => out.push('\''),
                Some('\'') => match chars.peek() {
                    Some('\'') => {
                        chars.next();
                        out.push_str("''");
                    }
                    Some('$') => {
                        chars.next();
                        out.push('$');
                    }
                    Some('\\') => {
                        chars.next();
                        match chars.next() {
                            None => break,
                            Some(e) => out.push(escaped(e)),
                        }
                    }
                    _ => break,
                },
                Some(other) => {
                    out.push('\'');
                    out.push(other);
                }
            },
            '"' if !indented => break,
            _ => out.push(c),
        }
    }
    out
}

/// The character an escape `\c` stands for.
fn escaped(c: char) -> char {
    match c {
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        other => other,
    }
}
