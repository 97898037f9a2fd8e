//! Evaluator settings: the store directory, the system, the search path.

use std::path::Path;

/// One entry of the search path: `[prefix=]path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPathEntry {
    pub prefix: Option<String>,
    pub path: String,
}

impl SearchPathEntry {
    /// Parses `name=path` or `path`.
    pub fn parse(s: &str) -> Self {
        match s.split_once('=') {
            Some((prefix, path)) => SearchPathEntry {
                prefix: Some(prefix.to_owned()),
                path: path.to_owned(),
            },
            None => SearchPathEntry {
                prefix: None,
                path: s.to_owned(),
            },
        }
    }
}

/// What an evaluator needs to know about its surroundings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The logical store directory (`/nix/store`).
    pub store_dir: String,
    /// Where the store really lives when relocated (`--store DIR`); `None` for the real one.
    pub store_root: Option<String>,
    /// Whether evaluation may write to the store (`toFile`, `path`, `.drv` files).
    /// When false, store paths are computed but nothing is written.
    pub write_store: bool,
    /// `builtins.currentSystem`.
    pub system: String,
    /// `-I` entries first, then `NIX_PATH` (this is `builtins.nixPath`). `<sysrebuild>`
    /// is resolved after these, to sysrebuild's own Nix files.
    pub search_path: Vec<SearchPathEntry>,
    /// Nix's pure evaluation mode as far as fetchers go: `fetchurl` and `fetchTarball`
    /// need a hash (`--pure-eval`).
    pub pure_eval: bool,
}

/// The Nix version sysrebuild reports (`builtins.nixVersion`): the language level it implements.
pub const NIX_VERSION: &str = "2.18.0";
/// `builtins.langVersion`.
pub const LANG_VERSION: i64 = 6;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            store_dir: "/nix/store".to_owned(),
            store_root: None,
            write_store: false,
            system: default_system(),
            search_path: Vec::new(),
            pure_eval: false,
        }
    }
}

impl Settings {
    /// Settings with the search path built from `-I` entries and `NIX_PATH`.
    pub fn with_search_path(include: &[String]) -> Self {
        let mut search_path: Vec<SearchPathEntry> =
            include.iter().map(|i| SearchPathEntry::parse(i)).collect();
        if let Ok(nix_path) = std::env::var("NIX_PATH") {
            search_path.extend(
                nix_path
                    .split(':')
                    .filter(|e| !e.is_empty())
                    .map(SearchPathEntry::parse),
            );
        }
        Settings {
            search_path,
            ..Settings::default()
        }
    }

    /// Resolves `<name/rest>` against the search path; `None` if no entry has it.
    /// After the entries come sysrebuild's own: `<sysrebuild/…>` (its Nix files) and, as
    /// Nix ships them, `<nix/…>` (the core files, `<nix/fetchurl.nix>`).
    pub fn resolve_search_path(&self, wanted: &str) -> Option<String> {
        resolve_in(&self.search_path, wanted).or_else(|| {
            let root = sysrebuild_root();
            let own = [
                SearchPathEntry {
                    prefix: Some("sysrebuild".to_owned()),
                    path: root.clone(),
                },
                SearchPathEntry {
                    prefix: Some("nix".to_owned()),
                    path: format!("{root}/corepkgs"),
                },
            ];
            resolve_in(&own, wanted)
        })
    }
}

/// Resolves `wanted` against `entries` in order, like Nix's `findFile`.
pub fn resolve_in(entries: &[SearchPathEntry], wanted: &str) -> Option<String> {
    {
        for entry in entries {
            let candidate = match &entry.prefix {
                None => format!("{}/{}", entry.path, wanted),
                Some(prefix) => {
                    if wanted == prefix {
                        entry.path.clone()
                    } else if let Some(rest) = wanted
                        .strip_prefix(prefix.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                    {
                        format!("{}/{}", entry.path, rest)
                    } else {
                        continue;
                    }
                }
            };
            if Path::new(&candidate).exists() {
                return Some(super::path::canonicalise(&absolute(&candidate)));
            }
        }
        None
    }
}

fn absolute(p: &str) -> String {
    if p.starts_with('/') {
        return p.to_owned();
    }
    match std::env::current_dir() {
        Ok(cwd) => format!("{}/{}", cwd.display(), p),
        Err(_) => p.to_owned(),
    }
}

/// The Nix system name of this machine (`x86_64-linux`, `aarch64-linux`).
pub fn default_system() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// Where sysrebuild's own Nix files (`lib/`, `modules/`) live: `$SYSREBUILD_ROOT`, else
/// `../share/sysrebuild` next to the binary, else the source tree it was built from.
pub fn sysrebuild_root() -> String {
    if let Ok(root) = std::env::var("SYSREBUILD_ROOT") {
        return root;
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(share) = exe
            .parent()
            .and_then(|bin| bin.parent())
            .map(|p| p.join("share/sysrebuild"))
        && share.join("lib").is_dir()
    {
        return share.display().to_string();
    }
    env!("CARGO_MANIFEST_DIR").to_owned()
}
