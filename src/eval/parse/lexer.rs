//! The tokenizer of the fast front end.
//!
//! It splits source text exactly as rnix's tokenizer does (the same path, URI and
//! number heuristics, the same string and interpolation contexts) but keeps no trivia
//! and builds no tree. Anything rnix would call an error token ends tokenizing with
//! `None`: the caller then parses with rnix, which reports the error.

/// A token kind (trivia are never produced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    // keywords
    Assert,
    Else,
    If,
    In,
    Inherit,
    Let,
    Or,
    Rec,
    Then,
    With,
    // punctuation
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Assign,
    At,
    Colon,
    Comma,
    Dot,
    Ellipsis,
    Question,
    Semicolon,
    // operators
    Concat,
    Invert,
    Update,
    Add,
    Sub,
    Mul,
    Div,
    And,
    Equal,
    Implication,
    Less,
    LessOrEq,
    More,
    MoreOrEq,
    NotEqual,
    OrOr,
    PipeRight,
    PipeLeft,
    // values
    Float,
    Integer,
    Ident,
    Uri,
    PathAbs,
    PathRel,
    PathHome,
    PathSearch,
    // strings and interpolation
    StrStart,
    StrContent,
    StrEnd,
    InterpolStart,
    InterpolEnd,
}

impl Tok {
    /// Whether this is a binary operator (of any precedence level).
    pub fn is_binary_operator(self) -> bool {
        matches!(
            self,
            Tok::Concat
                | Tok::Update
                | Tok::Add
                | Tok::Sub
                | Tok::Mul
                | Tok::Div
                | Tok::And
                | Tok::Equal
                | Tok::Implication
                | Tok::Less
                | Tok::LessOrEq
                | Tok::More
                | Tok::MoreOrEq
                | Tok::NotEqual
                | Tok::OrOr
                | Tok::PipeRight
                | Tok::PipeLeft
        )
    }

    /// Whether a token of this kind starts an argument of a function application.
    pub fn starts_argument(self) -> bool {
        matches!(
            self,
            Tok::Rec
                | Tok::LBrace
                | Tok::LBrack
                | Tok::LParen
                | Tok::StrStart
                | Tok::Ident
                | Tok::Float
                | Tok::Integer
                | Tok::PathAbs
                | Tok::PathRel
                | Tok::PathHome
                | Tok::PathSearch
                | Tok::Uri
        )
    }
}

/// A token and its byte range.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: Tok,
    pub start: u32,
    pub end: u32,
}

/// Brackets (and interpolations) nested deeper than this are left to the slow path,
/// which refuses them with an error.
pub const MAX_NESTING: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    StringBody { indented: bool },
    StringEnd,
    Interpol { braces: u32 },
    InterpolStart,
    Path(Tok),
}

/// Tokenizes `text`; `None` when rnix would produce an error token, when the text is
/// longer than 4 GiB, or when brackets nest deeper than [`MAX_NESTING`].
pub fn tokenize(text: &str) -> Option<Vec<Token>> {
    u32::try_from(text.len()).ok()?;
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        ctx: Vec::new(),
        run: (0, 0),
    };
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut depth = 0usize;
    while let Some(step) = lexer.next_token() {
        let (kind, start) = step?;
        match kind {
            Tok::LParen | Tok::LBrack | Tok::LBrace | Tok::InterpolStart => {
                depth += 1;
                if depth > MAX_NESTING {
                    return None;
                }
            }
            Tok::RParen | Tok::RBrack | Tok::RBrace | Tok::InterpolEnd => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        tokens.push(Token {
            kind,
            start: start as u32,
            end: lexer.pos as u32,
        });
    }
    Some(tokens)
}

/// Bytes that may appear in a path (and, but for `/`, in the text a path or URI starts
/// with).
static PATH_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'.' | b'+' | b'-');
        b += 1;
    }
    table
};

/// Path characters but `/`: what the run of text before a possible path's first `/` is
/// made of.
static RUN_CHARS: [bool; 256] = {
    let mut table = PATH_CHARS;
    table[b'/' as usize] = false;
    table
};

/// Bytes that may follow the first of an identifier.
static IDENT_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'\'');
        b += 1;
    }
    table
};

fn is_ident_char(b: u8) -> bool {
    IDENT_CHARS[b as usize]
}

fn is_path_char(b: u8) -> bool {
    PATH_CHARS[b as usize]
}

