//! The garbage collector: under `gc.lock`, the live paths are the closure of the roots
//! (permanent and temporary) — with the derivers of live outputs kept, as Nix's default
//! `keep-derivations = true` does — and every other valid path is dead. Deleting
//! removes a dead path's database rows (referrers first, in one transaction per run)
//! and then its files; unregistered leftovers in the store directory and unused
//! `.links` entries go too.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::fs;
use std::os::unix::fs::MetadataExt;

use super::LocalStore;
use super::error::{LocalStoreError, io_error};
use super::fsutil::remove_tree;
use super::gc_socket::RootsServer;
use super::lock::{HeldLock, LockKind};
use super::roots::Roots;
use super::temproots::{FoundTempRoots, find_temp_roots};
use crate::store::path::StorePath;

/// Dead paths invalidated in one transaction (clients announcing a root for one of them
/// wait until the chunk is gone).
const DELETION_CHUNK: usize = 256;

/// What a collection does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcAction {
    /// Only report the dead paths.
    PrintDead,
    /// Delete dead paths, stopping once `max_freed` bytes (if given) are freed.
    DeleteDead {
        /// Stop after freeing at least this many bytes.
        max_freed: Option<u64>,
    },
    /// Delete exactly these paths, refusing any that is alive.
    DeleteSpecific(Vec<StorePath>),
}

/// What a collection did.
#[derive(Debug, Default)]
pub struct GcResult {
    /// The dead paths (`PrintDead`) or the deleted paths.
    pub paths: Vec<StorePath>,
    /// Bytes freed.
    pub bytes_freed: u64,
}

/// The live paths and, for each, why it is alive.
pub struct Liveness {
    /// Live paths → the path that keeps it alive (`None`: it is a root).
    pub parent: BTreeMap<StorePath, Option<StorePath>>,
    /// Every root with where it comes from (links, `{temp:PID}`).
    pub roots: Roots,
}

impl Liveness {
    /// Why `path` is alive, as a sentence fragment, or `None` when it is dead.
    pub fn explain(&self, path: &StorePath, show: &dyn Fn(&StorePath) -> String) -> Option<String> {
        // `None` from the map: the path is dead; `Some(None)`: it is a root.
        let mut next = self.parent.get(path)?.as_ref();
        let mut chain = vec![path.clone()];
        while let Some(p) = next {
            chain.push(p.clone());
            next = self.parent.get(p).and_then(|n| n.as_ref());
        }
        let root = chain.last()?;
        let links: Vec<String> = self
            .roots
            .get(root)
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default();
        let from = if links.is_empty() {
            String::new()
        } else {
            format!(" (from {})", links.join(", "))
        };
        if chain.len() == 1 {
            return Some(format!("it is a GC root{from}"));
        }
        let shown: Vec<String> = chain.iter().rev().map(show).collect();
        Some(format!(
            "it is reachable from the GC root '{}'{from} through '{}'",
            shown[0],
            shown[1..].join("' -> '")
        ))
    }
}

impl LocalStore {
    /// All roots: permanent ones and the temporary roots of running processes.
    pub fn all_roots(&self) -> Result<Roots, LocalStoreError> {
        Ok(self.all_roots_locked()?.0)
    }

    /// Like [`LocalStore::all_roots`], also returning the temporary roots found.
    fn all_roots_locked(&self) -> Result<(Roots, FoundTempRoots), LocalStoreError> {
        let mut roots = self.find_roots()?;
        let temp = find_temp_roots(self.layout())?;
        for (file, root) in &temp.sources {
            if let Ok((p, _)) = self.store_dir().split_path(root)
                && self.db().is_valid(&p)?
            {
                let pid = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                roots
                    .entry(p)
                    .or_default()
                    .insert(format!("{{temp:{pid}}}"));
            }
        }
        Ok((roots, temp))
    }

