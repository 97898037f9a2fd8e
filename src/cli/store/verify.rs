//! `store verify [--check-contents] [--repair]`: reports vanished and modified paths.
//! With `--repair`, what the store can fix by itself is fixed (vanished paths nothing
//! refers to are dropped, recorded hashes of content-addressed paths that still match
//! their address are corrected); every other damaged path whose deriver is known is
//! rebuilt (or fetched again) from that derivation, and the rest are named with the
//! reason they cannot be repaired.

use std::time::Duration;

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts};
use crate::build::db_store::DbStore;
use crate::build::progress::Progress;
use crate::build::realise::BuildConfig;
use crate::build::repair::{RepairOutcome, repair_by_rebuilding};
use crate::build::scheduler::SchedulerOptions;
use crate::store::hash::HashFormat;
use crate::store::local::verify::Problem;
use crate::store::path::StorePath;

/// Options of `store verify`.
#[derive(Args)]
pub struct VerifyCommand {
    /// Also check that every path's contents still have the recorded NAR hash.
    #[arg(long)]
    check_contents: bool,
    /// Repair: drop vanished paths nothing refers to, fix recorded hashes of
    /// content-addressed paths that still match their address, and rebuild (or fetch
    /// again) every other damaged path from the derivation that produced it.
    #[arg(long)]
    repair: bool,
    /// With --repair: run rebuilds directly instead of in a namespace sandbox.
    #[arg(long = "no-sandbox")]
    no_sandbox: bool,
    /// With --repair: make a host path visible in the sandbox (TARGET=SOURCE or PATH);
    /// may be repeated.
    #[arg(long = "sandbox-path", value_name = "PATH")]
    sandbox_path: Vec<String>,
    /// With --repair: kill a rebuild that runs longer than SECONDS.
    #[arg(long = "timeout", value_name = "SECONDS")]
    timeout: Option<u64>,
}

impl VerifyCommand {
    /// Verifies; fails when a problem was left unrepaired.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        eprintln!("reading the Nix store...");
        let problems = store.verify(self.check_contents, self.repair)?;
        let show = |p: &StorePath| store.store_dir().display(p);
        // Damaged paths the store could not fix, with their recorded derivers.
        let mut damaged: Vec<(StorePath, Option<StorePath>)> = Vec::new();
        for problem in &problems {
            match problem {
                Problem::Missing { path, repaired } => {
                    if *repaired {
                        eprintln!(
                            "path '{}' disappeared, removed from the database",
                            show(path)
                        );
                    } else {
                        eprintln!(
                            "error: path '{}' disappeared, but it still has valid referrers!",
                            show(path)
                        );
                        damaged.push((path.clone(), None));
                    }
                }
                Problem::Modified {
                    path,
                    expected,
                    actual,
                    repaired,
                } => {
                    let e = expected.encode_prefixed(HashFormat::Nix32);
                    let a = actual.encode_prefixed(HashFormat::Nix32);
                    if *repaired {
                        eprintln!(
                            "path '{}' had a wrong recorded hash '{e}'; corrected to '{a}'",
                            show(path)
                        );
                    } else {
                        eprintln!(
                            "error: path '{}' was modified! expected hash '{e}', got '{a}'",
                            show(path)
                        );
                        damaged.push((path.clone(), None));
                    }
                }
            }
        }
        if !self.repair || damaged.is_empty() {
            return done(damaged.len(), self.repair);
        }
        for (path, deriver) in &mut damaged {
            *deriver = store.path_info(path)?.deriver;
        }
        let unrepaired = self.rebuild(DbStore::new(store), &damaged)?;
        done(unrepaired, true)
    }

    /// Rebuilds the derivers of `damaged`; returns how many paths stay damaged.
    fn rebuild(
        &self,
        store: DbStore,
        damaged: &[(StorePath, Option<StorePath>)],
    ) -> Result<usize, StoreCmdError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let opts = SchedulerOptions {
            max_jobs: cores,
            keep_going: false,
            build: BuildConfig {
                sandbox: !self.no_sandbox,
                sandbox_paths: crate::cli::build_cmd::parse_sandbox_paths(&self.sandbox_path)
                    .map_err(StoreCmdError::Message)?,
                cores,
                keep_failed: false,
                timeout: self.timeout.map(Duration::from_secs),
                print_logs: false,
                deb_dirs: Vec::new(),
            },
        };
        let progress = Progress::new(damaged.len());
        let sd = crate::build::store::BuildStore::store_dir(&store).clone();
        let mut rebuilt: Vec<StorePath> = Vec::new();
        let mut unrepaired = 0;
        for (path, deriver) in damaged {
            let outcome = match deriver {
                Some(d) if rebuilt.contains(d) => RepairOutcome::Rebuilt { drv: d.clone() },
                _ => repair_by_rebuilding(&store, &opts, &progress, path, deriver.as_ref()),
            };
            progress.println(&outcome.describe(&sd, path));
            match outcome {
                RepairOutcome::Rebuilt { drv } => rebuilt.push(drv),
                _ => unrepaired += 1,
            }
        }
        progress.finish();
        Ok(unrepaired)
    }
}

/// The command's result once `unrepaired` paths are left damaged.
fn done(unrepaired: usize, repair: bool) -> CmdResult {
    if unrepaired > 0 {
        return Err(StoreCmdError::Message(format!(
            "{unrepaired} store path(s) are damaged{}",
            if repair {
                " and could not be repaired"
            } else {
                ""
            }
        )));
    }
    Ok(())
}
