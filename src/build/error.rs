//! The builder's error type: every message names the derivation or file concerned.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Failure while realising derivations.
#[derive(Debug, Error)]
pub enum BuildError {
    /// An I/O operation on a file failed.
    #[error("{action} '{}': {}", .path.display(), describe(.source))]
    Io {
        /// What was being done ("reading", "creating", …).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A `.drv` file could not be read or parsed.
    #[error("cannot load derivation '{drv}': {message}")]
    BadDerivation {
        /// The derivation's path.
        drv: String,
        /// What is wrong.
        message: String,
    },
    /// The derivation graph has a cycle.
    #[error("dependency cycle between derivations: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    /// The builder exited unsuccessfully.
    #[error(
        "builder for '{drv}' {status}{}",
        tail_text(.log_tail, .log_path)
    )]
    BuilderFailed {
        /// The derivation's path.
        drv: String,
        /// How it ended ("failed with exit code 1", "timed out after 5 s", …).
        status: String,
        /// The last lines of the build log.
        log_tail: Vec<String>,
        /// Where the full log is.
        log_path: PathBuf,
    },
    /// The builder failed while the file system it writes to was full.
    #[error(
        "builder for '{drv}' failed: No space left on device in '{}' (the file system holding the store is full){}",
        .dir.display(),
        tail_text(.log_tail, .log_path)
    )]
    NoSpace {
        /// The derivation's path.
        drv: String,
        /// The directory on the full file system (the build directory).
        dir: PathBuf,
        /// The last lines of the build log.
        log_tail: Vec<String>,
        /// Where the full log is.
        log_path: PathBuf,
    },
    /// Namespaces could not be created for the sandbox.
    #[error(
        "cannot create the build sandbox for '{drv}': {message}\n(namespaces seem unavailable here; use --no-sandbox to build without the sandbox)"
    )]
    SandboxUnavailable {
        /// The derivation's path.
        drv: String,
        /// What failed.
        message: String,
    },
    /// The sandbox could not be set up (a mount failed, …).
    #[error("cannot set up the build sandbox for '{drv}': {message}")]
    Sandbox {
        /// The derivation's path.
        drv: String,
        /// What failed.
        message: String,
    },
    /// The builder finished without creating an output.
    #[error("builder for '{drv}' failed to produce output path for output '{output}' at '{path}'")]
    MissingOutput {
        /// The derivation's path.
        drv: String,
        /// The output's name.
        output: String,
        /// The output's store path.
        path: String,
    },
    /// A fixed-output derivation produced something else than promised.
    #[error(
        "hash mismatch in fixed-output derivation '{drv}':\n  specified: {specified}\n  got:       {got}"
    )]
    HashMismatch {
        /// The derivation's path.
        drv: String,
        /// The expected hash (SRI and base-32).
        specified: String,
        /// The actual hash (SRI and base-32).
        got: String,
    },
    /// A flat fixed output is not a regular file, or a fixed output refers to store paths.
    #[error("fixed-output derivation '{drv}': {message}")]
    BadFixedOutput {
        /// The derivation's path.
        drv: String,
        /// What is wrong.
        message: String,
    },
    /// An output contains a file type the store cannot hold.
    #[error("output '{}' of '{drv}' contains an unsupported file type", .path.display())]
    UnsupportedFile {
        /// The derivation's path.
        drv: String,
        /// The offending file.
        path: PathBuf,
    },
    /// A derivation is for another platform.
    #[error("a '{system}' system is required to build '{drv}', but this is a '{host}' system")]
    WrongSystem {
        /// The derivation's path.
        drv: String,
        /// The derivation's platform.
        system: String,
        /// This machine's platform.
        host: String,
    },
    /// A derivation uses a builtin builder (`builtin:NAME`) sysrebuild does not have.
    #[error("'{drv}' uses the builtin builder 'builtin:{builtin}', which sysrebuild does not have")]
    UnsupportedBuiltin {
        /// The derivation's path.
        drv: String,
        /// The builtin's name.
        builtin: String,
    },
    /// A builtin builder failed.
    #[error("builtin:{builtin} failed to build '{drv}': {message}")]
    BuiltinFailed {
        /// The derivation's path.
        drv: String,
        /// The builtin's name.
        builtin: String,
        /// What went wrong.
        message: String,
    },
    /// An input of a derivation is missing from the store.
    #[error("input '{input}' of '{drv}' is not in the store")]
    MissingInput {
        /// The derivation's path.
        drv: String,
        /// The missing input.
        input: String,
    },
    /// Substituting from a binary cache failed (the builder falls back to building).
    #[error(transparent)]
    Cache(#[from] Box<crate::cache::CacheError>),
    /// Several builds failed (with `--keep-going`).
    #[error("{} builds failed:\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Many(Vec<BuildError>),
}

fn tail_text(tail: &[String], log: &Path) -> String {
    if tail.is_empty() {
        format!("\nfull log: '{}'", log.display())
    } else {
        format!(
            ";\nlast {} log lines:\n{}\nfull log: '{}'",
            tail.len(),
            tail.iter()
                .map(|l| format!("  > {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            log.display()
        )
    }
}

/// An I/O error's message without Rust's ` (os error N)` suffix.
pub(crate) fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// A closure turning an `io::Error` into [`BuildError::Io`] for `path`.
pub(crate) fn io_err<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> BuildError + 'a {
    move |source| BuildError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// The result type of the builder.
pub type BuildResult<T> = Result<T, BuildError>;
