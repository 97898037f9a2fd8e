//! A local, Nix-compatible store: objects under the (possibly relocated) store
//! directory and their registration in the SQLite database Nix 2.8 uses, with its locks,
//! GC roots and garbage collector.
//!
//! - [`layout`]: where the store's files are.
//! - [`schema`] / [`db`]: the database.
//! - [`lock`]: the big lock, the GC lock and per-path locks.
//! - [`add`]: writing and registering objects.
//! - [`closure`]: a closure read from the database as a compact graph.
//! - [`query`]: closures, referrers, trees, `why-depends`.
//! - [`roots`] / [`temproots`] / [`gc_socket`] / [`gc`]: garbage collection.
//! - [`verify`], [`optimise`], [`log`]: maintenance and build logs.

pub mod add;
pub mod closure;
pub mod db;
pub mod error;
pub mod fsutil;
pub mod gc;
pub mod gc_socket;
pub mod layout;
pub mod lock;
pub mod log;
pub mod optimise;
pub mod query;
pub mod roots;
pub mod schema;
pub mod temproots;
pub mod verify;

use std::fs;
use std::path::Path;

pub use error::LocalStoreError;
use error::io_error;
use layout::StoreLayout;
use lock::{HeldLock, LockKind};

use crate::store::path::{StoreDir, StorePath};
use crate::store::path_info::ValidPathInfo;
use crate::store::writer::StoreWriter;
use db::StoreDb;
use schema::SCHEMA_VERSION;

/// An open local store. Holds the big lock shared while it lives, as every Nix process
/// using the store does.
pub struct LocalStore {
    layout: StoreLayout,
    writer: StoreWriter,
    db: StoreDb,
    _big_lock: HeldLock,
}

impl LocalStore {
    /// Opens the store laid out as `layout`, creating its directories and database
    /// (schema version 10) if they do not exist yet.
    pub fn open(layout: StoreLayout) -> Result<LocalStore, LocalStoreError> {
        for dir in [
            layout.real_store_dir(),
            layout.db_dir(),
            layout.gcroots_dir(),
            layout.profiles_dir(),
            layout.temproots_dir(),
        ] {
            fs::create_dir_all(&dir).map_err(io_error("creating directory", &dir))?;
        }
        let profiles_link = layout.gcroots_dir().join("profiles");
        if fs::symlink_metadata(&profiles_link).is_err() {
            let _ = std::os::unix::fs::symlink(layout.profiles_dir(), &profiles_link);
        }
        let big_lock = HeldLock::acquire(&layout.big_lock(), LockKind::Read)?;
        let db = open_db(&layout, &big_lock)?;
        let writer = StoreWriter::new(
            layout.store_dir().clone(),
            layout.root().map(Path::to_owned),
        );
        Ok(LocalStore {
            layout,
            writer,
            db,
            _big_lock: big_lock,
        })
    }

    /// Opens the store `nix-store --store root` uses.
    pub fn open_relocated(root: &Path) -> Result<LocalStore, LocalStoreError> {
        LocalStore::open(StoreLayout::relocated(root))
    }

    /// The store's file layout.
    pub fn layout(&self) -> &StoreLayout {
        &self.layout
    }

    /// The logical store directory.
    pub fn store_dir(&self) -> &StoreDir {
        self.layout.store_dir()
    }

    /// The writer putting objects into the store directory.
    pub fn writer(&self) -> &StoreWriter {
        &self.writer
    }

    /// The database.
    pub fn db(&self) -> &StoreDb {
        &self.db
    }

    /// The database, for updates.
    pub fn db_mut(&mut self) -> &mut StoreDb {
        &mut self.db
    }

    /// Where `path` is on disk.
    pub fn real_path(&self, path: &StorePath) -> std::path::PathBuf {
        self.layout.real_path(path)
    }

    /// Parses a path given by a user (a store path, a path inside one, or the same
    /// through the store's real location; symlinks outside the store such as `result`
    /// are followed).
    pub fn parse_user_path(&self, s: &str) -> Result<StorePath, LocalStoreError> {
        if let Some(p) = self.layout.parse_user_path(s) {
            return Ok(p);
        }
        if let Ok(target) = fs::read_link(s) {
            let target = Path::new(s).parent().unwrap_or(Path::new("/")).join(target);
            if let Some(p) = self.layout.parse_user_path(&target.to_string_lossy()) {
                return Ok(p);
            }
        }
        match self.store_dir().parse_path(s) {
            Ok(p) => Ok(p),
            Err(reason) => Err(LocalStoreError::NotInStore {
                path: s.to_owned(),
                reason,
            }),
        }
    }

    /// The registration of `path`; an error when it is not valid.
    pub fn path_info(&self, path: &StorePath) -> Result<ValidPathInfo, LocalStoreError> {
        self.db
            .path_info(path)?
            .ok_or_else(|| LocalStoreError::NotValid(self.store_dir().display(path)))
    }

    /// Records `path` as a temporary root of this process, so that a concurrent garbage
    /// collection keeps it (see [`temproots`]). Call it before checking that the path
    /// is valid and using it.
    pub fn add_temp_root(&self, path: &StorePath) -> Result<(), LocalStoreError> {
        temproots::add_temp_root(&self.layout, &self.layout.store_dir().display(path))
    }
}

/// Opens the database, creating it (under the big lock held exclusively) for a new
/// store, and checks the schema version.
fn open_db(layout: &StoreLayout, big_lock: &HeldLock) -> Result<StoreDb, LocalStoreError> {
    let schema_file = layout.schema_file();
    let db_file = layout.db_file();
    let dir = layout.store_dir().clone();
    let read_schema = || match fs::read_to_string(&schema_file) {
        Ok(s) => Ok(Some(s.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("reading", &schema_file)(e)),
    };
    let check = |found: String| {
        if found == SCHEMA_VERSION.to_string() {
            Ok(())
        } else {
            Err(LocalStoreError::SchemaVersion {
                db: db_file.clone(),
                found,
            })
        }
    };
    if let Some(v) = read_schema()? {
        check(v)?;
        return StoreDb::open(&db_file, dir, false);
    }
    big_lock.relock(LockKind::Write)?;
    let result = (|| {
        if let Some(v) = read_schema()? {
            check(v)?;
            return StoreDb::open(&db_file, dir.clone(), false);
        }
        let db = StoreDb::open(&db_file, dir.clone(), true)?;
        fs::write(&schema_file, SCHEMA_VERSION.to_string())
            .map_err(io_error("writing", &schema_file))?;
        Ok(db)
    })();
    big_lock.relock(LockKind::Read)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_creates_nix_layout_and_schema() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = LocalStore::open_relocated(tmp.path()).expect("open");
        let state = tmp.path().join("nix/var/nix");
        assert_eq!(
            fs::read_to_string(state.join("db/schema")).expect("schema"),
            "10"
        );
        assert!(state.join("db/big-lock").exists());
        assert!(state.join("gcroots").is_dir());
        assert!(tmp.path().join("nix/store").is_dir());
        drop(store);
        // Reopening an existing store works.
        LocalStore::open_relocated(tmp.path()).expect("reopen");
    }

    #[test]
    fn rejects_another_schema_version() {
        let tmp = tempfile::tempdir().expect("tempdir");
        LocalStore::open_relocated(tmp.path()).expect("open");
        fs::write(tmp.path().join("nix/var/nix/db/schema"), "11").expect("write");
        let e = LocalStore::open_relocated(tmp.path())
            .err()
            .expect("must fail");
        assert!(e.to_string().contains("schema version 11"), "{e}");
    }
}
