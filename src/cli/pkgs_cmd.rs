//! `sysrebuild pkgs …`: the pinned package universe. `update` refreshes `sysrebuild.lock`
//! (importing each index into the store) and reports what changed; `search` and `show`
//! read the locked indices from the store.

use super::store::StoreOpts;
use crate::debian::index::{Fld, Index};
use crate::debian::lock::{LockFile, LockUpdate, LockedSource};
use crate::debian::resolve::Resolver;
use crate::debian::source::{self, Selector};
use crate::debian::store as index_store;
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// `sysrebuild pkgs`.
#[derive(Args)]
pub struct PkgsCommand {
    #[command(subcommand)]
    command: PkgsSubcommand,
    /// The lock file.
    #[arg(
        long = "lock",
        value_name = "FILE",
        default_value = "sysrebuild.lock",
        global = true
    )]
    lock: PathBuf,
    #[command(flatten)]
    store: StoreOpts,
}

#[derive(Subcommand)]
enum PkgsSubcommand {
    /// Refresh every source of the lock file from its origin (like `nix flake update`),
    /// import the indices into the store, and print what changed. Creates the lock file
    /// (one source, from the options below) when it does not exist.
    Update(UpdateArgs),
    /// List packages whose name or synopsis contains WORD (case-insensitive).
    Search {
        /// The word to look for.
        word: String,
    },
    /// Show a package: version, size, dependencies (as written and as resolved),
    /// description.
    Show {
        /// The package name.
        name: String,
        /// Also list the whole dependency closure.
        #[arg(long)]
        closure: bool,
    },
}

#[derive(Args)]
struct UpdateArgs {
    /// Where a new lock's source reads its index: `apt` (apt's lists, after `apt-get
    /// update`) or a mirror URL (`https://deb.debian.org/debian`).
    #[arg(long = "from", default_value = "apt")]
    from: String,
    /// A new lock's suite.
    #[arg(long = "suite", default_value = "bookworm")]
    suite: String,
    /// A new lock's component.
    #[arg(long = "component", default_value = "main")]
    component: String,
    /// A new lock's architecture (default: this machine's).
    #[arg(long = "arch")]
    arch: Option<String>,
    /// Where apt's lists are.
    #[arg(
        long = "apt-lists",
        value_name = "DIR",
        default_value = "/var/lib/apt/lists"
    )]
    apt_lists: PathBuf,
}

