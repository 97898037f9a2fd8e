//! The lowered form of Nix expressions that the evaluator runs.
//!
//! Lowering (see `lower.rs`) resolves every variable to a slot in an environment, folds
//! attribute paths into nested sets and desugars operators, so evaluation never touches
//! the syntax tree. Expressions are allocated once and live for the whole process
//! (`&'static`), which lets thunks point at them without reference counting.

use super::source::Span;
use super::symbol::Symbol;
use super::value::Value;

/// A reference to a lowered expression.
pub type ExprRef = &'static Expr;

/// An expression and where it came from.
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// How a variable is found at run time.
#[derive(Clone, Debug)]
pub enum Var {
    /// A lexically bound variable: `depth` environments up, slot `slot`.
    Local { depth: u32, slot: u32 },
    /// A variable only `with` scopes can provide: the depths of the enclosing `with`
    /// environments, innermost first.
    With { name: Symbol, withs: Box<[u32]> },
}

/// A component of an attribute path.
pub enum AttrKey {
    Static(Symbol),
    Dynamic(ExprRef),
}

/// Binary operators that are not desugared away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    Update,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    And,
    Or,
    Implies,
    PipeRight,
    PipeLeft,
}

/// The expression forms.
pub enum ExprKind {
    /// A value known at lowering time (numbers, plain strings, resolved paths, builtins).
    Literal(Value),
    Var(Var),
    /// `<name/rest>`: looked up in the search path at run time.
    SearchPath(String),
    Select {
        subject: ExprRef,
        path: Box<[AttrKey]>,
    },
    /// `x.a.b` where `x` is a local variable (`lib.types.str`, `cfg.enable`: most
    /// selections): the variable is read in place, without an expression of its own.
    /// It spans `name_len` bytes from the selection's start.
    SelectLocal {
        depth: u32,
        slot: u32,
        name_len: u32,
        path: Box<[AttrKey]>,
    },
    /// `x.name`: a [`ExprKind::SelectLocal`] with a one-name path, kept inline.
    SelectLocalName {
        depth: u32,
        slot: u32,
        name_len: u32,
        name: Symbol,
    },
    /// `x.a.b`: a [`ExprKind::SelectLocal`] with a two-name path (`lib.types.str`,
    /// `config.services.x`: the most common longer path), kept inline.
    SelectLocalName2 {
        depth: u32,
        slot: u32,
        name_len: u32,
        names: [Symbol; 2],
    },
    /// `e.a.b or default` (rarer than a plain selection, so kept out of line: every
    /// expression is as large as the largest form).
    SelectOr(&'static SelectOr),
    HasAttr {
        subject: ExprRef,
        path: Box<[AttrKey]>,
    },
    /// `f a b c`: an application chain, flattened so that a builtin given all its arguments
    /// is called at once and a curried lambda binds them in one loop.
    Apply {
        func: ExprRef,
        args: Box<[ExprRef]>,
    },
    /// `f a`: an application with one argument (most of them), without an argument slice
    /// of its own.
    Apply1 {
        func: ExprRef,
        arg: ExprRef,
    },
    Lambda(&'static LambdaDef),
    /// `let` (always recursive): a new environment with one slot per binding.
    Let {
        bindings: Box<[ExprRef]>,
        body: ExprRef,
    },
    /// `{ … }` with only static names: its attributes, sorted by symbol. Sets are the most
    /// common literal, so their attributes hang off the expression directly.
    Attrs(Box<[StaticAttr]>),
    /// `rec { … }` with only static names: its attributes, sorted by symbol, which are also
    /// the slots of the set's own environment.
    RecAttrs(Box<[StaticAttr]>),
    /// A set with `${name} = …` entries (rare, so kept out of line).
    DynamicAttrs(&'static AttrsDef),
    List(Box<[ExprRef]>),
    If {
        cond: ExprRef,
        then: ExprRef,
        else_: ExprRef,
    },
    Assert {
        cond: ExprRef,
        body: ExprRef,
    },
    /// `with namespace; body`: `body` runs in a one-slot environment holding the namespace.
    With {
        namespace: ExprRef,
        body: ExprRef,
    },
    Binary {
        op: BinOp,
        lhs: ExprRef,
        rhs: ExprRef,
    },
    Not(ExprRef),
    Negate(ExprRef),
    /// A string with interpolations; parts are coerced to strings and concatenated.
    Interpolate(Box<[ExprRef]>),
    /// A path with interpolations (`./a/${b}`): the first part is a path.
    InterpolatePath(Box<[ExprRef]>),
    /// `__curPos`.
    CurPos,
}

impl ExprKind {
    /// The function and arguments of an application ([`ExprKind::Apply`],
    /// [`ExprKind::Apply1`]).
    #[inline(always)]
    pub fn application(&self) -> Option<(ExprRef, &[ExprRef])> {
        match self {
            ExprKind::Apply { func, args } => Some((func, args)),
            ExprKind::Apply1 { func, arg } => Some((func, std::slice::from_ref(arg))),
            _ => None,
        }
    }
}

/// A selection with a default.
pub struct SelectOr {
    pub subject: ExprRef,
    pub path: Box<[AttrKey]>,
    pub default: ExprRef,
}

/// A function.
pub struct LambdaDef {
    /// The name it was bound to, for error messages.
    pub name: Option<Symbol>,
    pub param: Param,
    pub body: ExprRef,
    pub span: Span,
}

/// A function's parameter.
pub enum Param {
    /// `x: …` — one slot.
    Ident(Symbol),
    /// `{ a, b ? d, … } @ x: …` — one slot per formal, in order, then one for the `@` name.
    Pattern {
        formals: Box<[Formal]>,
        ellipsis: bool,
        bind: Option<Symbol>,
    },
}

/// One formal argument of a pattern.
pub struct Formal {
    pub name: Symbol,
    pub default: Option<ExprRef>,
    pub span: Span,
}

impl LambdaDef {
    /// How many slots a call's environment has.
    pub fn slot_count(&self) -> usize {
        match &self.param {
            Param::Ident(_) => 1,
            Param::Pattern { formals, bind, .. } => formals.len() + usize::from(bind.is_some()),
        }
    }
}

/// An attribute set literal with dynamic attributes.
pub struct AttrsDef {
    /// `rec { … }`: values are evaluated in a new environment holding the static attributes.
    pub recursive: bool,
    /// Attributes with names known at lowering time, in slot order.
    pub attrs: Box<[StaticAttr]>,
    /// `${name} = value;` entries, evaluated at run time.
    pub dynamic: Box<[DynamicAttr]>,
}

/// An attribute whose name is known at lowering time.
pub struct StaticAttr {
    pub name: Symbol,
    /// Where its definition starts in the source map's position space: all that the
    /// set's [`Attr`](super::value::Attr) keeps (its end is found again when an error
    /// shows it), so 16 bytes where a full span made 24.
    pub pos: u32,
    pub value: ExprRef,
}

// Every attribute of every set literal is one of these.
const _: () = assert!(std::mem::size_of::<StaticAttr>() == 16);

/// An attribute whose name is computed.
pub struct DynamicAttr {
    pub name: ExprRef,
    pub value: ExprRef,
    pub span: Span,
}

/// Puts an expression on the heap for the rest of the process.
pub fn alloc(kind: ExprKind, span: Span) -> ExprRef {
    Box::leak(Box::new(Expr { kind, span }))
}

// Every expression of every parsed file stays in memory for the whole run: keep them small.
const _: () = assert!(std::mem::size_of::<Expr>() <= 40);
