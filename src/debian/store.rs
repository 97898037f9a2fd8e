//! The index in the store: `pkgs update` imports the compact form of each index as a flat
//! fixed-output path (SHA-256 of its contents), and evaluation reads it back from there.

use super::index::{Index, IndexError};
use super::lock::LockedSource;
use super::source::Selector;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::LocalStore;
use crate::store::local::add::{ObjectSource, Registration};
use crate::store::path::{FileIngestionMethod, StoreDir, StorePath};
use crate::store::path_info::ContentAddress;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Importing or loading an index failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexStoreError {
    /// The store refused the import.
    #[error("cannot add the index to the store: {0}")]
    Store(String),
    /// The lock names no path yet.
    #[error(
        "{lock}: source {suite}/{component}/{arch} is not locked yet; run `sysrebuild pkgs update --lock {lock}`"
    )]
    NotLocked {
        lock: String,
        suite: String,
        component: String,
        arch: String,
    },
    /// The lock names a path that is not in the store.
    #[error(
        "the package index {path} named in {lock} is not in the store {store}; run `sysrebuild pkgs update --lock {lock} --store …` to import it again (it re-reads apt's lists or the mirror)"
    )]
    Missing {
        path: String,
        lock: String,
        store: String,
    },
    /// Reading the store path failed.
    #[error("cannot read the package index {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The stored index does not parse.
    #[error("the package index in the store is damaged: {0}")]
    Parse(#[from] IndexError),
}

/// The store path name of an index: `debian-<suite>-<component>-<arch>-Packages`.
pub fn index_name(sel: &Selector) -> String {
    let name = format!(
        "debian-{}-{}-{}-Packages",
        sel.suite, sel.component, sel.architecture
    );
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+-._?=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The path a compact index gets: flat, SHA-256, no references.
pub fn index_path(
    store_dir: &StoreDir,
    sel: &Selector,
    compact: &str,
) -> Result<(StorePath, Hash), IndexStoreError> {
    let hash = Hash::digest(HashAlgo::Sha256, compact.as_bytes());
    let none: BTreeSet<StorePath> = BTreeSet::new();
    let path = store_dir
        .make_fixed_output_path(
            FileIngestionMethod::Flat,
            &hash,
            &index_name(sel),
            &none,
            false,
        )
        .map_err(|e| IndexStoreError::Store(e.to_string()))?;
    Ok((path, hash))
}

/// Adds the compact index to the store (a no-op when it is there already).
pub fn import(
    store: &mut LocalStore,
    sel: &Selector,
    compact: &str,
) -> Result<(StorePath, Hash), IndexStoreError> {
    let (path, hash) = index_path(store.store_dir(), sel, compact)?;
    let none: BTreeSet<StorePath> = BTreeSet::new();
    store
        .add_object(
            &path,
            ObjectSource::Text(compact.as_bytes()),
            Registration {
                references: &none,
                ca: Some(ContentAddress::Fixed(
                    FileIngestionMethod::Flat,
                    hash.clone(),
                )),
                deriver: None,
                drv_outputs: None,
            },
        )
        .map_err(|e| IndexStoreError::Store(e.to_string()))?;
    Ok((path, hash))
}

/// Where a logical store path is on disk, given the store's root (`--store DIR`) or `None`
/// for the real `/nix/store`.
pub fn real_location(store_root: Option<&Path>, logical: &str) -> PathBuf {
    crate::store::writer::real_location(store_root, logical)
}

/// Loads the indices the lock's sources name from the store.
pub fn load_locked(
    store_root: Option<&Path>,
    lock: &Path,
    sources: &[LockedSource],
) -> Result<Index, IndexStoreError> {
    let mut texts = Vec::new();
    for s in sources {
        let Some(path) = &s.path else {
            return Err(IndexStoreError::NotLocked {
                lock: lock.display().to_string(),
                suite: s.selector.suite.clone(),
                component: s.selector.component.clone(),
                arch: s.selector.architecture.clone(),
            });
        };
        texts.push(read_stored(store_root, path, &lock.display().to_string())?);
    }
    Ok(Index::parse(texts)?)
}

/// Reads one stored index: `(path, text)`.
pub fn read_stored(
    store_root: Option<&Path>,
    path: &str,
    lock: &str,
) -> Result<(String, String), IndexStoreError> {
    let real = real_location(store_root, path);
    match std::fs::read_to_string(&real) {
        Ok(text) => Ok((path.to_owned(), text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(IndexStoreError::Missing {
            path: path.to_owned(),
            lock: lock.to_owned(),
            store: store_root.map_or_else(|| "/nix/store".to_owned(), |r| r.display().to_string()),
        }),
        Err(source) => Err(IndexStoreError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}
