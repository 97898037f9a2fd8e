//! Runtime values.
//!
//! A [`Value`] is 16 bytes: a tag and either an immediate (int, float, bool) or one `Rc`.
//! Attribute sets and lists are shared, never copied, when passed around. Unevaluated
//! values are [`Thunk`]s, updated in place once forced, so every value is computed at most
//! once.

use super::error::EvalResult;
use super::ir::{ExprRef, LambdaDef};
use super::machine::Evaluator;
use super::source::Span;
use super::symbol::Symbol;
use smallvec::SmallVec;
use std::cell::{OnceCell, UnsafeCell};
use std::collections::BTreeSet;
use std::rc::Rc;

/// A Nix value, possibly not yet evaluated ([`Value::Thunk`]).
#[derive(Clone)]
#[allow(clippy::rc_buffer)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Rc<NixString>),
    /// An absolute, canonical path. `Rc<String>` rather than `Rc<str>`: a thin pointer
    /// keeps every value at 16 bytes (paths are few; the extra indirection is cheap).
    Path(Rc<String>),
    Attrs(Rc<Attrs>),
    List(Rc<List>),
    Lambda(Rc<Closure>),
    PrimOp(&'static PrimOp),
    PrimOpApp(Rc<PrimOpApp>),
    Thunk(Rc<Thunk>),
}

// Values fill every list, environment slot and attribute: a tag and one pointer or
// immediate, nothing more.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// The type names Nix reports (`builtins.typeOf`).
impl Value {
    /// The name `builtins.typeOf` gives; for a thunk, `"thunk"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    /// How error messages name the type ("a string", "a set", …).
    pub fn type_description(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Lambda(_) => "a function",
            Value::PrimOp(_) => "a built-in function",
            Value::PrimOpApp(_) => "a partially applied built-in function",
            Value::Thunk(_) => "a thunk",
        }
    }

    /// A plain string without context.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(Rc::new(NixString::plain(s.into())))
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(List(items)))
    }

    /// An attribute set value from entries in any order (later duplicates are dropped).
    pub fn attrs(attrs: Attrs) -> Value {
        Value::Attrs(Rc::new(attrs))
    }

    /// Whether this is a function of any kind (not counting `__functor` sets).
    pub fn is_function(&self) -> bool {
        matches!(
            self,
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_)
        )
    }
}

/// A string with its context: the store paths it refers to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NixString {
    pub text: String,
    pub context: Context,
}

impl NixString {
    /// A string without context.
    pub fn plain(text: String) -> Self {
        NixString {
            text,
            context: Context::default(),
        }
    }

    /// A string with the given context.
    pub fn with_context(text: String, context: Context) -> Self {
        NixString { text, context }
    }
}

/// One element of a string's context, in Nix's encoding:
/// `/nix/store/…` (a plain path), `=/nix/store/….drv` (a derivation and all its outputs),
/// `!out!/nix/store/….drv` (one output of a derivation).
pub type ContextElem = Rc<str>;

/// The set of store paths a string depends on.
/// Boxed so that strings without context (the common case) stay small.
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(clippy::box_collection)]
pub struct Context(Option<Box<BTreeSet<ContextElem>>>);

impl Context {
    /// Whether the context is empty.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|s| s.is_empty())
    }

    /// Adds one element.
    pub fn insert(&mut self, elem: ContextElem) {
        self.0.get_or_insert_with(Default::default).insert(elem);
    }

    /// Adds every element of `other`.
    pub fn extend(&mut self, other: &Context) {
        if let Some(o) = &other.0 {
            if o.is_empty() {
                return;
            }
            let set = self.0.get_or_insert_with(Default::default);
            set.extend(o.iter().cloned());
        }
    }

    /// The elements, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &ContextElem> {
        self.0.iter().flat_map(|s| s.iter())
    }
}

/// A list's elements.
#[derive(Default)]
pub struct List(pub Vec<Value>);

/// One attribute: name, value and where it was defined.
///
/// Every attribute of every set at run time is one of these, so only the start of the
/// definition's span is kept (24 bytes where a full span made 32): [`Attr::span`] gives an
/// open span whose end is found in the source when an error shows it.
#[derive(Clone)]
pub struct Attr {
    pub name: Symbol,
    pub value: Value,
    /// Where the attribute's definition starts in the source map's position space;
    /// [`Attr::NO_POS`] for attributes that do not come from source text.
    pub pos: u32,
}

const _: () = assert!(std::mem::size_of::<Attr>() == 24);

impl Attr {
    /// The position of attributes that do not come from source text (builtins, JSON…).
    pub const NO_POS: u32 = Span::NONE.start;

    /// An attribute defined at `span` (only its start is kept).
    pub fn new(name: Symbol, value: Value, span: Span) -> Attr {
        Attr {
            name,
            value,
            pos: span.start,
        }
    }

