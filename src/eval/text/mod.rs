//! Text algorithms with Nix's exact semantics.
pub mod float;
