//! Where an index comes from: apt's own lists (`/var/lib/apt/lists` after `apt-get
//! update`) or an HTTP(S) mirror (`<mirror>/dists/<suite>/<component>/binary-<arch>/`).
//!
//! Either way the result is the uncompressed `Packages` text, checked against the SHA-256
//! the suite's `InRelease` file lists for it when that file is present. (The signature of
//! `InRelease` is apt's business: apt verified it when it wrote its lists.)

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What to fetch: one suite, component and architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// `bookworm`, `bookworm-updates`…
    pub suite: String,
    /// `main`, `contrib`…
    pub component: String,
    /// The Debian architecture (`amd64`, `arm64`).
    pub architecture: String,
}

impl Selector {
    /// The path of the index inside the suite, as `InRelease` lists it (uncompressed).
    pub fn release_path(&self) -> String {
        format!("{}/binary-{}/Packages", self.component, self.architecture)
    }
}

/// An index as read from its origin.
pub struct Fetched {
    /// The uncompressed `Packages` text.
    pub text: String,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Whether the hash was checked against an `InRelease` file.
    pub verified: bool,
    /// The suite's `Date` from `InRelease`, if known.
    pub date: Option<String>,
    /// The mirror the lists were downloaded from, if known (`http://deb.debian.org/debian`).
    pub mirror: Option<String>,
    /// A human-readable description of where the index was read.
    pub location: String,
}

/// Reading an index failed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// No list file matches the selector.
    #[error(
        "no apt list for {suite}/{component}/binary-{arch} in {dir}; run `apt-get update` (with that suite in /etc/apt/sources.list), or choose a mirror with --from URL"
    )]
    NoAptList {
        dir: PathBuf,
        suite: String,
        component: String,
        arch: String,
    },
    /// An I/O error on a file.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A compressed index that does not decompress.
    #[error("cannot decompress {path}: {message}")]
    Decompress { path: String, message: String },
    /// The index is not UTF-8.
    #[error("{path} is not UTF-8 text")]
    NotText { path: String },
    /// The hash does not match `InRelease`.
    #[error("{path}: SHA256 is {actual}, but {release} lists {expected} for {entry}")]
    HashMismatch {
        path: String,
        release: String,
        entry: String,
        expected: String,
        actual: String,
    },
    /// An HTTP download failed.
    #[error("cannot download {url}: {message}")]
    Http { url: String, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads the index for `sel` from apt's lists in `dir`. Several list files can match
/// (several mirrors): the first by name is taken.
pub fn from_apt_lists(dir: &Path, sel: &Selector) -> Result<Fetched, SourceError> {
    let suffix = format!(
        "_dists_{}_{}_binary-{}_Packages",
        sel.suite, sel.component, sel.architecture
    );
    let mut candidates: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        for ext in ["", ".lz4", ".xz", ".gz"] {
            if let Some(prefix) = name.strip_suffix(&format!("{suffix}{ext}")) {
                candidates.push((prefix.to_owned(), entry.path()));
            }
        }
    }
    candidates.sort();
    let Some((prefix, path)) = candidates.into_iter().next() else {
        return Err(SourceError::NoAptList {
            dir: dir.to_owned(),
            suite: sel.suite.clone(),
            component: sel.component.clone(),
            arch: sel.architecture.clone(),
        });
    };
    let raw = fs::read(&path).map_err(io(&path))?;
    let text = decompress(&path.display().to_string(), raw)?;
    let release_path = dir.join(format!("{prefix}_dists_{}_InRelease", sel.suite));
    let release = match fs::read_to_string(&release_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&release_path)(e)),
    };
    let mirror = format!("http://{}", prefix.replace('_', "/"));
    finish(
        text,
        release.as_deref(),
        &release_path.display().to_string(),
        sel,
        path.display().to_string(),
        Some(mirror),
    )
}

/// Downloads the index for `sel` from a mirror (`https://deb.debian.org/debian`), with
/// its suite's `InRelease`.
pub fn from_mirror(mirror: &str, sel: &Selector) -> Result<Fetched, SourceError> {
    let base = mirror.trim_end_matches('/');
    let release_url = format!("{base}/dists/{}/InRelease", sel.suite);
    let release = crate::net::get_bytes(&release_url)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let url = format!("{base}/dists/{}/{}.xz", sel.suite, sel.release_path());
    let raw = crate::net::get_bytes(&url).map_err(|e| SourceError::Http {
        url: url.clone(),
        message: e.to_string(),
    })?;
    let text = decompress(&url, raw)?;
    finish(
        text,
        release.as_deref(),
        &release_url,
        sel,
        url.clone(),
        Some(base.to_owned()),
    )
}

