//! Dependency resolution over an [`Index`].
//!
//! Each package's direct dependencies are a pure function of the index: for every group of
//! its `Pre-Depends` and `Depends`, the first alternative that has a candidate, where a
//! candidate is the highest version of a real package of that name meeting the constraint,
//! else a package providing the name (a versioned constraint needs a versioned provide),
//! preferring higher `Priority`, then the name. Architecture qualifiers (`:any`, `:native`)
//! are accepted; the index holds one architecture (plus `all`).
//!
//! Debian's dependency graph has cycles (libc6 and libgcc-s1 depend on each other).
//! Derivations cannot, so the graph is cut into strongly connected components (Tarjan's
//! algorithm, run lazily from the package asked for): every component becomes one
//! [`Unit`], built as one derivation, depending on the units of the components below it.

use super::index::{EntryId, Fld, Index};
use super::relation::{Relation, parse_field};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Why a package cannot be resolved: the chain of packages from the one asked for to the
/// one with the unsatisfiable dependency, and that dependency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ResolveError {
    /// Package names from the root to the one whose dependency fails.
    pub chain: Vec<String>,
    /// The dependency group as written (`libfoo (>= 2) | libbar`).
    pub dependency: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsatisfiable dependency: {} -> {}: {}",
            self.chain.join(" -> "),
            self.dependency,
            self.reason
        )
    }
}

/// A dependency group of one package that no package satisfies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsatisfied {
    /// The group as written (`libfoo (>= 2) | libbar`).
    pub dependency: String,
    /// Why no alternative is satisfiable.
    pub reason: String,
}

/// The chosen direct dependencies of a package, or why there are none.
pub type Direct = Result<Rc<[EntryId]>, Unsatisfied>;

/// A strongly connected component of the dependency graph: built as one derivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The members, sorted by name; the first one names the unit.
    pub members: Vec<EntryId>,
    /// The units this one depends on (by their first member), sorted by name, no
    /// duplicates, never this unit itself.
    pub deps: Vec<EntryId>,
}

/// Resolves packages of one index, remembering every answer.
pub struct Resolver {
    index: Rc<Index>,
    direct: RefCell<FxHashMap<EntryId, Direct>>,
    unit_of: RefCell<FxHashMap<EntryId, EntryId>>,
    units: RefCell<FxHashMap<EntryId, Rc<Unit>>>,
}

impl Resolver {
    /// A resolver over `index`.
    pub fn new(index: Rc<Index>) -> Self {
        Resolver {
            index,
            direct: RefCell::default(),
            unit_of: RefCell::default(),
            units: RefCell::default(),
        }
    }

    /// The index resolved against.
    pub fn index(&self) -> &Rc<Index> {
        &self.index
    }

    /// The chosen direct dependencies of `id` (Pre-Depends first, then Depends, in field
    /// order, without duplicates); on failure, the failing group and the reason.
    pub fn direct(&self, id: EntryId) -> Direct {
        if let Some(r) = self.direct.borrow().get(&id) {
            return r.clone();
        }
        let r = self.compute_direct(id);
        self.direct.borrow_mut().insert(id, r.clone());
        r
    }

    fn compute_direct(&self, id: EntryId) -> Direct {
        let ix = &*self.index;
        let mut out: Vec<EntryId> = Vec::new();
        for field in [Fld::PreDepends, Fld::Depends] {
            let text = ix.get(id, field);
            let groups = parse_field(text).map_err(|e| Unsatisfied {
                dependency: text.to_owned(),
                reason: e.to_string(),
            })?;
            for group in groups {
                match group.iter().find_map(|rel| self.candidate(rel)) {
                    Some(dep) => {
                        if dep != id && !out.contains(&dep) {
                            out.push(dep);
                        }
                    }
                    None => {
                        let written = group
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(" | ");
                        let reason = self.why_unsatisfied(&group);
                        return Err(Unsatisfied {
                            dependency: written,
                            reason,
                        });
                    }
                }
            }
        }
        Ok(out.into())
    }

