//! `optimise`: replaces identical files in the store by hard links to one copy kept in
//! `<store>/.links/<nix32 NAR hash of the file>`, as Nix's `optimiseStore` does.

use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::LocalStore;
use super::error::{LocalStoreError, io_error};
use crate::store::nar::nar_hash;

/// What [`LocalStore::optimise`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OptimiseStats {
    /// Files replaced by a hard link.
    pub files_linked: u64,
    /// Bytes freed by that.
    pub bytes_freed: u64,
}

impl LocalStore {
    /// Hard-links identical files of all valid paths.
    pub fn optimise(&mut self) -> Result<OptimiseStats, LocalStoreError> {
        let links = self.layout().links_dir();
        fs::create_dir_all(&links).map_err(io_error("creating directory", &links))?;
        let mut stats = OptimiseStats::default();
        let mut seen_inodes = HashSet::new();
        for p in self.db().all_valid_paths()? {
            self.optimise_tree(&self.real_path(&p), &links, &mut seen_inodes, &mut stats)?;
        }
        Ok(stats)
    }

    fn optimise_tree(
        &self,
        path: &Path,
        links: &Path,
        seen: &mut HashSet<u64>,
        stats: &mut OptimiseStats,
    ) -> Result<(), LocalStoreError> {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error("getting status of", path)(e)),
        };
        if meta.is_dir() {
            for entry in fs::read_dir(path).map_err(io_error("reading directory", path))? {
                let entry = entry.map_err(io_error("reading directory", path))?;
                self.optimise_tree(&entry.path(), links, seen, stats)?;
            }
            return Ok(());
        }
        if !meta.is_file() || !seen.insert(meta.ino()) {
            return Ok(());
        }
        let (hash, _) = nar_hash(path)?;
        let link = links.join(hash.to_nix32());
        let link_meta = match fs::symlink_metadata(&link) {
            Ok(m) => m,
            Err(_) => {
                // First copy: it becomes the link target.
                match fs::hard_link(path, &link) {
                    Ok(()) => return Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        fs::symlink_metadata(&link).map_err(io_error("getting status of", &link))?
                    }
                    Err(e) => return Err(io_error("creating hard link", &link)(e)),
                }
            }
        };
        if link_meta.ino() == meta.ino() {
            return Ok(());
        }
        replace_with_link(path, &link)?;
        stats.files_linked += 1;
        if meta.nlink() == 1 {
            stats.bytes_freed += meta.blocks() * 512;
        }
        Ok(())
    }
}

/// Atomically replaces `path` by a hard link to `link`, making its directory writable
/// for the time of the rename.
fn replace_with_link(path: &Path, link: &Path) -> Result<(), LocalStoreError> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let dir_meta = fs::metadata(dir).map_err(io_error("getting status of", dir))?;
    let old_mode = dir_meta.permissions().mode();
    fs::set_permissions(dir, fs::Permissions::from_mode(old_mode | 0o200))
        .map_err(io_error("making writable", dir))?;
    let temp = dir.join(format!(
        ".tmp-link-{}-{}",
        std::process::id(),
        dir_meta.ino()
    ));
    let result = fs::hard_link(link, &temp)
        .map_err(io_error("creating hard link", &temp))
        .and_then(|()| fs::rename(&temp, path).map_err(io_error("replacing", path)));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    let restored = fs::set_permissions(dir, fs::Permissions::from_mode(old_mode))
        .map_err(io_error("restoring permissions of", dir));
    result.and(restored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn links_identical_files() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let src = tmp.path().join("src");
        fs::create_dir_all(src.join("a")).expect("mkdir");
        fs::write(src.join("a/big"), vec![7u8; 10000]).expect("write");
        let mut s = LocalStore::open_relocated(&tmp.path().join("s")).expect("open");
        let p1 = s.add_path(&src.join("a")).expect("add");
        fs::create_dir_all(src.join("b")).expect("mkdir");
        fs::write(src.join("b/big"), vec![7u8; 10000]).expect("write");
        let p2 = s.add_path(&src.join("b")).expect("add");
        let stats = s.optimise().expect("optimise");
        assert_eq!(stats.files_linked, 1);
        assert!(stats.bytes_freed >= 10000);
        let i1 = fs::metadata(s.real_path(&p1).join("big")).expect("m").ino();
        let i2 = fs::metadata(s.real_path(&p2).join("big")).expect("m").ino();
        assert_eq!(i1, i2);
        assert!(s.verify(true, false).expect("verify").is_empty());
        let _ = BTreeSet::<u8>::new();
    }
}
