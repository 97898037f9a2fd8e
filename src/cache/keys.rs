//! Signing keys in Nix's text form and the signatures of path infos.
//!
//! A secret key is `NAME:BASE64` of the 64-byte ed25519 key pair (seed, then public key),
//! a public key `NAME:BASE64` of its 32 bytes, as `nix-store --generate-binary-cache-key`
//! writes them. A signature is `NAME:BASE64` of the 64-byte ed25519 signature of a path's
//! [`fingerprint`]; it is checked with the trusted public key of the same name.

use std::collections::BTreeSet;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::store::base64;
use crate::store::hash::Hash;
use crate::store::path::{StoreDir, StorePath};

/// A key or signature text that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The text is not `NAME:BASE64` with the expected number of bytes.
    #[error("invalid {what} '{text}': {reason}")]
    Format {
        /// "secret key", "public key" or "signature".
        what: &'static str,
        /// The text (secret keys are shown by name only).
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The system's random number generator failed.
    #[error("cannot generate a key: {0}")]
    Random(String),
}

/// Splits `NAME:BASE64` and decodes the base64 into exactly `len` bytes.
fn split_key(text: &str, what: &'static str, len: usize) -> Result<(String, Vec<u8>), KeyError> {
    let shown = if what == "secret key" {
        format!("{}:…", text.split(':').next().unwrap_or(""))
    } else {
        text.to_owned()
    };
    let fail = |reason: String| KeyError::Format {
        what,
        text: shown.clone(),
        reason,
    };
    let (name, data) = text
        .trim()
        .split_once(':')
        .ok_or_else(|| fail("expected NAME:BASE64".to_owned()))?;
    if name.is_empty() {
        return Err(fail("the name before ':' is empty".to_owned()));
    }
    let bytes = base64::decode(data).map_err(|e| fail(format!("bad base64 ({e})")))?;
    if bytes.len() != len {
        return Err(fail(format!(
            "expected {len} bytes after base64 decoding, found {}",
            bytes.len()
        )));
    }
    Ok((name.to_owned(), bytes))
}

