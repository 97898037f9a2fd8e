//! The NixOS-style module system, implemented natively.
//!
//! `evalModules` (see [`collect`]) gathers modules (following `imports`, deduplicating by
//! key, dropping `disabledModules`), records every option declaration in a tree of
//! [`Node`]s keyed by option path, and hands each module's `config` to the root node as a
//! pending definition. Definitions are pushed down one level at a time, only when
//! something below that level is needed ([`tree::expand`]), so forcing `config.a.b`
//! touches the definitions under `a` and nothing else. An option's value is merged on
//! first use and memoised in a thunk ([`merge`]); `config` and `options` are built lazily
//! from the tree ([`view`]).
//!
//! Every evaluation's state lives in the evaluator's [`Registry`]; native lazy values carry
//! the evaluation's index and a node index as integer arguments of a partially applied
//! primop.

mod collect;
mod constructors;
mod containers;
mod memo;
mod merge;
mod show;
mod tree;
mod view;

use super::error::{ErrorKind, EvalError, EvalResult};
use super::machine::Evaluator;
use super::source::Span;
use super::symbol::Symbol;
use super::value::{Attr, Attrs, PrimOp, Value};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// Every module evaluation of this evaluator, by index.
#[derive(Default)]
pub struct Registry {
    evals: Vec<Rc<RefCell<ModEval>>>,
    /// Option types already built, by constructor and argument (see [`memo`]).
    memo: memo::MemoTable,
}

impl Registry {
    /// The evaluation with index `id`.
    pub(crate) fn get(&self, id: usize) -> Option<Rc<RefCell<ModEval>>> {
        self.evals.get(id).cloned()
    }
}

/// Symbols the module system looks up all the time.
#[derive(Clone, Copy)]
pub(crate) struct Syms {
    pub type_: Symbol,
    pub content: Symbol,
    pub contents: Symbol,
    pub condition: Symbol,
    pub priority: Symbol,
    pub config: Symbol,
    pub options: Symbol,
    pub imports: Symbol,
    pub file_: Symbol,
    pub key: Symbol,
    pub disabled: Symbol,
    pub freeform: Symbol,
    pub meta: Symbol,
    pub class_: Symbol,
    pub module_: Symbol,
    pub args: Symbol,
    pub check: Symbol,
    pub merge: Symbol,
    pub default: Symbol,
    pub apply: Symbol,
    pub read_only: Symbol,
    pub type_attr: Symbol,
    pub description: Symbol,
    pub file: Symbol,
    pub value: Symbol,
    pub type_merge: Symbol,
    pub functor: Symbol,
    pub lib: Symbol,
    pub special_args: Symbol,
    pub modules: Symbol,
    pub prefix: Symbol,
    pub freeform_type: Symbol,
}

thread_local! {
    static SYMS: Syms = Syms::new();
}

impl Syms {
    /// The symbols (interned once per thread).
    pub(crate) fn get() -> Self {
        SYMS.with(|s| *s)
    }

    fn new() -> Self {
        let s = Symbol::intern;
        Syms {
            type_: s("_type"),
            content: s("content"),
            contents: s("contents"),
            condition: s("condition"),
            priority: s("priority"),
            config: s("config"),
            options: s("options"),
            imports: s("imports"),
            file_: s("_file"),
            key: s("key"),
            disabled: s("disabledModules"),
            freeform: s("freeformType"),
            meta: s("meta"),
            class_: s("_class"),
            module_: s("_module"),
            args: s("args"),
            check: s("check"),
            merge: s("merge"),
            default: s("default"),
            apply: s("apply"),
            read_only: s("readOnly"),
            type_attr: s("type"),
            description: s("description"),
            file: s("file"),
            value: s("value"),
            type_merge: s("typeMerge"),
            functor: s("functor"),
            lib: s("lib"),
            special_args: s("specialArgs"),
            modules: s("modules"),
            prefix: s("prefix"),
            freeform_type: s("freeformType"),
        }
    }
}

