//! Per-output locks: `<real output path>.lock`, locked with `flock`, so that two
//! processes building the same derivation take turns (the second then finds the outputs
//! valid). Lock files are left in place: deleting them would let a third process lock a
//! new file while a waiter still holds the old one.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::error::{BuildError, BuildResult, io_err};

/// Held locks; released when dropped.
#[derive(Debug)]
pub struct OutputLocks {
    _locks: Vec<Flock<File>>,
}

/// The lock file of an output at `real`.
pub fn lock_path(real: &Path) -> PathBuf {
    let mut s = real.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Locks the outputs at the given real paths, in sorted order (so two processes never
/// deadlock), waiting as long as another process holds them.
pub fn lock_outputs(reals: &[PathBuf]) -> BuildResult<OutputLocks> {
    let mut sorted: Vec<PathBuf> = reals.iter().map(|p| lock_path(p)).collect();
    sorted.sort();
    sorted.dedup();
    let mut locks = Vec::new();
    for path in sorted {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err("creating", dir))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io_err("opening lock", &path))?;
        let lock = Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, e)| BuildError::Io {
            action: "locking",
            path: path.clone(),
            source: e.into(),
        })?;
        locks.push(lock);
    }
    Ok(OutputLocks { _locks: locks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_path_appends_suffix() {
        assert_eq!(
            lock_path(Path::new("/s/abc-x")),
            PathBuf::from("/s/abc-x.lock")
        );
    }

    #[test]
    fn second_lock_waits_for_first() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let out = vec![dir.path().join("a"), dir.path().join("b")];
        let first = lock_outputs(&out)?;
        let probe = File::open(lock_path(&out[0]))?;
        assert!(Flock::lock(probe, FlockArg::LockExclusiveNonblock).is_err());
        drop(first);
        let probe = File::open(lock_path(&out[0]))?;
        assert!(Flock::lock(probe, FlockArg::LockExclusiveNonblock).is_ok());
        Ok(())
    }
}
