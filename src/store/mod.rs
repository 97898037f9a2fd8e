//! The Nix store: paths, hashes, NAR, derivations.
