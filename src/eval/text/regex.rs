//! POSIX extended regular expressions for `builtins.match` and
//! `builtins.split`.
//!
//! Matching is done by glibc's `regcomp`/`regexec` with `REG_EXTENDED`
//! (leftmost-longest, POSIX sub-match rules), wrapped in the safe type
//! [`PosixRegex`]. Nix 2.8 itself uses libstdc++'s `std::regex` with the
//! `extended` grammar; the two agree on the overall match and, for the
//! patterns tested against Nix 2.8 (see the tests), on the sub-matches too.
//! To stay close to Nix, patterns that libstdc++ rejects but glibc accepts are
//! rejected before they reach glibc: escapes of ordinary characters (`\d`,
//! `\w`, `\b`, `\<`, `\1`, `\]`, `\}`, …, hence no back-references) and
//! bounds without a leading number (`a{,2}`).
//!
//! Known divergence: a repeated group whose body can match the empty string
//! ends, in Nix 2.8, with an extra empty iteration, so its capture is `""`
//! (`(a*)+(b)` on `"aab"` gives `[ "" "b" ]` in Nix, `[ "aa" "b" ]` here;
//! `(|a)+` on `"a"` gives `[ "" ]` in Nix, `[ "a" ]` here). The overall match
//! is the same. Exact parity would need a libstdc++-style backtracking engine.
//!
//! Texts and patterns are bytes. Matching is bytewise as long as the process
//! keeps the C locale (the default for a Rust program that never calls
//! `setlocale`): `.` matches one byte, like Nix 2.8. Patterns may not contain
//! NUL bytes (Nix strings cannot either); texts may, and `.` does not match a
//! NUL byte (as in libstdc++). Offsets are limited to `i32::MAX` by glibc's
//! `regoff_t`.

use std::ffi::CString;
use std::mem::MaybeUninit;
use std::rc::Rc;

use rustc_hash::FxHashMap;

/// glibc's `REG_STARTEND` (`1 << 2`): take the search range from `pmatch[0]`
/// instead of relying on a terminating NUL. Not exported by `libc` for Linux.
const REG_STARTEND: libc::c_int = 1 << 2;

/// A mirror of glibc's `regex_t` whose `re_nsub` field is readable (`libc`
/// keeps its fields private). Only used through pointers to memory that glibc
/// initialised.
#[repr(C)]
struct RawRegex {
    buffer: *mut libc::c_void,
    allocated: libc::size_t,
    used: libc::size_t,
    syntax: libc::c_ulong,
    fastmap: *mut libc::c_char,
    translate: *mut libc::c_char,
    re_nsub: libc::size_t,
    bitfield: u8,
}

// The mirror must have exactly glibc's layout.
const _: () = assert!(std::mem::size_of::<RawRegex>() == std::mem::size_of::<libc::regex_t>());
const _: () = assert!(std::mem::align_of::<RawRegex>() == std::mem::align_of::<libc::regex_t>());

/// Errors from compiling or running a regular expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegexError {
    /// The pattern is not a valid extended regular expression.
    #[error("invalid regular expression '{pattern}': {message}")]
    Invalid {
        /// The pattern (lossily decoded as UTF-8).
        pattern: String,
        /// Why it is invalid (glibc's `regerror` text, or our own for syntax
        /// that Nix rejects).
        message: String,
    },
    /// The pattern contains a NUL byte, which a C regex cannot hold.
    #[error("regular expression contains a NUL byte")]
    NulInPattern,
    /// The text is longer than glibc's `regoff_t` can address.
    #[error("string of {len} bytes is too long for regular expression matching")]
    TextTooLong {
        /// Length of the text in bytes.
        len: usize,
    },
    /// `regexec` failed for a reason other than "no match" (e.g. memory).
    #[error("regular expression matching failed: {message}")]
    Exec {
        /// glibc's `regerror` text.
        message: String,
    },
}

/// The byte range `(start, end)` of each capture group of a match, in order
/// of their `(`; `None` for a group that did not participate.
pub type Groups = Vec<Option<(usize, usize)>>;

/// A successful search: the byte range of the whole match and of each
/// capture group (`None` for a group that did not participate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captures {
    /// Byte range `(start, end)` of the whole match.
    pub whole: (usize, usize),
    /// Byte range of each capture group, in order of their `(`.
    pub groups: Groups,
}

