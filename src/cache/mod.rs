//! Binary caches in Nix's format: a directory (or web server) with `nix-cache-info`,
//! one `<hashpart>.narinfo` per store path and the compressed NARs under `nar/`.
//!
//! - [`cache_info`], [`narinfo`]: the two text formats.
//! - [`keys`]: ed25519 signing keys in Nix's `NAME:BASE64` form, path fingerprints.
//! - [`remote`]: reading a cache over `http(s)://` or `file://` ([`BinaryCache`]).
//! - [`substitute`]: finding closures in caches and fetching them into the local store,
//!   checking signatures, NAR hashes and sizes ([`Substituters`], [`fetch_into`]).
//! - [`upload`]: writing paths into a `file://` cache, optionally signed ([`CacheWriter`]).
//! - [`settings`]: `substituters`, `trusted-public-keys`, `require-sigs` from the
//!   command line and `$SYSREBUILD_CONFIG`.

pub mod cache_info;
pub mod error;
pub mod hashing_io;
pub mod keys;
pub mod narinfo;
pub mod remote;
pub mod settings;
pub mod substitute;
pub mod upload;

pub use error::CacheError;
pub use remote::BinaryCache;
pub use substitute::{SignaturePolicy, Substitute, Substituters, fetch_into};
pub use upload::CacheWriter;
