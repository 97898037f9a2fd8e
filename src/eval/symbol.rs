//! Interned identifiers.
//!
//! Attribute names and variable names are interned once into a per-thread table, so that
//! comparing two names is comparing two integers and attribute sets can be sorted by id.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::fmt;

/// An interned string. Cheap to copy and compare; `as_str` gives the text back.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

#[derive(Default)]
struct Interner {
    ids: FxHashMap<&'static str, Symbol>,
    names: Vec<&'static str>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

impl Symbol {
    /// Interns `name`, returning the same symbol for equal strings.
    pub fn intern(name: &str) -> Symbol {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            if let Some(&sym) = interner.ids.get(name) {
                return sym;
            }
            // Names live for the whole process: the table only grows, like Nix's symbol table.
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            let sym = Symbol(interner.names.len() as u32);
            interner.names.push(leaked);
            interner.ids.insert(leaked, sym);
            sym
        })
    }

    /// The text of this symbol.
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize])
    }

    /// The raw id, usable as a dense index.
    pub fn id(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Symbols the evaluator looks up often, interned once.
pub struct KnownSymbols {
    pub functor: Symbol,
    pub out_path: Symbol,
    pub type_: Symbol,
    pub name: Symbol,
    pub value: Symbol,
    pub to_string: Symbol,
    pub key: Symbol,
    pub file: Symbol,
    pub line: Symbol,
    pub column: Symbol,
    pub success: Symbol,
    pub drv_path: Symbol,
    pub outputs: Symbol,
    pub ignore_nulls: Symbol,
    pub structured_attrs: Symbol,
    pub right: Symbol,
    pub wrong: Symbol,
    pub path: Symbol,
    pub prefix: Symbol,
    pub operator: Symbol,
    pub start_set: Symbol,
}

impl KnownSymbols {
    /// Interns every known symbol.
    pub fn new() -> Self {
        KnownSymbols {
            functor: Symbol::intern("__functor"),
            out_path: Symbol::intern("outPath"),
            type_: Symbol::intern("type"),
            name: Symbol::intern("name"),
            value: Symbol::intern("value"),
            to_string: Symbol::intern("__toString"),
            key: Symbol::intern("key"),
            file: Symbol::intern("file"),
            line: Symbol::intern("line"),
            column: Symbol::intern("column"),
            success: Symbol::intern("success"),
            drv_path: Symbol::intern("drvPath"),
            outputs: Symbol::intern("outputs"),
            ignore_nulls: Symbol::intern("__ignoreNulls"),
            structured_attrs: Symbol::intern("__structuredAttrs"),
            right: Symbol::intern("right"),
            wrong: Symbol::intern("wrong"),
            path: Symbol::intern("path"),
            prefix: Symbol::intern("prefix"),
            operator: Symbol::intern("operator"),
            start_set: Symbol::intern("startSet"),
        }
    }
}

impl Default for KnownSymbols {
    fn default() -> Self {
        Self::new()
    }
}
