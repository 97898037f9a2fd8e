//! `builtin:buildenv`: merges packages into one tree of symlinks (a profile, a system's
//! `sw/`), as nixpkgs' `buildEnv` does, plus Debian's merged `/usr`.
//!
//! Attributes:
//! - `paths`: the store paths to merge;
//! - `priorities`: optional, one integer per entry of `paths` (default 5, nixpkgs'
//!   default `meta.priority`); a lower number wins a collision silently;
//! - `pathsToLink`: only these subtrees are linked (default `/`); given in the merged
//!   layout (`/bin` means `/usr/bin`);
//! - `ignoreCollisions`: `1` keeps the first of two colliding files instead of failing.
//!
//! What is merged is the closure of `paths` through each package's
//! `nix-support/propagated-deps` (written by `builtin:unpack-deb`) and
//! `nix-support/propagated-user-env-packages` (nixpkgs' name): a Debian package brings its
//! libraries along. Propagated packages rank below every listed one and among themselves
//! in the order they were found (nixpkgs' rule), so they never collide with each other.
//!
//! The tree: a directory only one package has becomes one symlink to it; a directory
//! several packages have becomes a real directory, recursively. Each package's `bin`,
//! `sbin`, `lib`, `lib64`, `lib32` and `libx32` are merged under `usr/` (a package's
//! merged-usr symlink `bin -> usr/bin` itself is skipped); its `DEBIAN/` and
//! `nix-support/` are not linked. Two different files at one path with the same priority
//! are a collision, reported with both store paths; identical files, or symlinks with the
//! same target, are not.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use super::{BuiltinBuild, BuiltinError, io_error};

/// nixpkgs' default `meta.priority`.
pub const DEFAULT_PRIORITY: i64 = 5;

/// The priority of the first propagated package; later ones count up.
const PROPAGATED_PRIORITY: i64 = 1000;

/// Top-level directories Debian's merged-usr moves under `usr/`.
const FOLDED: &[&str] = &["bin", "sbin", "lib", "lib64", "lib32", "libx32"];

/// Top-level directories of a package that are never linked.
const SKIPPED: &[&str] = &["DEBIAN", "nix-support"];

/// Files naming the packages a package propagates.
const PROPAGATION_FILES: &[&str] = &[
    "nix-support/propagated-deps",
    "nix-support/propagated-user-env-packages",
];

/// A file or directory of one package.
#[derive(Debug, Clone)]
struct Source {
    /// Where it really is (to read it).
    real: PathBuf,
    /// Its path as users see it (the symlink target).
    logical: String,
    /// The package's priority.
    priority: i64,
}

impl Source {
    fn child(&self, name: &OsString) -> Source {
        Source {
            real: self.real.join(name),
            logical: format!("{}/{}", self.logical, name.to_string_lossy()),
            priority: self.priority,
        }
    }

    fn is_dir(&self) -> bool {
        fs::symlink_metadata(&self.real).is_ok_and(|m| m.is_dir())
    }
}

/// A node of the merged tree.
#[derive(Debug)]
enum Node {
    /// A symlink to a package's file or directory.
    Link(Source),
    /// A real directory.
    Dir(BTreeMap<OsString, Node>),
}

/// The merge in progress.
struct Merger {
    paths_to_link: Vec<String>,
    ignore_collisions: bool,
    /// Collisions ignored (for the log).
    ignored: Vec<String>,
}

