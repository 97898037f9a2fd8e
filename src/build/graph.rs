//! The derivation graph: loading the `.drv` files reachable from the requested ones
//! (descending only into derivations that need building) and ordering them.

use std::collections::{BTreeSet, HashMap};

use super::error::{BuildError, BuildResult};
use super::realise::output_paths;
use super::store::BuildStore;
use crate::store::derivation::Derivation;
use crate::store::path::StorePath;

/// A derivation that needs building.
#[derive(Debug, Clone)]
pub struct Node {
    /// The `.drv` path.
    pub path: StorePath,
    /// The parsed derivation.
    pub drv: Derivation,
    /// Direct inputs: input sources and the used outputs of input derivations.
    pub inputs: BTreeSet<StorePath>,
    /// Indices (in [`Plan::nodes`]) of input derivations that need building too.
    pub deps: Vec<usize>,
}

/// What realising the requested derivations takes.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Derivations to build, every one after its dependencies.
    pub nodes: Vec<Node>,
    /// Reached derivations whose outputs are all valid already.
    pub valid: Vec<StorePath>,
    /// Every loaded derivation.
    pub loaded: HashMap<StorePath, Derivation>,
}

enum State {
    Visiting,
    Done(Option<usize>),
}

struct Loader<'a> {
    store: &'a dyn BuildStore,
    plan: Plan,
    state: HashMap<StorePath, State>,
    stack: Vec<StorePath>,
}

/// Loads the graph below `roots`.
pub fn load_plan(store: &dyn BuildStore, roots: &[StorePath]) -> BuildResult<Plan> {
    let mut loader = Loader {
        store,
        plan: Plan::default(),
        state: HashMap::new(),
        stack: Vec::new(),
    };
    for root in roots {
        loader.visit(root)?;
    }
    Ok(loader.plan)
}

/// Reads and parses a `.drv` file.
pub fn read_derivation(store: &dyn BuildStore, path: &StorePath) -> BuildResult<Derivation> {
    let shown = store.store_dir().display(path);
    let bad = |message: String| BuildError::BadDerivation {
        drv: shown.clone(),
        message,
    };
    if !path.is_derivation() {
        return Err(bad("not a derivation (.drv) path".to_owned()));
    }
    let bytes = store.read(path)?;
    let name = path.name().trim_end_matches(".drv");
    Derivation::from_aterm_bytes(store.store_dir(), &bytes, name).map_err(|e| bad(e.to_string()))
}

impl Loader<'_> {
    fn load(&mut self, path: &StorePath) -> BuildResult<()> {
        if !self.plan.loaded.contains_key(path) {
            self.store.add_temp_root(path)?;
            let drv = read_derivation(self.store, path)?;
            self.plan.loaded.insert(path.clone(), drv);
        }
        Ok(())
    }

    fn visit(&mut self, path: &StorePath) -> BuildResult<Option<usize>> {
        match self.state.get(path) {
            Some(State::Done(r)) => return Ok(*r),
            Some(State::Visiting) => {
                let start = self.stack.iter().position(|p| p == path).unwrap_or(0);
                let mut names: Vec<String> = self.stack[start..]
                    .iter()
                    .map(|p| self.store.store_dir().display(p))
                    .collect();
                names.push(self.store.store_dir().display(path));
                return Err(BuildError::Cycle(names));
            }
            None => {}
        }
        self.load(path)?;
        let Some(drv) = self.plan.loaded.get(path).cloned() else {
            return Ok(None);
        };
        let shown = self.store.store_dir().display(path);
        let mut all_valid = true;
        for (_, out) in output_paths(&drv, &shown)? {
            // Rooted first: a valid output must not be collected before its user runs.
            self.store.add_temp_root(&out)?;
            all_valid &= self.store.is_valid(&out)?;
        }
        if all_valid {
            self.plan.valid.push(path.clone());
            self.state.insert(path.clone(), State::Done(None));
            return Ok(None);
        }
        self.state.insert(path.clone(), State::Visiting);
        self.stack.push(path.clone());
        let mut deps = Vec::new();
        let mut inputs: BTreeSet<StorePath> = drv.input_srcs.clone();
        for (input, outs) in &drv.input_drvs {
            if let Some(i) = self.visit(input)? {
                deps.push(i);
            }
            let Some(input_drv) = self.plan.loaded.get(input) else {
                continue;
            };
            for out in outs {
                match input_drv.outputs.get(out).and_then(|o| o.path.clone()) {
                    Some(p) => {
                        inputs.insert(p);
                    }
                    None => {
                        return Err(BuildError::BadDerivation {
                            drv: shown,
                            message: format!(
                                "input derivation '{}' has no output '{out}'",
                                self.store.store_dir().display(input)
                            ),
                        });
                    }
                }
            }
        }
        self.stack.pop();
        let index = self.plan.nodes.len();
        self.plan.nodes.push(Node {
            path: path.clone(),
            drv,
            inputs,
            deps,
        });
        self.state.insert(path.clone(), State::Done(Some(index)));
        Ok(Some(index))
    }
}

