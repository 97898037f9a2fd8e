//! Adding objects to the store: writing them (through [`StoreWriter`]) under the
//! per-path lock, hashing what was written and registering it, as Nix's `addToStore`
//! and `addTextToStore` do.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::LocalStore;
use super::db::DrvOutputs;
use super::error::LocalStoreError;
use super::fsutil::remove_tree;
use super::lock::PathLock;
use crate::store::derivation::Derivation;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::nar::nar_hash;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::{ContentAddress, ValidPathInfo};
use crate::store::writer::StoreWriter;

/// What an object to add is made from.
pub enum ObjectSource<'a> {
    /// A regular, non-executable file with these contents.
    Text(&'a [u8]),
    /// A copy of the file system object at this path, leaving out entries (below the top)
    /// for which the filter is false.
    Tree(&'a Path, &'a mut dyn FnMut(&Path) -> bool),
}

/// How to register an object being added.
pub struct Registration<'a> {
    /// The paths it refers to (all valid already).
    pub references: &'a BTreeSet<StorePath>,
    /// Its content address.
    pub ca: Option<ContentAddress>,
    /// The derivation that produced it.
    pub deriver: Option<StorePath>,
    /// For a `.drv`: its outputs, recorded in `DerivationOutputs`.
    pub drv_outputs: Option<DrvOutputs>,
}

impl LocalStore {
    /// Makes `path` a valid object built from `source`, unless it already is. A stale
    /// object left at its location without registration is replaced.
    pub fn add_object(
        &mut self,
        path: &StorePath,
        source: ObjectSource<'_>,
        reg: Registration<'_>,
    ) -> Result<(), LocalStoreError> {
        self.add_temp_root(path)?;
        if self.db().is_valid(path)? {
            return Ok(());
        }
        let real = self.real_path(path);
        let _lock = PathLock::acquire(&real)?;
        if self.db().is_valid(path)? {
            return Ok(());
        }
        remove_tree(&real)?;
        write_object(self.writer(), path, source)?;
        let (nar_hash, nar_size) = nar_hash(&real)?;
        let mut info = ValidPathInfo::new(path.clone(), nar_hash, nar_size);
        info.references = reg.references.clone();
        info.ca = reg.ca;
        info.deriver = reg.deriver;
        let mut outputs = BTreeMap::new();
        if let Some(o) = reg.drv_outputs {
            outputs.insert(path.clone(), o);
        }
        self.db_mut().register(&[info], &outputs)
    }

    /// Adds `contents` as a text file named `name` referring to `references`
    /// (`builtins.toFile`, `nix-store --add` of text); returns its path.
    pub fn add_text(
        &mut self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath, LocalStoreError> {
        let hash = Hash::digest(HashAlgo::Sha256, contents);
        let path = self.store_dir().make_text_path(name, &hash, references)?;
        self.add_object(
            &path,
            ObjectSource::Text(contents),
            Registration {
                references,
                ca: Some(ContentAddress::Text(hash)),
                deriver: None,
                drv_outputs: None,
            },
        )?;
        Ok(path)
    }

    /// Writes and registers the derivation `drv` (whose output paths are filled in);
    /// returns the `.drv` path. Its inputs must be valid already.
    pub fn add_derivation(&mut self, drv: &Derivation) -> Result<StorePath, LocalStoreError> {
        let path = drv
            .store_path(self.store_dir())
            .map_err(|e| LocalStoreError::Corrupt {
                db: self.db().file().to_owned(),
                what: format!("cannot compute the path of derivation '{}': {e}", drv.name),
            })?;
        let text = drv.to_aterm(self.store_dir());
        self.add_derivation_text(&path, drv, text.as_bytes())?;
        Ok(path)
    }

    /// Writes and registers the `.drv` file `path` with contents `text` (the ATerm of
    /// `drv`), recording its references and outputs.
    pub fn add_derivation_text(
        &mut self,
        path: &StorePath,
        drv: &Derivation,
        text: &[u8],
    ) -> Result<(), LocalStoreError> {
        let references: BTreeSet<StorePath> = drv.references().into_iter().cloned().collect();
        let outputs: DrvOutputs = drv
            .outputs
            .iter()
            .filter_map(|(name, o)| o.path.clone().map(|p| (name.clone(), p)))
            .collect();
        self.add_object(
            path,
            ObjectSource::Text(text),
            Registration {
                references: &references,
                ca: Some(ContentAddress::Text(Hash::digest(HashAlgo::Sha256, text))),
                deriver: None,
                drv_outputs: Some(outputs),
            },
        )
    }

    /// `nix-store --add`: copies the file or directory at `source` into the store
    /// (recursively, SHA-256, named after its base name) and returns its path.
    pub fn add_path(&mut self, source: &Path) -> Result<StorePath, LocalStoreError> {
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (hash, _) = nar_hash(source)?;
        let none = BTreeSet::new();
        let path = self.store_dir().make_fixed_output_path(
            FileIngestionMethod::Recursive,
            &hash,
            &name,
            &none,
            false,
        )?;
        let mut all = |_: &Path| true;
        self.add_object(
            &path,
            ObjectSource::Tree(source, &mut all),
            Registration {
                references: &none,
                ca: Some(ContentAddress::Fixed(FileIngestionMethod::Recursive, hash)),
                deriver: None,
                drv_outputs: None,
            },
        )?;
        Ok(path)
    }
}

fn write_object(
    writer: &StoreWriter,
    path: &StorePath,
    source: ObjectSource<'_>,
) -> Result<(), LocalStoreError> {
    match source {
        ObjectSource::Text(bytes) => writer.add_text(path, bytes)?,
        ObjectSource::Tree(src, include) => {
            fs::symlink_metadata(src).map_err(super::error::io_error("getting status of", src))?;
            writer.add_tree(path, src, include)?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_path_matches_nix_and_registers() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let src = tmp.path().join("hf");
        fs::write(&src, "hi\n").expect("write");
        let mut store = LocalStore::open_relocated(&tmp.path().join("s")).expect("open");
        let p = store.add_path(&src).expect("add");
        // `nix-store --add hf` of "hi\n" gives this path (Nix 2.8).
        assert_eq!(p.base_name(), "3axiavniwqbnr3286a6vihf77hrs7n1r-hf");
        let info = store.path_info(&p).expect("valid");
        assert_eq!(info.nar_size, 120);
        assert_eq!(
            info.ca.expect("ca").to_string(),
            "fixed:r:sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h"
        );
        assert_eq!(store.add_path(&src).expect("again"), p);
    }

    #[test]
    fn add_text_with_references() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut store = LocalStore::open_relocated(tmp.path()).expect("open");
        let a = store.add_text("a", b"A", &BTreeSet::new()).expect("a");
        let refs: BTreeSet<_> = [a.clone()].into_iter().collect();
        let b = store.add_text("b", b"B", &refs).expect("b");
        assert_eq!(store.path_info(&b).expect("valid").references, refs);
        assert_eq!(store.db().referrers(&a).expect("referrers").len(), 1);
    }

    #[test]
    fn missing_source_is_a_clear_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut store = LocalStore::open_relocated(tmp.path()).expect("open");
        let e = store
            .add_path(&tmp.path().join("nope"))
            .expect_err("must fail");
        assert!(e.to_string().contains("nope"), "{e}");
    }
}