impl Merger {
    /// Adds `src` at `rel` (a `/`-separated path below `dir`, whose own path from the
    /// root is `prefix`), making intermediate directories (`usr/` for a folded `bin/`).
    fn add(
        &mut self,
        dir: &mut BTreeMap<OsString, Node>,
        prefix: &str,
        rel: &str,
        src: Source,
    ) -> Result<(), BuiltinError> {
        let full = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}/{name}")
            }
        };
        match rel.split_once('/') {
            Some((first, rest)) => {
                let node = dir
                    .entry(OsString::from(first))
                    .or_insert_with(|| Node::Dir(BTreeMap::new()));
                let children = self.as_dir(node, &full(first))?;
                self.add(children, &full(first), rest, src)
            }
            None => self.add_at(dir, OsString::from(rel), full(rel), src),
        }
    }

    /// Adds `src` as the entry `name` of `dir`, whose path from the root is `rel`.
    fn add_at(
        &mut self,
        dir: &mut BTreeMap<OsString, Node>,
        name: OsString,
        rel: String,
        src: Source,
    ) -> Result<(), BuiltinError> {
        let linked = self.in_paths_to_link(&rel);
        if !linked && !self.above_paths_to_link(&rel) {
            return Ok(());
        }
        let Some(old) = dir.get_mut(&name) else {
            if linked {
                dir.insert(name, Node::Link(src));
            } else if src.is_dir() {
                let mut children = BTreeMap::new();
                self.add_children(&mut children, &rel, &src)?;
                dir.insert(name, Node::Dir(children));
            }
            return Ok(());
        };
        if let Node::Link(old_src) = &*old {
            if !old_src.is_dir() {
                if src.priority < old_src.priority {
                    *old = Node::Link(src);
                    return Ok(());
                }
                if src.priority > old_src.priority || same_file(old_src, &src) {
                    return Ok(());
                }
            } else if src.priority > old_src.priority && !src.is_dir() {
                return Ok(());
            }
        }
        let old_is_dir = match &*old {
            Node::Dir(_) => true,
            Node::Link(s) => s.is_dir(),
        };
        if !(old_is_dir && src.is_dir()) {
            let old_path = match &*old {
                Node::Link(s) => s.logical.clone(),
                Node::Dir(_) => format!("a directory merged from several packages at '/{rel}'"),
            };
            if self.ignore_collisions {
                self.ignored
                    .push(format!("'{}' and '{old_path}'", src.logical));
                return Ok(());
            }
            return Err(BuiltinError::Failed(format!(
                "collision between '{}' and '{old_path}'; give one package a higher priority \
                 (a lower meta.priority, e.g. lib.hiPrio, or the buildEnv attribute \
                 'priorities') or set ignoreCollisions = true",
                src.logical
            )));
        }
        let children = self.as_dir(old, &rel)?;
        self.add_children(children, &rel, &src)
    }

    /// Turns a link to a directory into a real directory holding links to its entries.
    fn as_dir<'n>(
        &mut self,
        node: &'n mut Node,
        rel: &str,
    ) -> Result<&'n mut BTreeMap<OsString, Node>, BuiltinError> {
        if let Node::Link(src) = &*node {
            if !src.is_dir() {
                return Err(BuiltinError::Failed(format!(
                    "collision between '{}' (not a directory) and a directory at '/{rel}'",
                    src.logical
                )));
            }
            let src = src.clone();
            let mut children = BTreeMap::new();
            for name in list_dir(&src.real)? {
                let child = src.child(&name);
                children.insert(name, Node::Link(child));
            }
            *node = Node::Dir(children);
        }
        match node {
            Node::Dir(children) => Ok(children),
            Node::Link(src) => Err(BuiltinError::Failed(format!(
                "'{}' could not be made a directory at '/{rel}'",
                src.logical
            ))),
        }
    }

    fn add_children(
        &mut self,
        dir: &mut BTreeMap<OsString, Node>,
        rel: &str,
        src: &Source,
    ) -> Result<(), BuiltinError> {
        for name in list_dir(&src.real)? {
            let child_rel = format!("{rel}/{}", name.to_string_lossy());
            let child = src.child(&name);
            self.add_at(dir, name, child_rel, child)?;
        }
        Ok(())
    }

    /// Whether `rel` is inside one of `pathsToLink`.
    fn in_paths_to_link(&self, rel: &str) -> bool {
        self.paths_to_link
            .iter()
            .any(|p| p.is_empty() || rel == p || rel.starts_with(&format!("{p}/")))
    }

    /// Whether `rel` is a directory above one of `pathsToLink`.
    fn above_paths_to_link(&self, rel: &str) -> bool {
        self.paths_to_link
            .iter()
            .any(|p| p.starts_with(&format!("{rel}/")))
    }
}

