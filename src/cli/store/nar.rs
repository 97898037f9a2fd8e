//! `store dump PATH` and `store restore DIR`: NAR serialisation to standard output and
//! back from standard input.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CmdResult, StoreCmdError, StoreOpts};
use crate::store::nar::dump_path;
use crate::store::nar_restore::restore;

/// Options of `store dump`.
#[derive(Args)]
pub struct DumpCommand {
    /// The path to serialise: a store path (of the chosen store) or any file or
    /// directory.
    #[arg(value_name = "PATH")]
    path: String,
}

impl DumpCommand {
    /// Writes the NAR of the path to standard output.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let layout = opts.layout();
        let real = match layout.store_dir().split_path(&self.path) {
            Ok((p, rest)) if layout.root().is_some() => {
                let mut r = layout.real_path(&p).display().to_string();
                r.push_str(rest);
                PathBuf::from(r)
            }
            _ => PathBuf::from(&self.path),
        };
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        dump_path(&real, &mut out).map_err(crate::store::local::LocalStoreError::from)?;
        out.flush()
            .map_err(|e| StoreCmdError::Message(format!("writing the NAR of '{}': {e}", self.path)))
    }
}

/// Options of `store restore`.
#[derive(Args)]
pub struct RestoreCommand {
    /// Where to unpack the archive (must not exist yet).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

impl RestoreCommand {
    /// Unpacks the NAR on standard input into the directory.
    pub fn run(self) -> CmdResult {
        let stdin = std::io::stdin();
        restore(std::io::BufReader::new(stdin.lock()), &self.dir).map_err(|e| {
            StoreCmdError::Message(format!("restoring into '{}': {e}", self.dir.display()))
        })
    }
}
