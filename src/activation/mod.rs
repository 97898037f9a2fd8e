//! The activation engine: makes a built system generation the running one.
//!
//! `sysrebuild activate --system PATH` runs at boot (from stage 2) and on switch. In
//! order: the merged-usr links (`/usr` → the generation's `sw/usr`, `/bin` → `usr/bin`
//! …, [`links`]), users and groups ([`users`]), `/etc` ([`etc`]), privileged wrappers
//! ([`wrappers`]), the configuration's activation snippets, and finally
//! `/run/current-system`. Each step works on a root directory (`/`, or a test's) and
//! writes every file by creating a temporary one and renaming it, so an interrupted
//! activation leaves each file either old or new. A step that fails is reported and
//! the others still run: a half-activated system is more useful than a stopped boot.

pub mod etc;
pub mod links;
pub mod passwd;
pub mod users;
pub mod wrappers;

use passwd::{parse_group, parse_passwd};

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a step of activation failed.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// A file could not be read, written or linked.
    #[error("{action} '{}': {}", path.display(), crate::build::error::describe(source))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The generation's description of something is malformed.
    #[error("'{}': {message}", path.display())]
    BadSpec {
        /// The file describing it.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Activation refuses to replace something it does not own.
    #[error("refusing to replace '{}': {reason}", path.display())]
    Refused {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Something else, described for the user.
    #[error("{0}")]
    Failed(String),
}

/// A closure turning an `io::Error` into [`ActivationError::Io`] for `path`.
pub(crate) fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> ActivationError + 'a {
    move |source| ActivationError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// The result type of activation steps.
pub type ActivationResult<T> = Result<T, ActivationError>;

/// What to activate, and where.
#[derive(Debug, Clone)]
pub struct Activation {
    /// The generation (`/nix/store/…-sysrebuild-system-…`), as the running system sees it.
    pub system: PathBuf,
    /// The root directory of the system being activated (`/` normally).
    pub root: PathBuf,
    /// Only report what would change.
    pub dry_run: bool,
}

impl Activation {
    /// `path` (absolute, as the running system sees it) below the root.
    pub fn host_path(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    /// A file of the generation.
    pub fn system_file(&self, name: &str) -> PathBuf {
        self.system.join(name)
    }

    /// An owner or group: `+N` or `N` is an id; a name is looked up in the root's
    /// `etc/passwd` or `etc/group` (`file`).
    pub fn resolve_id(&self, who: &str, file: &str) -> ActivationResult<u32> {
        if let Some(n) = who.strip_prefix('+') {
            return n
                .parse()
                .map_err(|_| ActivationError::Failed(format!("'{who}' is not an id")));
        }
        if let Ok(n) = who.parse() {
            return Ok(n);
        }
        let text = fs::read_to_string(self.host_path(file)).unwrap_or_default();
        let found = if file.ends_with("passwd") {
            parse_passwd(&text)
                .0
                .into_iter()
                .find(|e| e.name == who)
                .map(|e| e.uid)
        } else {
            parse_group(&text)
                .0
                .into_iter()
                .find(|e| e.name == who)
                .map(|e| e.gid)
        };
        found.ok_or_else(|| ActivationError::Failed(format!("no entry for '{who}' in /{file}")))
    }

    /// Runs every step; returns the errors of the steps that failed (empty: success).
    /// `report` receives one line per change (or, with `dry_run`, per change that
    /// would be made).
    pub fn run(&self, report: &mut dyn FnMut(&str)) -> Vec<(String, ActivationError)> {
        let mut failures = Vec::new();
        let mut step = |name: &str, result: ActivationResult<()>| {
            if let Err(e) = result {
                failures.push((name.to_owned(), e));
            }
        };
        step("merged-usr links", links::activate_usr(self, report));
        step("users and groups", users::activate(self, report));
        step("/etc", etc::activate(self, report));
        step("wrappers", wrappers::activate(self, report));
        step("activation snippets", self.run_snippets(report));
        step(
            "/run/current-system",
            links::activate_current_system(self, report),
        );
        failures
    }

    fn run_snippets(&self, report: &mut dyn FnMut(&str)) -> ActivationResult<()> {
        let snippets = self.system_file("activation-snippets");
        let text = match std::fs::read_to_string(&snippets) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error("reading", &snippets)(e)),
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        if self.dry_run {
            report("would run the activation snippets (system.activationScripts)");
            return Ok(());
        }
        let status = std::process::Command::new("/bin/sh")
            .arg("-e")
            .arg(&snippets)
            .env("systemConfig", &self.system)
            .current_dir(&self.root)
            .status()
            .map_err(io_error("running", &snippets))?;
        if status.success() {
            Ok(())
        } else {
            Err(ActivationError::Failed(format!(
                "the activation snippets ({}) failed with {status}",
                snippets.display()
            )))
        }
    }
}

/// Writes `contents` to `path` through a temporary file in the same directory, with
/// `mode`, so readers see the old or the new file, never a partial one.
pub(crate) fn write_atomically(path: &Path, contents: &[u8], mode: u32) -> ActivationResult<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.sysrebuild-tmp"));
    let mut f = std::fs::File::create(&tmp).map_err(io_error("creating", &tmp))?;
    f.write_all(contents).map_err(io_error("writing", &tmp))?;
    f.sync_all().map_err(io_error("writing", &tmp))?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
        .map_err(io_error("changing the mode of", &tmp))?;
    std::fs::rename(&tmp, path).map_err(io_error("replacing", path))
}

/// Points `link` at `target` atomically (a temporary link renamed over it).
pub(crate) fn symlink_atomically(target: &Path, link: &Path) -> ActivationResult<()> {
    let dir = link.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    let name = link
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.sysrebuild-tmp"));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp).map_err(io_error("creating the link", &tmp))?;
    std::fs::rename(&tmp, link).map_err(io_error("replacing", link))
}
