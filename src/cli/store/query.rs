//! `store query`: references, referrers, requisites (closure), dependency tree, GC roots
//! and derivers of store paths, printed as `nix-store --query` does.

use std::collections::BTreeSet;

use clap::{ArgGroup, Args};

use super::{CmdResult, StoreOpts, print_lines, valid_paths};
use crate::store::path::StorePath;

/// Options of `store query` (exactly one query flag).
#[derive(Args)]
#[command(group(ArgGroup::new("what").required(true).args(
    ["references", "referrers", "requisites", "tree", "roots", "deriver"]
)))]
pub struct QueryCommand {
    /// Store paths to query.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
    /// The paths they refer to directly.
    #[arg(long)]
    references: bool,
    /// The valid paths referring to them directly.
    #[arg(long)]
    referrers: bool,
    /// Their closures, dependencies first.
    #[arg(short = 'R', long)]
    requisites: bool,
    /// Their dependency trees.
    #[arg(long)]
    tree: bool,
    /// The GC roots keeping them (or paths referring to them) alive, as `LINK -> PATH`.
    #[arg(long)]
    roots: bool,
    /// The derivations that produced them (`unknown-deriver` if none).
    #[arg(long)]
    deriver: bool,
}

impl QueryCommand {
    /// Runs the query and prints the answer.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let store = opts.open()?;
        let paths = valid_paths(&store, &self.paths)?;
        let show = |p: &StorePath| store.store_dir().display(p);
        let mut lines = Vec::new();
        if self.references || self.referrers {
            let mut all = BTreeSet::new();
            for p in &paths {
                if self.references {
                    all.extend(store.path_info(p)?.references);
                } else {
                    all.extend(store.db().referrers(p)?);
                }
            }
            lines.extend(all.iter().map(show));
        } else if self.requisites {
            lines.extend(store.requisites(&paths)?.iter().map(show));
        } else if self.tree {
            for p in &paths {
                lines.extend(store.tree(p)?);
            }
        } else if self.roots {
            let wanted = store.referrers_closure(&paths)?;
            let mut found = BTreeSet::new();
            for (target, links) in store.all_roots()? {
                if wanted.contains(&target) {
                    for l in links {
                        found.insert(format!("{l} -> {}", show(&target)));
                    }
                }
            }
            lines.extend(found);
        } else {
            for p in &paths {
                lines.push(match store.path_info(p)?.deriver {
                    Some(d) => show(&d),
                    None => "unknown-deriver".to_owned(),
                });
            }
        }
        print_lines(lines);
        Ok(())
    }
}
