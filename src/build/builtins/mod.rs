//! Builders that run inside sysrebuild itself: derivations whose builder is
//! `builtin:NAME` (Nix's `builtin:fetchurl` is one; sysrebuild adds its own for fetching
//! and unpacking Debian packages and merging trees).
//!
//! A builtin runs in the sysrebuild process, without a sandbox, with the derivation's
//! environment as written in the `.drv` (logical store paths). It creates its outputs at
//! [`BuiltinOutput::real`]; everything after that (canonicalising, scanning references,
//! hashing, checking fixed-output hashes, registering) is the same as for any build.
//!
//! Adding one: write `NAME.rs` with a function of type [`BuiltinFn`] and list it in
//! [`BUILTINS`].

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::log::LogSink;
use super::progress::Progress;

mod buildenv;
mod fetch_deb;
mod fetchurl;
mod sysrebuild_self;
mod unpack_deb;

pub use fetch_deb::DEB_DIR_VAR;

/// One output a builtin must create.
#[derive(Debug, Clone)]
pub struct BuiltinOutput {
    /// The output's name (`out`, …).
    pub name: String,
    /// Its store path as users see it (`/nix/store/…`).
    pub logical: String,
    /// Where to create it (differs from `logical` in a relocated store).
    pub real: PathBuf,
}

/// What a builtin builder gets.
pub struct BuiltinBuild<'a> {
    /// The derivation's path, as users see it (for messages).
    pub drv: &'a str,
    /// The derivation's environment, exactly as in the `.drv`.
    pub env: &'a BTreeMap<String, String>,
    /// The outputs to create.
    pub outputs: &'a [BuiltinOutput],
    /// A private scratch directory, removed after the build.
    pub workdir: &'a Path,
    /// The store directory users see (`/nix/store`).
    pub logical_store: &'a str,
    /// Where that directory really is.
    pub real_store: &'a Path,
    /// The build log (`sysrebuild store log`); `-L` echoes it.
    pub log: &'a mut LogSink,
    /// `NIX_BUILD_CORES`.
    pub cores: usize,
    /// Directories of `.deb` files to fetch from first (`--deb-dir`).
    pub deb_dirs: &'a [PathBuf],
    /// The build progress display, where downloads show their bytes.
    pub progress: &'a Progress,
}

impl BuiltinBuild<'_> {
    /// A required attribute of the derivation.
    pub fn attr(&self, name: &str) -> Result<&str, BuiltinError> {
        self.env
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| BuiltinError::MissingAttribute(name.to_owned()))
    }

    /// The output called `name`.
    pub fn output(&self, name: &str) -> Result<&BuiltinOutput, BuiltinError> {
        self.outputs
            .iter()
            .find(|o| o.name == name)
            .ok_or_else(|| BuiltinError::MissingAttribute(format!("output '{name}'")))
    }

    /// Downloads `url` to `dest` (see [`crate::net::download`]), logging the URL and the
    /// size and showing the bytes received in the build progress; returns the size.
    pub fn download(&mut self, url: &str, dest: &Path) -> Result<u64, crate::net::NetError> {
        self.log.line(&format!("downloading '{url}'"));
        let progress = self.progress;
        let shown = progress.download_started(url);
        let result = crate::net::download(url, dest, &mut |p| {
            progress.download_progress(shown, p.done, p.total)
        });
        progress.download_finished(shown, result.as_ref().ok().copied());
        if let Ok(n) = &result {
            self.log.line(&format!("downloaded {n} bytes from '{url}'"));
        }
        result
    }

    /// Where a logical store path (or a path below one) really is; other paths are
    /// returned unchanged.
    pub fn real_path(&self, logical: &str) -> PathBuf {
        match logical.strip_prefix(self.logical_store) {
            Some(rest) if rest.starts_with('/') => {
                self.real_store.join(rest.trim_start_matches('/'))
            }
            _ => PathBuf::from(logical),
        }
    }
}

/// Why a builtin builder failed.
#[derive(Debug, thiserror::Error)]
pub enum BuiltinError {
    /// The derivation lacks an attribute the builtin needs.
    #[error("the derivation has no attribute '{0}'")]
    MissingAttribute(String),
    /// Reading or writing a file failed.
    #[error("{action} '{}': {}", path.display(), super::error::describe(source))]
    Io {
        /// What was being done ("reading", …).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Any other failure, described for the user.
    #[error("{0}")]
    Failed(String),
}

/// A closure turning an `io::Error` into [`BuiltinError::Io`] for `path`.
pub fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> BuiltinError + 'a {
    move |source| BuiltinError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Copies a tree of regular files, directories and symlinks.
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), BuiltinError> {
    let meta = std::fs::symlink_metadata(from).map_err(io_error("reading", from))?;
    if meta.is_dir() {
        std::fs::create_dir(to).map_err(io_error("creating", to))?;
        for entry in std::fs::read_dir(from).map_err(io_error("reading", from))? {
            let entry = entry.map_err(io_error("reading", from))?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(io_error("reading", from))?;
        std::os::unix::fs::symlink(&target, to).map_err(io_error("creating", to))?;
    } else if meta.is_file() {
        std::fs::copy(from, to).map_err(io_error("copying", from))?;
    }
    Ok(())
}

/// A builtin builder.
pub type BuiltinFn = fn(&mut BuiltinBuild<'_>) -> Result<(), BuiltinError>;

/// Every builtin builder, by name (without `builtin:`).
pub const BUILTINS: &[(&str, BuiltinFn)] = &[
    ("buildenv", buildenv::buildenv),
    ("fetch-deb", fetch_deb::fetch_deb),
    ("fetchurl", fetchurl::fetchurl),
    ("sysrebuild-self", sysrebuild_self::sysrebuild_self),
    ("unpack-deb", unpack_deb::unpack_deb),
];

/// The builtin builder called `name`, if there is one.
pub fn lookup(name: &str) -> Option<BuiltinFn> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_path_maps_only_store_paths() {
        let dir = tempfile::tempdir().unwrap();
        let log_path = dir.path().join("log");
        let mut log = LogSink::create(log_path, None).unwrap();
        let env = BTreeMap::new();
        let b = BuiltinBuild {
            drv: "/nix/store/x.drv",
            env: &env,
            outputs: &[],
            workdir: dir.path(),
            logical_store: "/nix/store",
            real_store: Path::new("/tmp/s/nix/store"),
            log: &mut log,
            cores: 1,
            deb_dirs: &[],
            progress: &Progress::new(0),
        };
        assert_eq!(
            b.real_path("/nix/store/abc-x/bin"),
            PathBuf::from("/tmp/s/nix/store/abc-x/bin")
        );
        assert_eq!(b.real_path("/nix/storex"), PathBuf::from("/nix/storex"));
        assert_eq!(b.real_path("/etc/passwd"), PathBuf::from("/etc/passwd"));
        assert!(matches!(
            b.attr("url"),
            Err(BuiltinError::MissingAttribute(a)) if a == "url"
        ));
    }

    #[test]
    fn unknown_builtins_are_not_found() {
        assert!(lookup("no-such-builtin").is_none());
    }
}
