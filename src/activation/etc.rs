//! `/etc`: the generation's `etc/` tree (`system.build.etc`) made live.
//!
//! `/etc/static` points to the tree; each entry becomes `/etc/PATH` → `/etc/static/PATH`,
//! so switching generations swaps every file at once by retargeting `/etc/static`.
//! Entries with a `PATH.mode` file beside them are copied instead (with that mode and the
//! owner in `PATH.uid`/`PATH.gid`), for programs that refuse symlinks or need their
//! own permissions. A file that was there before and is not ours is kept as
//! `PATH.before-sysrebuild`, never lost. Links into `/etc/static` that the new
//! generation no longer has are removed, and so are copies made for the previous
//! generation (listed in `/etc/.clean`).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{
    Activation, ActivationError, ActivationResult, io_error, symlink_atomically, write_atomically,
};

const STATIC: &str = "/etc/static";
const CLEAN_LIST: &str = "etc/.clean";

/// One entry of the generation's etc tree.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    /// Path below /etc.
    target: String,
    /// For copied entries: mode, user, group.
    copy: Option<(u32, String, String)>,
}

/// Makes `/etc` the generation's.
pub fn activate(a: &Activation, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
    let tree = a.system_file("etc");
    let entries = read_tree(&tree)?;
    let etc = a.host_path("etc");
    if !a.dry_run {
        fs::create_dir_all(&etc).map_err(io_error("creating", &etc))?;
        symlink_atomically(&a.system.join("etc"), &etc.join("static"))?;
    }

    let mut copied = BTreeSet::new();
    for e in &entries {
        let path = etc.join(&e.target);
        match &e.copy {
            None => link_entry(a, &path, &e.target, report)?,
            Some((mode, user, group)) => {
                copy_entry(a, &tree, &path, e, *mode, user, group, report)?;
                copied.insert(e.target.clone());
            }
        }
    }

    // Copies the previous generation made that this one does not have.
    let clean_path = a.host_path(CLEAN_LIST);
    let previous: BTreeSet<String> = fs::read_to_string(&clean_path)
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    for old in previous.difference(&copied) {
        let path = etc.join(old);
        if fs::symlink_metadata(&path).is_ok() {
            report(&format!("removing /etc/{old} (no longer declared)"));
            if !a.dry_run {
                fs::remove_file(&path).map_err(io_error("removing", &path))?;
            }
        }
    }
    // Links into /etc/static whose entry is gone.
    let wanted: BTreeSet<&str> = entries.iter().map(|e| e.target.as_str()).collect();
    let mut stale = Vec::new();
    find_static_links(&etc, &etc, &mut stale);
    for (path, target) in stale {
        if !wanted.contains(target.as_str()) {
            report(&format!("removing /etc/{target} (no longer declared)"));
            if !a.dry_run {
                fs::remove_file(&path).map_err(io_error("removing", &path))?;
            }
        }
    }
    if !a.dry_run {
        let list: String = copied.iter().map(|c| format!("{c}\n")).collect();
        write_atomically(&clean_path, list.as_bytes(), 0o644)?;
    }
    Ok(())
}

/// The entries of the tree: every symbolic link (a file or a whole directory from the
/// store), with the copy instructions found beside it.
fn read_tree(tree: &Path) -> ActivationResult<Vec<Entry>> {
    let mut entries = Vec::new();
    walk(tree, tree, &mut entries)?;
    entries.sort_by(|a, b| a.target.cmp(&b.target));
    Ok(entries)
}

fn walk(tree: &Path, dir: &Path, out: &mut Vec<Entry>) -> ActivationResult<()> {
    let read = fs::read_dir(dir).map_err(io_error("reading", dir))?;
    for item in read {
        let item = item.map_err(io_error("reading", dir))?;
        let path = item.path();
        let meta = fs::symlink_metadata(&path).map_err(io_error("reading", &path))?;
        let target = path
            .strip_prefix(tree)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if meta.is_dir() {
            walk(tree, &path, out)?;
            continue;
        }
        let is_meta = [".mode", ".uid", ".gid"].iter().any(|s| {
            target
                .strip_suffix(s)
                .is_some_and(|base| fs::symlink_metadata(tree.join(base)).is_ok())
        });
        if is_meta {
            continue;
        }
        let read_meta = |suffix: &str| fs::read_to_string(tree.join(format!("{target}{suffix}")));
        let copy = match read_meta(".mode") {
            Ok(mode) => {
                let mode =
                    u32::from_str_radix(mode.trim(), 8).map_err(|_| ActivationError::BadSpec {
                        path: tree.join(format!("{target}.mode")),
                        message: format!("'{}' is not an octal mode", mode.trim()),
                    })?;
                let user = read_meta(".uid")
                    .unwrap_or_else(|_| "+0".into())
                    .trim()
                    .to_owned();
                let group = read_meta(".gid")
                    .unwrap_or_else(|_| "+0".into())
                    .trim()
                    .to_owned();
                Some((mode, user, group))
            }
            Err(_) => None,
        };
        out.push(Entry { target, copy });
    }
    Ok(())
}

