//! The Nix language evaluator.

pub mod text;
