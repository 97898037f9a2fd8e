//! The Nix store: paths, hashes, NAR, derivations.
//!
//! - [`hash`]: hash algorithms, hashing, and Nix's textual hash encodings
//!   ([`nix32`], [`base64`], base16, SRI).
//! - [`path`]: store directories, store paths and content-addressed path
//!   computation.
//! - [`nar`] / [`nar_restore`]: writing and reading NAR archives.
//! - [`derivation`] / [`derivation_hash`]: `.drv` files in ATerm form
//!   ([`aterm`]), hashing modulo fixed outputs, output paths.
//! - [`writer`]: putting text files and file trees into a (relocated) store.
//! - [`path_info`]: what the database records about a valid path.
//! - [`local`]: the local, Nix-compatible store (database, locks, roots, GC).

pub mod aterm;
pub mod base64;
pub mod derivation;
pub mod derivation_hash;
pub mod hash;
pub mod local;
pub mod nar;
pub mod nar_restore;
pub mod nix32;
pub mod path;
pub mod path_info;
pub mod writer;
