//! String builtins: `stringLength`, `substring`, `concatStringsSep`, `replaceStrings`,
//! `match` and `split`.
//!
//! Lengths and offsets count bytes, as in Nix. Strings are UTF-8 here, so a piece cut in the
//! middle of a multi-byte character gets U+FFFD in place of the broken bytes.

use super::{arg_coerce, arg_int, arg_list, arg_string, arg_string_no_ctx, error, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::text::regex::{Groups, PosixRegex, RegexError, SplitItem};
use crate::eval::value::{Context, NixString, PrimOp, Value};
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("stringLength", 1, string_length),
    strict_op("substring", 3, substring),
    strict_op("concatStringsSep", 2, concat_strings_sep),
    strict_op("replaceStrings", 3, replace_strings),
    strict_op("match", 2, regex_match),
    strict_op("split", 2, regex_split),
];

/// A string value from bytes that may not be valid UTF-8, with a context.
pub(crate) fn string_from_bytes(bytes: &[u8], context: Context) -> Value {
    // Checking first is cheaper than the lossy conversion's chunked scan.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    };
    Value::String(Rc::new(NixString::with_context(text, context)))
}

fn string_length(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_coerce(ev, &a[0], s)?;
    Ok(Value::Int(text.text.len() as i64))
}

fn substring(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let start = arg_int(ev, &a[0], s)?;
    let len = arg_int(ev, &a[1], s)?;
    let text = arg_coerce(ev, &a[2], s)?;
    if start < 0 {
        return Err(error("negative start position in 'substring'", s));
    }
    let bytes = text.text.as_bytes();
    // `start` is non-negative here; a start past the end gives "".
    let start = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    // A negative length means "up to the end", as in Nix (`std::string::substr(start, npos)`).
    let end = match usize::try_from(len) {
        Ok(len) => start.saturating_add(len).min(bytes.len()),
        Err(_) => bytes.len(),
    };
    if start == 0 && end == bytes.len() {
        return Ok(Value::String(text));
    }
    Ok(string_from_bytes(&bytes[start..end], text.context.clone()))
}

fn concat_strings_sep(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let sep = arg_string(ev, &a[0], s)?;
    let list = arg_list(ev, &a[1], s)?;
    // Every item is coerced first (in order, so errors are the same), then the text is
    // allocated once at its final size instead of growing and being copied repeatedly.
    let mut pieces = Vec::with_capacity(list.0.len());
    for item in list.0.iter() {
        pieces.push(arg_coerce(ev, item, s)?);
    }
    let separators = sep.text.len() * pieces.len().saturating_sub(1);
    let size = pieces.iter().map(|p| p.text.len()).sum::<usize>() + separators;
    let mut out = NixString::with_context(String::with_capacity(size), sep.context.clone());
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.text.push_str(&sep.text);
        }
        out.text.push_str(&piece.text);
        out.context.extend(&piece.context);
    }
    Ok(Value::String(Rc::new(out)))
}

/// `replaceStrings from to s`. At each position the patterns are tried in order; the first
/// that matches is replaced. The empty pattern matches everywhere, including at the end, and
/// the character after it is kept. A replacement is evaluated only when it is used (as in
/// Nix ≥ 2.20; Nix 2.8 evaluates all of them first) and its context is added once.
fn replace_strings(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let from_list = arg_list(ev, &a[0], s)?;
    let to_list = arg_list(ev, &a[1], s)?;
    if from_list.0.len() != to_list.0.len() {
        return Err(error(
            "'from' and 'to' arguments to 'replaceStrings' have different lengths",
            s,
        ));
    }
    let mut from = Vec::with_capacity(from_list.0.len());
    for v in &from_list.0 {
        from.push(arg_string(ev, v, s)?);
    }
    let subject = arg_string(ev, &a[2], s)?;
    let mut to: Vec<Option<Rc<NixString>>> = vec![None; to_list.0.len()];
    let mut context = subject.context.clone();
    let text = subject.text.as_bytes();
    // Without an empty pattern, only positions holding some pattern's first byte can match:
    // the text in between is found with `memchr` and copied in one piece.
    let firsts = if from.iter().all(|pat| !pat.text.is_empty()) {
        Some(FirstBytes::new(
            from.iter().map(|pat| pat.text.as_bytes()[0]),
        ))
    } else {
        None
    };
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut p = 0;
    while p <= text.len() {
        if let Some(firsts) = &firsts {
            let next = firsts.find(&text[p..]).map_or(text.len(), |i| p + i);
            out.extend_from_slice(&text[p..next]);
            p = next;
            if p == text.len() {
                // Non-empty patterns cannot match at the end.
                break;
            }
        }
        let found = from.iter().position(|pat| {
            let pat = pat.text.as_bytes();
            // Checking the first byte first keeps the scan of long strings cheap.
            pat.first().is_none_or(|b| text.get(p) == Some(b)) && text[p..].starts_with(pat)
        });
        let Some(i) = found else {
            if let Some(&b) = text.get(p) {
                out.push(b);
            }
            p += 1;
            continue;
        };
        let replacement = match &to[i] {
            Some(r) => r.clone(),
            None => {
                let r = arg_string(ev, &to_list.0[i], s)?;
                context.extend(&r.context);
                to[i] = Some(r.clone());
                r
            }
        };
        out.extend_from_slice(replacement.text.as_bytes());
        let pat_len = from[i].text.len();
        if pat_len == 0 {
            if let Some(&b) = text.get(p) {
                out.push(b);
            }
            p += 1;
        } else {
            p += pat_len;
        }
    }
    // The result is usually valid UTF-8 already (only an empty pattern can split a
    // character); then its buffer becomes the string without a copy.
    Ok(match String::from_utf8(out) {
        Ok(text) => Value::String(Rc::new(NixString::with_context(text, context))),
        Err(e) => string_from_bytes(e.as_bytes(), context),
    })
}

