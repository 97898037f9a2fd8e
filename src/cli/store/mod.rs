//! `sysrebuild store …`: inspecting and maintaining a Nix-compatible store (like
//! `nix-store`). Every subcommand takes `--store DIR` (or `$SYSREBUILD_STORE`) for a
//! relocated store whose files live under `DIR/nix/store` and `DIR/nix/var/nix`; without
//! either, the real `/nix/store` is used.

mod add;
mod copy;
mod gc;
mod generate_key;
mod log;
mod nar;
mod optimise;
mod path_info;
mod query;
mod verify;
mod why_depends;

use std::path::PathBuf;

use clap::{Args, Subcommand};
use thiserror::Error;

use crate::store::local::LocalStore;
use crate::store::local::LocalStoreError;
use crate::store::local::layout::StoreLayout;
use crate::store::path::{StoreDir, StorePath};

/// A failure of a store subcommand.
#[derive(Debug, Error)]
pub enum StoreCmdError {
    /// The store reported an error.
    #[error(transparent)]
    Store(#[from] LocalStoreError),
    /// A binary cache operation failed.
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Message(String),
}

/// Result of a store subcommand.
pub type CmdResult = Result<(), StoreCmdError>;

/// Options every store subcommand shares.
#[derive(Args, Clone)]
pub struct StoreOpts {
    /// The store: a directory DIR holding DIR/nix/store and DIR/nix/var/nix (as
    /// `nix-store --store DIR`). Defaults to $SYSREBUILD_STORE, else the real /nix/store.
    #[arg(long = "store", value_name = "DIR", global = true)]
    store: Option<PathBuf>,
}

impl StoreOpts {
    /// The layout of the chosen store.
    pub fn layout(&self) -> StoreLayout {
        let from_env = std::env::var_os("SYSREBUILD_STORE")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from);
        match self.store.clone().or(from_env) {
            Some(dir) => {
                let dir = std::path::absolute(&dir).unwrap_or(dir);
                StoreLayout::relocated(&dir)
            }
            None => StoreLayout::new(StoreDir::default(), None),
        }
    }

    /// Opens the chosen store.
    pub fn open(&self) -> Result<LocalStore, StoreCmdError> {
        Ok(LocalStore::open(self.layout())?)
    }
}

/// `sysrebuild store`.
#[derive(Args)]
pub struct StoreCommand {
    #[command(subcommand)]
    command: StoreSubcommand,
    #[command(flatten)]
    opts: StoreOpts,
}

#[derive(Subcommand)]
enum StoreSubcommand {
    /// Copy files or directories into the store and print their store paths (like
    /// `nix-store --add`).
    Add(add::AddCommand),
    /// Write the NAR serialisation of a path to standard output (like `nix-store --dump`).
    Dump(nar::DumpCommand),
    /// Unpack a NAR from standard input into a directory (like `nix-store --restore`).
    Restore(nar::RestoreCommand),
    /// Show what the database records about store paths (like `nix path-info`).
    PathInfo(path_info::PathInfoCommand),
    /// Query references, referrers, closures, trees, roots or derivers (like
    /// `nix-store --query`).
    Query(query::QueryCommand),
    /// Show why one store path depends on another (like `nix why-depends`).
    WhyDepends(why_depends::WhyDependsCommand),
    /// Check that valid paths exist and, with --check-contents, are unmodified.
    Verify(verify::VerifyCommand),
    /// Hard-link identical files in the store to save space.
    Optimise(optimise::OptimiseCommand),
    /// Delete unreachable store paths (like `nix-store --gc`).
    Gc(gc::GcCommand),
    /// Delete specific store paths, refusing any that is still alive.
    Delete(gc::DeleteCommand),
    /// Print the build log of a derivation or of an output.
    Log(log::LogCommand),
    /// Copy paths with their closures into a binary cache (--to file:///DIR) or from one
    /// (--from URL), checking signatures (like `nix copy`).
    Copy(copy::CopyCommand),
    /// Generate a key pair for signing binary caches (like `nix-store
    /// --generate-binary-cache-key`).
    GenerateKey(generate_key::GenerateKeyCommand),
}

impl StoreCommand {
    /// Runs the subcommand; returns the exit status.
    pub fn run(self) -> i32 {
        let opts = self.opts;
        let result = match self.command {
            StoreSubcommand::Add(c) => c.run(&opts),
            StoreSubcommand::Dump(c) => c.run(&opts),
            StoreSubcommand::Restore(c) => c.run(),
            StoreSubcommand::PathInfo(c) => c.run(&opts),
            StoreSubcommand::Query(c) => c.run(&opts),
            StoreSubcommand::WhyDepends(c) => c.run(&opts),
            StoreSubcommand::Verify(c) => c.run(&opts),
            StoreSubcommand::Optimise(c) => c.run(&opts),
            StoreSubcommand::Gc(c) => c.run(&opts),
            StoreSubcommand::Delete(c) => c.run(&opts),
            StoreSubcommand::Log(c) => c.run(&opts),
            StoreSubcommand::Copy(c) => c.run(&opts),
            StoreSubcommand::GenerateKey(c) => c.run(),
        };
        match result {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        }
    }
}

/// Parses the user's paths into store paths of `store`.
pub fn parse_paths(store: &LocalStore, paths: &[String]) -> Result<Vec<StorePath>, StoreCmdError> {
    paths
        .iter()
        .map(|p| store.parse_user_path(p).map_err(StoreCmdError::from))
        .collect()
}

/// Parses the user's paths and checks that each is valid.
pub fn valid_paths(store: &LocalStore, paths: &[String]) -> Result<Vec<StorePath>, StoreCmdError> {
    let parsed = parse_paths(store, paths)?;
    for p in &parsed {
        store.path_info(p)?;
    }
    Ok(parsed)
}

/// Writes `lines` to standard output, one per line (a closed pipe is not an error).
pub fn print_lines(lines: impl IntoIterator<Item = impl AsRef<str>>) {
    use std::io::Write;
    // Buffered: stdout alone flushes every line, one write per path of a big closure.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for l in lines {
        if writeln!(out, "{}", l.as_ref()).is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// Formats a byte count as Nix does in GC summaries (`1.23 MiB`).
pub fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}
