//! Why a download failed. Every message names the URL, in Nix's words where Nix has them
//! (`unable to download 'URL': HTTP error 404`).

use std::io;
use std::path::PathBuf;

/// Why fetching a URL failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The server answered with an error status (4xx, 5xx) or a redirect it did not finish.
    #[error("unable to download '{url}': HTTP error {status}")]
    Http {
        /// The URL asked for.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// No connection could be made, or it broke before the body was complete.
    #[error("unable to download '{url}': {reason}")]
    Transfer {
        /// The URL asked for.
        url: String,
        /// What went wrong, for the user ("Connection refused", "timed out after 30 s", …).
        reason: String,
    },
    /// A `file://` URL names a file that cannot be read.
    #[error("unable to download '{url}': {}", describe(source))]
    File {
        /// The URL asked for.
        url: String,
        /// The cause.
        source: io::Error,
    },
    /// The URL is not one this client can fetch.
    #[error("unable to download '{url}': {reason}")]
    BadUrl {
        /// The URL asked for.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Writing the downloaded data to disk failed.
    #[error("unable to download '{url}': writing '{}': {}", path.display(), describe(source))]
    Write {
        /// The URL asked for.
        url: String,
        /// The file being written.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The body is larger than the caller allows.
    #[error("unable to download '{url}': the response is larger than {limit} bytes")]
    TooLarge {
        /// The URL asked for.
        url: String,
        /// The limit, in bytes.
        limit: u64,
    },
}

impl NetError {
    /// Whether the error means "there is no such file" (HTTP 403, 404 or 410, a missing
    /// `file://` path), as opposed to a failure worth reporting. Binary caches use this to
    /// tell a path the cache does not have from a broken cache.
    pub fn is_not_found(&self) -> bool {
        match self {
            NetError::Http { status, .. } => matches!(status, 403 | 404 | 410),
            NetError::File { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => false,
        }
    }

    /// The URL the error is about.
    pub fn url(&self) -> &str {
        match self {
            NetError::Http { url, .. }
            | NetError::Transfer { url, .. }
            | NetError::File { url, .. }
            | NetError::BadUrl { url, .. }
            | NetError::Write { url, .. }
            | NetError::TooLarge { url, .. } => url,
        }
    }
}

/// An I/O error's message without Rust's `(os error N)` suffix.
pub(crate) fn describe(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}
