//! What the builder needs from a store ([`BuildStore`]) and a database-free
//! implementation ([`MarkerStore`]); `sysrebuild build` uses the database-backed
//! [`super::db_store::DbStore`].
//!
//! `MarkerStore` records a valid path as a JSON file
//! `<state dir>/valid/<base name>` (written atomically, after the path itself is in
//! place), holding its [`RegisteredPath`]. A path is valid when both the path and its
//! marker exist. It keeps the builder's unit tests free of SQLite.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{BuildError, BuildResult, io_err};
use crate::store::path::{StoreDir, StorePath};
use crate::store::writer::{StoreWriter, real_location};

/// A store path with the metadata recorded when it is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredPath {
    /// The path's base name (`<hash>-<name>`).
    pub path: String,
    /// The NAR hash, `sha256:<nix32>`.
    pub nar_hash: String,
    /// The NAR's size in bytes.
    pub nar_size: u64,
    /// Base names of the store paths it refers to (itself included if it does).
    pub references: Vec<String>,
    /// The `.drv` base name that built it.
    pub deriver: Option<String>,
}

/// The store operations the builder uses.
pub trait BuildStore: Send + Sync {
    /// The logical store directory (e.g. `/nix/store`).
    fn store_dir(&self) -> &StoreDir;
    /// Whether `path` is a valid (registered, complete) store path.
    fn is_valid(&self, path: &StorePath) -> BuildResult<bool>;
    /// The references of a valid path (`None` if unknown or not valid).
    fn references(&self, path: &StorePath) -> BuildResult<Option<Vec<StorePath>>>;
    /// Registers several paths at once; they must already be in place.
    fn register_outputs(&self, outputs: &[RegisteredPath]) -> BuildResult<()>;
    /// Where `path` really is on disk.
    fn real_path(&self, path: &StorePath) -> PathBuf;
    /// Makes `path` a temporary GC root of this process, so that a concurrent garbage
    /// collection keeps it; called before the builder checks or uses a path.
    fn add_temp_root(&self, _path: &StorePath) -> BuildResult<()> {
        Ok(())
    }
    /// The state directory (`<root>/nix/var/nix`).
    fn state_dir(&self) -> PathBuf;
    /// The directory of build logs (`<state>/log/drvs`).
    fn log_dir(&self) -> PathBuf {
        self.state_dir().join("log").join("drvs")
    }
    /// Reads a store file (a `.drv`).
    fn read(&self, path: &StorePath) -> BuildResult<Vec<u8>> {
        let real = self.real_path(path);
        fs::read(&real).map_err(io_err("reading", &real))
    }
}

/// A store recording validity as marker files (see the module documentation).
#[derive(Debug, Clone)]
pub struct MarkerStore {
    writer: StoreWriter,
    state_dir: PathBuf,
}

impl MarkerStore {
    /// The store with logical directory `/nix/store` under `root` (relocated) or at
    /// `/nix/store` itself (`None`).
    pub fn new(store_dir: StoreDir, root: Option<PathBuf>) -> Self {
        let state_dir = real_location(root.as_deref(), "/nix/var/nix");
        MarkerStore {
            writer: StoreWriter::new(store_dir, root),
            state_dir,
        }
    }

    fn marker(&self, path: &str) -> PathBuf {
        self.state_dir.join("valid").join(path)
    }

    fn read_marker(&self, path: &StorePath) -> BuildResult<Option<RegisteredPath>> {
        let marker = self.marker(path.base_name());
        let bytes = match fs::read(&marker) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("reading", &marker)(e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| BuildError::Io {
                action: "parsing",
                path: marker,
                source: std::io::Error::other(e.to_string()),
            })
    }
}

impl BuildStore for MarkerStore {
    fn store_dir(&self) -> &StoreDir {
        self.writer.store_dir()
    }

    fn is_valid(&self, path: &StorePath) -> BuildResult<bool> {
        Ok(self.writer.exists(path) && self.marker(path.base_name()).exists())
    }

    fn references(&self, path: &StorePath) -> BuildResult<Option<Vec<StorePath>>> {
        if !self.writer.exists(path) {
            return Ok(None);
        }
        Ok(self.read_marker(path)?.map(|r| {
            r.references
                .iter()
                .filter_map(|b| StorePath::from_base_name(b).ok())
                .collect()
        }))
    }

    fn register_outputs(&self, outputs: &[RegisteredPath]) -> BuildResult<()> {
        let dir = self.state_dir.join("valid");
        fs::create_dir_all(&dir).map_err(io_err("creating", &dir))?;
        // Write every marker under a temporary name first, then rename them all, so a
        // failure half-way leaves no output registered without its siblings' data ready.
        let mut temps = Vec::new();
        for out in outputs {
            let temp = dir.join(format!(".tmp-{}-{}", std::process::id(), out.path));
            let json = serde_json::to_vec_pretty(out).map_err(|e| BuildError::Io {
                action: "serialising",
                path: temp.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            let mut f = fs::File::create(&temp).map_err(io_err("creating", &temp))?;
            f.write_all(&json)
                .and_then(|()| f.sync_all())
                .map_err(io_err("writing", &temp))?;
            temps.push((temp, self.marker(&out.path)));
        }
        for (temp, marker) in temps {
            fs::rename(&temp, &marker).map_err(io_err("renaming", &temp))?;
        }
        Ok(())
    }

    fn real_path(&self, path: &StorePath) -> PathBuf {
        self.writer.real_path(path)
    }

    fn state_dir(&self) -> PathBuf {
        self.state_dir.clone()
    }
}

/// Removes a file tree, making directories writable first (store objects are
/// read-only). A missing path is not an error.
pub fn remove_tree(path: &Path) -> BuildResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("reading", path)(e)),
    };
    if meta.is_dir() {
        if meta.permissions().mode() & 0o700 != 0o700 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755))
                .map_err(io_err("changing permissions of", path))?;
        }
        let entries = fs::read_dir(path).map_err(io_err("reading", path))?;
        for entry in entries {
            let entry = entry.map_err(io_err("reading", path))?;
            remove_tree(&entry.path())?;
        }
        fs::remove_dir(path).map_err(io_err("removing", path))
    } else {
        fs::remove_file(path).map_err(io_err("removing", path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_makes_paths_valid_with_references() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = MarkerStore::new(StoreDir::new("/nix/store")?, Some(dir.path().into()));
        let a = StorePath::from_base_name("0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq-a")?;
        let b = StorePath::from_base_name("1vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b")?;
        assert!(!store.is_valid(&a)?);
        fs::create_dir_all(dir.path().join("nix/store"))?;
        fs::write(store.real_path(&a), "a")?;
        assert!(
            !store.is_valid(&a)?,
            "existing but unregistered is not valid"
        );
        store.register_outputs(&[RegisteredPath {
            path: a.base_name().into(),
            nar_hash: "sha256:x".into(),
            nar_size: 1,
            references: vec![b.base_name().into()],
            deriver: None,
        }])?;
        assert!(store.is_valid(&a)?);
        assert_eq!(store.references(&a)?, Some(vec![b.clone()]));
        assert_eq!(store.references(&b)?, None);
        assert_eq!(store.log_dir(), dir.path().join("nix/var/nix/log/drvs"));
        remove_tree(&store.real_path(&a))?;
        assert!(!store.is_valid(&a)?, "a deleted path is not valid");
        Ok(())
    }
}
