//! Substituting instead of building: before the scheduler runs, every derivation of the
//! plan whose outputs are invalid is looked up in the binary caches, from the requested
//! derivations down. One whose outputs (with their runtime closures) are all in a cache is
//! fetched, and what only it needed to be built is dropped from the plan; the others are
//! built as usual. A cache that fails or lies (bad signature, NAR hash, truncated NAR)
//! costs a warning and the derivation is built instead.

use std::collections::{HashMap, HashSet};

use super::db_store::DbStore;
use super::error::{BuildError, BuildResult};
use super::graph::{Node, Plan, load_plan};
use super::progress::Progress;
use super::realise::output_paths;
use super::store::BuildStore;
use crate::cache::{SignaturePolicy, Substitute, Substituters};
use crate::store::path::StorePath;

/// A plan with substitution: what to fetch first, then what to build.
#[derive(Debug, Clone, Default)]
pub struct SubstitutedPlan {
    /// Derivations that still need building (dependencies remapped).
    pub build: Plan,
    /// Paths to fetch, every one after its references.
    pub fetch: Vec<Substitute>,
}

impl SubstitutedPlan {
    /// Bytes to download (file sizes, or NAR sizes where a cache gives none) and to
    /// unpack (NAR sizes).
    pub fn fetch_sizes(&self) -> (u64, u64) {
        self.fetch.iter().fold((0, 0), |(d, u), s| {
            (
                d + s.info.file_size.unwrap_or(s.info.nar_size),
                u + s.info.nar_size,
            )
        })
    }
}

/// Decides what of `plan` (loaded for the derivations `roots`) is fetched from `subs`.
pub fn plan_substitution(
    store: &DbStore,
    plan: Plan,
    roots: &[StorePath],
    subs: &mut Substituters,
) -> BuildResult<SubstitutedPlan> {
    let index: HashMap<&StorePath, usize> = plan
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (&n.path, i))
        .collect();
    let mut keep = vec![false; plan.nodes.len()];
    let mut fetched = vec![false; plan.nodes.len()];
    let mut fetch: Vec<Substitute> = Vec::new();
    let mut seen_paths = HashSet::new();
    let mut todo: Vec<usize> = roots.iter().filter_map(|r| index.get(r).copied()).collect();
    todo.reverse();
    while let Some(i) = todo.pop() {
        if keep[i] || fetched[i] {
            continue;
        }
        let node = &plan.nodes[i];
        let shown = store.store_dir().display(&node.path);
        let outputs: Vec<StorePath> = output_paths(&node.drv, &shown)?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let closure = store
            .with_store(|s| subs.closure(s, &outputs))?
            .map_err(|e| BuildError::Cache(Box::new(e)))?;
        match closure {
            Some(list) => {
                fetched[i] = true;
                for sub in list {
                    if seen_paths.insert(sub.info.path.clone()) {
                        fetch.push(sub);
                    }
                }
            }
            None => {
                keep[i] = true;
                todo.extend(node.deps.iter().rev());
            }
        }
    }
    Ok(SubstitutedPlan {
        build: retain(plan, &keep),
        fetch,
    })
}

/// The plan with only the nodes marked in `keep`; dependencies on dropped nodes (fetched
/// instead) are removed.
fn retain(plan: Plan, keep: &[bool]) -> Plan {
    let mut new_index = vec![None; plan.nodes.len()];
    let mut n = 0;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            new_index[i] = Some(n);
            n += 1;
        }
    }
    let nodes: Vec<Node> = plan
        .nodes
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(_, mut node)| {
            node.deps = node.deps.iter().filter_map(|&d| new_index[d]).collect();
            node
        })
        .collect();
    Plan {
        nodes,
        valid: plan.valid,
        loaded: plan.loaded,
    }
}

/// Plans and performs substitution for `roots`: fetches what the caches have and returns
/// the plan of what is left to build. A fetch that fails is reported as a warning, the
/// path is not asked of the caches again, and planning starts over from the store's new
/// state. With `dry_run`, nothing is fetched.
pub fn substitute_plan(
    store: &DbStore,
    roots: &[StorePath],
    subs: &mut Substituters,
    policy: &SignaturePolicy,
    dry_run: bool,
) -> BuildResult<SubstitutedPlan> {
    let progress = (!dry_run).then(|| Progress::new(0));
    let result = plan_and_fetch(store, roots, subs, policy, progress.as_ref());
    if let Some(p) = progress {
        p.finish();
    }
    result
}

/// [`substitute_plan`], fetching (with download progress) unless `progress` is `None`.
fn plan_and_fetch(
    store: &DbStore,
    roots: &[StorePath],
    subs: &mut Substituters,
    policy: &SignaturePolicy,
    progress: Option<&Progress>,
) -> BuildResult<SubstitutedPlan> {
    loop {
        let plan = load_plan(store, roots)?;
        let planned = plan_substitution(store, plan, roots, subs)?;
        let Some(progress) = progress.filter(|_| !planned.fetch.is_empty()) else {
            return Ok(planned);
        };
        let mut failed = None;
        for sub in &planned.fetch {
            let cache = subs.cache_of(sub);
            progress.println(&format!(
                "copying path '{}' from '{}'...",
                store.store_dir().display(&sub.info.path),
                cache.url()
            ));
            let id = progress.download_started(&cache.nar_url(&sub.info));
            let mut received = 0;
            let result = store.with_store(|s| {
                subs.fetch(s, sub, policy, &mut |done, total| {
                    received = done;
                    progress.download_progress(id, done, total);
                })
            })?;
            progress.download_finished(id, result.is_ok().then_some(received));
            if let Err(e) = result {
                progress.println(&format!("warning: {e}; building it instead"));
                failed = Some(sub.info.path.clone());
                break;
            }
        }
        match failed {
            None => {
                return Ok(SubstitutedPlan {
                    build: planned.build,
                    fetch: Vec::new(),
                });
            }
            Some(path) => subs.exclude(&path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::derivation::Derivation;

    fn node(name: &str, deps: Vec<usize>) -> Node {
        let path =
            StorePath::from_base_name(&format!("{}-{name}.drv", "0".repeat(32))).expect("path");
        Node {
            path,
            drv: Derivation::default(),
            inputs: Default::default(),
            deps,
        }
    }

    #[test]
    fn dropping_fetched_nodes_remaps_dependencies() {
        // 0 <- 1 <- 2, and 3 <- 2: node 1 is fetched, so 2 depends only on 3.
        let plan = Plan {
            nodes: vec![
                node("a", vec![]),
                node("b", vec![0]),
                node("c", vec![1, 3]),
                node("d", vec![]),
            ],
            ..Plan::default()
        };
        let kept = retain(plan, &[false, false, true, true]);
        let names: Vec<&str> = kept.nodes.iter().map(|n| n.path.name()).collect();
        assert_eq!(names, ["c.drv", "d.drv"]);
        assert_eq!(kept.nodes[0].deps, [1]);
        assert!(kept.nodes[1].deps.is_empty());
    }
}
