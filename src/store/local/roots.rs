//! Finding the permanent GC roots as Nix does: symlinks (and plain files named after a
//! store path) anywhere under `gcroots/` and `profiles/`, where a symlink pointing
//! outside the store is an indirect root (e.g. `gcroots/auto/x -> /home/u/result`,
//! itself a symlink into the store); stale indirect links under `gcroots/auto` are
//! removed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::LocalStore;
use super::error::{LocalStoreError, io_error};
use crate::store::path::StorePath;

/// Roots found: each rooted store path with the links that root it.
pub type Roots = BTreeMap<StorePath, BTreeSet<String>>;

impl LocalStore {
    /// The permanent roots (under `gcroots/` and `profiles/`) that point at valid paths.
    pub fn find_roots(&self) -> Result<Roots, LocalStoreError> {
        let mut roots = Roots::new();
        let auto = self.layout().gcroots_dir().join("auto");
        for dir in [self.layout().gcroots_dir(), self.layout().profiles_dir()] {
            self.find_roots_in(&dir, &auto, &mut roots)?;
        }
        Ok(roots)
    }

    fn found_root(
        &self,
        link: &Path,
        target: &str,
        roots: &mut Roots,
    ) -> Result<(), LocalStoreError> {
        if let Ok((p, _)) = self.store_dir().split_path(target)
            && self.db().is_valid(&p)?
        {
            roots
                .entry(p)
                .or_default()
                .insert(link.display().to_string());
        }
        Ok(())
    }

    fn find_roots_in(
        &self,
        path: &Path,
        auto: &Path,
        roots: &mut Roots,
    ) -> Result<(), LocalStoreError> {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if ignorable(&e) => return Ok(()),
            Err(e) => return Err(io_error("getting status of", path)(e)),
        };
        if meta.is_dir() {
            let entries = match fs::read_dir(path) {
                Ok(e) => e,
                Err(e) if ignorable(&e) => return Ok(()),
                Err(e) => return Err(io_error("reading directory", path)(e)),
            };
            let mut children: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for child in children {
                self.find_roots_in(&child, auto, roots)?;
            }
        } else if meta.file_type().is_symlink() {
            let target = fs::read_link(path).map_err(io_error("reading link", path))?;
            let target_s = target.to_string_lossy();
            if self.store_dir().is_store_path(&target_s)
                || self.store_dir().split_path(&target_s).is_ok()
            {
                return self.found_root(path, &target_s, roots);
            }
            let target = path.parent().unwrap_or(Path::new("/")).join(&target);
            match fs::symlink_metadata(&target) {
                Err(_) => {
                    if path.starts_with(auto) {
                        eprintln!(
                            "removing stale link from '{}' to '{}'",
                            path.display(),
                            target.display()
                        );
                        let _ = fs::remove_file(path);
                    }
                }
                Ok(m) if m.file_type().is_symlink() => {
                    let target2 =
                        fs::read_link(&target).map_err(io_error("reading link", &target))?;
                    self.found_root(&target, &target2.to_string_lossy(), roots)?;
                }
                Ok(_) => {}
            }
        } else if meta.is_file()
            && let Some(name) = path.file_name().and_then(|n| n.to_str())
            && let Ok(p) = StorePath::from_base_name(name)
            && self.db().is_valid(&p)?
        {
            roots
                .entry(p)
                .or_default()
                .insert(path.display().to_string());
        }
        Ok(())
    }
}

/// Failures Nix skips when looking for roots (permission denied, vanished files).
fn ignorable(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::NotFound | ErrorKind::PermissionDenied | ErrorKind::NotADirectory
    )
}
