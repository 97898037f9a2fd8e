//! Errors of the local store: every message names the file or store path concerned.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::store::nar::NarWriteError;
use crate::store::nar_restore::NarReadError;
use crate::store::path::StorePathError;
use crate::store::path_info::ContentAddressParseError;
use crate::store::writer::StoreWriteError;

/// A failure of a local store operation.
#[derive(Debug, Error)]
pub enum LocalStoreError {
    /// A file system operation on `path` failed.
    #[error("{action} '{}': {}", .path.display(), describe(.source))]
    Io {
        /// What was being done ("reading", "locking", …).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A query or update of the SQLite database failed.
    #[error("database '{}': {what}: {source}", .db.display())]
    Db {
        /// The database file.
        db: PathBuf,
        /// What was being done.
        what: String,
        /// The underlying error.
        source: rusqlite::Error,
    },
    /// The database holds something this program cannot understand.
    #[error("database '{}': {what}", .db.display())]
    Corrupt {
        /// The database file.
        db: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// The database has a schema version other than the one supported (10).
    #[error("database '{}' has schema version {found}; only version 10 (Nix 2.8) is supported", .db.display())]
    SchemaVersion {
        /// The database file.
        db: PathBuf,
        /// The version found in `db/schema`.
        found: String,
    },
    /// A path given by the user is not a valid store path.
    #[error("path '{0}' is not valid")]
    NotValid(String),
    /// A path given by the user is not in the store at all.
    #[error("path '{path}' is not in the Nix store: {reason}")]
    NotInStore {
        /// The path.
        path: String,
        /// Why not.
        reason: StorePathError,
    },
    /// Registering a path whose reference is neither valid nor registered with it.
    #[error("cannot register '{path}': its reference '{reference}' is not valid")]
    MissingReference {
        /// The path being registered.
        path: String,
        /// Its missing reference.
        reference: String,
    },
    /// A path that cannot be deleted because something keeps it alive.
    #[error("cannot delete path '{path}' since it is still alive: {reason}")]
    StillAlive {
        /// The path.
        path: String,
        /// What keeps it alive.
        reason: String,
    },
    /// A store path could not be computed or parsed.
    #[error(transparent)]
    Path(#[from] StorePathError),
    /// A content address in the database or given by the caller is malformed.
    #[error(transparent)]
    ContentAddress(#[from] ContentAddressParseError),
    /// Serialising a path to NAR failed.
    #[error(transparent)]
    NarWrite(#[from] NarWriteError),
    /// Reading or unpacking a NAR failed.
    #[error(transparent)]
    NarRead(#[from] NarReadError),
    /// Writing an object into the store failed.
    #[error(transparent)]
    Write(#[from] StoreWriteError),
}

/// An I/O error's message without Rust's ` (os error N)` suffix.
fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Builds the mapper from an [`io::Error`] to [`LocalStoreError::Io`] for `path`.
pub fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> LocalStoreError + 'a {
    move |source| LocalStoreError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}
