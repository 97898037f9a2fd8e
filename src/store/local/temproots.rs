//! Temporary GC roots, with Nix 2.8's protocol: each process lists the store paths it is
//! using in `temproots/<pid>` (NUL-terminated), a file it keeps write-locked while it
//! lives (so a collector can tell a live owner from a dead one). Locks are `flock`
//! locks, as Nix's (see [`super::lock`]).
//!
//! To add a root, a process takes a shared lock on `gc.lock` without waiting and, while
//! holding it, appends the path. If the lock is refused, a collection is running (it
//! holds `gc.lock` exclusively and has already read the roots files), so the process
//! tells the collector through its socket (`gc-socket/socket`, see [`super::gc_socket`])
//! and waits for its acknowledgement before appending. Either way, a path is a root
//! before the process goes on to check that it is valid and use it.
//!
//! The file is one per process and store (Nix's name is the pid), shared by every
//! [`super::LocalStore`] the process opens; it is removed at exit by
//! [`remove_own_files`]. A collection running in this process is told about new roots
//! of its other threads through the socket like any other.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::error::{LocalStoreError, io_error};
use super::gc_socket::{AnnounceError, RootsClient};
use super::layout::StoreLayout;
use super::lock::{LockKind, lock_file, open_lock_file};

/// This process's temporary roots file in one store.
struct TempRootsFile {
    file: File,
    path: PathBuf,
    /// `gc.lock`, opened once (closing a descriptor drops this process's locks on it).
    gc_lock: File,
    gc_lock_path: PathBuf,
    /// The roots written so far (logical paths).
    roots: HashSet<String>,
    /// The connection to a running collector, once one was needed.
    client: Option<RootsClient>,
}

/// The process's roots files, by state directory.
static FILES: Mutex<BTreeMap<PathBuf, TempRootsFile>> = Mutex::new(BTreeMap::new());

fn files() -> MutexGuard<'static, BTreeMap<PathBuf, TempRootsFile>> {
    // Every update of the map is a single insert; a panic elsewhere leaves it usable.
    FILES.lock().unwrap_or_else(|e| e.into_inner())
}

impl TempRootsFile {
    /// Creates (replacing a stale one) and write-locks `temproots/<pid>`.
    fn create(layout: &StoreLayout) -> Result<TempRootsFile, LocalStoreError> {
        let dir = layout.temproots_dir();
        fs::create_dir_all(&dir).map_err(io_error("creating directory", &dir))?;
        let path = dir.join(std::process::id().to_string());
        let gc_lock_path = layout.gc_lock();
        let gc_lock =
            open_lock_file(&gc_lock_path, true).map_err(io_error("opening", &gc_lock_path))?;
        loop {
            let _ = fs::remove_file(&path);
            let file = open_lock_file(&path, true).map_err(io_error("creating", &path))?;
            lock_file(&file, LockKind::Write, true).map_err(io_error("locking", &path))?;
            let len = file
                .metadata()
                .map_err(io_error("getting status of", &path))?
                .len();
            // A non-empty file was declared stale by a collector before we locked it.
            if len == 0 {
                return Ok(TempRootsFile {
                    file,
                    path,
                    gc_lock,
                    gc_lock_path,
                    roots: HashSet::new(),
                    client: None,
                });
            }
        }
    }

    fn append(&mut self, root: &str) -> Result<(), LocalStoreError> {
        let mut record = root.as_bytes().to_vec();
        record.push(0);
        self.file
            .seek(SeekFrom::End(0))
            .and_then(|_| self.file.write_all(&record))
            .map_err(io_error("writing", &self.path))
    }

