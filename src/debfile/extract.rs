//! Extracting a package's `data.tar` into a directory, safely: entries may not escape
//! the directory (`..`, absolute names, or a path through a symlink the archive made),
//! device nodes and FIFOs are skipped, set-id and sticky bits are dropped, and
//! ownership is never applied. Regular files, directories, symlinks (kept exactly as
//! written, absolute targets included) and hard links are created.
//!
//! Several packages may be extracted into one directory (a cycle of Debian packages is
//! unpacked as one store path): directories merge, a file two packages ship with the
//! same contents (or a symlink with the same target) is fine, anything else is a
//! [`DebError::Conflict`].

use std::collections::{HashMap, HashSet};
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, symlink};
use std::path::{Component, Path, PathBuf};

use tar::EntryType;

use super::DebError;

/// What an extraction skipped, for the build log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Device nodes, FIFOs and other special entries, by name.
    pub special: Vec<String>,
    /// Files whose set-uid, set-gid or sticky bit was dropped.
    pub setid: Vec<String>,
}

/// Extracts archives into one directory, remembering which package made each path.
pub struct Extractor {
    root: PathBuf,
    /// The package (index into `packages`) that created each non-directory path.
    owners: HashMap<PathBuf, usize>,
    /// Paths made symlinks; nothing may be written below them.
    symlinks: HashSet<PathBuf>,
    packages: Vec<String>,
}

impl Extractor {
    /// An extractor into `root`, which must exist.
    pub fn new(root: &Path) -> Extractor {
        Extractor {
            root: root.to_owned(),
            owners: HashMap::new(),
            symlinks: HashSet::new(),
            packages: Vec::new(),
        }
    }

