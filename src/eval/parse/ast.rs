//! The syntax tree both front ends produce and lowering consumes.
//!
//! It is deliberately plain: owned boxes, interned names, byte offsets. Strings are
//! already unescaped and indented strings already stripped, so lowering never looks at
//! source text. Spans are those of rnix's syntax nodes (first to last token, trivia
//! outside), which error messages and `unsafeGetAttrPos` show.

use crate::eval::ir::BinOp;
use crate::eval::symbol::Symbol;

/// An expression and the byte range it covers.
#[derive(Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub start: u32,
    pub end: u32,
}

/// The expression forms, as written (parentheses are kept: they change how a bound
/// lambda is named).
#[derive(Debug, PartialEq)]
pub enum NodeKind {
    /// One application `f a`; chains nest to the left.
    Apply(Box<Node>, Box<Node>),
    Assert(Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Select {
        subject: Box<Node>,
        path: Vec<Attr>,
        default: Option<Box<Node>>,
    },
    HasAttr {
        subject: Box<Node>,
        path: Vec<Attr>,
    },
    /// A string (escapes resolved, indentation stripped).
    Str(Vec<StrPart>),
    /// A path literal, possibly with interpolations (`./a/${b}`).
    Path {
        flavour: PathFlavour,
        parts: Vec<StrPart>,
    },
    /// `<name/rest>`, without the angle brackets.
    SearchPath(String),
    Literal(Literal),
    Lambda(Box<Lambda>),
    /// `let { …; body = e; }`.
    LegacyLet(Vec<Entry>),
    LetIn(Vec<Entry>, Box<Node>),
    List(Vec<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Paren(Box<Node>),
    AttrSet {
        recursive: bool,
        entries: Vec<Entry>,
    },
    Not(Box<Node>),
    Negate(Box<Node>),
    Ident(Symbol),
    With(Box<Node>, Box<Node>),
    CurPos,
}

/// A part of a string or path: literal text or an interpolated expression.
#[derive(Debug, PartialEq)]
pub enum StrPart {
    Literal(String),
    Interpolation(Node),
}

/// Which kind of path literal a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathFlavour {
    /// `/a/b`
    Abs,
    /// `./a`, `a/b`
    Rel,
    /// `~/a`
    Home,
}

/// A number or URI literal.
#[derive(Debug, PartialEq)]
pub enum Literal {
    Int(i64),
    Float(f64),
    Uri(String),
    /// An integer that does not fit in 64 bits (its text); lowering reports it.
    BadInt(String),
    /// A float the standard library cannot read (its text); lowering reports it.
    BadFloat(String),
}

/// A function.
#[derive(Debug, PartialEq)]
pub struct Lambda {
    pub param: LambdaParam,
    pub body: Node,
}

/// A function's parameter as written.
#[derive(Debug, PartialEq)]
pub enum LambdaParam {
    Ident(Symbol),
    Pattern {
        entries: Vec<PatEntry>,
        ellipsis: bool,
        bind: Option<Symbol>,
    },
}

/// One formal of a pattern: `name` or `name ? default`.
#[derive(Debug, PartialEq)]
pub struct PatEntry {
    pub name: Symbol,
    pub default: Option<Node>,
    pub start: u32,
    pub end: u32,
}

/// An entry of a set, `let` or legacy `let`.
#[derive(Debug, PartialEq)]
pub enum Entry {
    /// `inherit a b;` or `inherit (from) a b;`
    Inherit {
        from: Option<Node>,
        attrs: Vec<Attr>,
    },
    /// `a.b.c = value;` — the span covers the path to the semicolon.
    Value {
        path: Vec<Attr>,
        value: Node,
        start: u32,
        end: u32,
    },
}

/// One component of an attribute path.
#[derive(Debug, PartialEq)]
pub struct Attr {
    pub kind: AttrKind,
    pub start: u32,
    pub end: u32,
}

/// How an attribute name is written.
#[derive(Debug, PartialEq)]
pub enum AttrKind {
    Ident(Symbol),
    Str(Vec<StrPart>),
    /// `${expr}`
    Dynamic(Box<Node>),
}
