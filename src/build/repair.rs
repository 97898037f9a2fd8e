//! Repairing damaged or vanished outputs by building their derivation again (`store
//! verify --repair`). A fetch (`builtin:fetchurl`, `builtin:fetch-deb`) is fetched again
//! the same way. Only a path whose deriver is recorded, still in the store and lists it
//! as an output can be repaired so; the others are reported with the reason.

use std::collections::BTreeSet;

use super::error::BuildError;
use super::graph::{load_plan, read_derivation};
use super::progress::Progress;
use super::realise::{BuildTask, output_paths, rebuild_for_repair};
use super::scheduler::{SchedulerOptions, build_plan};
use super::store::BuildStore;
use crate::store::path::{StoreDir, StorePath};

/// What became of a damaged path.
#[derive(Debug)]
pub enum RepairOutcome {
    /// Its derivation was built again and the path replaced.
    Rebuilt {
        /// The derivation.
        drv: StorePath,
    },
    /// Nothing records how the path was made (added with `store add`, fetched during
    /// evaluation): it cannot be rebuilt.
    NoDeriver,
    /// The recorded deriver's `.drv` is no longer in the store.
    DeriverGone {
        /// The recorded deriver.
        drv: StorePath,
    },
    /// The recorded deriver does not produce this path.
    NotAnOutput {
        /// The recorded deriver.
        drv: StorePath,
    },
    /// Building failed (the damaged path is left as it was).
    Failed {
        /// The derivation.
        drv: StorePath,
        /// Why.
        error: BuildError,
    },
}

impl RepairOutcome {
    /// What happened to `path`, for the user: `path '…' repaired by rebuilding '…'` or
    /// `cannot repair '…': why`.
    pub fn describe(&self, sd: &StoreDir, path: &StorePath) -> String {
        let shown = sd.display(path);
        let why = match self {
            RepairOutcome::Rebuilt { drv } => {
                return format!(
                    "path '{shown}' repaired by rebuilding '{}'",
                    sd.display(drv)
                );
            }
            RepairOutcome::NoDeriver => {
                "no derivation is recorded as having produced it".to_owned()
            }
            RepairOutcome::DeriverGone { drv } => format!(
                "its derivation '{}' is no longer in the store",
                sd.display(drv)
            ),
            RepairOutcome::NotAnOutput { drv } => format!(
                "it is not an output of its recorded derivation '{}'",
                sd.display(drv)
            ),
            RepairOutcome::Failed { drv, error } => {
                format!("rebuilding '{}' failed: {error}", sd.display(drv))
            }
        };
        format!("error: cannot repair '{shown}': {why}")
    }
}

/// Repairs `path` (recorded deriver: `deriver`) by building the deriver again, after
/// building whatever of its inputs is not valid.
pub fn repair_by_rebuilding(
    store: &dyn BuildStore,
    opts: &SchedulerOptions,
    progress: &Progress,
    path: &StorePath,
    deriver: Option<&StorePath>,
) -> RepairOutcome {
    let Some(drv_path) = deriver else {
        return RepairOutcome::NoDeriver;
    };
    let drv_path = drv_path.clone();
    match store.is_valid(&drv_path) {
        Ok(true) => {}
        Ok(false) => return RepairOutcome::DeriverGone { drv: drv_path },
        Err(error) => {
            return RepairOutcome::Failed {
                drv: drv_path,
                error,
            };
        }
    }
    let failed = |drv: &StorePath, error| RepairOutcome::Failed {
        drv: drv.clone(),
        error,
    };
    let drv = match read_derivation(store, &drv_path) {
        Ok(d) => d,
        Err(e) => return failed(&drv_path, e),
    };
    let shown = store.store_dir().display(&drv_path);
    match output_paths(&drv, &shown) {
        Ok(outs) if outs.iter().any(|(_, p)| p == path) => {}
        Ok(_) => return RepairOutcome::NotAnOutput { drv: drv_path },
        Err(e) => return failed(&drv_path, e),
    }
    // Inputs first: whatever of them is not valid is built as usual.
    let input_drvs: Vec<StorePath> = drv.input_drvs.keys().cloned().collect();
    let plan = match load_plan(store, &input_drvs) {
        Ok(p) => p,
        Err(e) => return failed(&drv_path, e),
    };
    if let Err(e) = build_plan(store, &plan, opts, progress) {
        return failed(&drv_path, e);
    }
    let mut inputs: BTreeSet<StorePath> = drv.input_srcs.clone();
    for (input, outs) in &drv.input_drvs {
        let Some(input_drv) = plan.loaded.get(input) else {
            continue;
        };
        inputs.extend(
            outs.iter()
                .filter_map(|o| input_drv.outputs.get(o).and_then(|o| o.path.clone())),
        );
    }
    let task = BuildTask {
        drv_path: &drv_path,
        drv: &drv,
        inputs: &inputs,
    };
    match rebuild_for_repair(store, &opts.build, progress, &task) {
        Ok(()) => RepairOutcome::Rebuilt { drv: drv_path },
        Err(e) => failed(&drv_path, e),
    }
}