fn is_uri_char(b: u8) -> bool {
    is_path_char(b)
        || matches!(
            b,
            b'%' | b'?' | b':' | b'@' | b'&' | b'=' | b'$' | b',' | b'!' | b'~' | b'*' | b'\''
        )
}

/// What the text at a token start looks like before it is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Abs,
    Rel,
    Home,
    Search,
    Uri,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    ctx: Vec<Context>,
    /// The last run of path characters `shape` scanned (start, end): a token starting
    /// inside it (`b` in `a.b.c`) sees the same run end, without scanning it again.
    run: (usize, usize),
}

/// One step: `None` at the end, `Some(None)` for an error, else the kind and start.
type Step = Option<Option<(Tok, usize)>>;

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }
    fn starts_with(&self, s: &[u8]) -> bool {
        self.bytes[self.pos..].starts_with(s)
    }
    fn consume_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.pos < self.bytes.len() && f(self.bytes[self.pos]) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Skips whitespace (Unicode's, as `char::is_whitespace`) and comments; `false`
    /// when a block comment is not closed.
    fn skip_trivia(&mut self) -> bool {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b) if b >= 0x80 => match self.text[self.pos..].chars().next() {
                    Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                    _ => return true,
                },
                Some(b'#') => {
                    self.consume_while(|b| b != b'\n');
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    self.pos += 2;
                    loop {
                        self.consume_while(|b| b != b'*');
                        if self.peek().is_some() {
                            self.pos += 1;
                        }
                        match self.peek() {
                            None => return false,
                            Some(b'/') => {
                                self.pos += 1;
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return true,
            }
        }
    }

    fn next_token(&mut self) -> Step {
        let start = self.pos;
        loop {
            match self.ctx.last().copied() {
                Some(Context::InterpolStart) => {
                    self.ctx.pop();
                    self.ctx.push(Context::Interpol { braces: 0 });
                    self.pos += 2;
                    return Some(Some((Tok::InterpolStart, start)));
                }
                Some(Context::Path(kind)) => {
                    if self.starts_with(b"${") {
                        self.ctx.push(Context::Interpol { braces: 0 });
                        self.pos += 2;
                        return Some(Some((Tok::InterpolStart, start)));
                    } else if self.peek().is_some_and(is_path_char) {
                        return Some(self.path_segment(start, kind).map(|k| (k, start)));
                    }
                    self.ctx.pop();
                }
                Some(Context::StringBody { indented }) => {
                    let kind = self.string_content(indented);
                    if kind.is_some() && self.pos == start {
                        continue;
                    }
                    return Some(kind.map(|k| (k, start)));
                }
                Some(Context::StringEnd) => {
                    self.ctx.pop();
                    let closed = match self.peek() {
                        Some(b'"') => {
                            self.pos += 1;
                            true
                        }
                        Some(b'\'') => {
                            self.pos += 1;
                            if self.peek() == Some(b'\'') {
                                self.pos += 1;
                                true
                            } else {
                                false
                            }
                        }
                        _ => false,
                    };
                    return Some(closed.then_some((Tok::StrEnd, start)));
                }
                _ => {}
            }
            break;
        }
        if !self.skip_trivia() {
            return Some(None);
        }
        let start = self.pos;
        let first = self.peek()?;
        if self.starts_with(b"...") {
            self.pos += 3;
            return Some(Some((Tok::Ellipsis, start)));
        }
        // Only text starting with a path character, `<` or `~` can be a path, a search
        // path or a URI.
        let shape = if is_path_char(first) || first == b'<' || first == b'~' {
            self.shape()
        } else {
            None
        };
        self.pos += 1;
        if first == b'/' && self.peek() == Some(b'/') {
            self.pos += 1;
            return Some(Some((Tok::Update, start)));
        }
        if first == b'~'
            || matches!(shape, Some(Shape::Abs | Shape::Rel))
            || (first == b'/' && self.peek().is_some_and(is_path_char))
        {
            let kind = if first == b'~' {
                if self.peek() != Some(b'/') {
                    return Some(None);
                }
                self.pos += 1;
                Tok::PathHome
            } else if first == b'/' {
                Tok::PathAbs
            } else {
                Tok::PathRel
            };
            self.ctx.push(Context::Path(kind));
            return Some(self.path_segment(start, kind).map(|k| (k, start)));
        }
        let two = |lexer: &mut Self, second: u8, kind: Tok| -> Option<Tok> {
            if lexer.peek() == Some(second) {
                lexer.pos += 1;
                Some(kind)
            } else {
                None
            }
        };
        let kind = match first {
            b'=' => two(self, b'=', Tok::Equal).unwrap_or(Tok::Assign),
            b'!' => two(self, b'=', Tok::NotEqual).unwrap_or(Tok::Invert),
            b'{' => {
                if let Some(Context::Interpol { braces }) = self.ctx.last_mut() {
                    *braces += 1;
                }
                Tok::LBrace
            }
            b'}' => match self.ctx.last_mut() {
                Some(Context::Interpol { braces: 0 }) => {
                    self.ctx.pop();
                    Tok::InterpolEnd
                }
                Some(Context::Interpol { braces }) => {
                    *braces -= 1;
                    Tok::RBrace
                }
                _ => Tok::RBrace,
            },
            b'[' => Tok::LBrack,
            b']' => Tok::RBrack,
            b'@' => Tok::At,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b'.' => {
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.consume_while(|b| b.is_ascii_digit());
                    self.exponent()?
                } else {
                    Tok::Dot
                }
            }
            b'?' => Tok::Question,
            b';' => Tok::Semicolon,
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'+' => two(self, b'+', Tok::Concat).unwrap_or(Tok::Add),
            b'-' => two(self, b'>', Tok::Implication).unwrap_or(Tok::Sub),
            b'*' => Tok::Mul,
            b'/' => Tok::Div,
            b'<' => {
                if let Some(k) = two(self, b'|', Tok::PipeLeft) {
                    k
                } else if shape == Some(Shape::Search) {
                    if self.consume_while(is_path_char) == 0 {
                        Tok::Less
                    } else if self.peek() == Some(b'>') {
                        self.pos += 1;
                        Tok::PathSearch
                    } else {
                        return Some(None);
                    }
                } else {
                    two(self, b'=', Tok::LessOrEq).unwrap_or(Tok::Less)
                }
            }
            b'&' => match two(self, b'&', Tok::And) {
                Some(k) => k,
                None => return Some(None),
            },
            b'|' => match two(self, b'>', Tok::PipeRight).or_else(|| two(self, b'|', Tok::OrOr)) {
                Some(k) => k,
                None => return Some(None),
            },
            b'>' => two(self, b'=', Tok::MoreOrEq).unwrap_or(Tok::More),
            b'$' if self.peek() == Some(b'{') => {
                self.pos += 1;
                self.ctx.push(Context::Interpol { braces: 0 });
                Tok::InterpolStart
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                if shape == Some(Shape::Uri) {
                    self.consume_while(|b| is_ident_char(b) || is_uri_char(b));
                    Tok::Uri
                } else {
                    self.consume_while(is_ident_char);
                    keyword(&self.bytes[start..self.pos]).unwrap_or(Tok::Ident)
                }
            }
            b'"' => {
                self.ctx.push(Context::StringBody { indented: false });
                Tok::StrStart
            }
            b'\'' if self.peek() == Some(b'\'') => {
                self.pos += 1;
                self.ctx.push(Context::StringBody { indented: true });
                Tok::StrStart
            }
            b'0'..=b'9' => {
                if first == b'0' && self.peek() != Some(b'.') {
                    self.consume_while(|b| b.is_ascii_digit());
                    Tok::Integer
                } else {
                    self.consume_while(|b| b.is_ascii_digit());
                    if self.peek() == Some(b'.') {
                        self.pos += 1;
                        self.consume_while(|b| b.is_ascii_digit());
                        self.exponent()?
                    } else {
                        Tok::Integer
                    }
                }
            }
            _ => return Some(None),
        };
        Some(Some((kind, start)))
    }

    /// Classifies the text at the current position as rnix's tokenizer does before
    /// reading a token: absolute, home, relative or search path, URI, or none.
    fn shape(&mut self) -> Option<Shape> {
        let rest = &self.bytes[self.pos..];
        match rest.first() {
            Some(b'/') => {
                if rest.starts_with(b"//") {
                    None
                } else if rest.starts_with(b"/${") {
                    Some(Shape::Abs)
                } else {
                    rest.get(1)
                        .is_some_and(|&b| is_path_char(b) && b != b'*')
                        .then_some(Shape::Abs)
                }
            }
            Some(b'~') if rest.get(1) == Some(&b'/') => Some(Shape::Home),
            _ => {
                let search = rest.first() == Some(&b'<');
                let (run_start, run_end) = self.run;
                let n = if !search && self.pos > run_start && self.pos < run_end {
                    run_end - self.pos
                } else {
                    // Outside `<…>`, a `/` ends the run.
                    let in_run = |b: u8| match b {
                        b'<' | b'/' => search,
                        _ => is_path_char(b),
                    };
                    let n = if search {
                        rest.iter().position(|&b| !in_run(b))
                    } else {
                        rest.iter().position(|&b| !RUN_CHARS[b as usize])
                    }
                    .unwrap_or(rest.len());
                    if !search {
                        self.run = (self.pos, self.pos + n);
                    }
                    n
                };
                // The two characters after the run (only the second can be non-ASCII
                // where it matters: after a `/`).
                let end = self.pos + n;
                match self.bytes.get(end) {
                    Some(b'/') => match self.bytes.get(end + 1) {
                        Some(b'/' | b'*') | None => None,
                        Some(&b) if b < 0x80 => {
                            (!(b as char).is_whitespace()).then_some(Shape::Rel)
                        }
                        Some(_) => {
                            let c = self.text[end + 1..].chars().next();
                            c.is_some_and(|c| !c.is_whitespace()).then_some(Shape::Rel)
                        }
                    },
                    Some(b'>') => Some(Shape::Search),
                    Some(b':') => match self.bytes.get(end + 1) {
                        Some(&b) if is_uri_char(b) && !rest[..n].contains(&b'_') => {
                            Some(Shape::Uri)
                        }
                        _ => None,
                    },
                    _ => None,
                }
            }
        }
    }

    /// Reads the rest of a path segment that began at `start`.
    fn path_segment(&mut self, start: usize, kind: Tok) -> Option<Tok> {
        self.consume_while(is_path_char);
        let segment = &self.bytes[start..self.pos];
        if self.starts_with(b"${") {
            self.ctx.push(Context::InterpolStart);
        } else if segment.ends_with(b"/") || segment.windows(2).any(|w| w == b"//") {
            return None;
        } else {
            self.ctx.pop();
        }
        Some(kind)
    }

    /// An optional exponent after a float's digits.
    fn exponent(&mut self) -> Option<Tok> {
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.pos += 1;
            }
            if self.consume_while(|b| b.is_ascii_digit()) == 0 {
                return None;
            }
        }
        Some(Tok::Float)
    }

    /// The literal text of a string up to its end or next interpolation. `None` for an
    /// unterminated string or escape.
    fn string_content(&mut self, indented: bool) -> Option<Tok> {
        loop {
            let here = self.pos;
            let Some(b) = self.peek() else {
                self.ctx.pop();
                return None;
            };
            self.pos += 1;
            match b {
                b'"' if !indented => {
                    self.pos = here;
                    self.ctx.pop();
                    self.ctx.push(Context::StringEnd);
                    return Some(Tok::StrContent);
                }
                b'\\' if !indented => {
                    // An escaped character may be multi-byte: skip all of it.
                    let c = self.text[self.pos..].chars().next()?;
                    self.pos += c.len_utf8();
                }
                b'\'' if indented => match self.peek() {
                    None => return None,
                    Some(b'\'') => {
                        self.pos += 1;
                        match self.peek() {
                            Some(b'\'' | b'$') => self.pos += 1,
                            Some(b'\\') => {
                                self.pos += 1;
                                let c = self.text[self.pos..].chars().next()?;
                                self.pos += c.len_utf8();
                            }
                            _ => {
                                self.pos = here;
                                self.ctx.pop();
                                self.ctx.push(Context::StringEnd);
                                return Some(Tok::StrContent);
                            }
                        }
                    }
                    Some(_) => {}
                },
                b'$' => match self.peek() {
                    Some(b'$') => self.pos += 1,
                    Some(b'{') => {
                        self.pos = here;
                        self.ctx.push(Context::InterpolStart);
                        return Some(Tok::StrContent);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

fn keyword(word: &[u8]) -> Option<Tok> {
    Some(match word {
        b"assert" => Tok::Assert,
        b"else" => Tok::Else,
        b"if" => Tok::If,
        b"in" => Tok::In,
        b"inherit" => Tok::Inherit,
        b"let" => Tok::Let,
        b"or" => Tok::Or,
        b"rec" => Tok::Rec,
        b"then" => Tok::Then,
        b"with" => Tok::With,
        _ => return None,
    })
}
