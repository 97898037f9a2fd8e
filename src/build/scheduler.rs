//! Building a [`Plan`]: up to `max_jobs` builds at once (threads), each derivation after
//! its dependencies; after a failure, either stop starting builds (the running ones
//! finish) or, with `keep_going`, go on with everything not depending on it.

use std::collections::VecDeque;
use std::sync::mpsc;

use super::error::{BuildError, BuildResult};
use super::graph::{Plan, topo_order};
use super::progress::Progress;
use super::realise::{BuildConfig, BuildTask, Realised, realise};
use super::store::BuildStore;

/// Scheduling options.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Builds running at once (at least 1).
    pub max_jobs: usize,
    /// Go on building what does not depend on a failed build.
    pub keep_going: bool,
    /// How each build runs.
    pub build: BuildConfig,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Derivations built.
    pub built: usize,
    /// Derivations another process built meanwhile.
    pub already_valid: usize,
}

/// Builds every node of `plan`.
pub fn build_plan(
    store: &dyn BuildStore,
    plan: &Plan,
    opts: &SchedulerOptions,
    progress: &Progress,
) -> BuildResult<Summary> {
    let n = plan.nodes.len();
    let deps: Vec<Vec<usize>> = plan.nodes.iter().map(|node| node.deps.clone()).collect();
    let names: Vec<String> = plan
        .nodes
        .iter()
        .map(|node| store.store_dir().display(&node.path))
        .collect();
    let order = topo_order(&deps, &names)?;
    let mut rank = vec![0usize; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let mut pending: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents[d].push(i);
        }
    }
    let mut ready: VecDeque<usize> = order.iter().copied().filter(|&i| pending[i] == 0).collect();
    let mut blocked = vec![false; n];
    let mut failures = Vec::new();
    let mut summary = Summary::default();
    let max_jobs = opts.max_jobs.max(1);

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, BuildResult<Realised>)>();
        let mut running = 0usize;
        let mut stopped = false;
        loop {
            while running < max_jobs && !stopped {
                let Some(i) = ready.pop_front() else { break };
                let node = &plan.nodes[i];
                let tx = tx.clone();
                running += 1;
                scope.spawn(move || {
                    let task = BuildTask {
                        drv_path: &node.path,
                        drv: &node.drv,
                        inputs: &node.inputs,
                    };
                    let _ = tx.send((i, realise(store, &opts.build, progress, &task)));
                });
            }
            if running == 0 {
                break;
            }
            let Ok((i, result)) = rx.recv() else { break };
            running -= 1;
            match result {
                Ok(r) => {
                    match r {
                        Realised::Built => summary.built += 1,
                        Realised::AlreadyValid => summary.already_valid += 1,
                    }
                    let mut newly: Vec<usize> = Vec::new();
                    for &d in &dependents[i] {
                        pending[d] -= 1;
                        if pending[d] == 0 && !blocked[d] {
                            newly.push(d);
                        }
                    }
                    newly.sort_by_key(|&d| rank[d]);
                    ready.extend(newly);
                }
                Err(e) => {
                    failures.push(e);
                    if opts.keep_going {
                        for d in block_dependents(i, &dependents, &mut blocked) {
                            progress.println(&format!(
                                "note: not building '{}': a dependency failed",
                                names[d]
                            ));
                        }
                    } else {
                        stopped = true;
                    }
                }
            }
        }
    });

    match failures.len() {
        0 => Ok(summary),
        1 => Err(failures.remove(0)),
        _ => Err(BuildError::Many(failures)),
    }
}

/// Marks everything depending on `i` as blocked; returns the newly blocked nodes.
fn block_dependents(i: usize, dependents: &[Vec<usize>], blocked: &mut [bool]) -> Vec<usize> {
    let mut todo = vec![i];
    let mut newly = Vec::new();
    while let Some(n) = todo.pop() {
        for &d in &dependents[n] {
            if !blocked[d] {
                blocked[d] = true;
                newly.push(d);
                todo.push(d);
            }
        }
    }
    newly
}
