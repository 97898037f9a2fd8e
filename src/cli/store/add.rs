//! `store add PATH…`: copies paths into the store like `nix-store --add`.

use std::path::PathBuf;

use clap::Args;

use super::{CmdResult, StoreOpts, print_lines};

/// Options of `store add`.
#[derive(Args)]
pub struct AddCommand {
    /// Files or directories to add (recursively, SHA-256, named after their base name).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

impl AddCommand {
    /// Adds every path and prints its store path.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        let mut out = Vec::new();
        for p in &self.paths {
            let added = store.add_path(p)?;
            out.push(store.store_dir().display(&added));
        }
        print_lines(out);
        Ok(())
    }
}
