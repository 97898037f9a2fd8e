//! What the database records about a valid store path ([`ValidPathInfo`]) and the
//! content-address assertion it may carry ([`ContentAddress`]), in the text forms Nix
//! writes to the `ca` column.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::hash::{Hash, HashAlgo, HashParseError};
use super::path::{FileIngestionMethod, StoreDir, StorePath, StorePathError};

/// How a path's name was derived from its contents (the `ca` column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentAddress {
    /// A text file (`builtins.toFile`, `.drv`): SHA-256 of the contents.
    Text(Hash),
    /// Fixed-output content: hash of the file (flat) or of its NAR (recursive).
    Fixed(FileIngestionMethod, Hash),
}

/// A `ca` text that cannot be understood.
#[derive(Debug, Error)]
#[error("invalid content address '{text}': {reason}")]
pub struct ContentAddressParseError {
    /// The text that was parsed.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ContentAddress {
    /// The store path this content address gives for `name` with `references`.
    pub fn store_path(
        &self,
        dir: &StoreDir,
        name: &str,
        references: &BTreeSet<StorePath>,
    ) -> Result<StorePath, StorePathError> {
        match self {
            ContentAddress::Text(h) => dir.make_text_path(name, h, references),
            ContentAddress::Fixed(method, h) => {
                let self_ref = false;
                dir.make_fixed_output_path(*method, h, name, references, self_ref)
            }
        }
    }
}

impl fmt::Display for ContentAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentAddress::Text(h) => write!(f, "text:{}:{}", h.algo(), h.to_nix32()),
            ContentAddress::Fixed(m, h) => {
                write!(f, "fixed:{}{}:{}", m.prefix(), h.algo(), h.to_nix32())
            }
        }
    }
}

impl FromStr for ContentAddress {
    type Err = ContentAddressParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| ContentAddressParseError {
            text: s.to_owned(),
            reason,
        };
        let hash =
            |h: &str| Hash::parse_prefixed(h).map_err(|e: HashParseError| fail(e.to_string()));
        if let Some(rest) = s.strip_prefix("text:") {
            let h = hash(rest)?;
            if h.algo() != HashAlgo::Sha256 {
                return Err(fail("text hashes must be SHA-256".into()));
            }
            Ok(ContentAddress::Text(h))
        } else if let Some(rest) = s.strip_prefix("fixed:") {
            match rest.strip_prefix("r:") {
                Some(r) => Ok(ContentAddress::Fixed(
                    FileIngestionMethod::Recursive,
                    hash(r)?,
                )),
                None => Ok(ContentAddress::Fixed(
                    FileIngestionMethod::Flat,
                    hash(rest)?,
                )),
            }
        } else {
            Err(fail("expected 'text:' or 'fixed:'".into()))
        }
    }
}

/// Everything the database knows about one valid path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPathInfo {
    /// The path itself.
    pub path: StorePath,
    /// The derivation that produced it, if known.
    pub deriver: Option<StorePath>,
    /// SHA-256 of its NAR serialisation.
    pub nar_hash: Hash,
    /// Size of its NAR serialisation in bytes.
    pub nar_size: u64,
    /// Store paths it refers to (possibly itself).
    pub references: BTreeSet<StorePath>,
    /// When it was registered (seconds since the epoch).
    pub registration_time: i64,
    /// Whether it was built locally (trusted without signatures).
    pub ultimate: bool,
    /// Signatures (`key:base64`).
    pub sigs: Vec<String>,
    /// Content-address assertion, for content-addressed paths.
    pub ca: Option<ContentAddress>,
}

impl ValidPathInfo {
    /// Information for `path` with the given NAR hash and size, registered now, with no
    /// references, deriver, signatures or content address.
    pub fn new(path: StorePath, nar_hash: Hash, nar_size: u64) -> Self {
        ValidPathInfo {
            path,
            deriver: None,
            nar_hash,
            nar_size,
            references: BTreeSet::new(),
            registration_time: now(),
            ultimate: false,
            sigs: Vec::new(),
            ca: None,
        }
    }
}

/// Seconds since the epoch (0 if the clock is before it).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_addresses_round_trip_in_nix_form() {
        for text in [
            "fixed:r:sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h",
            "fixed:sha256:1r3v22qkypccqifzbww5lrn6hf1chi23m6zzkyvb8bvg457nxslq",
            "text:sha256:193s6bfb4ncbr0d3rpb177cac43b2z2h3afxi7grcswgci346hwg",
        ] {
            let ca: ContentAddress = text.parse().expect("parses");
            assert_eq!(ca.to_string(), text);
        }
        assert!("blob:sha256:x".parse::<ContentAddress>().is_err());
    }

    #[test]
    fn text_content_address_gives_the_nix_path() {
        // builtins.toFile "t" "hi", as registered by Nix 2.8.
        let ca: ContentAddress = "text:sha256:193s6bfb4ncbr0d3rpb177cac43b2z2h3afxi7grcswgci346hwg"
            .parse()
            .expect("parses");
        let p = ca
            .store_path(&StoreDir::default(), "t", &BTreeSet::new())
            .expect("path");
        assert_eq!(p.base_name(), "hxk820apsjsq6709id0vbfsikipvfka6-t");
    }
}