impl PkgsCommand {
    /// Runs the command; returns the exit status.
    pub fn run(self) -> i32 {
        let mut out = std::io::stdout().lock();
        match self.run_inner(&mut out) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("error: {message}");
                1
            }
        }
    }

    fn run_inner(&self, out: &mut dyn Write) -> Result<i32, String> {
        match &self.command {
            PkgsSubcommand::Update(args) => self.update(args, out),
            PkgsSubcommand::Search { word } => {
                let index = self.load()?;
                match search(&index, word, out) {
                    // `pkgs search x | head` closes the pipe early: not an error.
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                    _ => Ok(0),
                }
            }
            PkgsSubcommand::Show { name, closure } => {
                let index = Rc::new(self.load()?);
                show(index, name, *closure, out)
            }
        }
    }

    fn store_root(&self) -> Option<PathBuf> {
        self.store.layout().root().map(Path::to_owned)
    }

    fn load(&self) -> Result<Index, String> {
        let lock = LockFile::load(&self.lock).map_err(|e| {
            format!(
                "{e}\n(create it with `sysrebuild pkgs update --lock {}`)",
                self.lock.display()
            )
        })?;
        let sources = lock.sources().map_err(|e| e.to_string())?;
        index_store::load_locked(self.store_root().as_deref(), &self.lock, &sources)
            .map_err(|e| e.to_string())
    }

    fn update(&self, args: &UpdateArgs, out: &mut dyn Write) -> Result<i32, String> {
        let mut lock = if self.lock.exists() {
            LockFile::load(&self.lock).map_err(|e| e.to_string())?
        } else {
            let sel = Selector {
                suite: args.suite.clone(),
                component: args.component.clone(),
                architecture: args
                    .arch
                    .clone()
                    .unwrap_or_else(|| crate::debian::native_architecture().to_owned()),
            };
            writeln!(out, "creating {}", self.lock.display()).map_err(|e| e.to_string())?;
            LockFile::new(&self.lock, &args.from, &sel)
        };
        let sources = lock.sources().map_err(|e| e.to_string())?;
        let mut store = self.store.open().map_err(|e| e.to_string())?;
        let root = self.store_root();
        for (i, src) in sources.iter().enumerate() {
            let fetched = if src.from == "apt" {
                source::from_apt_lists(&args.apt_lists, &src.selector)
            } else {
                source::from_mirror(&src.from, &src.selector)
            }
            .map_err(|e| e.to_string())?;
            let (compact, count) = crate::debian::index::compact(&fetched.text);
            let (path, hash) = index_store::import(&mut store, &src.selector, &compact)
                .map_err(|e| e.to_string())?;
            let path_text = store.store_dir().display(&path);
            let sha256 = hash.to_base16();
            let label = format!(
                "{}/{}/{}",
                src.selector.suite, src.selector.component, src.selector.architecture
            );
            if src.sha256.as_deref() == Some(sha256.as_str()) {
                writeln!(
                    out,
                    "{label}: unchanged ({count} packages, sha256 {sha256})"
                )
                .map_err(|e| e.to_string())?;
            } else {
                writeln!(
                    out,
                    "{label}: {} -> {sha256} ({count} packages, from {}{})",
                    src.sha256.as_deref().unwrap_or("(new)"),
                    fetched.location,
                    if fetched.verified {
                        ", verified against InRelease"
                    } else {
                        ""
                    }
                )
                .map_err(|e| e.to_string())?;
                report_changes(root.as_deref(), src, &compact, out).map_err(|e| e.to_string())?;
            }
            lock.record(
                i,
                &LockUpdate {
                    mirror: fetched.mirror.as_deref(),
                    path: &path_text,
                    sha256: &sha256,
                    upstream_sha256: &fetched.sha256,
                    verified: fetched.verified,
                    date: fetched.date.as_deref(),
                    packages: count,
                },
            )
            .map_err(|e| e.to_string())?;
        }
        lock.save().map_err(|e| e.to_string())?;
        Ok(0)
    }
}

/// Prints the packages added, removed, upgraded and downgraded since the previously
/// locked index, when that one is still in the store.
fn report_changes(
    root: Option<&Path>,
    old: &LockedSource,
    new_text: &str,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let Some(old_path) = &old.path else {
        return Ok(());
    };
    let Ok((_, old_text)) = index_store::read_stored(root, old_path, "") else {
        return writeln!(
            out,
            "  (the previous index {old_path} is not in the store; no diff)"
        );
    };
    let versions = |text: String| -> Option<BTreeMap<String, String>> {
        let index = Index::parse(vec![(String::new(), text)]).ok()?;
        Some(
            index
                .names()
                .filter_map(|n| {
                    Some((
                        n.to_owned(),
                        index.version(index.default_entry(n)?).to_owned(),
                    ))
                })
                .collect(),
        )
    };
    let (Some(before), Some(after)) = (versions(old_text), versions(new_text.to_owned())) else {
        return Ok(());
    };
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut upgraded = Vec::new();
    let mut downgraded = Vec::new();
    for (name, v) in &after {
        match before.get(name) {
            None => added.push(format!("{name} {v}")),
            Some(old) => match crate::debian::version::compare(v, old) {
                std::cmp::Ordering::Greater => upgraded.push(format!("{name} {old} -> {v}")),
                std::cmp::Ordering::Less => downgraded.push(format!("{name} {old} -> {v}")),
                std::cmp::Ordering::Equal => {}
            },
        }
    }
    for (name, v) in &before {
        if !after.contains_key(name) {
            removed.push(format!("{name} {v}"));
        }
    }
    writeln!(
        out,
        "  {} added, {} removed, {} upgraded, {} downgraded",
        added.len(),
        removed.len(),
        upgraded.len(),
        downgraded.len()
    )?;
    const SHOWN: usize = 50;
    for (label, list) in [
        ("added", &added),
        ("removed", &removed),
        ("upgraded", &upgraded),
        ("downgraded", &downgraded),
    ] {
        for line in list.iter().take(SHOWN) {
            writeln!(out, "  {label}: {line}")?;
        }
        if list.len() > SHOWN {
            writeln!(out, "  … and {} more {label}", list.len() - SHOWN)?;
        }
    }
    Ok(())
}

