//! Temporary GC roots: `temproots/<pid>` files listing (NUL-terminated) store paths a
//! running process is using.
//!
//! The owner holds a read lock on its file while it lives; the garbage collector tries
//! a write lock, which it only gets when the owner is gone (the file is then stale and
//! removed, with a byte written into it so an owner that raced to open it retries).
//! Adding a root upgrades the owner's lock to a write lock for the append, and the
//! collector keeps a read lock on every file it has read, so no root can be added
//! behind its back while it collects; new files are only created under a read lock on
//! `gc.lock`, which the collector holds exclusively.
//!
//! Nix 2.8 processes announce temporary roots through the collector's socket instead
//! (`gc-socket/socket`), which is not served: while sysrebuild collects garbage, a
//! concurrently running Nix process must not add paths to the same store.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::error::{LocalStoreError, io_error};
use super::layout::StoreLayout;
use super::lock::{HeldLock, LockKind, lock_file, open_lock_file};

/// This process's temporary roots file.
#[derive(Debug)]
pub struct TempRoots {
    file: File,
    path: PathBuf,
    /// The roots written so far (this process must never open its own file again: closing
    /// any descriptor of a file drops all of the process's `fcntl` locks on it).
    roots: Vec<String>,
}

impl TempRoots {
    /// Creates (replacing a stale one) and read-locks `temproots/<pid>`. Waits while a
    /// garbage collection runs (it holds `gc.lock`), so that no collector misses a file.
    pub fn create(layout: &StoreLayout) -> Result<TempRoots, LocalStoreError> {
        let path = layout.temproots_dir().join(std::process::id().to_string());
        let _gc = HeldLock::acquire(&layout.gc_lock(), LockKind::Read)?;
        loop {
            let _ = fs::remove_file(&path);
            let file = open_lock_file(&path, true).map_err(io_error("creating", &path))?;
            lock_file(&file, LockKind::Read, true).map_err(io_error("locking", &path))?;
            let len = file
                .metadata()
                .map_err(io_error("getting status of", &path))?
                .len();
            // A non-empty file was declared stale by a collector before we locked it.
            if len == 0 {
                return Ok(TempRoots {
                    file,
                    path,
                    roots: Vec::new(),
                });
            }
        }
    }

    /// Appends the logical store path `path` as a root.
    pub fn add(&mut self, path: &str) -> Result<(), LocalStoreError> {
        lock_file(&self.file, LockKind::Write, true).map_err(io_error("locking", &self.path))?;
        let mut record = path.as_bytes().to_vec();
        record.push(0);
        let written = self
            .file
            .seek(SeekFrom::End(0))
            .and_then(|_| self.file.write_all(&record));
        lock_file(&self.file, LockKind::Read, true).map_err(io_error("locking", &self.path))?;
        written.map_err(io_error("writing", &self.path))?;
        self.roots.push(path.to_owned());
        Ok(())
    }
}

impl Drop for TempRoots {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// The temporary roots of all live processes, and the read locks that keep their owners
/// from adding more while they are held.
pub struct FoundTempRoots {
    /// The roots (logical store paths).
    pub roots: BTreeSet<String>,
    /// `(temproots file, root)` pairs, to say where each root was found.
    pub sources: Vec<(PathBuf, String)>,
    _locks: Vec<File>,
}

/// Reads every temporary roots file, removing those of dead processes. Files of
/// processes still running stay read-locked until the result is dropped. This process's
/// own roots come from `own` (its file is not opened).
pub fn find_temp_roots(
    layout: &StoreLayout,
    own: Option<&TempRoots>,
) -> Result<FoundTempRoots, LocalStoreError> {
    let dir = layout.temproots_dir();
    let mut found = FoundTempRoots {
        roots: BTreeSet::new(),
        sources: Vec::new(),
        _locks: Vec::new(),
    };
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io_error("reading directory", &dir)(e)),
    };
    if let Some(own) = own {
        for root in &own.roots {
            found.sources.push((own.path.clone(), root.clone()));
            found.roots.insert(root.clone());
        }
    }
    let own_name = std::process::id().to_string();
    for entry in entries {
        let entry = entry.map_err(io_error("reading directory", &dir))?;
        if entry.file_name().to_string_lossy() == own_name {
            continue;
        }
        let path = entry.path();
        let file = match open_lock_file(&path, false) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error("opening", &path)(e)),
        };
        if lock_file(&file, LockKind::Write, false).map_err(io_error("locking", &path))? {
            let _ = fs::remove_file(&path);
            let _ = (&file).write_all(b"d");
            continue;
        }
        lock_file(&file, LockKind::Read, true).map_err(io_error("locking", &path))?;
        let mut contents = Vec::new();
        (&file)
            .read_to_end(&mut contents)
            .map_err(io_error("reading", &path))?;
        for root in contents.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let root = String::from_utf8_lossy(root).into_owned();
            found.sources.push((path.clone(), root.clone()));
            found.roots.insert(root);
        }
        found._locks.push(file);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn own_roots_are_found_and_removed_on_drop() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = StoreLayout::relocated(Path::new(tmp.path()));
        fs::create_dir_all(layout.temproots_dir()).expect("mkdir");
        let mut t = TempRoots::create(&layout).expect("create");
        t.add("/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a")
            .expect("add");
        t.add("/nix/store/1c6kzph7l0dcbfmjap64f0czdafn3b7x-b")
            .expect("add");
        let found = find_temp_roots(&layout, Some(&t)).expect("find");
        assert_eq!(found.roots.len(), 2);
        // Our own file stays locked: a dead-process check from elsewhere would fail.
        assert!(t.path.exists());
        drop(found);
        drop(t);
        assert_eq!(
            fs::read_dir(layout.temproots_dir()).expect("dir").count(),
            0
        );
    }

    #[test]
    fn stale_files_of_dead_processes_are_removed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = StoreLayout::relocated(Path::new(tmp.path()));
        fs::create_dir_all(layout.temproots_dir()).expect("mkdir");
        let stale = layout.temproots_dir().join("999999999");
        fs::write(&stale, b"/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a\0").expect("write");
        let found = find_temp_roots(&layout, None).expect("find");
        assert!(found.roots.is_empty());
        assert!(!stale.exists());
    }
}