/// One element of the list `builtins.split` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitItem {
    /// A piece of the text between matches, as a byte range.
    Text(usize, usize),
    /// The capture groups of one match (`None` for a non-participating
    /// group); `builtins.split` turns these into a list.
    Groups(Groups),
}

/// A compiled POSIX extended regular expression (glibc `regex_t`).
///
/// Freed on drop. Neither `Send` nor `Sync`: it holds glibc's raw pointers
/// and is meant for the single-threaded evaluator.
pub struct PosixRegex {
    /// Boxed so the address glibc saw at `regcomp` time never changes.
    raw: Box<RawRegex>,
    /// Number of capture groups.
    groups: usize,
}

impl std::fmt::Debug for PosixRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PosixRegex")
            .field("groups", &self.groups)
            .finish_non_exhaustive()
    }
}

/// Fetches glibc's message for error `code` (optionally about `preg`).
fn regerror_message(code: libc::c_int, preg: *const libc::regex_t) -> String {
    let mut buf = vec![0u8; 256];
    // SAFETY: buf is writable for buf.len() bytes; regerror writes at most that
    // many bytes including the terminating NUL. preg is null or a compiled
    // regex.
    let needed = unsafe {
        libc::regerror(
            code,
            preg,
            buf.as_mut_ptr().cast::<libc::c_char>(),
            buf.len(),
        )
    };
    if needed > buf.len() {
        buf.resize(needed, 0);
        // SAFETY: as above, with the larger buffer.
        unsafe {
            libc::regerror(
                code,
                preg,
                buf.as_mut_ptr().cast::<libc::c_char>(),
                buf.len(),
            );
        }
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Rejects syntax that libstdc++'s `std::regex::extended` (what Nix 2.8 uses)
/// refuses but glibc accepts. Returns the reason.
fn check_nix_syntax(pattern: &[u8]) -> Result<(), String> {
    /// Characters that may follow a backslash outside brackets.
    const ESCAPABLE: &[u8] = b".[\\()*+?{|^$";
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' => match pattern.get(i + 1) {
                Some(c) if ESCAPABLE.contains(c) => i += 2,
                Some(&c) => {
                    return Err(format!(
                        "invalid escape '\\{}'",
                        String::from_utf8_lossy(&[c])
                    ));
                }
                None => return Err("trailing backslash".to_owned()),
            },
            b'{' => {
                if !pattern.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    return Err("a brace must start with a number".to_owned());
                }
                i += 1;
            }
            b'[' => i = skip_bracket(pattern, i),
            _ => i += 1,
        }
    }
    Ok(())
}

/// Given `pattern[open] == b'['`, returns the index just past the bracket
/// expression (or the pattern's length if it is unterminated; glibc reports
/// that). Backslashes are literal inside brackets.
fn skip_bracket(pattern: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    if pattern.get(i) == Some(&b'^') {
        i += 1;
    }
    if pattern.get(i) == Some(&b']') {
        i += 1;
    }
    while i < pattern.len() {
        match pattern[i] {
            b']' => return i + 1,
            b'[' if matches!(pattern.get(i + 1), Some(b':' | b'.' | b'=')) => {
                let delim = pattern[i + 1];
                let mut j = i + 2;
                while j + 1 < pattern.len() && !(pattern[j] == delim && pattern[j + 1] == b']') {
                    j += 1;
                }
                i = j + 2;
            }
            _ => i += 1,
        }
    }
    pattern.len()
}

