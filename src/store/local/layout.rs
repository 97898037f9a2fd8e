//! Where a local store's files are: the store directory and the state directory with
//! the database, locks, roots and logs — Nix's layout, relocated under a root directory
//! for `--store DIR` (logical paths stay `/nix/store/…`).

use std::path::{Path, PathBuf};

use crate::store::path::{StoreDir, StorePath};
use crate::store::writer::real_location;

/// The file layout of one local store.
#[derive(Debug, Clone)]
pub struct StoreLayout {
    store_dir: StoreDir,
    root: Option<PathBuf>,
}

impl StoreLayout {
    /// The store with logical directory `store_dir`, located under `root` when relocated
    /// (`None`: the real `/nix/store` and `/nix/var/nix`).
    pub fn new(store_dir: StoreDir, root: Option<PathBuf>) -> Self {
        StoreLayout { store_dir, root }
    }

    /// The store `nix-store --store DIR` uses: `/nix/store` relocated under `root`.
    pub fn relocated(root: &Path) -> Self {
        StoreLayout::new(StoreDir::default(), Some(root.to_owned()))
    }

    /// The logical store directory.
    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    /// The root directory of a relocated store.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Where `logical` (an absolute path such as `/nix/var/nix`) is on disk.
    pub fn real(&self, logical: &str) -> PathBuf {
        real_location(self.root.as_deref(), logical)
    }

    /// Where the store directory is on disk.
    pub fn real_store_dir(&self) -> PathBuf {
        self.real(self.store_dir.as_str())
    }

    /// Where the store object `path` is on disk.
    pub fn real_path(&self, path: &StorePath) -> PathBuf {
        self.real_store_dir().join(path.base_name())
    }

    /// The state directory (`/nix/var/nix`).
    pub fn state_dir(&self) -> PathBuf {
        self.real("/nix/var/nix")
    }

    /// The database directory (`db/`).
    pub fn db_dir(&self) -> PathBuf {
        self.state_dir().join("db")
    }

    /// The SQLite database.
    pub fn db_file(&self) -> PathBuf {
        self.db_dir().join("db.sqlite")
    }

    /// The file holding the schema version.
    pub fn schema_file(&self) -> PathBuf {
        self.db_dir().join("schema")
    }

    /// The lock every process using the store holds shared.
    pub fn big_lock(&self) -> PathBuf {
        self.db_dir().join("big-lock")
    }

    /// The lock serialising garbage collections.
    pub fn gc_lock(&self) -> PathBuf {
        self.state_dir().join("gc.lock")
    }

    /// The directory of GC roots.
    pub fn gcroots_dir(&self) -> PathBuf {
        self.state_dir().join("gcroots")
    }

    /// The directory of profiles.
    pub fn profiles_dir(&self) -> PathBuf {
        self.state_dir().join("profiles")
    }

    /// The directory of temporary roots files (one per process).
    pub fn temproots_dir(&self) -> PathBuf {
        self.state_dir().join("temproots")
    }

    /// The directories build logs may be in: Nix's `/nix/var/log/nix` first, then
    /// `<state dir>/log`.
    pub fn log_dirs(&self) -> [PathBuf; 2] {
        [self.real("/nix/var/log/nix"), self.state_dir().join("log")]
    }

    /// The directory of hard-link targets used by `optimise`.
    pub fn links_dir(&self) -> PathBuf {
        self.real_store_dir().join(".links")
    }

    /// Parses a logical store path or a path inside one (`/nix/store/x-y/bin/z` gives
    /// `x-y`). A path through the real location of a relocated store is accepted too.
    pub fn parse_user_path(&self, s: &str) -> Option<StorePath> {
        if let Ok((p, _)) = self.store_dir.split_path(s) {
            return Some(p);
        }
        let real = self.real_store_dir();
        let rest = Path::new(s).strip_prefix(&real).ok()?;
        let first = rest.components().next()?;
        StorePath::from_base_name(first.as_os_str().to_str()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocated_layout_matches_nix() {
        let l = StoreLayout::relocated(Path::new("/tmp/s"));
        assert_eq!(l.real_store_dir(), PathBuf::from("/tmp/s/nix/store"));
        assert_eq!(
            l.db_file(),
            PathBuf::from("/tmp/s/nix/var/nix/db/db.sqlite")
        );
        assert_eq!(l.gc_lock(), PathBuf::from("/tmp/s/nix/var/nix/gc.lock"));
        let p = l
            .parse_user_path("/tmp/s/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-hello/bin")
            .expect("real path");
        assert_eq!(p.name(), "hello");
        assert!(l.parse_user_path("/etc/passwd").is_none());
    }
}
