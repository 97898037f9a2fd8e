//! The Nix store: paths, hashes, NAR, derivations.

pub mod aterm;
pub mod base64;
pub mod derivation;
pub mod derivation_hash;
pub mod hash;
pub mod nar;
pub mod nar_restore;
pub mod nix32;
pub mod path;