/// Whether two sources are the same file: equal contents, or symlinks with equal targets.
fn same_file(a: &Source, b: &Source) -> bool {
    if a.real == b.real {
        return true;
    }
    let (Ok(ma), Ok(mb)) = (fs::symlink_metadata(&a.real), fs::symlink_metadata(&b.real)) else {
        return false;
    };
    if ma.file_type().is_symlink() && mb.file_type().is_symlink() {
        return fs::read_link(&a.real).ok() == fs::read_link(&b.real).ok();
    }
    ma.is_file()
        && mb.is_file()
        && ma.len() == mb.len()
        && fs::read(&a.real).ok() == fs::read(&b.real).ok()
}

fn list_dir(dir: &Path) -> Result<Vec<OsString>, BuiltinError> {
    let mut names: Vec<OsString> = fs::read_dir(dir)
        .map_err(io_error("reading", dir))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .map_err(io_error("reading", dir))?;
    names.sort();
    Ok(names)
}

/// `path` in the merged layout: a folded top-level directory moves under `usr/`.
fn fold(path: &str) -> String {
    let path = path.trim_matches('/');
    let first = path.split('/').next().unwrap_or("");
    if FOLDED.contains(&first) {
        format!("usr/{path}")
    } else {
        path.to_owned()
    }
}

/// Merges `paths` (and what they propagate) into `$out`.
pub fn buildenv(b: &mut BuiltinBuild<'_>) -> Result<(), BuiltinError> {
    let packages = closure(b)?;
    let paths_to_link: Vec<String> = match b.env.get("pathsToLink") {
        Some(p) if !p.trim().is_empty() => p.split_whitespace().map(fold).collect(),
        _ => vec![String::new()],
    };
    let mut merger = Merger {
        paths_to_link,
        ignore_collisions: b.env.get("ignoreCollisions").is_some_and(|v| v == "1"),
        ignored: Vec::new(),
    };
    let mut root = BTreeMap::new();
    for pkg in &packages {
        if !pkg.is_dir() {
            return Err(BuiltinError::Failed(format!(
                "'{}' is not a directory, so it cannot be merged into an environment",
                pkg.logical
            )));
        }
        for name in list_dir(&pkg.real)? {
            let Some(text) = name.to_str() else {
                merger.add_at(
                    &mut root,
                    name.clone(),
                    name.to_string_lossy().into_owned(),
                    pkg.child(&name),
                )?;
                continue;
            };
            if SKIPPED.contains(&text) {
                continue;
            }
            let child = pkg.child(&name);
            if FOLDED.contains(&text) && is_merged_usr_link(&child.real, text) {
                continue;
            }
            let rel = fold(text);
            merger.add(&mut root, "", &rel, child)?;
        }
    }
    let out = b.output("out")?.real.clone();
    fs::create_dir(&out).map_err(io_error("creating", &out))?;
    write_tree(&out, &root)?;
    b.log.line(&format!(
        "merged {} packages ({} listed)",
        packages.len(),
        b.env
            .get("paths")
            .map_or(0, |p| p.split_whitespace().count())
    ));
    for c in &merger.ignored {
        b.log
            .line(&format!("warning: ignoring the collision between {c}"));
    }
    Ok(())
}

/// Whether a package's `bin` (…) is the merged-usr symlink to `usr/bin` (…).
fn is_merged_usr_link(path: &Path, name: &str) -> bool {
    fs::read_link(path).is_ok_and(|t| {
        let t = t.to_string_lossy();
        t.trim_start_matches('/') == format!("usr/{name}")
    })
}