/// The distinct first bytes of `replaceStrings` patterns, for finding the next position
/// where one of them may match.
enum FirstBytes {
    One(u8),
    Two(u8, u8),
    Three(u8, u8, u8),
    Many(Box<[bool; 256]>),
}

impl FirstBytes {
    fn new(bytes: impl Iterator<Item = u8>) -> Self {
        let mut distinct: Vec<u8> = bytes.collect();
        distinct.sort_unstable();
        distinct.dedup();
        match *distinct.as_slice() {
            [a] => FirstBytes::One(a),
            [a, b] => FirstBytes::Two(a, b),
            [a, b, c] => FirstBytes::Three(a, b, c),
            _ => {
                let mut table = Box::new([false; 256]);
                for b in distinct {
                    table[usize::from(b)] = true;
                }
                FirstBytes::Many(table)
            }
        }
    }

    /// The offset of the first byte in `haystack` that starts some pattern.
    fn find(&self, haystack: &[u8]) -> Option<usize> {
        match self {
            FirstBytes::One(a) => memchr::memchr(*a, haystack),
            FirstBytes::Two(a, b) => memchr::memchr2(*a, *b, haystack),
            FirstBytes::Three(a, b, c) => memchr::memchr3(*a, *b, *c, haystack),
            FirstBytes::Many(table) => haystack.iter().position(|&b| table[usize::from(b)]),
        }
    }
}

/// Compiles `pattern` through the evaluator's cache, with Nix's error messages.
fn compile(ev: &mut Evaluator, pattern: &str, s: Span) -> EvalResult<Rc<PosixRegex>> {
    ev.builtin_state.regexes.get(pattern).map_err(|e| match e {
        RegexError::Invalid { .. } | RegexError::NulInPattern => {
            error(format!("invalid regular expression '{pattern}'"), s)
        }
        other => error(other.to_string(), s),
    })
}

/// The list of captures Nix returns: the text of each group, `null` for groups that did
/// not take part. The strings carry no context.
fn groups_value(text: &[u8], groups: &Groups) -> Value {
    Value::list(
        groups
            .iter()
            .map(|g| match g {
                Some((start, end)) => string_from_bytes(&text[*start..*end], Context::default()),
                None => Value::Null,
            })
            .collect(),
    )
}

fn regex_match(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let pattern = arg_string_no_ctx(ev, &a[0], s)?;
    let re = compile(ev, &pattern.text, s)?;
    let subject = arg_string(ev, &a[1], s)?;
    let text = subject.text.as_bytes();
    match re.full_match(text) {
        Ok(Some(groups)) => Ok(groups_value(text, &groups)),
        Ok(None) => Ok(Value::Null),
        Err(e) => Err(error(e.to_string(), s)),
    }
}

