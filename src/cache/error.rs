//! Why a binary cache operation failed. Every message names the path and the cache.

use std::io;
use std::path::PathBuf;

use super::keys::KeyError;
use super::narinfo::NarInfoError;
use crate::net::NetError;
use crate::store::local::LocalStoreError;
use crate::store::nar_restore::NarReadError;

/// A failure reading from or writing to a binary cache.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Fetching from the cache failed.
    #[error(transparent)]
    Net(#[from] NetError),
    /// The cache has no `nix-cache-info`, or an unreadable one.
    #[error("'{url}' is not a binary cache: {reason}")]
    NotACache {
        /// The cache's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The cache holds paths of another store directory.
    #[error("binary cache '{url}' is for the store directory '{theirs}', not '{ours}'")]
    StoreDirMismatch {
        /// The cache's URL.
        url: String,
        /// Its `StoreDir`.
        theirs: String,
        /// Ours.
        ours: String,
    },
    /// A `.narinfo` that cannot be understood.
    #[error("bad .narinfo: {0}")]
    NarInfo(#[from] NarInfoError),
    /// A `.narinfo` describing another path than the one asked for.
    #[error("'{url}' describes '{found}' instead of '{wanted}'")]
    WrongPath {
        /// The `.narinfo` URL.
        url: String,
        /// The path asked for.
        wanted: String,
        /// The path it describes.
        found: String,
    },
    /// No cache has the path.
    #[error("path '{path}' is not in the binary cache '{url}' (no {path_hash}.narinfo)")]
    NotInCache {
        /// The path.
        path: String,
        /// Its hash part.
        path_hash: String,
        /// The cache's URL.
        url: String,
    },
    /// No trusted key signed the path.
    #[error(
        "cannot add path '{path}' from '{url}' because it lacks a signature by a trusted key \
         (signatures: {sigs}); add its key to trusted-public-keys or use --no-check-sigs"
    )]
    Untrusted {
        /// The path.
        path: String,
        /// The cache's URL.
        url: String,
        /// The key names it was signed with, or "none".
        sigs: String,
    },
    /// The NAR does not have the hash or size the `.narinfo` announces.
    #[error(
        "NAR of '{path}' from '{url}' does not match its .narinfo: {what} is {actual}, \
         expected {expected}"
    )]
    Mismatch {
        /// The path.
        path: String,
        /// The NAR's URL.
        url: String,
        /// "NAR hash", "NAR size", "file hash" or "file size".
        what: &'static str,
        /// What the .narinfo says.
        expected: String,
        /// What was received.
        actual: String,
    },
    /// The NAR could not be decompressed or unpacked.
    #[error("cannot unpack the NAR of '{path}' from '{url}': {reason}")]
    BadNar {
        /// The path.
        path: String,
        /// The NAR's URL.
        url: String,
        /// What failed (truncated archive, corrupt compressed data…).
        reason: String,
    },
    /// A key or signature is malformed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] LocalStoreError),
    /// Writing the cache is only possible for `file://` URLs.
    #[error("cannot write to the binary cache '{0}': only file:// caches can be written")]
    NotWritable(String),
    /// Reading or writing a local file failed.
    #[error("{action} '{}': {}", path.display(), crate::build::error::describe(source))]
    Io {
        /// What was being done ("writing", "creating directory" …).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl CacheError {
    /// An [`CacheError::Io`] maker for `map_err`.
    pub fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(io::Error) -> CacheError {
        let path = path.to_owned();
        move |source| CacheError::Io {
            action,
            path,
            source,
        }
    }

    /// A NAR read failure, phrased for the path and URL.
    pub fn bad_nar(path: &str, url: &str, e: &NarReadError) -> CacheError {
        let reason = match e {
            NarReadError::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                "NAR archive is truncated".to_owned()
            }
            other => other.to_string(),
        };
        CacheError::BadNar {
            path: path.to_owned(),
            url: url.to_owned(),
            reason,
        }
    }
}
