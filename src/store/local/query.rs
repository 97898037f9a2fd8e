//! Queries over the reference graph: closures, topological order, the `--tree`
//! rendering and `why-depends` chains.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fs;
use std::path::Path;

use super::LocalStore;
use super::closure::ClosureGraph;
use super::error::{LocalStoreError, io_error};
use crate::store::path::StorePath;

impl LocalStore {
    /// `paths` and everything they refer to, transitively.
    pub fn closure(&self, paths: &[StorePath]) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        Ok(self
            .closure_graph(paths)?
            .into_paths()
            .into_iter()
            .collect())
    }

    /// The closure of `paths` with the references of each member (an error names the
    /// first path that is not valid).
    pub fn closure_graph(&self, paths: &[StorePath]) -> Result<ClosureGraph, LocalStoreError> {
        let mut graph = ClosureGraph::new();
        let mut roots = BTreeSet::new();
        for p in paths {
            if !roots.insert(p) {
                continue;
            }
            if !self.db().add_closure(p, &mut graph)? {
                return Err(LocalStoreError::NotValid(self.store_dir().display(p)));
            }
        }
        Ok(graph)
    }

    /// `nix-store --query --requisites`: the closure of `paths`, every path before the
    /// paths referring to it.
    pub fn requisites(&self, paths: &[StorePath]) -> Result<Vec<StorePath>, LocalStoreError> {
        Ok(self.closure_graph(paths)?.requisites())
    }

    /// `paths` and every valid path referring to them, transitively.
    pub fn referrers_closure(
        &self,
        paths: &[StorePath],
    ) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let mut done = BTreeSet::new();
        let mut todo: Vec<StorePath> = paths.to_vec();
        while let Some(p) = todo.pop() {
            if done.insert(p.clone()) {
                todo.extend(self.db().referrers(&p)?);
            }
        }
        Ok(done)
    }

    /// Nix's `topoSortPaths`: `paths` ordered so that referrers come before the paths
    /// they refer to (only references within `paths` count).
    pub fn topo_sort(
        &self,
        paths: &BTreeSet<StorePath>,
    ) -> Result<Vec<StorePath>, LocalStoreError> {
        let mut refs = HashMap::new();
        for p in paths {
            refs.insert(p.clone(), self.db().references(p)?);
        }
        Ok(topo_sort_with(paths, &refs))
    }

    /// The lines of `nix-store --query --tree path`.
    pub fn tree(&self, path: &StorePath) -> Result<Vec<String>, LocalStoreError> {
        let mut out = Vec::new();
        let mut done = BTreeSet::new();
        self.tree_node(path, "", "", &mut done, &mut out)?;
        Ok(out)
    }

    fn tree_node(
        &self,
        path: &StorePath,
        first_pad: &str,
        tail_pad: &str,
        done: &mut BTreeSet<StorePath>,
        out: &mut Vec<String>,
    ) -> Result<(), LocalStoreError> {
        let shown = self.store_dir().display(path);
        if !done.insert(path.clone()) {
            out.push(format!("{first_pad}{shown} [...]"));
            return Ok(());
        }
        out.push(format!("{first_pad}{shown}"));
        let refs = self.path_info(path)?.references;
        let mut sorted = self.topo_sort(&refs)?;
        sorted.reverse();
        let n = sorted.len();
        for (i, r) in sorted.iter().enumerate() {
            let last = i + 1 == n;
            let first = format!("{tail_pad}{}", if last { "└───" } else { "├───" });
            let tail = format!("{tail_pad}{}", if last { "    " } else { "│   " });
            self.tree_node(r, &first, &tail, done, out)?;
        }
        Ok(())
    }

    /// A shortest reference chain from `from` to `to` (both included), or `None` when
    /// `from` does not depend on `to`.
    pub fn dependency_chain(
        &self,
        from: &StorePath,
        to: &StorePath,
    ) -> Result<Option<Vec<StorePath>>, LocalStoreError> {
        let mut parent: HashMap<StorePath, StorePath> = HashMap::new();
        let mut queue = VecDeque::from([from.clone()]);
        let mut seen = BTreeSet::from([from.clone()]);
        while let Some(p) = queue.pop_front() {
            if &p == to {
                let mut chain = vec![p.clone()];
                let mut cur = p;
                while let Some(prev) = parent.get(&cur) {
                    chain.push(prev.clone());
                    cur = prev.clone();
                }
                chain.reverse();
                return Ok(Some(chain));
            }
            for r in self.path_info(&p)?.references {
                if seen.insert(r.clone()) {
                    parent.insert(r.clone(), p.clone());
                    queue.push_back(r);
                }
            }
        }
        Ok(None)
    }

    /// The first file inside the object `referrer` whose contents (or symlink target)
    /// mention the hash part of `reference`, with some context around the hit:
    /// `(path inside the object, excerpt)`.
    pub fn find_reference(
        &self,
        referrer: &StorePath,
        reference: &StorePath,
    ) -> Result<Option<(String, String)>, LocalStoreError> {
        let root = self.real_path(referrer);
        find_in_tree(&root, &root, reference.hash_part().as_bytes())
    }
}

