//! Interned identifiers.
//!
//! Attribute names and variable names are interned once into a per-thread table, so that
//! comparing two names is comparing two integers and attribute sets can be sorted by id.

use super::value::{NixString, Value};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasher;
use std::rc::Rc;

/// An interned string. Cheap to copy and compare; `as_str` gives the text back.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

/// The symbol table. Names are copied into large arena chunks that live for the whole
/// process (like Nix's symbol table), and the hash table stores only ids, so a symbol costs
/// its text plus a few bytes.
struct Interner {
    table: HashTable<Symbol>,
    names: Vec<&'static str>,
    /// The name as a Nix string value, made on first use (`attrNames`, `mapAttrs`) and then
    /// shared by every list that contains it.
    values: Vec<Option<Rc<NixString>>>,
    /// The chunk new names are copied into; full chunks are leaked, never reused.
    chunk: &'static mut [u8],
    hasher: FxBuildHasher,
}

const CHUNK_SIZE: usize = 64 * 1024;

impl Interner {
    fn new() -> Self {
        Interner {
            table: HashTable::new(),
            names: Vec::new(),
            values: Vec::new(),
            chunk: &mut [],
            hasher: FxBuildHasher,
        }
    }

    /// Copies `name` into the arena.
    fn store(&mut self, name: &str) -> &'static str {
        let len = name.len();
        if len > self.chunk.len() {
            let size = CHUNK_SIZE.max(len);
            self.chunk = Box::leak(vec![0u8; size].into_boxed_slice());
        }
        let chunk = std::mem::take(&mut self.chunk);
        let (dest, rest) = chunk.split_at_mut(len);
        self.chunk = rest;
        dest.copy_from_slice(name.as_bytes());
        // The bytes were copied from a `&str`, so they are valid UTF-8.
        match std::str::from_utf8(dest) {
            Ok(s) => s,
            Err(_) => unreachable!("copied from a str"),
        }
    }

    fn intern(&mut self, name: &str) -> Symbol {
        let hash = self.hasher.hash_one(name);
        let names = &self.names;
        if let Some(&sym) = self.table.find(hash, |s| names[s.0 as usize] == name) {
            return sym;
        }
        let stored = self.store(name);
        let sym = Symbol(self.names.len() as u32);
        self.names.push(stored);
        self.values.push(None);
        let (names, hasher) = (&self.names, &self.hasher);
        self.table
            .insert_unique(hash, sym, |s| hasher.hash_one(names[s.0 as usize]));
        sym
    }
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::new());
}

impl Symbol {
    /// Interns `name`, returning the same symbol for equal strings.
    pub fn intern(name: &str) -> Symbol {
        INTERNER.with(|cell| cell.borrow_mut().intern(name))
    }

    /// The text of this symbol.
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize])
    }

    /// The name as a (shared, context-free) Nix string value.
    pub fn string_value(self) -> Value {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            let name = interner.names[self.0 as usize];
            let slot = &mut interner.values[self.0 as usize];
            let s = slot.get_or_insert_with(|| Rc::new(NixString::plain(name.to_owned())));
            Value::String(s.clone())
        })
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