impl PosixRegex {
    /// Compiles `pattern` as a POSIX extended regular expression.
    ///
    /// Fails with [`RegexError::Invalid`] (carrying `regerror`'s message) for
    /// malformed patterns and for syntax Nix rejects (see the module docs),
    /// and with [`RegexError::NulInPattern`] if the pattern holds a NUL byte.
    pub fn new(pattern: impl AsRef<[u8]>) -> Result<Self, RegexError> {
        let pattern = pattern.as_ref();
        let invalid = |message: String| RegexError::Invalid {
            pattern: String::from_utf8_lossy(pattern).into_owned(),
            message,
        };
        let c_pattern = CString::new(pattern).map_err(|_| RegexError::NulInPattern)?;
        check_nix_syntax(pattern).map_err(invalid)?;
        let mut raw: Box<MaybeUninit<RawRegex>> = Box::new(MaybeUninit::uninit());
        let preg = raw.as_mut_ptr().cast::<libc::regex_t>();
        // SAFETY: preg points to writable memory of regex_t's size and
        // alignment (asserted above); c_pattern is NUL-terminated.
        let rc = unsafe { libc::regcomp(preg, c_pattern.as_ptr(), libc::REG_EXTENDED) };
        if rc != 0 {
            // glibc releases everything itself when regcomp fails.
            return Err(invalid(regerror_message(rc, std::ptr::null())));
        }
        // SAFETY: regcomp succeeded, so glibc initialised the whole regex_t.
        let raw = unsafe { raw.assume_init() };
        let groups = raw.re_nsub;
        Ok(PosixRegex { raw, groups })
    }

    /// Number of capture groups in the pattern.
    pub fn group_count(&self) -> usize {
        self.groups
    }

    fn as_ptr(&self) -> *const libc::regex_t {
        std::ptr::from_ref::<RawRegex>(&self.raw).cast::<libc::regex_t>()
    }

    /// Runs `regexec` on `text[start..]`, with `^` only matching at offset 0
    /// of `text`. Offsets in the result are relative to `text`.
    fn exec(&self, subject: &Subject, start: usize) -> Result<Option<Captures>, RegexError> {
        let text = subject.text();
        if start > text.len() {
            return Ok(None);
        }
        let too_long = || RegexError::TextTooLong { len: text.len() };
        let end = libc::regoff_t::try_from(text.len()).map_err(|_| too_long())?;
        let so = libc::regoff_t::try_from(start).map_err(|_| too_long())?;
        let mut pmatch = vec![
            libc::regmatch_t {
                rm_so: -1,
                rm_eo: -1
            };
            self.groups + 1
        ];
        pmatch[0] = libc::regmatch_t {
            rm_so: so,
            rm_eo: end,
        };
        let mut eflags = REG_STARTEND;
        if start > 0 {
            eflags |= libc::REG_NOTBOL;
        }
        // SAFETY: the regex is compiled; with REG_STARTEND glibc reads only
        // text[start..text.len()], and the buffer is NUL-terminated besides
        // (see `Subject`); pmatch has room for groups + 1 entries.
        let rc = unsafe {
            libc::regexec(
                self.as_ptr(),
                subject.as_c_ptr(),
                pmatch.len(),
                pmatch.as_mut_ptr(),
                eflags,
            )
        };
        if rc == libc::REG_NOMATCH {
            return Ok(None);
        }
        if rc != 0 {
            return Err(RegexError::Exec {
                message: regerror_message(rc, self.as_ptr()),
            });
        }
        let range =
            |m: &libc::regmatch_t| match (usize::try_from(m.rm_so), usize::try_from(m.rm_eo)) {
                (Ok(s), Ok(e)) if s <= e && e <= text.len() => Some((s, e)),
                _ => None,
            };
        let Some(whole) = range(&pmatch[0]) else {
            return Ok(None);
        };
        let groups = pmatch[1..].iter().map(range).collect();
        Ok(Some(Captures { whole, groups }))
    }

    /// Matches the whole of `text`, as `builtins.match`.
    ///
    /// Returns `None` unless the entire text matches; otherwise the byte
    /// range of each capture group, `None` for groups that did not
    /// participate (`a(b)?c` on `"ac"` gives `[None]`).
    pub fn full_match(&self, text: &[u8]) -> Result<Option<Groups>, RegexError> {
        // Leftmost-longest: if the whole text can match, the leftmost match
        // starts at 0 and the longest one from there ends at the end.
        Ok(self
            .exec(&Subject::new(text), 0)?
            .filter(|c| c.whole == (0, text.len()))
            .map(|c| c.groups))
    }