    /// The entry satisfying one alternative, if any.
    pub fn candidate(&self, rel: &Relation<'_>) -> Option<EntryId> {
        let ix = &*self.index;
        if let Some(arch) = rel.arch
            && !matches!(arch, "any" | "native")
            && !ix
                .named(rel.name)
                .iter()
                .any(|id| ix.get(*id, Fld::Architecture) == arch)
        {
            return None;
        }
        if let Some(id) = ix
            .named(rel.name)
            .iter()
            .copied()
            .find(|id| rel.accepts(ix.version(*id)))
        {
            return Some(id);
        }
        ix.providers(rel.name)
            .iter()
            .filter(|p| match (&rel.constraint, &p.version) {
                (None, _) => true,
                (Some(_), Some(v)) => rel.accepts(v),
                (Some(_), None) => false,
            })
            .min_by(|a, b| {
                priority_rank(ix.get(a.entry, Fld::Priority))
                    .cmp(&priority_rank(ix.get(b.entry, Fld::Priority)))
                    .then_with(|| ix.name(a.entry).cmp(ix.name(b.entry)))
                    .then_with(|| super::version::compare(ix.version(b.entry), ix.version(a.entry)))
            })
            .map(|p| p.entry)
    }

    fn why_unsatisfied(&self, group: &[Relation<'_>]) -> String {
        let ix = &*self.index;
        let reasons: Vec<String> = group
            .iter()
            .map(|rel| {
                let versions: Vec<&str> = ix
                    .named(rel.name)
                    .iter()
                    .map(|id| ix.version(*id))
                    .collect();
                if !versions.is_empty() {
                    format!(
                        "{} has version {} only, which does not satisfy {}",
                        rel.name,
                        versions.join(", "),
                        rel
                    )
                } else if !ix.providers(rel.name).is_empty() {
                    format!("no provider of {} satisfies {}", rel.name, rel)
                } else {
                    let suggestions = super::suggest(ix, rel.name);
                    if suggestions.is_empty() {
                        format!("no package {} in the index", rel.name)
                    } else {
                        format!(
                            "no package {} in the index (did you mean {}?)",
                            rel.name,
                            suggestions.join(", ")
                        )
                    }
                }
            })
            .collect();
        reasons.join("; ")
    }

    /// The unit (strongly connected component) `id` belongs to, resolving everything it
    /// depends on.
    pub fn unit(&self, id: EntryId) -> Result<Rc<Unit>, ResolveError> {
        if let Some(u) = self.unit_of_cached(id) {
            return Ok(u);
        }
        self.tarjan(id)?;
        self.unit_of_cached(id).ok_or_else(|| ResolveError {
            chain: vec![self.index.name(id).to_owned()],
            dependency: String::new(),
            reason: "internal error: no component computed".to_owned(),
        })
    }

    fn unit_of_cached(&self, id: EntryId) -> Option<Rc<Unit>> {
        let rep = *self.unit_of.borrow().get(&id)?;
        self.units.borrow().get(&rep).cloned()
    }

    /// Every entry `id` needs, itself included, in no particular order.
    pub fn closure(&self, id: EntryId) -> Result<Vec<EntryId>, ResolveError> {
        let mut seen = vec![id];
        let mut todo = vec![self.unit(id)?];
        let mut done_units = Vec::new();
        while let Some(u) = todo.pop() {
            if done_units.contains(&u.members[0]) {
                continue;
            }
            done_units.push(u.members[0]);
            for m in &u.members {
                if !seen.contains(m) {
                    seen.push(*m);
                }
            }
            for d in &u.deps {
                todo.push(self.unit(*d)?);
            }
        }
        Ok(seen)
    }

    /// Tarjan's strongly connected components from `root`, iteratively; entries already
    /// in a unit are complete and skipped.
    fn tarjan(&self, root: EntryId) -> Result<(), ResolveError> {
        struct Frame {
            id: EntryId,
            deps: Rc<[EntryId]>,
            next: usize,
        }
        let mut order: FxHashMap<EntryId, (u32, u32)> = FxHashMap::default(); // index, lowlink
        let mut on_stack: Vec<EntryId> = Vec::new();
        let mut calls: Vec<Frame> = Vec::new();
        let mut counter = 0u32;
        let enter = |id: EntryId,
                     calls: &mut Vec<Frame>,
                     order: &mut FxHashMap<EntryId, (u32, u32)>,
                     on_stack: &mut Vec<EntryId>,
                     counter: &mut u32|
         -> Result<(), ResolveError> {
            let deps = self
                .direct(id)
                .map_err(|Unsatisfied { dependency, reason }| {
                    let mut chain: Vec<String> = calls
                        .iter()
                        .map(|f| self.index.name(f.id).to_owned())
                        .collect();
                    chain.push(self.index.name(id).to_owned());
                    ResolveError {
                        chain,
                        dependency,
                        reason,
                    }
                })?;
            order.insert(id, (*counter, *counter));
            *counter += 1;
            on_stack.push(id);
            calls.push(Frame { id, deps, next: 0 });
            Ok(())
        };
        enter(root, &mut calls, &mut order, &mut on_stack, &mut counter)?;
        while let Some(frame) = calls.last_mut() {
            if frame.next < frame.deps.len() {
                let dep = frame.deps[frame.next];
                frame.next += 1;
                let me = frame.id;
                if self.unit_of.borrow().contains_key(&dep) {
                    continue;
                }
                match order.get(&dep).copied() {
                    None => enter(dep, &mut calls, &mut order, &mut on_stack, &mut counter)?,
                    Some((dep_index, _)) => {
                        if on_stack.contains(&dep)
                            && let Some(e) = order.get_mut(&me)
                        {
                            e.1 = e.1.min(dep_index);
                        }
                    }
                }
                continue;
            }
            let Some(done) = calls.pop() else { break };
            let (index, low) = order.get(&done.id).copied().unwrap_or((0, 0));
            if let Some(parent) = calls.last()
                && let Some(p) = order.get_mut(&parent.id)
            {
                p.1 = p.1.min(low);
            }
            if index == low {
                let mut members = Vec::new();
                while let Some(m) = on_stack.pop() {
                    members.push(m);
                    if m == done.id {
                        break;
                    }
                }
                self.make_unit(members);
            }
        }
        Ok(())
    }

    fn make_unit(&self, mut members: Vec<EntryId>) {
        let ix = &*self.index;
        members.sort_by(|a, b| ix.name(*a).cmp(ix.name(*b)));
        let rep = members[0];
        {
            let mut unit_of = self.unit_of.borrow_mut();
            for m in &members {
                unit_of.insert(*m, rep);
            }
        }
        let mut deps: Vec<EntryId> = Vec::new();
        for m in &members {
            // Members' direct dependencies were computed by the search that found them.
            let direct = self.direct.borrow().get(m).cloned();
            if let Some(Ok(direct)) = direct {
                for d in direct.iter() {
                    let dep_rep = self.unit_of.borrow().get(d).copied().unwrap_or(*d);
                    if dep_rep != rep && !deps.contains(&dep_rep) {
                        deps.push(dep_rep);
                    }
                }
            }
        }
        deps.sort_by(|a, b| ix.name(*a).cmp(ix.name(*b)));
        self.units
            .borrow_mut()
            .insert(rep, Rc::new(Unit { members, deps }));
    }
}

/// Lower is more important: `required` first, unknown last.
fn priority_rank(priority: &str) -> u8 {
    match priority {
        "required" => 0,
        "important" => 1,
        "standard" => 2,
        "optional" => 3,
        "extra" => 4,
        _ => 5,
    }
}