    fn add(&mut self, layout: &StoreLayout, root: &str) -> Result<(), LocalStoreError> {
        if self.roots.contains(root) {
            return Ok(());
        }
        loop {
            let free = lock_file(&self.gc_lock, LockKind::Read, false)
                .map_err(io_error("locking", &self.gc_lock_path))?;
            if free {
                let appended = self.append(root);
                lock_file(&self.gc_lock, LockKind::Unlock, true)
                    .map_err(io_error("unlocking", &self.gc_lock_path))?;
                appended?;
                break;
            }
            // A collection is running: it must learn about the root before we go on.
            let client = match &mut self.client {
                Some(c) => c,
                None => match RootsClient::connect(layout) {
                    Ok(c) => self.client.insert(c),
                    Err(AnnounceError::Retry) => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    Err(AnnounceError::Failed(e)) => return Err(e),
                },
            };
            match client.announce(root) {
                Ok(()) => {
                    self.append(root)?;
                    break;
                }
                Err(AnnounceError::Retry) => {
                    // The collector went away meanwhile; start over.
                    self.client = None;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(AnnounceError::Failed(e)) => return Err(e),
            }
        }
        self.roots.insert(root.to_owned());
        Ok(())
    }
}

/// Records the logical store path `root` as a temporary root of this process.
pub fn add_temp_root(layout: &StoreLayout, root: &str) -> Result<(), LocalStoreError> {
    let mut files = files();
    let key = layout.state_dir();
    if !files.contains_key(&key) {
        let created = TempRootsFile::create(layout)?;
        files.insert(key.clone(), created);
    }
    match files.get_mut(&key) {
        Some(f) => f.add(layout, root),
        None => Ok(()),
    }
}

/// Drops this process's temporary roots in the store laid out as `layout` (its roots
/// file is removed).
pub fn release_temp_roots(layout: &StoreLayout) {
    if let Some(f) = files().remove(&layout.state_dir()) {
        let _ = fs::remove_file(&f.path);
    }
}

/// Removes this process's roots files (at exit; a file left by a killed process is
/// removed by the next collection, which finds it unlocked).
pub fn remove_own_files() {
    let mut files = files();
    for (_, f) in std::mem::take(&mut *files) {
        let _ = fs::remove_file(&f.path);
    }
}

/// The temporary roots of all live processes.
#[derive(Debug, Default)]
pub struct FoundTempRoots {
    /// The roots (logical store paths).
    pub roots: BTreeSet<String>,
    /// `(temproots file, root)` pairs, to say where each root was found.
    pub sources: Vec<(PathBuf, String)>,
}

impl FoundTempRoots {
    fn insert(&mut self, file: &Path, root: String) {
        self.sources.push((file.to_owned(), root.clone()));
        self.roots.insert(root);
    }
}

/// Reads every temporary roots file (this process's from memory), removing those of
/// dead processes.
pub fn find_temp_roots(layout: &StoreLayout) -> Result<FoundTempRoots, LocalStoreError> {
    let dir = layout.temproots_dir();
    let mut found = FoundTempRoots::default();
    if let Some(own) = files().get(&layout.state_dir()) {
        let mut own_roots: Vec<&String> = own.roots.iter().collect();
        own_roots.sort();
        for root in own_roots {
            found.insert(&own.path, root.clone());
        }
    }
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(io_error("reading directory", &dir)(e)),
    };
    let own_name = std::process::id().to_string();
    for entry in entries {
        let entry = entry.map_err(io_error("reading directory", &dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == own_name || name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file = match open_lock_file(&path, false) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error("opening", &path)(e)),
        };
        // Only a dead owner leaves its file unlocked.
        if lock_file(&file, LockKind::Write, false).map_err(io_error("locking", &path))? {
            let _ = fs::remove_file(&path);
            let _ = (&file).write_all(b"d");
            continue;
        }
        let mut contents = Vec::new();
        (&file)
            .read_to_end(&mut contents)
            .map_err(io_error("reading", &path))?;
        for root in contents.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            found.insert(&path, String::from_utf8_lossy(root).into_owned());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_roots_are_found_and_written_in_nix_format() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = StoreLayout::relocated(tmp.path());
        let a = "/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a";
        let b = "/nix/store/1c6kzph7l0dcbfmjap64f0czdafn3b7x-b";
        add_temp_root(&layout, a).expect("add");
        add_temp_root(&layout, b).expect("add");
        add_temp_root(&layout, a).expect("add again");
        let found = find_temp_roots(&layout).expect("find");
        assert_eq!(found.roots.len(), 2);
        let own = layout.temproots_dir().join(std::process::id().to_string());
        assert_eq!(
            fs::read(&own).expect("own file"),
            format!("{a}\0{b}\0").into_bytes()
        );
    }

    #[test]
    fn stale_files_of_dead_processes_are_removed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let layout = StoreLayout::relocated(tmp.path());
        fs::create_dir_all(layout.temproots_dir()).expect("mkdir");
        let stale = layout.temproots_dir().join("999999999");
        fs::write(&stale, b"/nix/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-a\0").expect("write");
        let found = find_temp_roots(&layout).expect("find");
        assert!(found.roots.is_empty());
        assert!(!stale.exists());
    }
}