/// The packages to merge: `paths` with their priorities, then what they propagate.
fn closure(b: &BuiltinBuild<'_>) -> Result<Vec<Source>, BuiltinError> {
    let paths: Vec<&str> = b.attr("paths")?.split_whitespace().collect();
    let priorities: Vec<i64> = match b.env.get("priorities") {
        Some(p) if !p.trim().is_empty() => p
            .split_whitespace()
            .map(|n| {
                n.parse().map_err(|_| {
                    BuiltinError::Failed(format!("'{n}' in 'priorities' is not an integer"))
                })
            })
            .collect::<Result<_, _>>()?,
        _ => vec![DEFAULT_PRIORITY; paths.len()],
    };
    if priorities.len() != paths.len() {
        return Err(BuiltinError::Failed(format!(
            "'priorities' has {} entries but 'paths' has {}",
            priorities.len(),
            paths.len()
        )));
    }
    let mut seen = BTreeSet::new();
    let mut result = Vec::new();
    let store_path = |p: &str| -> Result<Source, BuiltinError> {
        if !p.starts_with(&format!("{}/", b.logical_store)) {
            return Err(BuiltinError::Failed(format!("'{p}' is not in the store")));
        }
        Ok(Source {
            real: b.real_path(p),
            logical: p.trim_end_matches('/').to_owned(),
            priority: DEFAULT_PRIORITY,
        })
    };
    for (p, prio) in paths.iter().zip(priorities) {
        let mut src = store_path(p)?;
        src.priority = prio;
        if seen.insert(src.logical.clone()) {
            result.push(src);
        }
    }
    let mut next_priority = PROPAGATED_PRIORITY;
    let mut i = 0;
    while i < result.len() {
        let pkg = result[i].real.clone();
        i += 1;
        for file in PROPAGATION_FILES {
            let Ok(text) = fs::read_to_string(pkg.join(file)) else {
                continue;
            };
            for dep in text.split_whitespace() {
                let mut src = store_path(dep)?;
                if seen.insert(src.logical.clone()) {
                    src.priority = next_priority;
                    next_priority += 1;
                    result.push(src);
                }
            }
        }
    }
    Ok(result)
}

fn write_tree(dir: &Path, children: &BTreeMap<OsString, Node>) -> Result<(), BuiltinError> {
    for (name, node) in children {
        let path = dir.join(name);
        match node {
            Node::Link(src) => symlink(&src.logical, &path).map_err(io_error("creating", &path))?,
            Node::Dir(grand) => {
                fs::create_dir(&path).map_err(io_error("creating", &path))?;
                write_tree(&path, grand)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_moves_top_level_library_and_binary_dirs_under_usr() {
        assert_eq!(fold("/bin"), "usr/bin");
        assert_eq!(fold("lib64/ld.so"), "usr/lib64/ld.so");
        assert_eq!(fold("/usr/bin"), "usr/bin");
        assert_eq!(fold("/share"), "share");
        assert_eq!(fold("/"), "");
        assert_eq!(fold("/library"), "library");
    }

    #[test]
    fn paths_to_link_select_subtrees_and_their_parents() {
        let m = Merger {
            paths_to_link: vec![fold("/bin"), fold("/share/doc")],
            ignore_collisions: false,
            ignored: Vec::new(),
        };
        assert!(m.in_paths_to_link("usr/bin"));
        assert!(m.in_paths_to_link("usr/bin/x"));
        assert!(!m.in_paths_to_link("usr/binx"));
        assert!(m.above_paths_to_link("usr"));
        assert!(m.above_paths_to_link("share"));
        assert!(!m.above_paths_to_link("usr/bin"));
        assert!(!m.in_paths_to_link("share/man"));
        let all = Merger {
            paths_to_link: vec![fold("/")],
            ignore_collisions: false,
            ignored: Vec::new(),
        };
        assert!(all.in_paths_to_link("anything/at/all"));
    }

    #[test]
    fn merged_usr_links_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        symlink("usr/bin", dir.path().join("bin")).unwrap();
        symlink("/usr/lib", dir.path().join("lib")).unwrap();
        symlink("elsewhere", dir.path().join("sbin")).unwrap();
        assert!(is_merged_usr_link(&dir.path().join("bin"), "bin"));
        assert!(is_merged_usr_link(&dir.path().join("lib"), "lib"));
        assert!(!is_merged_usr_link(&dir.path().join("sbin"), "sbin"));
    }
}
