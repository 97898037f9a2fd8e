//! What the fetchers share: `builtins.fetchurl`/`fetchTarball` in the evaluator and the
//! `builtin:fetchurl` builder both download with [`crate::net`], unpack tarballs with
//! [`unpack`] and report a wrong hash in the same words ([`HashMismatch`]).

pub mod scratch;
pub mod unpack;

use crate::store::hash::{Hash, HashFormat};

pub use scratch::ScratchDir;
pub use unpack::{UnpackError, unpack_tarball};

/// A hash written the two ways users meet it: SRI and Nix's base-32
/// (`sha256-… (sha256:1b8m…)`), so it can be pasted wherever it is needed.
pub fn both_forms(hash: &Hash) -> String {
    format!(
        "{} ({})",
        hash.to_sri(),
        hash.encode_prefixed(HashFormat::Nix32)
    )
}

/// A downloaded file or tree whose hash is not the one asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "hash mismatch in file downloaded from '{url}':\n  specified: {}\n  got:       {}",
    both_forms(specified),
    both_forms(got)
)]
pub struct HashMismatch {
    /// The URL the data came from.
    pub url: String,
    /// The hash the caller gave.
    pub specified: Hash,
    /// The hash of what arrived (same algorithm).
    pub got: Hash,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::hash::HashAlgo;

    #[test]
    fn mismatch_names_both_hashes_in_both_forms() {
        let specified = Hash::digest(HashAlgo::Sha256, "a");
        let got = Hash::digest(HashAlgo::Sha256, "b");
        let text = HashMismatch {
            url: "file:///x".into(),
            specified: specified.clone(),
            got: got.clone(),
        }
        .to_string();
        assert!(text.starts_with("hash mismatch in file downloaded from 'file:///x'"));
        for h in [&specified, &got] {
            assert!(text.contains(&h.to_sri()), "{text}");
            assert!(text.contains(&h.to_nix32()), "{text}");
        }
    }
}