/// A property wrapped around a definition on its way down the option tree (`mkIf`,
/// `mkOverride`, `mkOrder`), as a persistent list: innermost first.
pub(crate) struct Prop {
    pub kind: PropKind,
    pub arg: Value,
    pub next: Option<Rc<Prop>>,
}

/// The kinds of [`Prop`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PropKind {
    If,
    Override,
    Order,
}

/// One definition: a value from a file, with the properties pushed down onto it.
#[derive(Clone)]
pub(crate) struct Def {
    pub file: Rc<str>,
    pub value: Value,
    pub props: Option<Rc<Prop>>,
    pub span: Span,
}

/// One declaration of an option: the `mkOption` set and where it was written.
#[derive(Clone)]
pub(crate) struct Decl {
    pub file: Rc<str>,
    pub attrs: Rc<Attrs>,
    pub span: Span,
}

/// How far a namespace's definitions have been pushed down to its children.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expansion {
    No,
    Running,
    Done,
}

/// A node of the option tree: a namespace (children) or an option (declarations).
pub(crate) struct Node {
    pub name: Symbol,
    /// The parent's index, [`NO_PARENT`] for the root (see [`Node::parent`]).
    parent: u32,
    pub children: Children,
    /// Fixed once modules are collected, so a boxed slice (a vector's spare capacity
    /// field would be paid by every node of every evaluation).
    pub decls: Box<[Decl]>,
    /// Written whole: by collection (the root) or when the parent is expanded.
    pub defs: Box<[Def]>,
    pub expanded: Expansion,
    /// The `config` value of this node (an option's merged-value thunk or a namespace set).
    pub config: Option<Value>,
    /// The merge result of an option.
    pub merged: Option<Rc<merge::Merged>>,
    /// Whether the merge is running (to report recursion).
    pub merging: bool,
}

/// A namespace's children by name. Options (most nodes) have none, so the map is only
/// allocated for namespaces, and a node stays small.
#[derive(Default)]
pub(crate) struct Children(Option<Box<FxHashMap<Symbol, u32>>>);

impl Children {
    /// The child called `name`.
    pub fn get(&self, name: &Symbol) -> Option<&u32> {
        self.0.as_ref()?.get(name)
    }

    /// Whether there is a child called `name`.
    pub fn contains_key(&self, name: &Symbol) -> bool {
        self.get(name).is_some()
    }

    /// Adds a child.
    pub fn insert(&mut self, name: Symbol, node: u32) {
        self.0.get_or_insert_default().insert(name, node);
    }

    /// Removes every child.
    pub fn clear(&mut self) {
        self.0 = None;
    }

    /// The children: (name, node), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Symbol, &u32)> {
        self.0.iter().flat_map(|m| m.iter())
    }

    /// The children's names.
    pub fn keys(&self) -> impl Iterator<Item = &Symbol> {
        self.iter().map(|(k, _)| k)
    }

    /// The children's nodes.
    pub fn values(&self) -> impl Iterator<Item = &u32> {
        self.iter().map(|(_, v)| v)
    }
}

/// The parent index of the root node.
const NO_PARENT: u32 = u32::MAX;

impl Node {
    fn new(name: Symbol, parent: Option<u32>) -> Self {
        Node {
            name,
            parent: parent.unwrap_or(NO_PARENT),
            children: Children::default(),
            decls: Box::default(),
            defs: Box::default(),
            expanded: Expansion::No,
            config: None,
            merged: None,
            merging: false,
        }
    }

    /// The parent node (`None` for the root).
    pub fn parent(&self) -> Option<u32> {
        (self.parent != NO_PARENT).then_some(self.parent)
    }

    /// Adds a declaration (while modules are collected).
    pub fn add_decl(&mut self, decl: Decl) {
        let mut list = std::mem::take(&mut self.decls).into_vec();
        list.reserve_exact(1);
        list.push(decl);
        self.decls = list.into_boxed_slice();
    }

