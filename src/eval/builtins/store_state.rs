//! What the store builtins remember for one evaluator: the derivations it instantiated
//! (so their modulo hashes need not be read back from disk), the sources it already
//! added (so each is hashed once), the references of the objects it created, and the
//! opened store database through which written objects are registered.

use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::store::derivation::{Derivation, DerivationError};
use crate::store::derivation_hash::DrvHashCache;
use crate::store::local::add::{ObjectSource, Registration};
use crate::store::local::layout::StoreLayout;
use crate::store::local::{LocalStore, LocalStoreError};
use crate::store::path::{StoreDir, StorePath};
use crate::store::path_info::ContentAddress;
use crate::store::writer::{StoreWriteError, StoreWriter};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use thiserror::Error;

/// Why an input derivation could not be used.
#[derive(Debug, Error)]
pub enum DrvLoadError {
    /// The `.drv` file is malformed (or some path in it is).
    #[error(transparent)]
    Derivation(#[from] DerivationError),
    /// The `.drv` file could not be read from the store.
    #[error(transparent)]
    Read(#[from] StoreWriteError),
}

/// Per-evaluator memory of the store builtins.
#[derive(Default)]
pub struct StoreState {
    /// Derivations instantiated by this evaluator, by `.drv` path.
    drvs: HashMap<StorePath, Derivation>,
    /// Modulo hashes of derivations, by `.drv` path.
    hashes: DrvHashCache,
    /// Sources already added: file system path → store path.
    pub(crate) sources: HashMap<String, StorePath>,
    /// References of objects this evaluator created (text files).
    references: HashMap<StorePath, BTreeSet<StorePath>>,
    /// The store written to, opened on the first write.
    local: Option<LocalStore>,
    /// `.drv` files known to be valid, with all their inputs (written or found valid by
    /// this evaluator, and temporary roots since, so they stay valid).
    written_drvs: HashSet<StorePath>,
}

impl StoreState {
    /// The derivation at `path`: from memory, else read from the store.
    pub fn derivation(
        &self,
        store: &StoreWriter,
        path: &StorePath,
    ) -> Result<Derivation, DrvLoadError> {
        if let Some(d) = self.drvs.get(path) {
            return Ok(d.clone());
        }
        read_derivation(store, path)
    }

    /// Fills in the output paths of a new derivation (see
    /// [`Derivation::fill_output_paths`]).
    pub fn fill_output_paths(
        &mut self,
        store: &StoreWriter,
        drv: &mut Derivation,
    ) -> Result<(), DrvLoadError> {
        let drvs = &self.drvs;
        let mut load = |p: &StorePath| match drvs.get(p) {
            Some(d) => Ok(d.clone()),
            None => read_derivation(store, p),
        };
        self.hashes
            .fill_output_paths(store.store_dir(), drv, &mut load)
    }

    /// Remembers a derivation instantiated at `drv_path` and its modulo hash.
    pub fn record(
        &mut self,
        store: &StoreWriter,
        drv_path: StorePath,
        drv: Derivation,
    ) -> Result<(), DrvLoadError> {
        let drvs = &self.drvs;
        let mut load = |p: &StorePath| match drvs.get(p) {
            Some(d) => Ok(d.clone()),
            None => read_derivation(store, p),
        };
        self.hashes
            .record(store.store_dir(), &drv_path, &drv, &mut load)?;
        self.drvs.insert(drv_path, drv);
        Ok(())
    }

    /// Remembers that the object `path` refers to `refs`.
    pub fn add_references(&mut self, path: StorePath, refs: BTreeSet<StorePath>) {
        self.references.insert(path, refs);
    }

    /// The references of `path` as far as known: those of a derivation, or of an object
    /// this evaluator created; otherwise none.
    pub fn references(
        &self,
        store: &StoreWriter,
        path: &StorePath,
    ) -> Result<BTreeSet<StorePath>, DrvLoadError> {
        if path.is_derivation() {
            let drv = self.derivation(store, path)?;
            return Ok(drv.references().into_iter().cloned().collect());
        }
        Ok(self.references.get(path).cloned().unwrap_or_default())
    }

    /// `path` and everything it refers to, transitively.
    pub fn closure(
        &self,
        store: &StoreWriter,
        path: &StorePath,
    ) -> Result<BTreeSet<StorePath>, DrvLoadError> {
        let mut done = BTreeSet::new();
        let mut todo = vec![path.clone()];
        while let Some(p) = todo.pop() {
            if done.contains(&p) {
                continue;
            }
            todo.extend(self.references(store, &p)?);
            done.insert(p);
        }
        Ok(done)
    }

    /// The store `store` writes to, with its database (opened on first use).
    pub fn local_store(&mut self, store: &StoreWriter) -> Result<&mut LocalStore, LocalStoreError> {
        match &mut self.local {
            Some(s) => Ok(s),
            slot => {
                let layout = StoreLayout::new(
                    store.store_dir().clone(),
                    store.root().map(std::path::Path::to_owned),
                );
                Ok(slot.insert(LocalStore::open(layout)?))
            }
        }
    }

    /// Closes the store opened by the builtins, if any. A process that discards its
    /// evaluator without dropping it must call this first: SQLite checkpoints the
    /// write-ahead log into the database when its last connection closes, and a
    /// connection left open keeps the log growing, every later process re-reading it
    /// when it opens the store. (The temporary roots stay: they belong to the process.)
    pub fn close_store(&mut self) {
        self.local = None;
    }

    /// Writes the object `path` made from `source` to the store and registers it as
    /// valid with `references` and content address `ca` (nothing is done if it is
    /// valid already).
    pub fn add_object(
        &mut self,
        store: &StoreWriter,
        path: &StorePath,
        source: ObjectSource<'_>,
        references: &BTreeSet<StorePath>,
        ca: ContentAddress,
    ) -> Result<(), LocalStoreError> {
        self.local_store(store)?.add_object(
            path,
            source,
            Registration {
                references,
                ca: Some(ca),
                deriver: None,
                drv_outputs: None,
            },
        )
    }

    /// Writes and registers the `.drv` file of `drv_path` and of every input derivation
    /// instantiated in memory (inputs first, so references are valid when registered),
    /// unless already valid.
    pub fn write_derivation(
        &mut self,
        store: &StoreWriter,
        drv_path: &StorePath,
    ) -> Result<(), LocalStoreError> {
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        self.input_order(drv_path, &mut seen, &mut order);
        let drvs: Vec<(StorePath, Derivation)> = order
            .into_iter()
            .filter_map(|p| self.drvs.get(&p).cloned().map(|d| (p, d)))
            .collect();
        let local = self.local_store(store)?;
        for (p, drv) in &drvs {
            // Rooted before the check, so that a collection cannot take it afterwards.
            local.add_temp_root(p)?;
            if !local.db().is_valid(p)? {
                let text = drv.to_aterm(store.store_dir());
                local.add_derivation_text(p, drv, text.as_bytes())?;
            }
        }
        self.written_drvs.extend(drvs.into_iter().map(|(p, _)| p));
        Ok(())
    }

    /// Post-order of the in-memory derivation graph below `p`: inputs before users.
    fn input_order(&self, p: &StorePath, seen: &mut BTreeSet<StorePath>, out: &mut Vec<StorePath>) {
        // A derivation written before comes with its inputs.
        if self.written_drvs.contains(p) || !seen.insert(p.clone()) {
            return;
        }
        if let Some(drv) = self.drvs.get(p) {
            for input in drv.input_drvs.keys() {
                self.input_order(input, seen, out);
            }
        }
        out.push(p.clone());
    }
}

/// Reads and parses a `.drv` file from the store.
fn read_derivation(store: &StoreWriter, path: &StorePath) -> Result<Derivation, DrvLoadError> {
    let bytes = store.read(path)?;
    let name = path.name().strip_suffix(".drv").unwrap_or(path.name());
    Ok(Derivation::from_aterm_bytes(
        store.store_dir(),
        &bytes,
        name,
    )?)
}

/// The store the evaluator works with, whether or not it may write to it.
pub fn store_of(ev: &Evaluator, span: Span) -> EvalResult<StoreWriter> {
    let dir = StoreDir::new(&ev.settings.store_dir).map_err(|e| {
        super::error(
            format!("invalid store directory '{}': {e}", ev.settings.store_dir),
            span,
        )
    })?;
    Ok(StoreWriter::new(
        dir,
        ev.settings.store_root.as_ref().map(PathBuf::from),
    ))
}

/// Where the logical path `path` is on disk: inside the relocated store when it is a
/// store path and `has_context` (as Nix's `toRealPath`), else `path` itself.
pub fn real_path(ev: &Evaluator, path: &str, has_context: bool) -> String {
    let dir = ev.settings.store_dir.trim_end_matches('/');
    let in_store = path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
    match &ev.settings.store_root {
        Some(root) if has_context && in_store => {
            crate::store::writer::real_location(Some(std::path::Path::new(root)), path)
                .display()
                .to_string()
        }
        _ => path.to_owned(),
    }
}