    /// An attribute that does not come from source text.
    pub fn unpositioned(name: Symbol, value: Value) -> Attr {
        Attr {
            name,
            value,
            pos: Self::NO_POS,
        }
    }

    /// Where the attribute was defined: the whole definition (`name = value;`, an
    /// inherited name, a formal argument), as an open span ([`Span::starting_at`]);
    /// [`Span::NONE`] if it does not come from source text.
    pub fn span(&self) -> Span {
        Span::starting_at(self.pos)
    }
}

/// An attribute set: attributes sorted by symbol id for fast lookup.
/// Name order (what users see) is produced on demand by [`Attrs::sorted_by_name`].
#[derive(Clone, Default)]
pub struct Attrs {
    entries: Vec<Attr>,
}

impl Attrs {
    /// An empty set.
    pub fn new() -> Self {
        Attrs {
            entries: Vec::new(),
        }
    }

    /// An empty set with room for `n` attributes.
    pub fn with_capacity(n: usize) -> Self {
        Attrs {
            entries: Vec::with_capacity(n),
        }
    }

    /// Builds a set from entries in any order; for duplicate names the first one wins.
    pub fn from_unsorted(mut entries: Vec<Attr>) -> Self {
        entries.sort_by_key(|a| a.name);
        entries.dedup_by_key(|a| a.name);
        Attrs { entries }
    }