    /// Finds the leftmost-longest match in `text` starting at byte `start`.
    ///
    /// `text[..start]` counts as preceding context: `^` does not match at a
    /// non-zero `start` (`REG_NOTBOL`). A `start` past the end finds nothing.
    /// The match may be empty; callers iterating must advance themselves
    /// (see [`PosixRegex::split`]).
    pub fn find_at(&self, text: &[u8], start: usize) -> Result<Option<Captures>, RegexError> {
        self.exec(&Subject::new(text), start)
    }

    /// Splits `text` at every match, as `builtins.split`: text pieces
    /// alternate with the capture groups of each match, starting and ending
    /// with a (possibly empty) text piece.
    ///
    /// Iteration follows `std::sregex_iterator`: after a non-empty match the
    /// next search starts where it ended (so an empty match may follow
    /// directly); after an empty match it starts one byte later, and an empty
    /// match at the end of the text ends the iteration.
    pub fn split(&self, text: &[u8]) -> Result<Vec<SplitItem>, RegexError> {
        let mut items = Vec::new();
        let mut piece_start = 0;
        let mut pos = 0;
        let subject = Subject::new(text);
        while let Some(caps) = self.exec(&subject, pos)? {
            let (s, e) = caps.whole;
            items.push(SplitItem::Text(piece_start, s));
            items.push(SplitItem::Groups(caps.groups));
            piece_start = e;
            if s == e {
                if e >= text.len() {
                    break;
                }
                pos = e + 1;
            } else {
                pos = e;
            }
        }
        items.push(SplitItem::Text(piece_start, text.len()));
        Ok(items)
    }
}

/// A text to match, copied with a NUL byte after it. `REG_STARTEND` means
/// glibc needs no terminator, but other `regexec`s (a sanitizer's interceptor
/// reads the subject up to its NUL first) do, and an empty slice's pointer is
/// dangling: a C function must never be handed one.
struct Subject(Vec<u8>);

impl Subject {
    fn new(text: &[u8]) -> Self {
        let mut buf = Vec::with_capacity(text.len() + 1);
        buf.extend_from_slice(text);
        buf.push(0);
        Subject(buf)
    }

    /// The text, without the terminator.
    fn text(&self) -> &[u8] {
        self.0.split_last().map_or(&[][..], |(_, text)| text)
    }

    fn as_c_ptr(&self) -> *const libc::c_char {
        self.0.as_ptr().cast::<libc::c_char>()
    }
}

impl Drop for PosixRegex {
    fn drop(&mut self) {
        let preg = std::ptr::from_mut::<RawRegex>(&mut self.raw).cast::<libc::regex_t>();
        // SAFETY: the regex was successfully compiled and is freed only here.
        unsafe { libc::regfree(preg) }
    }
}

/// Cache of compiled regular expressions keyed by pattern, as Nix keeps one
/// per evaluator. Failed compilations are not cached.
#[derive(Debug, Default)]
pub struct RegexCache {
    map: FxHashMap<Vec<u8>, Rc<PosixRegex>>,
}

impl RegexCache {
    /// Creates an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the compiled form of `pattern`, compiling it on first use.
    pub fn get(&mut self, pattern: impl AsRef<[u8]>) -> Result<Rc<PosixRegex>, RegexError> {
        let pattern = pattern.as_ref();
        if let Some(re) = self.map.get(pattern) {
            return Ok(Rc::clone(re));
        }
        let re = Rc::new(PosixRegex::new(pattern)?);
        self.map.insert(pattern.to_vec(), Rc::clone(&re));
        Ok(re)
    }

    /// Number of cached patterns.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (under AddressSanitizer, whose `regexec` reads the
    /// subject up to a NUL): the text reaches C NUL-terminated, even when empty.
    #[test]
    fn subject_is_nul_terminated() {
        for text in [&b""[..], b"abc", b"a\0b"] {
            let subject = Subject::new(text);
            assert_eq!(subject.text(), text);
            assert_eq!(subject.0.last(), Some(&0));
        }
        let re = PosixRegex::new("a*").unwrap();
        assert_eq!(re.full_match(b""), Ok(Some(vec![])));
        assert_eq!(re.split(b"").map(|items| items.len()), Ok(3));
    }

