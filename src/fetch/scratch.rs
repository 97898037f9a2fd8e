//! A private temporary directory removed when dropped (downloads and unpacking happen
//! there before anything reaches the store).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A directory created empty and removed, with its contents, on drop.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a new directory below `parent` (the system's temporary directory when
    /// `None`), named after `purpose`, unique across threads and processes.
    pub fn new(parent: Option<&Path>, purpose: &str) -> io::Result<ScratchDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_owned);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = parent.join(format!("sysrebuild-{purpose}-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(ScratchDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        make_writable(&self.path);
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Gives the owner write access to every directory below `dir`, so that an unpacked
/// tree with read-only directories can be removed.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let mode = meta.permissions().mode();
    if mode & 0o700 != 0o700 {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o700));
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            make_writable(&e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn removes_read_only_trees() {
        let parent = tempfile::tempdir().unwrap();
        let path = {
            let s = ScratchDir::new(Some(parent.path()), "t").unwrap();
            let sub = s.path().join("a");
            std::fs::create_dir(&sub).unwrap();
            std::fs::write(sub.join("f"), "x").unwrap();
            std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
            s.path().to_owned()
        };
        assert!(!path.exists());
    }
}