fn finish(
    text: String,
    release: Option<&str>,
    release_name: &str,
    sel: &Selector,
    location: String,
    mirror: Option<String>,
) -> Result<Fetched, SourceError> {
    let sha256 = hex(&Sha256::digest(text.as_bytes()));
    let mut verified = false;
    let mut date = None;
    if let Some(release) = release {
        let entry = sel.release_path();
        date = release_field(release, "Date");
        if let Some(expected) = release_sha256(release, &entry) {
            if expected != sha256 {
                return Err(SourceError::HashMismatch {
                    path: location,
                    release: release_name.to_owned(),
                    entry,
                    expected,
                    actual: sha256,
                });
            }
            verified = true;
        }
    }
    Ok(Fetched {
        text,
        sha256,
        verified,
        date,
        mirror,
        location,
    })
}

/// Decompresses by file name: `.lz4` (apt's local lists), `.xz`, `.gz`, or plain.
pub fn decompress(name: &str, raw: Vec<u8>) -> Result<String, SourceError> {
    let fail = |e: std::io::Error| SourceError::Decompress {
        path: name.to_owned(),
        message: e.to_string(),
    };
    let bytes = if name.ends_with(".lz4") {
        let mut out = Vec::with_capacity(raw.len() * 5);
        lz4_flex::frame::FrameDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(fail)?;
        out
    } else if name.ends_with(".xz") {
        let mut out = Vec::with_capacity(raw.len() * 8);
        liblzma::read::XzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(fail)?;
        out
    } else if name.ends_with(".gz") {
        let mut out = Vec::with_capacity(raw.len() * 5);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(fail)?;
        out
    } else {
        raw
    };
    String::from_utf8(bytes).map_err(|_| SourceError::NotText {
        path: name.to_owned(),
    })
}

/// The value of a top-level field of a Release file.
fn release_field(release: &str, name: &str) -> Option<String> {
    release
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map(|v| v.trim().to_owned())
}

/// The SHA-256 a Release file lists for `entry`.
pub fn release_sha256(release: &str, entry: &str) -> Option<String> {
    let mut in_sha256 = false;
    for line in release.lines() {
        if !line.starts_with([' ', '\t']) {
            in_sha256 = line.trim_end() == "SHA256:";
            continue;
        }
        if in_sha256 {
            let mut parts = line.split_whitespace();
            let (Some(hash), Some(_size), Some(path)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if path == entry {
                return Some(hash.to_ascii_lowercase());
            }
        }
    }
    None
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_hash_in_a_release_file() {
        let release = "Origin: Debian\nDate: Sat, 01 Nov 2025 00:00:00 UTC\nMD5Sum:\n aa 10 main/binary-amd64/Packages\nSHA256:\n bb 10 main/binary-arm64/Packages\n CC 10 main/binary-amd64/Packages\n";
        assert_eq!(
            release_sha256(release, "main/binary-amd64/Packages").as_deref(),
            Some("cc")
        );
        assert_eq!(release_sha256(release, "contrib/x"), None);
        assert_eq!(
            release_field(release, "Date").as_deref(),
            Some("Sat, 01 Nov 2025 00:00:00 UTC")
        );
    }

    #[test]
    fn decompresses_every_format() {
        use std::io::Write;
        let text = "Package: a\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).expect("gz");
        let gz = gz.finish().expect("gz");
        assert_eq!(decompress("x.gz", gz).expect("gz"), text);
        let mut lz = lz4_flex::frame::FrameEncoder::new(Vec::new());
        lz.write_all(text.as_bytes()).expect("lz4");
        let lz = lz.finish().expect("lz4");
        assert_eq!(decompress("x.lz4", lz).expect("lz4"), text);
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(text.as_bytes()).expect("xz");
        let xz = xz.finish().expect("xz");
        assert_eq!(decompress("x.xz", xz).expect("xz"), text);
        assert!(decompress("x.xz", b"junk".to_vec()).is_err());
    }
}
