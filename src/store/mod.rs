//! The Nix store: paths, hashes, NAR, derivations.

pub mod base64;
pub mod hash;
pub mod nix32;
pub mod path;
