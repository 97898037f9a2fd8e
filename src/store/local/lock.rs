//! File locks as Nix 2.8 takes them: `flock(2)` on the big store lock
//! (`db/big-lock`), the GC lock (`gc.lock`), temporary-roots files and per-path lock
//! files (`<real path>.lock`), so that sysrebuild and Nix processes using one store
//! exclude each other. (Nix's `lockFile` is `flock`, not `fcntl`: checked with `strace`
//! on `nix-store --add`. SQLite's own locks on `db.sqlite` are `fcntl` locks, its
//! business.)
//!
//! An `flock` lock belongs to the open file description, so two threads of one process
//! that each open the lock file exclude each other just as two processes do, and
//! closing another descriptor of the file does not drop a lock.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::{LocalStoreError, io_error};

/// The kind of lock to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// Shared: any number of readers.
    Read,
    /// Exclusive.
    Write,
    /// Release the lock.
    Unlock,
}

/// Sets the lock on `file`. With `wait`, blocks until it is granted and returns `true`;
/// without, returns `false` when another holder has a conflicting lock.
pub fn lock_file(file: &File, kind: LockKind, wait: bool) -> io::Result<bool> {
    let mut op = match kind {
        LockKind::Read => libc::LOCK_SH,
        LockKind::Write => libc::LOCK_EX,
        LockKind::Unlock => libc::LOCK_UN,
    };
    if !wait {
        op |= libc::LOCK_NB;
    }
    loop {
        // SAFETY: the descriptor is open for the lifetime of `file`.
        let r = unsafe { libc::flock(file.as_raw_fd(), op) };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) if !wait => return Ok(false),
            _ => return Err(e),
        }
    }
}

/// Opens (creating if asked) a lock file read-write with mode 0600.
pub fn open_lock_file(path: &Path, create: bool) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// A lock held on a file for as long as this value lives.
#[derive(Debug)]
pub struct HeldLock {
    file: File,
    path: PathBuf,
}

impl HeldLock {
    /// Opens or creates `path` and locks it, waiting if needed.
    pub fn acquire(path: &Path, kind: LockKind) -> Result<HeldLock, LocalStoreError> {
        let file = open_lock_file(path, true).map_err(io_error("opening lock file", path))?;
        lock_file(&file, kind, true).map_err(io_error("locking", path))?;
        Ok(HeldLock {
            file,
            path: path.to_owned(),
        })
    }

    /// Like [`HeldLock::acquire`] but gives up (`None`) instead of waiting.
    pub fn try_acquire(path: &Path, kind: LockKind) -> Result<Option<HeldLock>, LocalStoreError> {
        let file = open_lock_file(path, true).map_err(io_error("opening lock file", path))?;
        if lock_file(&file, kind, false).map_err(io_error("locking", path))? {
            Ok(Some(HeldLock {
                file,
                path: path.to_owned(),
            }))
        } else {
            Ok(None)
        }
    }

    /// Changes the kind of lock held (e.g. upgrades a read lock to a write lock).
    pub fn relock(&self, kind: LockKind) -> Result<(), LocalStoreError> {
        lock_file(&self.file, kind, true).map_err(io_error("locking", &self.path))?;
        Ok(())
    }

    /// The locked file.
    pub fn file(&self) -> &File {
        &self.file
    }
}

/// The lock on one store path while it is being added or built: `<real path>.lock`,
/// deleted on release as Nix does (writing a byte into it first, so that a process that
/// opened the old file before the deletion notices it is stale and retries). Nix 2.8
/// locks outputs the same way, so `nix-build` and sysrebuild wait for each other.
#[derive(Debug)]
pub struct PathLock {
    lock: HeldLock,
}

impl PathLock {
    /// The lock file of the store object at `real_path`.
    pub fn lock_file_of(real_path: &Path) -> PathBuf {
        let mut name = real_path.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Locks the store object at `real_path` exclusively, waiting for other holders
    /// (threads of this process and other processes).
    pub fn acquire(real_path: &Path) -> Result<PathLock, LocalStoreError> {
        loop {
            // Waiting never gives up, so this returns on the first pass.
            if let Some(lock) = Self::acquire_inner(real_path, true)? {
                return Ok(lock);
            }
        }
    }

    /// Like [`PathLock::acquire`] but returns `None` at once when another holder (a
    /// thread of this process or another process) has the lock.
    pub fn try_acquire(real_path: &Path) -> Result<Option<PathLock>, LocalStoreError> {
        Self::acquire_inner(real_path, false)
    }

    fn acquire_inner(real_path: &Path, wait: bool) -> Result<Option<PathLock>, LocalStoreError> {
        let lock_path = Self::lock_file_of(real_path);
        loop {
            let file = open_lock_file(&lock_path, true)
                .map_err(io_error("opening lock file", &lock_path))?;
            if !lock_file(&file, LockKind::Write, wait).map_err(io_error("locking", &lock_path))? {
                return Ok(None);
            }
            let meta = file
                .metadata()
                .map_err(io_error("getting status of", &lock_path))?;
            // A non-empty lock file was released and deleted by its previous holder.
            if meta.len() == 0 {
                return Ok(Some(PathLock {
                    lock: HeldLock {
                        file,
                        path: lock_path,
                    },
                }));
            }
        }
    }
}

impl Drop for PathLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock.path);
        let _ = (&self.lock.file).write_all(b"d");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_lock_file_is_removed_on_release() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let obj = tmp.path().join("abc-x");
        {
            let _l = PathLock::acquire(&obj).expect("lock");
            assert!(tmp.path().join("abc-x.lock").exists());
        }
        assert!(!tmp.path().join("abc-x.lock").exists());
        let _again = PathLock::acquire(&obj).expect("relock");
    }

    #[test]
    fn threads_of_one_process_exclude_each_other() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let obj = tmp.path().join("abc-y");
        let first = PathLock::acquire(&obj).expect("lock");
        assert!(PathLock::try_acquire(&obj).expect("try").is_none());
        let order = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            s.spawn(|| {
                let _second = PathLock::acquire(&obj).expect("lock in thread");
                order.lock().expect("order").push("second");
            });
            std::thread::sleep(std::time::Duration::from_millis(100));
            order.lock().expect("order").push("first released");
            drop(first);
        });
        assert_eq!(
            *order.lock().expect("order"),
            vec!["first released", "second"]
        );
        assert!(PathLock::try_acquire(&obj).expect("try").is_some());
    }

    #[test]
    fn try_acquire_succeeds_without_contention() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let l = HeldLock::try_acquire(&tmp.path().join("gc.lock"), LockKind::Write).expect("lock");
        assert!(l.is_some());
    }
}