fn link_entry(
    a: &Activation,
    path: &Path,
    target: &str,
    report: &mut dyn FnMut(&str),
) -> ActivationResult<()> {
    let link_target = PathBuf::from(format!("{STATIC}/{target}"));
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            if fs::read_link(path).ok().as_deref() == Some(link_target.as_path()) {
                return Ok(());
            }
            if !points_into_static(path) {
                backup(a, path, target, report)?;
            }
        }
        Ok(_) => backup(a, path, target, report)?,
        Err(_) => {}
    }
    report(&format!("/etc/{target} -> {}", link_target.display()));
    if a.dry_run {
        return Ok(());
    }
    symlink_atomically(&link_target, path)
}

/// Keeps a file that is not ours as `PATH.before-sysrebuild` (once).
fn backup(
    a: &Activation,
    path: &Path,
    target: &str,
    report: &mut dyn FnMut(&str),
) -> ActivationResult<()> {
    let kept = PathBuf::from(format!("{}.before-sysrebuild", path.display()));
    if fs::symlink_metadata(&kept).is_ok() {
        // An earlier activation kept the original already; this one is ours to replace
        // only if it is a plain file we copied, else keep it too under another name.
        return Ok(());
    }
    report(&format!(
        "keeping the existing /etc/{target} as /etc/{target}.before-sysrebuild"
    ));
    if a.dry_run {
        return Ok(());
    }
    fs::rename(path, &kept).map_err(io_error("moving aside", path))
}

#[allow(clippy::too_many_arguments)]
fn copy_entry(
    a: &Activation,
    tree: &Path,
    path: &Path,
    e: &Entry,
    mode: u32,
    user: &str,
    group: &str,
    report: &mut dyn FnMut(&str),
) -> ActivationResult<()> {
    let source = tree.join(&e.target);
    let contents = fs::read(&source).map_err(io_error("reading", &source))?;
    let uid = a.resolve_id(user, "etc/passwd")?;
    let gid = a.resolve_id(group, "etc/group")?;
    let current = fs::read(path).ok();
    let meta = fs::symlink_metadata(path).ok();
    let up_to_date = current.as_deref() == Some(contents.as_slice())
        && meta.as_ref().is_some_and(|m| {
            use std::os::unix::fs::MetadataExt;
            !m.file_type().is_symlink()
                && m.mode() & 0o7777 == mode
                && m.uid() == uid
                && m.gid() == gid
        });
    if up_to_date {
        return Ok(());
    }
    if let Some(m) = &meta
        && !m.file_type().is_symlink()
        && !was_copied_by_us(a, &e.target)
    {
        backup(a, path, &e.target, report)?;
    }
    report(&format!("/etc/{} (copied, mode {mode:04o})", e.target));
    if a.dry_run {
        return Ok(());
    }
    write_atomically(path, &contents, mode & 0o777)?;
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .map_err(io_error("changing the owner of", path))?;
    // Set the special bits after chown (which clears them).
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(io_error("changing the mode of", path))
}

fn was_copied_by_us(a: &Activation, target: &str) -> bool {
    fs::read_to_string(a.host_path(CLEAN_LIST)).is_ok_and(|t| t.lines().any(|l| l == target))
}

fn points_into_static(path: &Path) -> bool {
    fs::read_link(path).is_ok_and(|t| t.starts_with(STATIC))
}

/// Links below `dir` (not following links, skipping `static`) that point into /etc/static.
fn find_static_links(etc: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    for item in read.flatten() {
        let path = item.path();
        if path == etc.join("static") {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            find_static_links(etc, &path, out);
        } else if meta.file_type().is_symlink()
            && let Ok(t) = fs::read_link(&path)
            && let Ok(rest) = t.strip_prefix(STATIC)
        {
            let target = path
                .strip_prefix(etc)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            if rest.to_string_lossy() == target {
                out.push((path, target));
            }
        }
    }
}