fn search(index: &Index, word: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let word = word.to_lowercase();
    let mut hits: Vec<(&str, &str, &str)> = index
        .names()
        .filter_map(|name| {
            let id = index.default_entry(name)?;
            let synopsis = index.synopsis(id);
            (name.to_lowercase().contains(&word) || synopsis.to_lowercase().contains(&word))
                .then(|| (name, index.version(id), synopsis))
        })
        .collect();
    hits.sort();
    for (name, version, synopsis) in hits {
        writeln!(out, "{name} ({version}): {synopsis}")?;
    }
    Ok(())
}

fn show(index: Rc<Index>, name: &str, closure: bool, out: &mut dyn Write) -> Result<i32, String> {
    let Some(id) = index.default_entry(name) else {
        let near = crate::debian::suggest(&index, name);
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", near.join(", "))
        };
        let providers: Vec<&str> = index
            .providers(name)
            .iter()
            .map(|p| index.name(p.entry))
            .collect();
        if !providers.is_empty() {
            return Err(format!(
                "'{name}' is a virtual package, provided by: {}",
                providers.join(", ")
            ));
        }
        return Err(format!("no package '{name}' in the locked index{hint}"));
    };
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(|e| e.to_string());
    let ix = &*index;
    w(out, format!("{} {}", name, ix.version(id)))?;
    w(
        out,
        format!("architecture: {}", ix.get(id, Fld::Architecture)),
    )?;
    for (label, fld) in [("section", Fld::Section), ("priority", Fld::Priority)] {
        let v = ix.get(id, fld);
        if !v.is_empty() {
            w(out, format!("{label}: {v}"))?;
        }
    }
    w(
        out,
        format!(
            "size: {} bytes (installed: {} KiB)",
            ix.get(id, Fld::Size),
            ix.get(id, Fld::InstalledSize)
        ),
    )?;
    for (label, fld) in [
        ("pre-depends", Fld::PreDepends),
        ("depends", Fld::Depends),
        ("provides", Fld::Provides),
    ] {
        let v = ix.get(id, fld);
        if !v.is_empty() {
            w(out, format!("{label}: {v}"))?;
        }
    }
    let resolver = Resolver::new(index.clone());
    match resolver.direct(id) {
        Ok(deps) => {
            let names: Vec<String> = deps
                .iter()
                .map(|d| format!("{} {}", ix.name(*d), ix.version(*d)))
                .collect();
            w(out, format!("resolved: {}", names.join(", ")))?;
        }
        Err(u) => w(
            out,
            format!("resolved: unsatisfiable: {}: {}", u.dependency, u.reason),
        )?,
    }
    w(out, format!("filename: {}", ix.get(id, Fld::Filename)))?;
    w(out, format!("sha256: {}", ix.get(id, Fld::Sha256)))?;
    w(out, format!("description: {}", ix.synopsis(id)))?;
    if closure {
        let mut all = resolver.closure(id).map_err(|e| e.to_string())?;
        all.sort_by(|a, b| ix.name(*a).cmp(ix.name(*b)));
        w(out, format!("closure ({} packages):", all.len()))?;
        for m in all {
            w(out, format!("  {} {}", ix.name(m), ix.version(m)))?;
        }
    }
    Ok(0)
}
