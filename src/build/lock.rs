//! Per-output locks: the store's [`PathLock`]s (`<real output path>.lock`, `fcntl` locks
//! with Nix's stale-file protocol), so that two processes building the same derivation —
//! sysrebuild or `nix-build` — take turns (the second then finds the outputs valid), and
//! two build threads of one process never build the same output path at once (two
//! fixed-output derivations may share one).

use std::path::{Path, PathBuf};

use super::error::{BuildError, BuildResult, io_err};
use crate::store::local::lock::PathLock;

/// Held locks; released (and their files deleted) when dropped.
#[derive(Debug)]
pub struct OutputLocks {
    _locks: Vec<PathLock>,
}

/// The lock file of an output at `real`.
pub fn lock_path(real: &Path) -> PathBuf {
    PathLock::lock_file_of(real)
}

/// Locks the outputs at the given real paths, in sorted order (so two builders never
/// deadlock), waiting as long as another thread or process holds them. `on_wait` is
/// called once, with the lock file, before waiting for the first contended lock.
pub fn lock_outputs(reals: &[PathBuf], on_wait: &dyn Fn(&Path)) -> BuildResult<OutputLocks> {
    let mut sorted: Vec<&PathBuf> = reals.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut locks = Vec::new();
    let mut told = false;
    for real in sorted {
        if let Some(dir) = real.parent() {
            std::fs::create_dir_all(dir).map_err(io_err("creating", dir))?;
        }
        let lock = match PathLock::try_acquire(real).map_err(lock_error(real))? {
            Some(lock) => lock,
            None => {
                if !told {
                    on_wait(&lock_path(real));
                    told = true;
                }
                PathLock::acquire(real).map_err(lock_error(real))?
            }
        };
        locks.push(lock);
    }
    Ok(OutputLocks { _locks: locks })
}

fn lock_error(real: &Path) -> impl Fn(crate::store::local::LocalStoreError) -> BuildError {
    let path = lock_path(real);
    move |e| BuildError::Io {
        action: "locking",
        path: path.clone(),
        source: std::io::Error::other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn lock_path_appends_suffix() {
        assert_eq!(
            lock_path(Path::new("/s/abc-x")),
            PathBuf::from("/s/abc-x.lock")
        );
    }

    #[test]
    fn second_locker_waits_for_first() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let out = vec![dir.path().join("b"), dir.path().join("a")];
        let first = lock_outputs(&out, &|_| {})?;
        assert!(PathLock::try_acquire(&out[1])?.is_none());
        let waits = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let h = s.spawn(|| {
                lock_outputs(&out, &|_| {
                    waits.fetch_add(1, Ordering::SeqCst);
                })
            });
            std::thread::sleep(std::time::Duration::from_millis(100));
            drop(first);
            assert!(h.join().map(|r| r.is_ok()).unwrap_or(false));
        });
        assert_eq!(waits.load(Ordering::SeqCst), 1);
        assert!(!lock_path(&out[0]).exists(), "lock files go on release");
        Ok(())
    }
}