    /// Extracts the tar stream `archive` of the package called `package` (a name for
    /// messages, e.g. its file name).
    pub fn extract(&mut self, archive: impl Read, package: &str) -> Result<Skipped, DebError> {
        let pkg = self.packages.len();
        self.packages.push(package.to_owned());
        let mut skipped = Skipped::default();
        let mut archive = tar::Archive::new(archive);
        for entry in archive.entries()? {
            let mut entry = entry?;
            let raw = entry.path()?.into_owned();
            let shown = raw.to_string_lossy().into_owned();
            let Some(rel) = self.safe_relative(&raw, &shown)? else {
                continue; // the archive's root, "./"
            };
            let kind = entry.header().entry_type();
            let mode = entry.header().mode().unwrap_or(0o644);
            match kind {
                EntryType::Directory => {
                    self.check_parents(&rel, &shown)?;
                    self.make_dir(&rel, pkg, &shown)?;
                }
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                    if mode & 0o7000 != 0 {
                        skipped.setid.push(shown.clone());
                    }
                    let mut contents = Vec::new();
                    entry.read_to_end(&mut contents)?;
                    let executable = mode & 0o111 != 0;
                    self.put(&rel, pkg, &shown, New::File(&contents, executable))?;
                }
                EntryType::Symlink => {
                    let target = entry
                        .link_name()?
                        .ok_or_else(|| DebError::UnsafeEntry {
                            entry: shown.clone(),
                            reason: "a symlink without a target",
                        })?
                        .into_owned();
                    self.put(&rel, pkg, &shown, New::Symlink(&target))?;
                }
                EntryType::Link => {
                    let raw_target = entry
                        .link_name()?
                        .ok_or_else(|| DebError::UnsafeEntry {
                            entry: shown.clone(),
                            reason: "a hard link without a target",
                        })?
                        .into_owned();
                    let target = self.safe_relative(&raw_target, &shown)?.ok_or_else(|| {
                        DebError::UnsafeEntry {
                            entry: shown.clone(),
                            reason: "a hard link to the archive's root",
                        }
                    })?;
                    self.check_parents(&target, &shown)?;
                    let contents = fs::read(self.root.join(&target)).map_err(|e| {
                        DebError::Format(format!(
                            "the hard link '{shown}' points to '{}', which is not an \
                             extracted file: {}",
                            raw_target.display(),
                            crate::build::error::describe(&e)
                        ))
                    })?;
                    let executable = is_executable(&self.root.join(&target));
                    self.put(&rel, pkg, &shown, New::File(&contents, executable))?;
                }
                _ => skipped.special.push(shown),
            }
        }
        Ok(skipped)
    }

    /// The entry's path relative to the root, or `None` for the root itself. Refuses
    /// absolute paths and `..`.
    fn safe_relative(&self, raw: &Path, shown: &str) -> Result<Option<PathBuf>, DebError> {
        let mut rel = PathBuf::new();
        for c in raw.components() {
            match c {
                Component::CurDir => {}
                Component::Normal(part) => rel.push(part),
                Component::ParentDir => {
                    return Err(DebError::UnsafeEntry {
                        entry: shown.to_owned(),
                        reason: "it contains '..'",
                    });
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(DebError::UnsafeEntry {
                        entry: shown.to_owned(),
                        reason: "it is an absolute path",
                    });
                }
            }
        }
        Ok((!rel.as_os_str().is_empty()).then_some(rel))
    }

    /// Refuses a path below a symlink the archive created (it could point anywhere).
    fn check_parents(&self, rel: &Path, shown: &str) -> Result<(), DebError> {
        if rel.ancestors().skip(1).any(|a| self.symlinks.contains(a)) {
            return Err(DebError::UnsafeEntry {
                entry: shown.to_owned(),
                reason: "it lies below a symlink",
            });
        }
        Ok(())
    }

    fn make_dir(&mut self, rel: &Path, pkg: usize, shown: &str) -> Result<(), DebError> {
        let path = self.root.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(self.conflict(rel, pkg, shown)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(&path)?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn put(&mut self, rel: &Path, pkg: usize, shown: &str, new: New<'_>) -> Result<(), DebError> {
        self.check_parents(rel, shown)?;
        let path = self.root.join(rel);
        if let Some(parent) = rel.parent() {
            self.make_dir(parent, pkg, shown)?;
        }
        match fs::symlink_metadata(&path) {
            Ok(_) if self.same_as_existing(&path, &new) => return Ok(()),
            Ok(m) => {
                let replaceable = self.owners.get(rel) == Some(&pkg) && !m.is_dir();
                if !replaceable {
                    return Err(self.conflict(rel, pkg, shown));
                }
                fs::remove_file(&path)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        match new {
            New::File(contents, executable) => {
                let mut f = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(if executable { 0o755 } else { 0o644 })
                    .open(&path)?;
                f.write_all(contents)?;
            }
            New::Symlink(target) => {
                symlink(target, &path)?;
                self.symlinks.insert(rel.to_owned());
            }
        }
        self.owners.insert(rel.to_owned(), pkg);
        Ok(())
    }

    fn same_as_existing(&self, path: &Path, new: &New<'_>) -> bool {
        match new {
            New::File(contents, _) => {
                fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
                    && fs::read(path).is_ok_and(|old| old == *contents)
            }
            New::Symlink(target) => fs::read_link(path).is_ok_and(|old| old == *target),
        }
    }

    fn conflict(&self, rel: &Path, pkg: usize, shown: &str) -> DebError {
        let first = self
            .owners
            .get(rel)
            .and_then(|&i| self.packages.get(i))
            .cloned()
            .unwrap_or_else(|| "an earlier entry".to_owned());
        let second = self.packages.get(pkg).cloned().unwrap_or_default();
        if first == second {
            return DebError::UnsafeEntry {
                entry: shown.to_owned(),
                reason: "it replaces a directory or a file of another kind",
            };
        }
        DebError::Conflict {
            path: rel.to_string_lossy().into_owned(),
            first,
            second,
        }
    }
}

enum New<'a> {
    File(&'a [u8], bool),
    Symlink(&'a Path),
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// Builds tar archives in memory; for tests and test fixtures (`.deb` files made on the
/// fly).
pub mod testing {
    /// One entry of a test archive.
    pub enum TestEntry<'a> {
        /// A directory.
        Dir(&'a str),
        /// A regular file with a mode.
        File(&'a str, &'a [u8], u32),
        /// A symlink and its target.
        Symlink(&'a str, &'a str),
        /// A hard link to an earlier entry.
        HardLink(&'a str, &'a str),
        /// A character device.
        CharDevice(&'a str),
    }

    /// A tar archive of `entries`, names written as they are (even unsafe ones).
    pub fn tar(entries: &[TestEntry<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        for e in entries {
            let mut h = tar::Header::new_old();
            let (name, data): (&str, &[u8]) = match e {
                TestEntry::Dir(n) => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_mode(0o755);
                    (n, &[])
                }
                TestEntry::File(n, d, mode) => {
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_mode(*mode);
                    (n, d)
                }
                TestEntry::Symlink(n, t) | TestEntry::HardLink(n, t) => {
                    h.set_entry_type(if matches!(e, TestEntry::Symlink(..)) {
                        tar::EntryType::Symlink
                    } else {
                        tar::EntryType::Link
                    });
                    h.set_mode(0o777);
                    set_bytes(&mut h.as_old_mut().linkname, t);
                    (n, &[])
                }
                TestEntry::CharDevice(n) => {
                    h.set_entry_type(tar::EntryType::Char);
                    h.set_mode(0o600);
                    (n, &[])
                }
            };
            set_bytes(&mut h.as_old_mut().name, name);
            h.set_size(data.len() as u64);
            h.set_cksum();
            out.extend_from_slice(h.as_bytes());
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.resize(out.len() + 1024, 0);
        out
    }

    fn set_bytes(field: &mut [u8], value: &str) {
        field.fill(0);
        let n = value.len().min(field.len());
        field[..n].copy_from_slice(&value.as_bytes()[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{TestEntry::*, tar};
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn extract(dir: &Path, entries: &[super::testing::TestEntry<'_>]) -> Result<Skipped, DebError> {
        Extractor::new(dir).extract(&tar(entries)[..], "test.deb")
    }

    #[test]
    fn extracts_files_links_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let skipped = extract(
            dir.path(),
            &[
                Dir("./"),
                Dir("./usr/"),
                File("./usr/bin/hello", b"#!hello", 0o4755),
                File("./usr/share/doc", b"doc", 0o644),
                Symlink("./usr/bin/hi", "hello"),
                Symlink("./lib64/ld", "/lib/x86_64-linux-gnu/ld.so"),
                HardLink("./usr/bin/hello2", "./usr/bin/hello"),
                CharDevice("./dev/null"),
            ],
        )
        .unwrap();
        let root = dir.path();
        let mode = |p: &str| fs::metadata(root.join(p)).unwrap().permissions().mode() & 0o7777;
        assert_eq!(fs::read(root.join("usr/bin/hello")).unwrap(), b"#!hello");
        assert_eq!(mode("usr/bin/hello"), 0o755);
        assert_eq!(mode("usr/share/doc"), 0o644);
        assert_eq!(fs::read(root.join("usr/bin/hello2")).unwrap(), b"#!hello");
        assert_eq!(mode("usr/bin/hello2"), 0o755);
        assert_eq!(
            fs::read_link(root.join("usr/bin/hi")).unwrap(),
            Path::new("hello")
        );
        assert_eq!(
            fs::read_link(root.join("lib64/ld")).unwrap(),
            Path::new("/lib/x86_64-linux-gnu/ld.so")
        );
        assert!(!root.join("dev/null").exists());
        assert_eq!(skipped.special, vec!["./dev/null".to_owned()]);
        assert_eq!(skipped.setid, vec!["./usr/bin/hello".to_owned()]);
    }

    #[test]
    fn refuses_escaping_entries() {
        let outside = tempfile::tempdir().unwrap();
        for entries in [
            vec![File("./../escape", b"x", 0o644)],
            vec![File("usr/../../escape", b"x", 0o644)],
            vec![File("/escape", b"x", 0o644)],
            vec![HardLink("./x", "../escape")],
            vec![
                Symlink("./evil", outside.path().to_str().unwrap()),
                File("./evil/escape", b"x", 0o644),
            ],
            vec![
                Symlink("./evil", outside.path().to_str().unwrap()),
                Dir("./evil/sub/"),
            ],
        ] {
            let dir = tempfile::tempdir().unwrap();
            let err = extract(&dir.path().join("out"), &entries);
            let err = match fs::create_dir(dir.path().join("out")) {
                Ok(()) => extract(&dir.path().join("out"), &entries),
                Err(_) => err,
            };
            assert!(matches!(err, Err(DebError::UnsafeEntry { .. })), "{err:?}");
            assert!(!dir.path().join("escape").exists());
            assert!(!outside.path().join("escape").exists());
            assert!(!outside.path().join("sub").exists());
        }
    }

    #[test]
    fn packages_merge_and_conflicts_name_both() {
        let dir = tempfile::tempdir().unwrap();
        let mut x = Extractor::new(dir.path());
        let a = tar(&[
            File("./usr/lib/a", b"a", 0o644),
            File("./usr/share/same", b"s", 0o644),
        ]);
        let b = tar(&[
            File("./usr/lib/b", b"b", 0o644),
            File("./usr/share/same", b"s", 0o644),
        ]);
        let c = tar(&[File("./usr/lib/a", b"other", 0o644)]);
        x.extract(&a[..], "a.deb").unwrap();
        x.extract(&b[..], "b.deb").unwrap();
        assert!(dir.path().join("usr/lib/b").exists());
        let err = x.extract(&c[..], "c.deb").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'usr/lib/a' is shipped by both a.deb and c.deb, with different contents"
        );
    }
}