/// A topological order of nodes `0..deps.len()` (each after its `deps`), or the cycle
/// (named by `names`) that prevents one.
pub fn topo_order(deps: &[Vec<usize>], names: &[String]) -> BuildResult<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark = vec![Mark::New; deps.len()];
    let mut order = Vec::with_capacity(deps.len());
    for start in 0..deps.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next dependency index).
        let mut stack = vec![(start, 0usize)];
        mark[start] = Mark::Active;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let Some(&dep) = deps[node].get(top.1) else {
                mark[node] = Mark::Done;
                order.push(node);
                stack.pop();
                continue;
            };
            top.1 += 1;
            if dep >= deps.len() {
                continue;
            }
            match mark[dep] {
                Mark::Done => {}
                Mark::New => {
                    mark[dep] = Mark::Active;
                    stack.push((dep, 0));
                }
                Mark::Active => {
                    let from = stack.iter().position(|&(n, _)| n == dep).unwrap_or(0);
                    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| i.to_string());
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|&(n, _)| name(n)).collect();
                    cycle.push(name(dep));
                    return Err(BuildError::Cycle(cycle));
                }
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("d{i}")).collect()
    }

    #[test]
    fn orders_dependencies_first() -> BuildResult<()> {
        // 0 -> 1 -> 2, 0 -> 3 -> 2
        let deps = vec![vec![1, 3], vec![2], vec![], vec![2]];
        let order = topo_order(&deps, &names(4))?;
        let pos = |n: usize| order.iter().position(|&x| x == n);
        assert_eq!(order.len(), 4);
        for (n, ds) in deps.iter().enumerate() {
            for d in ds {
                assert!(pos(*d) < pos(n), "{d} before {n} in {order:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn reports_cycle_with_names() {
        let deps = vec![vec![1], vec![2], vec![0], vec![]];
        let err = topo_order(&deps, &names(4)).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("dependency cycle between derivations: d0 -> d1 -> d2 -> d0")
        );
        let self_loop = topo_order(&[vec![0]], &names(1))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            self_loop.as_deref(),
            Some("dependency cycle between derivations: d0 -> d0")
        );
    }
}

#[cfg(test)]
mod load_tests {
    use super::*;
    use crate::build::store::MarkerStore;
    use crate::store::derivation::DerivationOutput;
    use crate::store::path::StoreDir;
    use std::fs;

    fn drv(name: &str, out: &str, inputs: &[&StorePath]) -> Derivation {
        let mut d = Derivation {
            name: name.into(),
            system: "x86_64-linux".into(),
            builder: "/bin/sh".into(),
            ..Derivation::default()
        };
        let out = StorePath::from_base_name(out).ok();
        d.outputs
            .insert("out".into(), DerivationOutput::input_addressed(out));
        for i in inputs {
            d.input_drvs
                .insert((*i).clone(), BTreeSet::from(["out".to_owned()]));
        }
        d
    }

    #[test]
    fn cycle_in_drv_files_is_reported_with_names() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let sd = StoreDir::new("/nix/store")?;
        let store = MarkerStore::new(sd.clone(), Some(dir.path().into()));
        fs::create_dir_all(dir.path().join("nix/store"))?;
        let a = StorePath::from_base_name("0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq-a.drv")?;
        let b = StorePath::from_base_name("1vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b.drv")?;
        let a_drv = drv("a", "2c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq-a", &[&b]);
        let b_drv = drv("b", "3vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b", &[&a]);
        fs::write(store.real_path(&a), a_drv.to_aterm(&sd))?;
        fs::write(store.real_path(&b), b_drv.to_aterm(&sd))?;
        let err = load_plan(&store, std::slice::from_ref(&a))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "dependency cycle between derivations: \
                 /nix/store/0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq-a.drv -> \
                 /nix/store/1vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b.drv -> \
                 /nix/store/0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq-a.drv"
            )
        );
        // Without the cycle: b first, and a's inputs are b's output.
        fs::write(
            store.real_path(&b),
            drv("b", "3vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b", &[]).to_aterm(&sd),
        )?;
        let plan = load_plan(&store, &[a])?;
        assert_eq!(plan.nodes.len(), 2);
        assert_eq!(plan.nodes[0].path, b);
        assert_eq!(plan.nodes[1].deps, vec![0]);
        let b_out = StorePath::from_base_name("3vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5-b")?;
        assert_eq!(plan.nodes[1].inputs, BTreeSet::from([b_out]));
        Ok(())
    }
}
