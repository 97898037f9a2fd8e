//! `store path-info [-r] [-s] [-S] [--json] PATH…`: what the database records about
//! paths, in `nix path-info`'s text and JSON forms.

use clap::Args;

use super::{CmdResult, StoreOpts, print_lines, valid_paths};
use crate::store::local::LocalStore;
use crate::store::local::LocalStoreError;
use crate::store::path::StorePath;
use crate::store::path_info::ValidPathInfo;

/// Options of `store path-info`.
#[derive(Args)]
pub struct PathInfoCommand {
    /// Store paths (or paths inside them, or symlinks to them such as `result`).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
    /// Show the closures of the paths, not just the paths.
    #[arg(short = 'r', long = "recursive")]
    recursive: bool,
    /// Show each path's NAR size.
    #[arg(short = 's', long = "size")]
    size: bool,
    /// Show the total NAR size of each path's closure.
    #[arg(short = 'S', long = "closure-size")]
    closure_size: bool,
    /// Print JSON (as `nix path-info --json`).
    #[arg(long)]
    json: bool,
}

impl PathInfoCommand {
    /// Prints the information.
    pub fn run(self, opts: &StoreOpts) -> CmdResult {
        let store = opts.open()?;
        let roots = valid_paths(&store, &self.paths)?;
        let paths: Vec<StorePath> = if self.recursive {
            store.closure(&roots)?.into_iter().collect()
        } else {
            let mut v = roots;
            v.sort();
            v.dedup();
            v
        };
        let mut rows = Vec::new();
        for p in &paths {
            let info = store.path_info(p)?;
            let closure = if self.closure_size {
                Some(closure_size(&store, p)?)
            } else {
                None
            };
            rows.push((info, closure));
        }
        if self.json {
            let items: Vec<String> = rows.iter().map(|(i, c)| json(&store, i, *c)).collect();
            print_lines([format!("[{}]", items.join(","))]);
            return Ok(());
        }
        let width = paths
            .iter()
            .map(|p| store.store_dir().display(p).len())
            .max()
            .unwrap_or(0);
        let lines = rows.iter().map(|(info, closure)| {
            let shown = store.store_dir().display(&info.path);
            let mut line = shown.clone();
            if self.size || closure.is_some() {
                line.push_str(&" ".repeat(width - shown.len()));
            }
            if self.size {
                line.push_str(&format!("\t{:>11}", info.nar_size));
            }
            if let Some(c) = closure {
                line.push_str(&format!("\t{c:>11}"));
            }
            line
        });
        print_lines(lines);
        Ok(())
    }
}

/// The total NAR size of the closure of `path`.
fn closure_size(store: &LocalStore, path: &StorePath) -> Result<u64, LocalStoreError> {
    let mut total = 0;
    for p in store.closure(std::slice::from_ref(path))? {
        total += store.path_info(&p)?.nar_size;
    }
    Ok(total)
}

/// One path as `nix path-info --json` prints it (same keys, same order).
fn json(store: &LocalStore, info: &ValidPathInfo, closure: Option<u64>) -> String {
    let s = |v: &str| serde_json::Value::String(v.to_owned()).to_string();
    let dir = store.store_dir();
    let refs: Vec<String> = info.references.iter().map(|r| s(&dir.display(r))).collect();
    let mut out = format!(
        "{{\"path\":{},\"narHash\":{},\"narSize\":{},\"references\":[{}]",
        s(&dir.display(&info.path)),
        s(&info.nar_hash.to_sri()),
        info.nar_size,
        refs.join(",")
    );
    if let Some(ca) = &info.ca {
        out.push_str(&format!(",\"ca\":{}", s(&ca.to_string())));
    }
    if let Some(c) = closure {
        out.push_str(&format!(",\"closureSize\":{c}"));
    }
    if let Some(d) = &info.deriver {
        out.push_str(&format!(",\"deriver\":{}", s(&dir.display(d))));
    }
    out.push_str(&format!(",\"registrationTime\":{}", info.registration_time));
    if info.ultimate {
        out.push_str(",\"ultimate\":true");
    }
    if !info.sigs.is_empty() {
        let sigs: Vec<String> = info.sigs.iter().map(|x| s(x)).collect();
        out.push_str(&format!(",\"signatures\":[{}]", sigs.join(",")));
    }
    out.push('}');
    out
}