    /// Appends definitions to the node's list, keeping it at its exact size.
    pub fn add_defs(&mut self, defs: impl ExactSizeIterator<Item = Def>) {
        let mut list = std::mem::take(&mut self.defs).into_vec();
        list.reserve_exact(defs.len());
        list.extend(defs);
        self.defs = list.into_boxed_slice();
    }

    /// Whether this node is an option (rather than a namespace).
    pub fn is_option(&self) -> bool {
        !self.decls.is_empty()
    }
}

/// Where module collection is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Fresh,
    Collecting,
    Ready,
}

/// The state of one `evalModules` call.
pub(crate) struct ModEval {
    pub id: usize,
    pub lib: Value,
    pub modules: Value,
    pub special_args: Rc<Attrs>,
    pub prefix: Vec<Rc<str>>,
    pub class: Option<String>,
    pub phase: Phase,
    pub nodes: Vec<Node>,
    /// Definitions of names nothing declares, by the namespace node they are under (rare,
    /// so kept out of the nodes).
    pub unmatched: FxHashMap<u32, Vec<(Symbol, Def)>>,
    /// The merged declarations of options declared more than once (see
    /// [`merge::opt_decl`]), by node.
    pub merged_decls: FxHashMap<u32, merge::OptDecl>,
    /// The `options` values built so far, by node (kept so that they are built once).
    pub options_values: FxHashMap<u32, Value>,
    /// The freeform value (merged lazily), once computed.
    pub freeform: Option<Value>,
    /// Whether the undeclared-definitions check has passed.
    pub checked: bool,
    pub span: Span,
}

impl ModEval {
    /// The option path of `node`, prefix included.
    pub fn path(&self, node: u32) -> Vec<Rc<str>> {
        let mut names = Vec::new();
        let mut n = Some(node);
        while let Some(i) = n {
            let node = &self.nodes[i as usize];
            if node.parent().is_some() {
                names.push(Rc::from(node.name.as_str()));
            }
            n = node.parent();
        }
        names.reverse();
        let mut out = self.prefix.clone();
        out.extend(names);
        out
    }

    /// The child `name` of `node`, created if needed.
    pub fn child(&mut self, node: u32, name: Symbol) -> u32 {
        if let Some(c) = self.nodes[node as usize].children.get(&name) {
            return *c;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(Node::new(name, Some(node)));
        self.nodes[node as usize].children.insert(name, id);
        id
    }
}

/// Looks up the evaluation `id`.
pub(crate) fn state(ev: &Evaluator, id: usize) -> Rc<RefCell<ModEval>> {
    match ev.builtin_state.modules.get(id) {
        Some(s) => s,
        None => unreachable!("module evaluation {id} does not exist"),
    }
}

/// An integer argument of the internal primops (an evaluation or node index).
pub(crate) fn index_arg(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<usize> {
    match ev.force(v)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        other => Err(ev.type_error("an index", &other, span)),
    }
}

/// An error with a plain message.
pub(crate) fn error(message: impl Into<String>, span: Span) -> Box<EvalError> {
    EvalError::new(ErrorKind::Other, message, span)
}

/// The `__sysrebuild` set of builtins: the native module-system functions, the Debian
/// package universe's (`builtins/debian.rs`), and `sourceId`, the identity of the
/// sources this binary was built from (see `build.rs`; `pkgs.sysrebuild` uses it).
pub fn native_set() -> Value {
    let source_id = Attr {
        name: Symbol::intern("sourceId"),
        value: Value::string(env!("SYSREBUILD_SOURCE_ID")),
        pos: Attr::NO_POS,
    };
    let entries = PRIMOPS
        .iter()
        .chain(super::builtins::debian::PRIMOPS)
        .map(|op| Attr {
            name: Symbol::intern(op.name),
            value: Value::PrimOp(op),
            pos: Attr::NO_POS,
        })
        .chain(std::iter::once(source_id))
        .collect();
    Value::attrs(Attrs::from_unsorted(entries))
}

static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "evalModules",
        arity: 2,
        func: eval_modules,
        strict: false,
    },
    PrimOp {
        name: "evalModulesConfig",
        arity: 2,
        func: eval_modules_config,
        strict: false,
    },
    PrimOp {
        name: "mergeDefinitions",
        arity: 3,
        func: merge::merge_definitions_primop,
        strict: false,
    },
    PrimOp {
        name: "mergeListOf",
        arity: 3,
        func: containers::merge_list_of,
        strict: false,
    },
    PrimOp {
        name: "mergeAttrsOf",
        arity: 3,
        func: containers::merge_attrs_of,
        strict: false,
    },
    PrimOp {
        name: "mkOption",
        arity: 1,
        func: constructors::mk_option,
        strict: false,
    },
    PrimOp {
        name: "mkOptionType",
        arity: 2,
        func: constructors::mk_option_type,
        strict: false,
    },
    PrimOp {
        name: "memoOnArgument",
        arity: 2,
        func: memo::memo_on_argument,
        strict: false,
    },
    PrimOp {
        name: "mergeEqualOption",
        arity: 2,
        func: merge::merge_equal_option_primop,
        strict: false,
    },
];