/// Topological sort of `paths` by the reference map `refs`: referrers first.
pub fn topo_sort_with(
    paths: &BTreeSet<StorePath>,
    refs: &HashMap<StorePath, BTreeSet<StorePath>>,
) -> Vec<StorePath> {
    fn visit(
        p: &StorePath,
        paths: &BTreeSet<StorePath>,
        refs: &HashMap<StorePath, BTreeSet<StorePath>>,
        visited: &mut BTreeSet<StorePath>,
        sorted: &mut Vec<StorePath>,
    ) {
        if !visited.insert(p.clone()) {
            return;
        }
        if let Some(rs) = refs.get(p) {
            for r in rs {
                if r != p && paths.contains(r) {
                    visit(r, paths, refs, visited, sorted);
                }
            }
        }
        sorted.push(p.clone());
    }
    let mut visited = BTreeSet::new();
    let mut sorted = Vec::new();
    for p in paths {
        visit(p, paths, refs, &mut visited, &mut sorted);
    }
    sorted.reverse();
    sorted
}

fn find_in_tree(
    root: &Path,
    path: &Path,
    needle: &[u8],
) -> Result<Option<(String, String)>, LocalStoreError> {
    let meta = fs::symlink_metadata(path).map_err(io_error("getting status of", path))?;
    let rel = || {
        let r = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        if r.is_empty() { ".".to_owned() } else { r }
    };
    let contents = if meta.is_dir() {
        let mut names: Vec<_> = fs::read_dir(path)
            .map_err(io_error("reading directory", path))?
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        for n in names {
            if let Some(hit) = find_in_tree(root, &path.join(n), needle)? {
                return Ok(Some(hit));
            }
        }
        return Ok(None);
    } else if meta.file_type().is_symlink() {
        fs::read_link(path)
            .map_err(io_error("reading", path))?
            .into_os_string()
            .into_encoded_bytes()
    } else {
        fs::read(path).map_err(io_error("reading", path))?
    };
    let Some(pos) = contents.windows(needle.len()).position(|w| w == needle) else {
        return Ok(None);
    };
    let start = pos.saturating_sub(30);
    let end = (pos + needle.len() + 30).min(contents.len());
    let excerpt: String = contents[start..end]
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    Ok(Some((rel(), format!("…{excerpt}…"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> StorePath {
        s.parse().expect("path")
    }

    #[test]
    fn topo_sort_puts_referrers_first() {
        let a = p("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
        let b = p("1c6kzph7l0dcbfmjap64f0czdafn3b7x-b");
        let c = p("2c6kzph7l0dcbfmjap64f0czdafn3b7x-c");
        let mut refs = HashMap::new();
        refs.insert(a.clone(), BTreeSet::from([b.clone(), a.clone()]));
        refs.insert(b.clone(), BTreeSet::from([c.clone()]));
        refs.insert(c.clone(), BTreeSet::new());
        let all = BTreeSet::from([a.clone(), b.clone(), c.clone()]);
        assert_eq!(topo_sort_with(&all, &refs), vec![a, b, c]);
    }

    #[test]
    fn tree_and_chain() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut s = LocalStore::open_relocated(tmp.path()).expect("open");
        let c = s.add_text("c", b"C", &BTreeSet::new()).expect("c");
        let shown_c = s.store_dir().display(&c);
        let b = s
            .add_text("b", shown_c.as_bytes(), &BTreeSet::from([c.clone()]))
            .expect("b");
        let a = s
            .add_text("a", b"A", &BTreeSet::from([b.clone(), c.clone()]))
            .expect("a");
        let lines = s.tree(&a).expect("tree");
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[3].ends_with("[...]"), "{lines:?}");
        let chain = s.dependency_chain(&b, &c).expect("chain").expect("depends");
        assert_eq!(chain, vec![b.clone(), c.clone()]);
        assert!(s.dependency_chain(&c, &a).expect("chain").is_none());
        let (file, excerpt) = s.find_reference(&b, &c).expect("scan").expect("hit");
        assert_eq!(file, ".");
        assert!(excerpt.contains(c.hash_part()));
    }
}