    /// Renders a `builtins.match` result the way Nix prints it.
    fn nix_match(pattern: &str, text: &str) -> String {
        let re = match PosixRegex::new(pattern) {
            Ok(re) => re,
            Err(_) => return "error".to_owned(),
        };
        match re.full_match(text.as_bytes()) {
            Ok(None) => "null".to_owned(),
            Ok(Some(groups)) => render_groups(text.as_bytes(), &groups),
            Err(e) => format!("exec error: {e}"),
        }
    }

    fn render_groups(text: &[u8], groups: &[Option<(usize, usize)>]) -> String {
        let mut out = String::from("[ ");
        for g in groups {
            match g {
                Some((s, e)) => {
                    out.push('"');
                    out.push_str(&String::from_utf8_lossy(&text[*s..*e]));
                    out.push_str("\" ");
                }
                None => out.push_str("null "),
            }
        }
        out.push(']');
        out
    }

    /// Renders a `builtins.split` result the way Nix prints it.
    fn nix_split(pattern: &str, text: &str) -> String {
        let re = match PosixRegex::new(pattern) {
            Ok(re) => re,
            Err(_) => return "error".to_owned(),
        };
        let t = text.as_bytes();
        let items = match re.split(t) {
            Ok(items) => items,
            Err(e) => return format!("exec error: {e}"),
        };
        let mut out = String::from("[ ");
        for item in items {
            match item {
                SplitItem::Text(s, e) => {
                    out.push('"');
                    out.push_str(&String::from_utf8_lossy(&t[s..e]));
                    out.push_str("\" ");
                }
                SplitItem::Groups(g) => {
                    out.push_str(&render_groups(t, &g));
                    out.push(' ');
                }
            }
        }
        out.push(']');
        out
    }