/// `evalModules lib { modules, specialArgs ? {}, prefix ? [], class ? null }`: returns
/// `{ config, options, _module }`, all lazy.
fn eval_modules(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let id = new_evaluation(ev, a, span)?;
    Ok(view::result_set(ev, id))
}

/// `evalModulesConfig lib { … }`: `(evalModules lib { … }).config` without the result set
/// around it; what a submodule's `merge` asks for, once per value.
fn eval_modules_config(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let id = new_evaluation(ev, a, span)?;
    Ok(view::checked_root(id))
}

/// Registers a new evaluation of the modules that `a` (`lib`, then the arguments of
/// `evalModules`) describes; nothing is collected until something is asked of it.
fn new_evaluation(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<usize> {
    let syms = Syms::get();
    let args = super::builtins::arg_attrs(ev, &a[1], span)?;
    let modules = args
        .get(syms.modules)
        .cloned()
        .ok_or_else(|| error("evalModules: the argument has no attribute `modules'", span))?;
    let special_args = match args.get(syms.special_args) {
        Some(v) => super::builtins::arg_attrs(ev, v, span)?,
        None => Rc::new(Attrs::new()),
    };
    let mut prefix = Vec::new();
    if let Some(p) = args.get(syms.prefix) {
        let list = super::builtins::arg_list(ev, p, span)?;
        for item in &list.0 {
            let s = ev.coerce_to_string(item, span, super::machine::CoerceOpts::to_string())?;
            prefix.push(Rc::from(s.text.as_str()));
        }
    }
    let class = match args.get(Symbol::intern("class")) {
        Some(v) => match ev.force(v)? {
            Value::Null => None,
            other => Some(
                ev.coerce_to_string(&other, span, super::machine::CoerceOpts::to_string())?
                    .text
                    .clone(),
            ),
        },
        None => None,
    };
    let id = ev.builtin_state.modules.evals.len();
    let st = ModEval {
        id,
        lib: a[0].clone(),
        modules,
        special_args,
        prefix,
        class,
        phase: Phase::Fresh,
        nodes: vec![Node::new(Symbol::intern("<root>"), None)],
        unmatched: FxHashMap::default(),
        merged_decls: FxHashMap::default(),
        options_values: FxHashMap::default(),
        freeform: None,
        checked: false,
        span,
    };
    ev.builtin_state
        .modules
        .evals
        .push(Rc::new(RefCell::new(st)));
    Ok(id)
}

// A node per option and per namespace, for every evaluation (one per submodule value too).
const _: () = assert!(std::mem::size_of::<Node>() <= 88);