    /// Computes which valid paths are live, given the roots.
    pub fn liveness(&self, roots: Roots) -> Result<Liveness, LocalStoreError> {
        let mut parent: BTreeMap<StorePath, Option<StorePath>> = BTreeMap::new();
        let mut queue = VecDeque::new();
        for r in roots.keys() {
            parent.insert(r.clone(), None);
            queue.push_back(r.clone());
        }
        while let Some(p) = queue.pop_front() {
            let Some(info) = self.db().path_info(&p)? else {
                continue;
            };
            let mut next: Vec<StorePath> = info.references.into_iter().collect();
            // keep-derivations: the deriver of a live output stays.
            if let Some(d) = info.deriver
                && self.db().is_valid(&d)?
                && self.db().derivation_outputs(&d)?.contains(&p)
            {
                next.push(d);
            }
            for n in next {
                if !parent.contains_key(&n) {
                    parent.insert(n.clone(), Some(p.clone()));
                    queue.push_back(n);
                }
            }
        }
        Ok(Liveness { parent, roots })
    }

    /// Runs a garbage collection (serialised with others by `gc.lock`).
    pub fn collect_garbage(&mut self, action: &GcAction) -> Result<GcResult, LocalStoreError> {
        let _gc_lock = HeldLock::acquire(&self.layout().gc_lock(), LockKind::Write)?;
        // From now on no process can append to its roots file (that takes a shared lock
        // on `gc.lock`): new roots come through the socket, served until the end.
        let server = RootsServer::start(self.layout())?;
        let (roots, temp) = self.all_roots_locked()?;
        let live = self.liveness(roots)?;
        let valid = self.db().all_valid_paths()?;
        let dead: BTreeSet<StorePath> = match action {
            GcAction::DeleteSpecific(paths) => {
                for p in paths {
                    if !valid.contains(p) {
                        return Err(LocalStoreError::NotValid(self.store_dir().display(p)));
                    }
                    if let Some(why) = live.explain(p, &|x| self.store_dir().display(x)) {
                        return Err(LocalStoreError::StillAlive {
                            path: self.store_dir().display(p),
                            reason: why,
                        });
                    }
                }
                paths.iter().cloned().collect()
            }
            _ => valid
                .iter()
                .filter(|p| !live.parent.contains_key(*p))
                .cloned()
                .collect(),
        };
        let order = self.topo_sort(&dead)?;
        if *action == GcAction::PrintDead {
            return Ok(GcResult {
                paths: dead.into_iter().collect(),
                bytes_freed: 0,
            });
        }
        let max_freed = match action {
            GcAction::DeleteDead { max_freed } => *max_freed,
            _ => None,
        };
        // Choose the batch (by recorded NAR size) before touching anything.
        let mut batch = Vec::new();
        let mut planned = 0u64;
        for p in order {
            if max_freed.is_some_and(|m| planned >= m) {
                break;
            }
            planned += self.db().path_info(&p)?.map(|i| i.nar_size).unwrap_or(0);
            batch.push(p);
        }
        crate::testhook::pause("gc-before-delete");
        let mut result = GcResult::default();
        let mut keep = HashSet::new();
        for chunk in batch.chunks(DELETION_CHUNK) {
            self.delete_chunk(chunk, &server, &mut keep, &mut result)?;
        }
        if matches!(action, GcAction::DeleteDead { max_freed: None }) {
            result.bytes_freed += self.delete_unregistered(&live, &temp, &server)?;
        }
        if !matches!(action, GcAction::PrintDead) {
            result.bytes_freed += self.remove_unused_links()?;
        }
        Ok(result)
    }

    /// Invalidates and deletes the paths of `chunk` (referrers first) that no client of
    /// `server` announced as a root meanwhile, nor a path kept before refers to.
    fn delete_chunk(
        &mut self,
        chunk: &[StorePath],
        server: &RootsServer,
        keep: &mut HashSet<StorePath>,
        result: &mut GcResult,
    ) -> Result<(), LocalStoreError> {
        let mut lookup_error = None;
        let deletable =
            server.begin_deletion(chunk, keep, &mut |p| match self.db().references(p) {
                Ok(refs) => refs.into_iter().collect(),
                Err(e) => {
                    lookup_error = Some(e);
                    Vec::new()
                }
            });
        let outcome = (|| {
            if let Some(e) = lookup_error {
                return Err(e);
            }
            self.db_mut().invalidate(&deletable)?;
            for p in &deletable {
                eprintln!("deleting '{}'", self.store_dir().display(p));
                result.bytes_freed += remove_tree(&self.real_path(p))?;
            }
            Ok(())
        })();
        server.end_deletion();
        outcome?;
        result.paths.extend(deletable);
        Ok(())
    }