    /// `builtins.match` vectors from `nix-instantiate --eval --strict`
    /// (Nix 2.8): (pattern, text, printed result or "error").
    const MATCH_ORACLE: &[(&str, &str, &str)] = &[
        ("ab", "abc", "null"),
        ("a(b)?c", "ac", "[ null ]"),
        ("(a|ab)(c|bcd)(d*)", "abcd", r#"[ "a" "bcd" "" ]"#),
        ("(a|ab)(c|bcd)", "abcd", r#"[ "a" "bcd" ]"#),
        (
            "(wee|week)(knights|night)",
            "weeknights",
            r#"[ "wee" "knights" ]"#,
        ),
        ("(a|ab)(bc|c)", "abc", r#"[ "a" "bc" ]"#),
        ("(a*)*", "b", "null"),
        ("(a*)*", "", r#"[ "" ]"#),
        ("(a*)+", "b", "null"),
        ("(a|b)*", "ab", r#"[ "b" ]"#),
        ("((a)|b)*", "ab", r#"[ "b" "a" ]"#),
        ("[[:alpha:]]+", "abC", "[ ]"),
        ("[[:digit:]]+([[:alpha:]]*)", "12ab", r#"[ "ab" ]"#),
        ("[[:upper:]]", "A", "[ ]"),
        ("a{2,3}", "aaa", "[ ]"),
        ("a{1,}", "aa", "[ ]"),
        ("a{0}", "", "[ ]"),
        ("x{2}{3}", "xxxxxx", "[ ]"),
        ("a{1}*", "aa", "[ ]"),
        ("a{1000}", "a", "null"),
        ("", "", "[ ]"),
        (".*", "a\nb", "[ ]"),
        ("a|ab", "ab", "[ ]"),
        ("(.*)(.*)", "ab", r#"[ "ab" "" ]"#),
        ("(x*)(x*)", "xx", r#"[ "xx" "" ]"#),
        ("^a$", "a", "[ ]"),
        ("(^a)", "a", r#"[ "a" ]"#),
        ("a^b", "ab", "null"),
        ("a$b", "ab", "null"),
        ("a**", "aa", "[ ]"),
        ("a+?", "a", "[ ]"),
        ("a??", "", "[ ]"),
        ("(a)+", "aa", r#"[ "a" ]"#),
        ("[]a]", "]", "[ ]"),
        ("[^]a]", "b", "[ ]"),
        ("[a-]", "-", "[ ]"),
        ("[[.a.]]", "a", "[ ]"),
        ("[[=a=]]", "a", "[ ]"),
        ("[\\]", "\\", "[ ]"),
        ("a|", "a", "[ ]"),
        ("|a", "", "[ ]"),
        ("()", "", r#"[ "" ]"#),
        ("()*", "", r#"[ "" ]"#),
        ("a||b", "b", "[ ]"),
        ("a(|b)", "a", r#"[ "" ]"#),
        ("(a)|b", "b", "[ null ]"),
        ("(a?)((ab)?)(b?)", "ab", r#"[ "a" "" null "b" ]"#),
        (".*", "é", "[ ]"),
        ("(a*)(b|abc)(c*)", "abc", r#"[ "a" "b" "c" ]"#),
        (
            "(([a-z]+)-)*([0-9.]+)",
            "foo-bar-1.2",
            r#"[ "bar-" "bar" "1.2" ]"#,
        ),
        ("(a|ab)*c", "ababc", r#"[ "ab" ]"#),
        ("((a|ab)*)c", "abac", r#"[ "aba" "a" ]"#),
        ("([^/]*)/(.*)", "usr/lib/x", r#"[ "usr" "lib/x" ]"#),
        ("(a|b)*?(b)", "abb", r#"[ "b" "b" ]"#),
        ("(a+|b+)*", "aabba", r#"[ "a" ]"#),
        ("((a)|(b))+", "ab", r#"[ "b" "a" "b" ]"#),
        ("(.?)(.?)(.?)", "ab", r#"[ "a" "b" "" ]"#),
        (".", "é", "null"),
        // Escapes: only special characters may be escaped.
        ("\\.", ".", "[ ]"),
        ("\\[", "[", "[ ]"),
        ("\\\\", "\\", "[ ]"),
        ("\\(", "(", "[ ]"),
        ("\\)", ")", "[ ]"),
        ("\\*", "*", "[ ]"),
        ("\\+", "+", "[ ]"),
        ("\\?", "?", "[ ]"),
        ("\\{", "{", "[ ]"),
        ("\\|", "|", "[ ]"),
        ("\\^", "^", "[ ]"),
        ("\\$", "$", "[ ]"),
        ("\\]", "]", "error"),
        ("\\}", "}", "error"),
        ("\\-", "-", "error"),
        ("\\/", "/", "error"),
        ("\\n", "n", "error"),
        ("\\w", "w", "error"),
        ("\\b", "b", "error"),
        ("\\<", "<", "error"),
        ("\\1", "1", "error"),
        ("\\0", "0", "error"),
        ("\\ ", " ", "error"),
        ("\\d", "d", "error"),
        ("\\a", "a", "error"),
        ("(a)\\1", "aa", "error"),
        // Other invalid patterns.
        ("(", "a", "error"),
        ("[", "a", "error"),
        ("*a", "a", "error"),
        ("(*a)", "a", "error"),
        ("a{,2}", "aa", "error"),
        ("a{,}", "a", "error"),
        ("a{", "a{", "error"),
        ("{", "{", "error"),
        ("a{3,1}", "a", "error"),
        ("[z-a]", "b", "error"),
        ("[[:foo:]]", "a", "error"),
    ];

    #[test]
    fn match_oracle() {
        for (pattern, text, expected) in MATCH_ORACLE {
            assert_eq!(
                nix_match(pattern, text),
                *expected,
                "match {pattern:?} {text:?}"
            );
        }
    }

    /// `builtins.split` vectors from Nix 2.8.
    const SPLIT_ORACLE: &[(&str, &str, &str)] = &[
        ("(a)|b", "xaybz", r#"[ "x" [ "a" ] "y" [ null ] "z" ]"#),
        ("", "abc", r#"[ "" [ ] "a" [ ] "b" [ ] "c" [ ] "" ]"#),
        ("a*", "baaac", r#"[ "" [ ] "b" [ ] "" [ ] "c" [ ] "" ]"#),
        ("a*", "baa", r#"[ "" [ ] "b" [ ] "" [ ] "" ]"#),
        ("x*", "", r#"[ "" [ ] "" ]"#),
        ("(a)(b)?", "zaz", r#"[ "z" [ "a" null ] "z" ]"#),
        ("^a", "aaa", r#"[ "" [ ] "aa" ]"#),
        ("a", "aaa", r#"[ "" [ ] "" [ ] "" [ ] "" ]"#),
        ("a", "a", r#"[ "" [ ] "" ]"#),
        ("b*", "abbbc", r#"[ "" [ ] "a" [ ] "" [ ] "c" [ ] "" ]"#),
        ("(b*)", "ab", r#"[ "" [ "" ] "a" [ "b" ] "" [ "" ] "" ]"#),
        ("$", "ab", r#"[ "ab" [ ] "" ]"#),
        ("^", "ab", r#"[ "" [ ] "ab" ]"#),
        ("a|b", "", r#"[ "" ]"#),
        (
            "[[:space:]]+",
            " foo  bar ",
            r#"[ "" [ ] "foo" [ ] "bar" [ ] "" ]"#,
        ),
        ("(.)", "ab", r#"[ "" [ "a" ] "" [ "b" ] "" ]"#),
    ];

    #[test]
    fn split_oracle() {
        for (pattern, text, expected) in SPLIT_ORACLE {
            assert_eq!(
                nix_split(pattern, text),
                *expected,
                "split {pattern:?} {text:?}"
            );
        }
    }

    /// Nix 2.8 (libstdc++ `std::regex`) lets a repeated group that can match
    /// empty iterate once more on the empty string, so its last capture is
    /// `""`; glibc keeps the last non-empty iteration. The overall match is
    /// the same. Expected values are Nix 2.8's; kept as a record of the
    /// divergence (glibc gives `"a"`, `"aa"`, `"a"`).
    #[test]
    #[ignore = "known divergence between glibc and libstdc++ sub-matches"]
    fn empty_iteration_of_repeated_group() {
        assert_eq!(nix_match("(|a)+", "a"), r#"[ "" ]"#);
        assert_eq!(nix_match("(a*)+(b)", "aab"), r#"[ "" "b" ]"#);
        assert_eq!(nix_match("(a?)*", "aa"), r#"[ "" ]"#);
    }

    #[test]
    fn errors() {
        assert_eq!(
            PosixRegex::new("a\0b").unwrap_err(),
            RegexError::NulInPattern
        );
        match PosixRegex::new("(") {
            Err(RegexError::Invalid { pattern, message }) => {
                assert_eq!(pattern, "(");
                assert!(!message.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            PosixRegex::new("a\\"),
            Err(RegexError::Invalid { .. })
        ));
    }

    #[test]
    fn nul_bytes_in_text() {
        let re = PosixRegex::new("a.b").unwrap();
        assert_eq!(re.full_match(b"a\0b").unwrap(), None);
        let re = PosixRegex::new("a[^x]b").unwrap();
        assert_eq!(re.full_match(b"a\0b").unwrap(), Some(vec![]));
        let re = PosixRegex::new("b").unwrap();
        let c = re.find_at(b"a\0b", 0).unwrap().unwrap();
        assert_eq!(c.whole, (2, 3));
    }

    #[test]
    fn find_at_offsets() {
        let re = PosixRegex::new("(b+)").unwrap();
        let text = b"abbcb";
        let c = re.find_at(text, 0).unwrap().unwrap();
        assert_eq!(c.whole, (1, 3));
        assert_eq!(c.groups, vec![Some((1, 3))]);
        let c = re.find_at(text, 3).unwrap().unwrap();
        assert_eq!(c.whole, (4, 5));
        assert_eq!(re.find_at(text, 5).unwrap(), None);
        assert_eq!(re.find_at(text, 99).unwrap(), None);
        // ^ only matches at the very start of the text.
        let re = PosixRegex::new("^b").unwrap();
        assert_eq!(re.find_at(b"bb", 1).unwrap(), None);
        assert_eq!(re.find_at(b"bb", 0).unwrap().map(|c| c.whole), Some((0, 1)));
    }

    #[test]
    fn cache_reuses_and_skips_failures() {
        let mut cache = RegexCache::new();
        let a = cache.get("a+").unwrap();
        let b = cache.get("a+").unwrap();
        assert!(Rc::ptr_eq(&a, &b));
        assert!(cache.get("(").is_err());
        assert_eq!(cache.len(), 1);
        assert_eq!(a.group_count(), 0);
        assert_eq!(cache.get("(a)(b(c))").unwrap().group_count(), 3);
    }
}