/// A named ed25519 signing key.
pub struct SecretKey {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    /// A new key named `name` (e.g. `cache.example.org-1`) from the system's random source.
    pub fn generate(name: &str) -> Result<SecretKey, KeyError> {
        if name.is_empty() || name.contains(':') {
            return Err(KeyError::Format {
                what: "key name",
                text: name.to_owned(),
                reason: "a key name must be non-empty and contain no ':'".to_owned(),
            });
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(SecretKey {
            name: name.to_owned(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Parses `NAME:BASE64` (64 bytes: seed and public key, which must match).
    pub fn parse(text: &str) -> Result<SecretKey, KeyError> {
        let (name, bytes) = split_key(text, "secret key", 64)?;
        let pair: [u8; 64] = bytes.try_into().map_err(|_| KeyError::Format {
            what: "secret key",
            text: format!("{name}:…"),
            reason: "expected 64 bytes".to_owned(),
        })?;
        let key = SigningKey::from_keypair_bytes(&pair).map_err(|e| KeyError::Format {
            what: "secret key",
            text: format!("{name}:…"),
            reason: format!("the public half does not match the secret half ({e})"),
        })?;
        Ok(SecretKey { name, key })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key in Nix's text form.
    pub fn to_text(&self) -> String {
        format!(
            "{}:{}",
            self.name,
            base64::encode(&self.key.to_keypair_bytes())
        )
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The signature `NAME:BASE64` of `fingerprint`.
    pub fn sign(&self, fingerprint: &str) -> String {
        let sig = self.key.sign(fingerprint.as_bytes());
        format!("{}:{}", self.name, base64::encode(&sig.to_bytes()))
    }
}

/// A named ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    name: String,
    key: VerifyingKey,
}

impl PublicKey {
    /// Parses `NAME:BASE64` (32 bytes).
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        let (name, bytes) = split_key(text, "public key", 32)?;
        let fail = |reason: String| KeyError::Format {
            what: "public key",
            text: text.trim().to_owned(),
            reason,
        };
        let raw: [u8; 32] = bytes
            .try_into()
            .map_err(|_| fail("expected 32 bytes".to_owned()))?;
        let key = VerifyingKey::from_bytes(&raw)
            .map_err(|e| fail(format!("not an ed25519 point ({e})")))?;
        Ok(PublicKey { name, key })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key in Nix's text form.
    pub fn to_text(&self) -> String {
        format!("{}:{}", self.name, base64::encode(self.key.as_bytes()))
    }

    /// Whether `signature` (`NAME:BASE64`) is this key's valid signature of `fingerprint`.
    /// A signature by another name, or one that cannot be decoded, is not.
    pub fn verifies(&self, fingerprint: &str, signature: &str) -> bool {
        let Some((name, data)) = signature.split_once(':') else {
            return false;
        };
        if name != self.name {
            return false;
        }
        let Ok(bytes) = base64::decode(data) else {
            return false;
        };
        let Ok(raw) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        self.key
            .verify(fingerprint.as_bytes(), &Signature::from_bytes(&raw))
            .is_ok()
    }
}

/// The public keys whose signatures are trusted (`trusted-public-keys`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: Vec<PublicKey>,
}

impl TrustedKeys {
    /// Parses a whitespace-separated list of `NAME:BASE64` public keys.
    pub fn parse_list(text: &str) -> Result<TrustedKeys, KeyError> {
        let keys = text
            .split_whitespace()
            .map(PublicKey::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedKeys { keys })
    }

    /// Adds a key.
    pub fn push(&mut self, key: PublicKey) {
        self.keys.push(key);
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether one of `signatures` is a valid signature of `fingerprint` by a trusted key.
    pub fn any_verifies(&self, fingerprint: &str, signatures: &[String]) -> bool {
        signatures
            .iter()
            .any(|sig| self.keys.iter().any(|k| k.verifies(fingerprint, sig)))
    }
}

/// What a path info's signature signs: `1;PATH;NARHASH;NARSIZE;REF,REF…` with full store
/// paths, the NAR hash as `sha256:<nix32>` and the references in store path order.
pub fn fingerprint(
    store_dir: &StoreDir,
    path: &StorePath,
    nar_hash: &Hash,
    nar_size: u64,
    references: &BTreeSet<StorePath>,
) -> String {
    let refs: Vec<String> = references.iter().map(|r| store_dir.display(r)).collect();
    format!(
        "1;{};{}:{};{};{}",
        store_dir.display(path),
        nar_hash.algo(),
        nar_hash.to_nix32(),
        nar_size,
        refs.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated by `nix-store --generate-binary-cache-key test-1 sk pk` (Nix 2.8).
    const NIX_SECRET: &str = "test-1:T6ShY8g8rn1Pgs3O8hnnP/zWjocC6Ru+6ol03TSvcG4iNX28/HuogNt/U+IvTD0+8ioXxUaao0FpSmkMK8p8gQ==";
    const NIX_PUBLIC: &str = "test-1:IjV9vPx7qIDbf1PiL0w9PvIqF8VGmqNBaUppDCvKfIE=";

    #[test]
    fn nix_keys_parse_and_match() {
        let sk = SecretKey::parse(NIX_SECRET).expect("secret");
        assert_eq!(sk.public_key().to_text(), NIX_PUBLIC);
        assert_eq!(sk.to_text(), NIX_SECRET);
        assert_eq!(
            PublicKey::parse(NIX_PUBLIC).expect("public").name(),
            "test-1"
        );
    }

    #[test]
    fn signatures_verify_only_with_the_right_key_and_text() {
        let sk = SecretKey::generate("k-1").expect("generate");
        let pk = sk.public_key();
        let sig = sk.sign("1;/nix/store/x;sha256:y;1;");
        assert!(sig.starts_with("k-1:"));
        assert!(pk.verifies("1;/nix/store/x;sha256:y;1;", &sig));
        assert!(!pk.verifies("1;/nix/store/x;sha256:y;2;", &sig));
        let other = SecretKey::generate("k-1").expect("generate").public_key();
        assert!(!other.verifies("1;/nix/store/x;sha256:y;1;", &sig));
        let keys = TrustedKeys::parse_list(&format!("  {}\n", pk.to_text())).expect("list");
        assert!(keys.any_verifies("1;/nix/store/x;sha256:y;1;", &["bad".into(), sig]));
    }

    #[test]
    fn malformed_keys_are_refused_with_a_reason() {
        for text in ["nocolon", ":AAAA", "k:!!", "k:AAAA"] {
            let e = PublicKey::parse(text).expect_err(text);
            assert!(e.to_string().contains("invalid public key"), "{e}");
        }
        let e = SecretKey::parse("k:AAAA").expect_err("short");
        assert!(e.to_string().contains("expected 64 bytes"), "{e}");
        assert!(!e.to_string().contains("AAAA"), "secret shown: {e}");
    }
}
