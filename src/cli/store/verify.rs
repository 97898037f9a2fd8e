//! `store verify [--check-contents] [--repair]`: reports vanished and modified paths.

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts};
use crate::store::hash::HashFormat;
use crate::store::local::verify::Problem;

/// Options of `store verify`.
#[derive(Args)]
pub struct VerifyCommand {
    /// Also check that every path's contents still have the recorded NAR hash.
    #[arg(long)]
    check_contents: bool,
    /// Repair what can be repaired without a substituter: drop vanished paths nothing
    /// refers to, and fix recorded hashes of content-addressed paths that still match
    /// their address.
    #[arg(long)]
    repair: bool,
}

impl VerifyCommand {
    /// Verifies; fails when a problem was left unrepaired.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let mut store = opts.open()?;
        eprintln!("reading the Nix store...");
        let problems = store.verify(self.check_contents, self.repair)?;
        let show = |p| store.store_dir().display(p);
        let mut unrepaired = 0;
        for problem in &problems {
            match problem {
                Problem::Missing { path, repaired } => {
                    if *repaired {
                        eprintln!(
                            "path '{}' disappeared, removed from the database",
                            show(path)
                        );
                    } else {
                        unrepaired += 1;
                        eprintln!(
                            "error: path '{}' disappeared, but it still has valid referrers!",
                            show(path)
                        );
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
                        unrepaired += 1;
                        eprintln!(
                            "error: path '{}' was modified! expected hash '{e}', got '{a}'",
                            show(path)
                        );
                    }
                }
            }
        }
        if unrepaired > 0 {
            return Err(StoreCmdError::Message(format!(
                "{unrepaired} store path(s) are damaged{}",
                if self.repair {
                    " and could not be repaired"
                } else {
                    ""
                }
            )));
        }
        Ok(())
    }
}
