//! `verify`: checks that every valid path exists and, with `check_contents`, that its
//! NAR hash is still the recorded one. Repair does what can be done without a
//! substituter or builder: it drops the rows of vanished paths nothing refers to, and
//! corrects the recorded hash of a content-addressed path whose contents still match
//! its content address.

use std::collections::BTreeSet;
use std::fs;

use super::LocalStore;
use super::error::LocalStoreError;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::nar::nar_hash;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::ContentAddress;

/// One problem found by [`LocalStore::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A valid path is missing on disk.
    Missing {
        /// The path.
        path: StorePath,
        /// Whether the repair removed it from the database.
        repaired: bool,
    },
    /// A valid path's contents do not have the recorded NAR hash.
    Modified {
        /// The path.
        path: StorePath,
        /// The recorded hash.
        expected: Hash,
        /// The hash of what is on disk.
        actual: Hash,
        /// Whether the repair fixed the record.
        repaired: bool,
    },
}

impl LocalStore {
    /// Checks the store; returns the problems found (and repaired, with `repair`).
    pub fn verify(
        &mut self,
        check_contents: bool,
        repair: bool,
    ) -> Result<Vec<Problem>, LocalStoreError> {
        let valid = self.db().all_valid_paths()?;
        let mut problems = Vec::new();
        let mut missing = BTreeSet::new();
        for p in &valid {
            if fs::symlink_metadata(self.real_path(p)).is_err() {
                missing.insert(p.clone());
            }
        }
        for p in &missing {
            let referrers: BTreeSet<StorePath> = self
                .db()
                .referrers(p)?
                .into_iter()
                .filter(|r| r != p && !missing.contains(r))
                .collect();
            let repaired = repair && referrers.is_empty();
            if repaired {
                self.db_mut().invalidate(std::slice::from_ref(p))?;
            }
            problems.push(Problem::Missing {
                path: p.clone(),
                repaired,
            });
        }
        if !check_contents {
            return Ok(problems);
        }
        for p in valid.iter().filter(|p| !missing.contains(*p)) {
            let info = self.path_info(p)?;
            let (actual, size) = nar_hash(&self.real_path(p))?;
            if actual == info.nar_hash {
                continue;
            }
            let repaired =
                repair && self.contents_match_address(p, &info.ca, &info.references, &actual)?;
            if repaired {
                self.db_mut().update_nar_hash(p, &actual, size)?;
            }
            problems.push(Problem::Modified {
                path: p.clone(),
                expected: info.nar_hash,
                actual,
                repaired,
            });
        }
        Ok(problems)
    }

    /// Whether the contents of `path` (with NAR hash `nar`) still give `path` under its
    /// content address.
    fn contents_match_address(
        &self,
        path: &StorePath,
        ca: &Option<ContentAddress>,
        references: &BTreeSet<StorePath>,
        nar: &Hash,
    ) -> Result<bool, LocalStoreError> {
        let real = self.real_path(path);
        let recomputed = match ca {
            Some(ContentAddress::Text(_)) => {
                let Ok(bytes) = fs::read(&real) else {
                    return Ok(false);
                };
                ContentAddress::Text(Hash::digest(HashAlgo::Sha256, bytes))
            }
            Some(ContentAddress::Fixed(FileIngestionMethod::Recursive, h))
                if h.algo() == HashAlgo::Sha256 =>
            {
                ContentAddress::Fixed(FileIngestionMethod::Recursive, nar.clone())
            }
            Some(ContentAddress::Fixed(method, h)) => {
                let actual = match method {
                    FileIngestionMethod::Flat => Hash::of_file(h.algo(), &real).ok(),
                    FileIngestionMethod::Recursive => {
                        crate::store::nar::nar_hash_with(h.algo(), &real)
                            .ok()
                            .map(|(h, _)| h)
                    }
                };
                match actual {
                    Some(a) => ContentAddress::Fixed(*method, a),
                    None => return Ok(false),
                }
            }
            None => return Ok(false),
        };
        let name = path.name();
        Ok(recomputed
            .store_path(self.store_dir(), name, references)
            .ok()
            .as_ref()
            == Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn finds_a_modified_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut s = LocalStore::open_relocated(tmp.path()).expect("open");
        let p = s.add_text("t", b"hello", &BTreeSet::new()).expect("add");
        assert!(s.verify(true, false).expect("verify").is_empty());
        let real = s.real_path(&p);
        fs::set_permissions(&real, fs::Permissions::from_mode(0o644)).expect("chmod");
        fs::write(&real, b"HELLO").expect("corrupt");
        let problems = s.verify(true, true).expect("verify");
        assert!(
            matches!(&problems[..], [Problem::Modified { path, repaired: false, .. }] if *path == p),
            "{problems:?}"
        );
    }
}
