//! [`BuildStore`] over the store database ([`LocalStore`]): validity, references and
//! registration go through Nix's SQLite schema, so what the builder produces is valid to
//! `sysrebuild store` and `nix-store` alike.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::error::{BuildError, BuildResult};
use super::store::{BuildStore, RegisteredPath};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::LocalStore;
use crate::store::path::{StoreDir, StorePath};
use crate::store::path_info::ValidPathInfo;

/// The database-backed store the builder uses (shared between build threads).
pub struct DbStore {
    inner: Mutex<LocalStore>,
    store_dir: StoreDir,
    real_store_dir: PathBuf,
    state_dir: PathBuf,
}

fn db_error(e: impl std::fmt::Display, path: PathBuf) -> BuildError {
    BuildError::Io {
        action: "using the store database for",
        path,
        source: std::io::Error::other(e.to_string()),
    }
}

impl DbStore {
    /// Opens (creating if needed) the store relocated under `root` (`DIR/nix/store`).
    pub fn open_relocated(root: &Path) -> BuildResult<DbStore> {
        let store = LocalStore::open_relocated(root).map_err(|e| db_error(e, root.into()))?;
        Ok(DbStore::new(store))
    }

    /// The builder's view of an opened store.
    pub fn new(store: LocalStore) -> DbStore {
        DbStore {
            store_dir: store.store_dir().clone(),
            real_store_dir: store.layout().real_store_dir(),
            state_dir: store.layout().state_dir(),
            inner: Mutex::new(store),
        }
    }

    /// Runs `f` with the store (locked against the build threads).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut LocalStore) -> R) -> BuildResult<R> {
        let mut guard = self.lock()?;
        Ok(f(&mut guard))
    }

    fn lock(&self) -> BuildResult<MutexGuard<'_, LocalStore>> {
        self.inner.lock().map_err(|_| {
            db_error(
                "a build thread failed while using it",
                self.state_dir.clone(),
            )
        })
    }

    fn parse(&self, base: &str) -> BuildResult<StorePath> {
        StorePath::from_base_name(base).map_err(|e| db_error(e, self.real_store_dir.join(base)))
    }

    fn to_info(&self, r: &RegisteredPath) -> BuildResult<ValidPathInfo> {
        let path = self.parse(&r.path)?;
        let hash_text = r.nar_hash.strip_prefix("sha256:").unwrap_or(&r.nar_hash);
        let nar_hash = Hash::parse(hash_text, Some(HashAlgo::Sha256))
            .map_err(|e| db_error(e, self.real_store_dir.join(&r.path)))?;
        let mut info = ValidPathInfo::new(path, nar_hash, r.nar_size);
        info.references = r
            .references
            .iter()
            .map(|b| self.parse(b))
            .collect::<BuildResult<BTreeSet<_>>>()?;
        info.deriver = r.deriver.as_deref().map(|d| self.parse(d)).transpose()?;
        info.ultimate = true;
        Ok(info)
    }
}

impl BuildStore for DbStore {
    fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    fn is_valid(&self, path: &StorePath) -> BuildResult<bool> {
        let valid = self
            .lock()?
            .db()
            .is_valid(path)
            .map_err(|e| db_error(e, self.real_path(path)))?;
        Ok(valid && std::fs::symlink_metadata(self.real_path(path)).is_ok())
    }

    fn references(&self, path: &StorePath) -> BuildResult<Option<Vec<StorePath>>> {
        let store = self.lock()?;
        let db = store.db();
        if !db
            .is_valid(path)
            .map_err(|e| db_error(e, self.real_path(path)))?
        {
            return Ok(None);
        }
        let refs = db
            .references(path)
            .map_err(|e| db_error(e, self.real_path(path)))?;
        Ok(Some(refs.into_iter().collect()))
    }

    fn register_outputs(&self, outputs: &[RegisteredPath]) -> BuildResult<()> {
        let infos = outputs
            .iter()
            .map(|r| self.to_info(r))
            .collect::<BuildResult<Vec<_>>>()?;
        let mut store = self.lock()?;
        store
            .db_mut()
            .register(&infos, &BTreeMap::new())
            .map_err(|e| db_error(e, self.state_dir.clone()))
    }

    fn real_path(&self, path: &StorePath) -> PathBuf {
        self.real_store_dir.join(path.base_name())
    }

    fn add_temp_root(&self, path: &StorePath) -> BuildResult<()> {
        self.lock()?
            .add_temp_root(path)
            .map_err(|e| db_error(e, self.state_dir.join("temproots")))
    }

    fn state_dir(&self) -> PathBuf {
        self.state_dir.clone()
    }
}
