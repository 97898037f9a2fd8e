//! Putting objects into a store directory on disk: text files (`.drv`, `toFile`) and
//! copies of file trees (sources).
//!
//! A store may be relocated: the logical path `/nix/store/x` then lives at
//! `<root>/nix/store/x`. Every object is created under a temporary name in the store
//! directory and renamed into place, so readers never see half-written objects; objects
//! are made read-only (files `0444`/`0555`, directories `0555`) with the modification
//! time Nix uses (1 second after the epoch). Objects that already exist are left alone:
//! their names are derived from their contents.
//!
//! Registering what is written in the store database is done by
//! [`crate::store::local::LocalStore`], which writes through this type.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use thiserror::Error;

use super::path::{StoreDir, StorePath};

/// Failure to write to the store.
#[derive(Debug, Error)]
pub enum StoreWriteError {
    /// An I/O operation on `path` failed.
    #[error("{action} '{}': {}", .path.display(), describe(.source))]
    Io {
        /// What was being done ("writing", "reading", …).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A source file has a type that cannot be stored (device, socket, fifo).
    #[error("file '{0}' has an unsupported type")]
    UnsupportedType(PathBuf),
}

/// An I/O error's message without Rust's ` (os error N)` suffix.
fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

fn io_err<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> StoreWriteError + 'a {
    move |source| StoreWriteError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Writes objects into one (possibly relocated) store.
#[derive(Debug, Clone)]
pub struct StoreWriter {
    store_dir: StoreDir,
    root: Option<PathBuf>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl StoreWriter {
    /// A writer for the store with logical directory `store_dir`, located under `root`
    /// when relocated (`None`: the store directory itself).
    pub fn new(store_dir: StoreDir, root: Option<PathBuf>) -> Self {
        StoreWriter { store_dir, root }
    }

    /// The root directory of a relocated store (`None`: not relocated).
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The logical store directory.
    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    /// Where the store directory really is on disk.
    pub fn real_store_dir(&self) -> PathBuf {
        real_location(self.root.as_deref(), self.store_dir.as_str())
    }

    /// Where `path` really is on disk.
    pub fn real_path(&self, path: &StorePath) -> PathBuf {
        self.real_store_dir().join(path.base_name())
    }

    /// Whether `path` exists in the store.
    pub fn exists(&self, path: &StorePath) -> bool {
        fs::symlink_metadata(self.real_path(path)).is_ok()
    }

    /// Reads a file object of the store (e.g. a `.drv`).
    pub fn read(&self, path: &StorePath) -> Result<Vec<u8>, StoreWriteError> {
        let real = self.real_path(path);
        fs::read(&real).map_err(io_err("reading", &real))
    }

    /// Stores `contents` as the regular, non-executable file `path`.
    pub fn add_text(&self, path: &StorePath, contents: &[u8]) -> Result<(), StoreWriteError> {
        if self.exists(path) {
            return Ok(());
        }
        let temp = self.temp_path(path)?;
        let result = write_file(&temp, contents, false).and_then(|()| self.commit(&temp, path));
        cleanup_on_error(&temp, result)
    }

    /// Stores a copy of the file, directory or symlink at `source` as `path`, leaving out
    /// directory entries (below the top) for which `include` is false.
    pub fn add_tree(
        &self,
        path: &StorePath,
        source: &Path,
        include: &mut dyn FnMut(&Path) -> bool,
    ) -> Result<(), StoreWriteError> {
        if self.exists(path) {
            return Ok(());
        }
        let temp = self.temp_path(path)?;
        let result = copy_node(source, &temp, include).and_then(|()| self.commit(&temp, path));
        cleanup_on_error(&temp, result)
    }

    /// A fresh temporary name in the store directory (created if relocated).
    fn temp_path(&self, path: &StorePath) -> Result<PathBuf, StoreWriteError> {
        let dir = self.real_store_dir();
        if self.root.is_some() {
            fs::create_dir_all(&dir).map_err(io_err("creating", &dir))?;
        }
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        Ok(dir.join(format!(
            ".tmp-{}-{n}-{}",
            std::process::id(),
            path.base_name()
        )))
    }

    /// Renames a finished temporary object into place; losing a race to another writer
    /// of the same (content-addressed) object is fine.
    fn commit(&self, temp: &Path, path: &StorePath) -> Result<(), StoreWriteError> {
        let dest = self.real_path(path);
        match fs::rename(temp, &dest) {
            Ok(()) => Ok(()),
            Err(_) if self.exists(path) => {
                remove_tree(temp);
                Ok(())
            }
            Err(e) => Err(io_err("moving into place", &dest)(e)),
        }
    }
}

/// `logical` as seen on disk when the store is relocated under `root`.
pub fn real_location(root: Option<&Path>, logical: &str) -> PathBuf {
    match root {
        Some(r) => r.join(logical.trim_start_matches('/')),
        None => PathBuf::from(logical),
    }
}

fn cleanup_on_error(
    temp: &Path,
    result: Result<(), StoreWriteError>,
) -> Result<(), StoreWriteError> {
    if result.is_err() {
        remove_tree(temp);
    }
    result
}

/// Best-effort removal of a (read-only) temporary object.
fn remove_tree(path: &Path) {
    if let Ok(meta) = fs::symlink_metadata(path) {
        if meta.is_dir() {
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o755));
            if let Ok(entries) = fs::read_dir(path) {
                for e in entries.flatten() {
                    remove_tree(&e.path());
                }
            }
            let _ = fs::remove_dir(path);
        } else {
            let _ = fs::remove_file(path);
        }
    }
}

