//! `store optimise`: hard-links identical files and reports the bytes saved.

use clap::Args;

use super::{CmdResult, StoreOpts, mib, print_lines};

/// Options of `store optimise` (none).
#[derive(Args)]
pub struct OptimiseCommand {}

impl OptimiseCommand {
    /// Optimises the store.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        let stats = store.optimise()?;
        print_lines([format!(
            "{} freed by hard-linking {} files ({} bytes)",
            mib(stats.bytes_freed),
            stats.files_linked,
            stats.bytes_freed
        )]);
        Ok(())
    }
}