fn regex_split(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let pattern = arg_string_no_ctx(ev, &a[0], s)?;
    let re = compile(ev, &pattern.text, s)?;
    let subject = arg_string(ev, &a[1], s)?;
    let text = subject.text.as_bytes();
    let items = re.split(text).map_err(|e| error(e.to_string(), s))?;
    Ok(Value::list(
        items
            .iter()
            .map(|item| match item {
                SplitItem::Text(start, end) => {
                    string_from_bytes(&text[*start..*end], Context::default())
                }
                SplitItem::Groups(groups) => groups_value(text, groups),
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`nix-instantiate --eval --strict`).
    use super::super::check_cases as check;

    #[test]
    fn length_and_substring_count_bytes() {
        check(&[
            (r#"builtins.stringLength "héllo""#, "6"),
            (r#"builtins.stringLength { outPath = "ab"; }"#, "2"),
            (
                r#"builtins.stringLength 12"#,
                "error: cannot coerce an integer to a string",
            ),
            (r#"builtins.substring 1 (-1) "hello""#, r#""ello""#),
            (r#"builtins.substring 10 2 "hello""#, r#""""#),
            (r#"builtins.substring 2 100 "hello""#, r#""llo""#),
            (r#"builtins.substring 1 2 "héllo""#, r#""é""#),
            (
                r#"builtins.substring (-1) 2 "hello""#,
                "error: negative start position in 'substring'",
            ),
        ]);
    }

    #[test]
    fn concat_strings_sep_coerces_items() {
        check(&[
            (
                r#"builtins.concatStringsSep "," [ "a" { outPath = "x"; } { __toString = s: "y"; } ]"#,
                r#""a,x,y""#,
            ),
            (
                r#"builtins.concatStringsSep "," [ 1 ]"#,
                "error: cannot coerce an integer to a string",
            ),
            (
                r#"builtins.concatStringsSep 1 [ ]"#,
                "error: value is an integer while a string was expected",
            ),
        ]);
    }

    #[test]
    fn replace_strings_follows_nix() {
        check(&[
            (
                r#"builtins.replaceStrings [ "" ] [ "X" ] "abc""#,
                r#""XaXbXcX""#,
            ),
            (
                r#"builtins.replaceStrings [ "a" "" ] [ "X" "Y" ] "abc""#,
                r#""XYbYcY""#,
            ),
            (
                r#"builtins.replaceStrings [ "" "a" ] [ "X" "Y" ] "ab""#,
                r#""XaXbX""#,
            ),
            (
                r#"builtins.replaceStrings [ "ab" "a" ] [ "1" "2" ] "aab""#,
                r#""21""#,
            ),
            (
                r#"builtins.replaceStrings [ "oo" ] [ "X" ] "foooo""#,
                r#""fXX""#,
            ),
            (r#"builtins.replaceStrings [ "" ] [ "X" ] """#, r#""X""#),
            // Two, three and more distinct first bytes; matches at both ends.
            (
                r#"builtins.replaceStrings [ "ab" "c" ] [ "1" "2" ] "abxcab""#,
                r#""1x21""#,
            ),
            (
                r#"builtins.replaceStrings [ "a" "bc" "d" ] [ "1" "2" "3" ] "xbcbdax""#,
                r#""x2b31x""#,
            ),
            (
                r#"builtins.replaceStrings [ "é" "b" "c" "dd" ] [ "E" "B" "C" "D" ] "éxbcdd d""#,
                r#""ExBCD d""#,
            ),
            (r#"builtins.replaceStrings [ ] [ ] "abc""#, r#""abc""#),
            (
                r#"builtins.replaceStrings [ "a" ] [ "b" "c" ] "x""#,
                "error: 'from' and 'to' arguments to 'replaceStrings' have different lengths",
            ),
            // Unused replacements are not evaluated (Nix >= 2.20).
            (
                r#"builtins.replaceStrings [ "a" "b" ] [ (throw "no") "c" ] "bb""#,
                r#""cc""#,
            ),
        ]);
    }

    #[test]
    fn replace_strings_adds_context_of_used_replacements() {
        let ctx = r#"(builtins.appendContext "x" { "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo" = { path = true; }; })"#;
        check(&[
            (
                &format!(
                    r#"builtins.attrNames (builtins.getContext (builtins.replaceStrings [ "a" ] [ {ctx} ] "abb"))"#
                ),
                r#"[ "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo" ]"#,
            ),
            (
                &format!(
                    r#"builtins.getContext (builtins.replaceStrings [ "a" ] [ {ctx} ] "bbb")"#
                ),
                "{ }",
            ),
        ]);
    }

    #[test]
    fn match_and_split() {
        check(&[
            (r#"builtins.match "a(b)?(c)" "ac""#, r#"[ null "c" ]"#),
            (r#"builtins.match "a" "ab""#, "null"),
            (r#"builtins.match ".*" """#, "[ ]"),
            (
                r#"builtins.match "(" "a""#,
                "error: invalid regular expression '('",
            ),
            (
                r#"builtins.match "a" ./a"#,
                "error: value is a path while a string was expected",
            ),
            (
                r#"builtins.split "(a)|b" "xaybz""#,
                r#"[ "x" [ "a" ] "y" [ null ] "z" ]"#,
            ),
            (
                r#"builtins.split "a*" "baac""#,
                r#"[ "" [ ] "b" [ ] "" [ ] "c" [ ] "" ]"#,
            ),
            (r#"builtins.split "x" "abc""#, r#"[ "abc" ]"#),
        ]);
    }
}
