//! The closure of some store paths as a compact graph: members numbered in the order the
//! database returned them, with each member's references as member numbers. Reading a
//! closure of 10,000 paths into it parses each path once, and ordering it touches only
//! integers (see [`ClosureGraph::requisites`]).

use std::collections::HashMap;

use crate::store::path::StorePath;

/// A closure: its members and, for each member, the members it refers to.
#[derive(Debug, Default)]
pub struct ClosureGraph {
    paths: Vec<StorePath>,
    refs: Vec<Vec<usize>>,
    /// Database row id → member number.
    by_row_id: HashMap<i64, usize>,
}

impl ClosureGraph {
    /// An empty graph.
    pub fn new() -> ClosureGraph {
        ClosureGraph::default()
    }

    /// The member with database row id `id`, if it was added.
    pub fn member_of_row(&self, id: i64) -> Option<usize> {
        self.by_row_id.get(&id).copied()
    }

    /// Adds the path with database row id `id` (with no references yet) and returns its
    /// member number.
    pub fn add_member(&mut self, id: i64, path: StorePath) -> usize {
        let n = self.paths.len();
        self.paths.push(path);
        self.refs.push(Vec::new());
        self.by_row_id.insert(id, n);
        n
    }

    /// Records that member `from` refers to member `to`.
    pub fn add_reference(&mut self, from: usize, to: usize) {
        self.refs[from].push(to);
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether the graph has no members.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The members, in no particular order.
    pub fn into_paths(self) -> Vec<StorePath> {
        self.paths
    }

    /// The members, every path before the paths referring to it — the order of
    /// `nix-store --query --requisites`: a depth-first walk from each member in path
    /// order, following references in path order, listing a member once all it refers
    /// to is listed (self-references ignored).
    pub fn requisites(self) -> Vec<StorePath> {
        let n = self.paths.len();
        let mut by_path: Vec<usize> = (0..n).collect();
        by_path.sort_unstable_by(|&a, &b| self.paths[a].cmp(&self.paths[b]));
        let mut rank = vec![0; n];
        for (r, &m) in by_path.iter().enumerate() {
            rank[m] = r;
        }
        let mut refs = self.refs;
        for (m, rs) in refs.iter_mut().enumerate() {
            rs.retain(|&r| r != m);
            rs.sort_unstable_by_key(|&r| rank[r]);
            rs.dedup();
        }
        let mut visited = vec![false; n];
        let mut order = Vec::with_capacity(n);
        // (member, how many of its references were walked)
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for &start in &by_path {
            if visited[start] {
                continue;
            }
            visited[start] = true;
            stack.push((start, 0));
            while let Some((m, next)) = stack.last_mut() {
                let m = *m;
                match refs[m].get(*next) {
                    Some(&r) => {
                        *next += 1;
                        if !visited[r] {
                            visited[r] = true;
                            stack.push((r, 0));
                        }
                    }
                    None => {
                        order.push(m);
                        stack.pop();
                    }
                }
            }
        }
        let mut paths: Vec<Option<StorePath>> = self.paths.into_iter().map(Some).collect();
        order.into_iter().filter_map(|m| paths[m].take()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> StorePath {
        s.parse().expect("path")
    }

    #[test]
    fn requisites_list_references_first_in_nix_order() {
        // Members added in an order unlike the path order, with a self-reference and
        // a diamond: a → {a, b, c}, b → {d}, c → {d}.
        let a = p("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
        let b = p("1c6kzph7l0dcbfmjap64f0czdafn3b7x-b");
        let c = p("2c6kzph7l0dcbfmjap64f0czdafn3b7x-c");
        let d = p("3c6kzph7l0dcbfmjap64f0czdafn3b7x-d");
        let mut g = ClosureGraph::new();
        let nd = g.add_member(4, d.clone());
        let nc = g.add_member(3, c.clone());
        let na = g.add_member(1, a.clone());
        let nb = g.add_member(2, b.clone());
        g.add_reference(na, nc);
        g.add_reference(na, na);
        g.add_reference(na, nb);
        g.add_reference(nb, nd);
        g.add_reference(nc, nd);
        assert_eq!(g.member_of_row(3), Some(nc));
        assert_eq!(g.len(), 4);
        assert_eq!(g.requisites(), vec![d, b, c, a]);
    }

    #[test]
    fn unrelated_members_come_in_path_order() {
        let a = p("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
        let b = p("1c6kzph7l0dcbfmjap64f0czdafn3b7x-b");
        let mut g = ClosureGraph::new();
        g.add_member(2, b.clone());
        g.add_member(1, a.clone());
        assert_eq!(g.requisites(), vec![a, b]);
    }
}
