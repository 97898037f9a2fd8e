//! `store copy --to file:///DIR PATH…` and `store copy --from URL PATH…`: copying store
//! paths with their closures into a binary cache, or from one into the store.

use std::path::PathBuf;

use clap::{ArgGroup, Args};

use super::{CmdResult, StoreCmdError, StoreOpts, parse_paths, valid_paths};
use crate::cache::keys::SecretKey;
use crate::cache::{CacheWriter, Substituters};
use crate::cli::cache_args::CacheArgs;
use crate::compression::Method;

/// Options of `store copy`.
#[derive(Args)]
#[command(group(ArgGroup::new("direction").required(true).args(["to", "from"])))]
pub struct CopyCommand {
    /// Store paths to copy (with their closures unless --no-recursive).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
    /// Copy into the binary cache at this URL (file:///DIR).
    #[arg(long = "to", value_name = "URL", conflicts_with = "from")]
    to: Option<String>,
    /// Copy from the binary cache at this URL (http://, https:// or file://) into the
    /// store.
    #[arg(long = "from", value_name = "URL")]
    from: Option<String>,
    /// With --to: sign what is written with this secret key file (see `store
    /// generate-key`).
    #[arg(long = "sign-key", value_name = "FILE", requires = "to")]
    sign_key: Option<PathBuf>,
    /// With --to: how to compress the NARs (xz, zstd, bzip2, gzip, none).
    #[arg(
        long = "compression",
        value_name = "METHOD",
        default_value = "xz",
        requires = "to"
    )]
    compression: Method,
    /// With --to: copy only the paths given, not their closures.
    #[arg(long = "no-recursive", requires = "to")]
    no_recursive: bool,
    #[command(flatten)]
    cache: CacheArgs,
}

impl CopyCommand {
    /// Copies the paths.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        match (&self.to, &self.from) {
            (Some(to), _) => self.copy_to(opts, to),
            (None, Some(from)) => self.copy_from(opts, from),
            (None, None) => Err(StoreCmdError::Message("give --to URL or --from URL".into())),
        }
    }

    fn copy_to(&self, opts: &StoreOpts, url: &str) -> CmdResult {
        let store = opts.open()?;
        let key =
            match &self.sign_key {
                Some(file) => {
                    let text = std::fs::read_to_string(file).map_err(|e| {
                        StoreCmdError::Message(format!(
                            "reading the secret key '{}': {e}",
                            file.display()
                        ))
                    })?;
                    Some(SecretKey::parse(&text).map_err(|e| {
                        StoreCmdError::Message(format!("'{}': {e}", file.display()))
                    })?)
                }
                None => None,
            };
        let roots = valid_paths(&store, &self.paths)?;
        let paths = if self.no_recursive {
            roots
        } else {
            store.requisites(&roots)?
        };
        let writer = CacheWriter::open(url, &store, self.compression, key)?;
        for p in &paths {
            if writer.contains(p) {
                continue;
            }
            eprintln!(
                "copying path '{}' to '{url}'...",
                store.store_dir().display(p)
            );
            writer.add(&store, p)?;
        }
        Ok(())
    }

    fn copy_from(&self, opts: &StoreOpts, url: &str) -> CmdResult {
        let settings = self.cache.settings().map_err(StoreCmdError::Message)?;
        let policy = settings
            .signature_policy()
            .map_err(|e| StoreCmdError::Message(e.to_string()))?;
        let mut store = opts.open()?;
        let paths = parse_paths(&store, &self.paths)?;
        let mut subs = Substituters::open(&[url.to_owned()], store.store_dir(), true)?;
        let plan = subs.closure(&store, &paths)?.unwrap_or_default();
        for sub in &plan {
            eprintln!(
                "copying path '{}' from '{url}'...",
                store.store_dir().display(&sub.info.path)
            );
            subs.fetch(&mut store, sub, &policy, &mut |_, _| {})?;
        }
        Ok(())
    }
}