    /// Deletes store directory entries named like store paths that are not valid, not
    /// live (temporary roots) and not being added (no lock file next to them).
    fn delete_unregistered(
        &self,
        live: &Liveness,
        temp: &FoundTempRoots,
        server: &RootsServer,
    ) -> Result<u64, LocalStoreError> {
        let dir = self.layout().real_store_dir();
        let mut freed = 0;
        let entries = fs::read_dir(&dir).map_err(io_error("reading directory", &dir))?;
        for entry in entries {
            let entry = entry.map_err(io_error("reading directory", &dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(p) = StorePath::from_base_name(&name) else {
                continue;
            };
            // Lock files and objects being added (next to their lock file) stay.
            if name.ends_with(".lock") || dir.join(format!("{name}.lock")).exists() {
                continue;
            }
            if live.parent.contains_key(&p)
                || temp.roots.contains(&self.store_dir().display(&p))
                || self.db().is_valid(&p)?
            {
                continue;
            }
            let mut keep = HashSet::new();
            if server
                .begin_deletion(std::slice::from_ref(&p), &mut keep, &mut |_| Vec::new())
                .is_empty()
            {
                continue;
            }
            eprintln!("deleting '{}'", self.store_dir().display(&p));
            let removed = remove_tree(&entry.path());
            server.end_deletion();
            freed += removed?;
        }
        Ok(freed)
    }

    /// Removes `.links` entries no store file links to any more.
    pub fn remove_unused_links(&self) -> Result<u64, LocalStoreError> {
        let dir = self.layout().links_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_error("reading directory", &dir)(e)),
        };
        let mut freed = 0;
        for entry in entries {
            let entry = entry.map_err(io_error("reading directory", &dir))?;
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).map_err(io_error("getting status of", &path))?;
            if meta.nlink() == 1 {
                fs::remove_file(&path).map_err(io_error("deleting", &path))?;
                freed += meta.blocks() * 512;
            }
        }
        Ok(freed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::local::layout::StoreLayout;

    #[test]
    fn collects_exactly_the_dead_paths() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("s");
        let mut s = LocalStore::open_relocated(&root).expect("open");
        let dep = s.add_text("dep", b"d", &BTreeSet::new()).expect("dep");
        let top = s
            .add_text("top", b"t", &BTreeSet::from([dep.clone()]))
            .expect("top");
        let junk = s.add_text("junk", b"j", &BTreeSet::new()).expect("junk");
        drop(s);
        crate::store::local::temproots::release_temp_roots(&StoreLayout::relocated(&root));
        let link = root.join("nix/var/nix/gcroots/top");
        std::os::unix::fs::symlink(format!("/nix/store/{}", top.base_name()), &link).expect("link");
        let mut s = LocalStore::open_relocated(&root).expect("open");
        let dead = s.collect_garbage(&GcAction::PrintDead).expect("gc");
        assert_eq!(dead.paths, vec![junk.clone()]);
        let e = s
            .collect_garbage(&GcAction::DeleteSpecific(vec![dep.clone()]))
            .expect_err("dep is alive");
        assert!(e.to_string().contains("gcroots/top"), "{e}");
        let r = s
            .collect_garbage(&GcAction::DeleteDead { max_freed: None })
            .expect("gc");
        assert_eq!(r.paths, vec![junk.clone()]);
        assert!(!s.real_path(&junk).exists());
        assert!(s.real_path(&dep).exists());
        assert!(s.db().is_valid(&top).expect("q"));
    }

    #[test]
    fn temporary_roots_of_this_process_keep_paths() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut s = LocalStore::open_relocated(tmp.path()).expect("open");
        let p = s.add_text("fresh", b"f", &BTreeSet::new()).expect("add");
        let r = s
            .collect_garbage(&GcAction::DeleteDead { max_freed: None })
            .expect("gc");
        assert!(r.paths.is_empty());
        assert!(s.db().is_valid(&p).expect("q"));
        let roots = s.all_roots().expect("roots");
        let links = roots.get(&p).expect("rooted");
        assert!(links.iter().all(|l| l.starts_with("{temp:")), "{links:?}");
    }
}
