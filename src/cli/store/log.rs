//! `store log PATH`: prints a build log.

use std::io::Write;

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts};

/// Options of `store log`.
#[derive(Args)]
pub struct LogCommand {
    /// A derivation, or an output path whose deriver is known.
    #[arg(value_name = "PATH")]
    path: String,
}

impl LogCommand {
    /// Prints the log, or fails when there is none.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let store = opts.open()?;
        let path = store.parse_user_path(&self.path)?;
        match store.build_log(&path)? {
            Some(log) => {
                let _ = std::io::stdout().write_all(&log);
                Ok(())
            }
            None => Err(StoreCmdError::Message(format!(
                "build log of '{}' is not available",
                store.store_dir().display(&path)
            ))),
        }
    }
}
