//! Canonicalising build outputs: the file metadata every store object has.
//!
//! Modification time 1 second after the epoch; regular files `0444`, or `0555` if any
//! execute bit was set; directories `0555`; no setuid/setgid/sticky bits. When running as
//! root, files are given to root (the store's owner); otherwise owners are left alone.
//! Symlinks keep their permissions but get the same time. Devices, sockets and FIFOs are
//! refused.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use nix::fcntl::AT_FDCWD;
use nix::sys::stat::{UtimensatFlags, utimensat};
use nix::sys::time::TimeSpec;
use nix::unistd::Uid;

use super::error::{BuildError, BuildResult, io_err};

/// Canonicalises the tree at `path` (an output of `drv`).
pub fn canonicalise(path: &Path, drv: &str) -> BuildResult<()> {
    let root = Uid::effective().is_root();
    walk(path, drv, root)
}

fn walk(path: &Path, drv: &str, root: bool) -> BuildResult<()> {
    let meta = fs::symlink_metadata(path).map_err(io_err("reading", path))?;
    let ft = meta.file_type();
    if root && (meta.uid() != 0 || meta.gid() != 0) {
        std::os::unix::fs::lchown(path, Some(0), Some(0))
            .map_err(io_err("changing the owner of", path))?;
    }
    if ft.is_dir() {
        // Children first: the directory may not be writable once canonical.
        if meta.mode() & 0o700 != 0o700 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o700))
                .map_err(io_err("changing permissions of", path))?;
        }
        let entries = fs::read_dir(path).map_err(io_err("reading", path))?;
        for entry in entries {
            let entry = entry.map_err(io_err("reading", path))?;
            walk(&entry.path(), drv, root)?;
        }
        set_mode(path, 0o555)?;
    } else if ft.is_file() {
        let mode = if meta.mode() & 0o111 != 0 {
            0o555
        } else {
            0o444
        };
        if meta.mode() & 0o7777 != mode {
            set_mode(path, mode)?;
        }
    } else if !ft.is_symlink() {
        return Err(BuildError::UnsupportedFile {
            drv: drv.to_owned(),
            path: path.to_owned(),
        });
    }
    let one = TimeSpec::new(1, 0);
    utimensat(AT_FDCWD, path, &one, &one, UtimensatFlags::NoFollowSymlink)
        .map_err(|e| io_err("setting the time of", path)(e.into()))
}

fn set_mode(path: &Path, mode: u32) -> BuildResult<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io_err("changing permissions of", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_modes_and_times() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("out");
        fs::create_dir(&out)?;
        fs::create_dir(out.join("sub"))?;
        fs::write(out.join("sub/plain"), "x")?;
        fs::write(out.join("exe"), "y")?;
        fs::set_permissions(out.join("exe"), fs::Permissions::from_mode(0o6711))?;
        fs::set_permissions(out.join("sub/plain"), fs::Permissions::from_mode(0o600))?;
        std::os::unix::fs::symlink("exe", out.join("link"))?;
        fs::set_permissions(out.join("sub"), fs::Permissions::from_mode(0o500))?;
        canonicalise(&out, "x.drv")?;
        let mode = |p: &str| -> std::io::Result<u32> {
            Ok(fs::symlink_metadata(out.join(p))?.mode() & 0o7777)
        };
        assert_eq!(mode("")?, 0o555);
        assert_eq!(mode("sub")?, 0o555);
        assert_eq!(mode("sub/plain")?, 0o444);
        assert_eq!(mode("exe")?, 0o555);
        for p in ["", "sub", "sub/plain", "exe", "link"] {
            assert_eq!(fs::symlink_metadata(out.join(p))?.mtime(), 1, "{p}");
        }
        super::super::store::remove_tree(&out)?;
        Ok(())
    }

    #[test]
    fn refuses_fifos() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o644))?;
        let err = canonicalise(dir.path(), "x.drv")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("unsupported file type") && e.contains("x.drv")));
        Ok(())
    }
}
