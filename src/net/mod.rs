//! Downloading: one small client for `http://`, `https://` and `file://` URLs, used by the
//! fetchers (`builtins.fetchurl`, `builtin:fetchurl`), binary caches and the Debian mirror.
//!
//! - [`download`] streams a URL into a file (a temporary file next to it, renamed into
//!   place once complete, so `dest` never holds a partial download), reporting progress.
//! - [`get_bytes`] reads a small resource (a `.narinfo`, an index) into memory.
//! - [`open`] hands out the body as a stream, for callers that decompress or unpack on the
//!   fly.
//!
//! Redirects are followed (up to [`http::MAX_REDIRECTS`]); a connection is abandoned after
//! [`http::DEFAULT_CONNECT_TIMEOUT`], a transfer after [`http::DEFAULT_STALL_TIMEOUT`]
//! without data. Errors name the URL: `unable to download 'URL': HTTP error 404`.
//!
//! ```no_run
//! let bytes = sysrebuild::net::get_bytes("https://cache.example.org/nix-cache-info")?;
//! sysrebuild::net::download(
//!     "https://example.org/x.tar.gz",
//!     std::path::Path::new("/tmp/x.tar.gz"),
//!     &mut |p| eprintln!("{} of {:?} bytes", p.done, p.total),
//! )?;
//! # Ok::<(), sysrebuild::net::NetError>(())
//! ```

mod error;
pub mod http;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub use error::NetError;
pub use http::{Body, Client};

/// How far a download has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes received so far.
    pub done: u64,
    /// The size announced by the server, if any.
    pub total: Option<u64>,
}

/// The most [`get_bytes`] reads into memory.
pub const MAX_IN_MEMORY: u64 = 1 << 30;

/// The shared client used by the free functions.
pub fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(Client::default)
}

/// Starts fetching `url`; see [`Client::open`].
pub fn open(url: &str) -> Result<Body, NetError> {
    client().open(url)
}

/// Reads all of `url` into memory (at most [`MAX_IN_MEMORY`] bytes).
pub fn get_bytes(url: &str) -> Result<Vec<u8>, NetError> {
    client().get_bytes(url)
}

/// Downloads `url` to `dest`, calling `progress` as data arrives; returns the number of
/// bytes written. `dest` is replaced only once the whole body has been received.
pub fn download(
    url: &str,
    dest: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64, NetError> {
    client().download(url, dest, progress)
}

impl Client {
    /// Reads all of `url` into memory (at most [`MAX_IN_MEMORY`] bytes).
    pub fn get_bytes(&self, url: &str) -> Result<Vec<u8>, NetError> {
        let mut body = self.open(url)?;
        let mut out = Vec::with_capacity(body.len().unwrap_or(0).min(1 << 20) as usize);
        let read = (&mut body).take(MAX_IN_MEMORY + 1).read_to_end(&mut out);
        read.map_err(|e| body.read_error(&e))?;
        if out.len() as u64 > MAX_IN_MEMORY {
            return Err(NetError::TooLarge {
                url: url.to_owned(),
                limit: MAX_IN_MEMORY,
            });
        }
        Ok(out)
    }

    /// Downloads `url` to `dest`; see [`download`].
    pub fn download(
        &self,
        url: &str,
        dest: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<u64, NetError> {
        let mut body = self.open(url)?;
        let temp = temp_name(dest);
        let write_error = |path: &Path| {
            let url = url.to_owned();
            let path = path.to_owned();
            move |source| NetError::Write { url, path, source }
        };
        let mut file = File::create(&temp).map_err(write_error(&temp))?;
        let result = copy_with_progress(&mut body, &mut file, &temp, progress);
        let result = result.and_then(|n| {
            file.sync_all().map_err(write_error(&temp))?;
            drop(file);
            std::fs::rename(&temp, dest).map_err(write_error(dest))?;
            Ok(n)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

fn copy_with_progress(
    body: &mut Body,
    out: &mut File,
    out_path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<u64, NetError> {
    let total = body.len();
    let mut buf = vec![0u8; 64 * 1024];
    let mut done = 0u64;
    progress(Progress { done, total });
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(body.read_error(&e)),
        };
        out.write_all(&buf[..n]).map_err(|source| NetError::Write {
            url: body.url().to_owned(),
            path: out_path.to_owned(),
            source,
        })?;
        done += n as u64;
        progress(Progress { done, total });
    }
    Ok(done)
}

/// A temporary name next to `dest`, unique within this process and across processes.
fn temp_name(dest: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let base = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{base}.download-{}-{n}", std::process::id()))
}