fn canonical_mtime() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1)
}

fn write_file(dest: &Path, contents: &[u8], executable: bool) -> Result<(), StoreWriteError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)
        .map_err(io_err("creating", dest))?;
    // Not synced, as Nix 2.8 does not sync store files: a process killed at any moment
    // loses nothing written (the page cache survives it); after a power loss,
    // `store verify --check-contents` finds damaged paths. One fsync per file made adding
    // thousands of small paths (toFile, .drv) take milliseconds each.
    file.write_all(contents).map_err(io_err("writing", dest))?;
    let mode = if executable { 0o555 } else { 0o444 };
    file.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(io_err("setting permissions of", dest))?;
    file.set_modified(canonical_mtime())
        .map_err(io_err("setting the time of", dest))?;
    Ok(())
}

fn copy_node(
    source: &Path,
    dest: &Path,
    include: &mut dyn FnMut(&Path) -> bool,
) -> Result<(), StoreWriteError> {
    let meta = fs::symlink_metadata(source).map_err(io_err("getting status of", source))?;
    let ft = meta.file_type();
    if ft.is_file() {
        let contents = fs::read(source).map_err(io_err("reading", source))?;
        write_file(dest, &contents, meta.permissions().mode() & 0o100 != 0)
    } else if ft.is_symlink() {
        let target = fs::read_link(source).map_err(io_err("reading", source))?;
        std::os::unix::fs::symlink(target, dest).map_err(io_err("creating", dest))
    } else if ft.is_dir() {
        fs::create_dir(dest).map_err(io_err("creating", dest))?;
        let mut names: Vec<_> = fs::read_dir(source)
            .map_err(io_err("reading", source))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(io_err("reading", source))?;
        names.sort();
        for name in names {
            let child = source.join(&name);
            if include(&child) {
                copy_node(&child, &dest.join(&name), include)?;
            }
        }
        fs::set_permissions(dest, fs::Permissions::from_mode(0o555))
            .map_err(io_err("setting permissions of", dest))?;
        if let Ok(dir) = fs::File::open(dest) {
            let _ = dir.set_modified(canonical_mtime());
        }
        Ok(())
    } else {
        Err(StoreWriteError::UnsupportedType(source.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_text_read_only_and_idempotently() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let w = StoreWriter::new(StoreDir::default(), Some(tmp.path().to_owned()));
        let p: StorePath = "0c6kzph7l0dcbfmjap64f0czdafn3b7x-hello"
            .parse()
            .expect("path");
        w.add_text(&p, b"hi").expect("write");
        w.add_text(&p, b"hi").expect("second write is a no-op");
        let real = tmp
            .path()
            .join("nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-hello");
        assert_eq!(fs::read(&real).expect("read"), b"hi");
        assert_eq!(
            fs::metadata(&real).expect("meta").permissions().mode() & 0o777,
            0o444
        );
        let leftovers = fs::read_dir(tmp.path().join("nix/store"))
            .expect("dir")
            .count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn copies_filtered_trees() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let src = tmp.path().join("src");
        fs::create_dir_all(src.join("sub")).expect("mkdir");
        fs::write(src.join("a"), "a").expect("write");
        fs::write(src.join("sub/b"), "b").expect("write");
        let w = StoreWriter::new(StoreDir::default(), Some(tmp.path().join("store")));
        let p: StorePath = "0c6kzph7l0dcbfmjap64f0czdafn3b7x-src"
            .parse()
            .expect("path");
        w.add_tree(&p, &src, &mut |c| !c.ends_with("sub"))
            .expect("copy");
        let real = w.real_path(&p);
        assert!(real.join("a").is_file());
        assert!(!real.join("sub").exists());
        assert_eq!(
            fs::metadata(&real).expect("meta").permissions().mode() & 0o777,
            0o555
        );
    }
}
