//! File system helpers for store objects: removing read-only trees and measuring them.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::error::{LocalStoreError, io_error};

/// Removes the file, symlink or directory tree at `path`, making directories writable
/// first (store objects are read-only). Returns the bytes freed (blocks of files whose
/// last link this was). A missing path frees nothing.
pub fn remove_tree(path: &Path) -> Result<u64, LocalStoreError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error("getting status of", path)(e)),
    };
    let mut freed = 0;
    if meta.is_dir() {
        if meta.permissions().mode() & 0o700 != 0o700 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755))
                .map_err(io_error("making writable", path))?;
        }
        for entry in fs::read_dir(path).map_err(io_error("reading directory", path))? {
            let entry = entry.map_err(io_error("reading directory", path))?;
            freed += remove_tree(&entry.path())?;
        }
        fs::remove_dir(path).map_err(io_error("deleting", path))?;
    } else {
        if meta.is_file() && meta.nlink() == 1 {
            freed += meta.blocks() * 512;
        }
        fs::remove_file(path).map_err(io_error("deleting", path))?;
    }
    Ok(freed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_read_only_trees() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path().join("obj");
        fs::create_dir_all(d.join("sub")).expect("mkdir");
        fs::write(d.join("sub/f"), vec![1u8; 5000]).expect("write");
        fs::set_permissions(d.join("sub"), fs::Permissions::from_mode(0o555)).expect("chmod");
        fs::set_permissions(&d, fs::Permissions::from_mode(0o555)).expect("chmod");
        assert!(remove_tree(&d).expect("remove") >= 5000);
        assert!(!d.exists());
        assert_eq!(remove_tree(&d).expect("missing is fine"), 0);
    }
}