    /// Builds a set from entries already sorted by symbol with no duplicates.
    pub fn from_sorted(entries: Vec<Attr>) -> Self {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        Attrs { entries }
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The attribute named `name`.
    pub fn get_attr(&self, name: Symbol) -> Option<&Attr> {
        if self.entries.len() <= 8 {
            return self.entries.iter().find(|a| a.name == name);
        }
        self.entries
            .binary_search_by_key(&name, |a| a.name)
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The value of the attribute named `name`.
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.get_attr(name).map(|a| &a.value)
    }

    /// Inserts or replaces an attribute defined at `span` (only its start is kept).
    pub fn insert(&mut self, name: Symbol, value: Value, span: Span) {
        let attr = Attr::new(name, value, span);
        match self.entries.binary_search_by_key(&name, |a| a.name) {
            Ok(i) => self.entries[i] = attr,
            Err(i) => self.entries.insert(i, attr),
        }
    }

    /// Entries in symbol order (fast, but not the order users see).
    pub fn entries(&self) -> &[Attr] {
        &self.entries
    }

    /// Consumes the set, giving its entries in symbol order.
    pub fn into_entries(self) -> Vec<Attr> {
        self.entries
    }

    /// Entries in lexicographic name order, as Nix presents them.
    pub fn sorted_by_name(&self) -> Vec<&Attr> {
        let mut v: Vec<(&'static str, &Attr)> =
            self.entries.iter().map(|a| (a.name.as_str(), a)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v.into_iter().map(|(_, a)| a).collect()
    }

    /// `self // other`: attributes of `other` win.
    pub fn update(&self, other: &Attrs) -> Attrs {
        let (a, b) = (&self.entries, &other.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].name.cmp(&b[j].name) {
                std::cmp::Ordering::Less => {
                    out.push(a[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(b[j].clone());
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        Attrs { entries: out }
    }
}

/// A delayed computation, evaluated at most once.
///
/// The state lives in an `UnsafeCell` rather than a `RefCell`: thunks are touched on every
/// variable access, and the borrow flag would cost both time and 8 bytes per thunk. Every
/// access goes through the methods below, none of which hands out a reference that outlives
/// the call, and `Rc` keeps thunks on one thread.
pub struct Thunk(UnsafeCell<ThunkState>);

/// What a thunk holds.
#[derive(Clone)]
pub enum ThunkState {
    /// An expression to evaluate in an environment.
    Pending(ExprRef, Rc<Env>),
    /// A function application built by a builtin (`map f xs` elements). Boxed, like
    /// `Select`, so that the common states keep every thunk at 24 bytes.
    Apply(Box<(Value, Value)>),
    /// Selecting an attribute of a value, lazily (`builtins.catAttrs`-like helpers).
    Select(Box<(Value, Symbol)>),
    /// A builtin applied to two small integers (the module system's lazy values carry
    /// an evaluation and a node index): one allocation instead of a partial application.
    Native(&'static PrimOp, u32, u32),
    /// Being evaluated right now: forcing it again is an infinite recursion.
    Blackhole(Span),
    /// Done.
    Evaluated(Value),
}

impl Thunk {
    /// A thunk in the given state.
    pub fn new(state: ThunkState) -> Rc<Thunk> {
        Rc::new(Thunk(UnsafeCell::new(state)))
    }

    /// A thunk for `expr` in `env`.
    pub fn pending(expr: ExprRef, env: Rc<Env>) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Pending(expr, env)))
    }

    /// A thunk for the application `f arg`.
    pub fn apply(f: Value, arg: Value) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Apply(Box::new((f, arg)))))
    }

    /// A thunk for `op a b` with integer arguments.
    pub fn native(op: &'static PrimOp, a: u32, b: u32) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Native(op, a, b)))
    }

    /// A thunk for `value.name`.
    pub fn select(value: Value, name: Symbol) -> Value {
        Value::Thunk(Thunk::new(ThunkState::Select(Box::new((value, name)))))
    }

    /// The value if this thunk has been evaluated.
    #[inline]
    pub fn evaluated(&self) -> Option<Value> {
        // SAFETY: no other reference to the state exists during this call (see the type's
        // documentation); cloning a `Value` only touches reference counts.
        match unsafe { &*self.0.get() } {
            ThunkState::Evaluated(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// The integer this thunk evaluated to, if it has been evaluated to one.
    #[inline]
    pub fn evaluated_int(&self) -> Option<i64> {
        // SAFETY: as in `evaluated`; only a `Copy` payload is read.
        match unsafe { &*self.0.get() } {
            ThunkState::Evaluated(Value::Int(i)) => Some(*i),
            _ => None,
        }
    }

    /// Whether the thunk is being evaluated (its blackhole span), if so.
    #[inline]
    pub fn blackhole(&self) -> Option<Span> {
        // SAFETY: as in `evaluated`.
        match unsafe { &*self.0.get() } {
            ThunkState::Blackhole(span) => Some(*span),
            _ => None,
        }
    }

    /// Replaces the state, returning the previous one.
    #[inline]
    pub fn replace(&self, state: ThunkState) -> ThunkState {
        // SAFETY: as in `evaluated`; the old state is moved out, not borrowed.
        unsafe { std::mem::replace(&mut *self.0.get(), state) }
    }

    /// Sets the state.
    #[inline]
    pub fn set(&self, state: ThunkState) {
        drop(self.replace(state));
    }
}

/// A runtime environment: the values of one lexical scope, and its parent.
/// Slots are written once, right after the environment is created.
pub struct Env {
    pub parent: Option<Rc<Env>>,
    /// Most scopes are small (one function argument, a few `let` bindings): keep them inline
    /// so that creating an environment is a single allocation.
    slots: SmallVec<[OnceCell<Value>; 2]>,
}

impl Env {
    /// A new environment with `n` empty slots.
    pub fn new(parent: Option<Rc<Env>>, n: usize) -> Self {
        Env {
            parent,
            slots: (0..n).map(|_| OnceCell::new()).collect(),
        }
    }

    /// A new environment holding exactly `values`.
    pub fn with_values(parent: Option<Rc<Env>>, values: Vec<Value>) -> Self {
        Env {
            parent,
            slots: values.into_iter().map(OnceCell::from).collect(),
        }
    }

    /// A new environment holding one value (a function call's argument).
    pub fn with_value(parent: Option<Rc<Env>>, value: Value) -> Self {
        let mut slots = SmallVec::new();
        slots.push(OnceCell::from(value));
        Env { parent, slots }
    }

    /// Fills slot `i`. Filling a slot twice is a bug in the lowering.
    pub fn set(&self, i: usize, v: Value) {
        let _ = self.slots[i].set(v);
    }

    /// The value in slot `i`.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.slots.get(i).and_then(|c| c.get())
    }

    /// The environment `depth` levels up.
    pub fn ancestor(self: &Rc<Env>, depth: u32) -> &Rc<Env> {
        let mut env = self;
        for _ in 0..depth {
            // Lowering only produces depths that exist.
            env = env
                .parent
                .as_ref()
                .expect("lowering produced a bad variable depth");
        }
        env
    }
}

/// A user-written function together with the environment it closes over.
pub struct Closure {
    pub def: &'static LambdaDef,
    pub env: Rc<Env>,
}

/// The signature of every builtin: the evaluator, the (unforced) arguments and the call site.
pub type PrimOpFn = fn(&mut Evaluator, &[Value], Span) -> EvalResult<Value>;

/// A builtin function.
pub struct PrimOp {
    pub name: &'static str,
    pub arity: usize,
    pub func: PrimOpFn,
    /// The builtin forces every argument in its usual course (`substring`, `add`,
    /// `typeOf`…), so a full call may evaluate the arguments first instead of allocating
    /// thunks for them (see `Evaluator::strict_arg`).
    pub strict: bool,
}

/// A builtin applied to fewer arguments than it takes.
pub struct PrimOpApp {
    pub op: &'static PrimOp,
    pub args: Vec<Value>,
}

// Thunks are the most numerous heap objects of an evaluation.
const _: () = assert!(std::mem::size_of::<ThunkState>() <= 24);
