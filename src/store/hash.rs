//! Cryptographic hashes as Nix uses them: algorithms, computation (one-shot
//! and streaming), and every textual encoding Nix reads and writes (base16,
//! nix32, base64, SRI, and the `algo:hash` prefixed form).

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;

use sha2::Digest;
use thiserror::Error;

use super::{base64, nix32};

/// A hash algorithm supported by Nix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgo {
    /// MD5 (16 bytes).
    Md5,
    /// SHA-1 (20 bytes).
    Sha1,
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-512 (64 bytes).
    Sha512,
}

impl HashAlgo {
    /// The name Nix uses for this algorithm (`md5`, `sha1`, `sha256`, `sha512`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for HashAlgo {
    type Err = HashParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "md5" => Ok(HashAlgo::Md5),
            "sha1" => Ok(HashAlgo::Sha1),
            "sha256" => Ok(HashAlgo::Sha256),
            "sha512" => Ok(HashAlgo::Sha512),
            _ => Err(HashParseError::UnknownAlgo(s.to_owned())),
        }
    }
}

/// A textual encoding of a hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashFormat {
    /// Lower-case hexadecimal.
    Base16,
    /// Nix's base-32 (see [`nix32`]).
    Nix32,
    /// Padded standard base64.
    Base64,
    /// Subresource Integrity: `<algo>-<base64>`.
    Sri,
}

impl FromStr for HashFormat {
    type Err = HashParseError;

    /// Parses the names accepted by `builtins.convertHash`'s `toHashFormat`
    /// (`base16`, `nix32`, `base32` as an alias of `nix32`, `base64`, `sri`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "base16" => Ok(HashFormat::Base16),
            "nix32" | "base32" => Ok(HashFormat::Nix32),
            "base64" => Ok(HashFormat::Base64),
            "sri" => Ok(HashFormat::Sri),
            _ => Err(HashParseError::UnknownFormat(s.to_owned())),
        }
    }
}

/// Errors from parsing hashes, algorithm names and format names.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HashParseError {
    /// Not one of `md5`, `sha1`, `sha256`, `sha512`.
    #[error("unknown hash algorithm '{0}'")]
    UnknownAlgo(String),
    /// Not one of the hash format names.
    #[error("unknown hash format '{0}'")]
    UnknownFormat(String),
    /// The hash carries no algorithm and none was supplied.
    #[error("hash '{0}' does not include a type, nor is the type otherwise known")]
    MissingAlgo(String),
    /// The prefix names a different algorithm than the one expected.
    #[error("hash '{hash}' should have type '{expected}'")]
    AlgoMismatch {
        /// The offending hash string.
        hash: String,
        /// The algorithm the caller required.
        expected: HashAlgo,
    },
    /// The length matches no encoding of a hash of this algorithm.
    #[error("hash '{hash}' has wrong length for hash type '{algo}'")]
    WrongLength {
        /// The offending hash string.
        hash: String,
        /// The algorithm it was parsed as.
        algo: HashAlgo,
    },
    /// A character invalid for the encoding inferred from the length.
    #[error("invalid {encoding} hash '{hash}'")]
    InvalidEncoding {
        /// The offending hash string.
        hash: String,
        /// The encoding that was tried.
        encoding: &'static str,
    },
    /// The byte count does not match the algorithm's digest size.
    #[error("hash '{hash}' has {got} bytes, expected {expected} for '{algo}'")]
    WrongSize {
        /// The offending hash string.
        hash: String,
        /// The algorithm it was parsed as.
        algo: HashAlgo,
        /// Bytes decoded.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
}

/// A digest together with the algorithm that produced it.
///
/// Invariant: `bytes().len() == algo().size()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash {
    algo: HashAlgo,
    bytes: Vec<u8>,
}

impl Hash {
    /// Wraps raw digest bytes; fails if the length does not fit `algo`.
    pub fn from_bytes(algo: HashAlgo, bytes: &[u8]) -> Result<Hash, HashParseError> {
        if bytes.len() != algo.size() {
            return Err(HashParseError::WrongSize {
                hash: base16_encode(bytes),
                algo,
                got: bytes.len(),
                expected: algo.size(),
            });
        }
        Ok(Hash {
            algo,
            bytes: bytes.to_vec(),
        })
    }

    /// Hashes `data` in one go.
    pub fn digest(algo: HashAlgo, data: impl AsRef<[u8]>) -> Hash {
        let mut h = Hasher::new(algo);
        h.update(data.as_ref());
        h.finish()
    }

    /// Hashes everything `reader` yields, streaming.
    pub fn of_reader(algo: HashAlgo, mut reader: impl Read) -> io::Result<Hash> {
        let mut h = Hasher::new(algo);
        io::copy(&mut reader, &mut h)?;
        Ok(h.finish())
    }

    /// Hashes a file's contents, streaming (`builtins.hashFile`).
    pub fn of_file(algo: HashAlgo, path: &Path) -> io::Result<Hash> {
        Self::of_reader(algo, fs::File::open(path)?)
    }

    /// The algorithm.
    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    /// The raw digest bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Lower-case hexadecimal.
    pub fn to_base16(&self) -> String {
        base16_encode(&self.bytes)
    }

    /// Nix's base-32.
    pub fn to_nix32(&self) -> String {
        nix32::encode(&self.bytes)
    }

    /// Padded base64.
    pub fn to_base64(&self) -> String {
        base64::encode(&self.bytes)
    }

    /// SRI form, `<algo>-<base64>`.
    pub fn to_sri(&self) -> String {
        format!("{}-{}", self.algo, self.to_base64())
    }

    /// Encodes in `format` without any algorithm prefix (SRI always carries it).
    pub fn encode(&self, format: HashFormat) -> String {
        match format {
            HashFormat::Base16 => self.to_base16(),
            HashFormat::Nix32 => self.to_nix32(),
            HashFormat::Base64 => self.to_base64(),
            HashFormat::Sri => self.to_sri(),
        }
    }

    /// Encodes in `format` with the `<algo>:` prefix (SRI uses its own `-`).
    pub fn encode_prefixed(&self, format: HashFormat) -> String {
        match format {
            HashFormat::Sri => self.to_sri(),
            _ => format!("{}:{}", self.algo, self.encode(format)),
        }
    }

    /// Parses a hash as Nix's `Hash::parseAny` does: `<algo>:<hash>`,
    /// `<algo>-<base64>` (SRI), or a bare hash when `algo` is given. With both
    /// a prefix and `algo`, they must agree. The encoding of non-SRI hashes is
    /// inferred from the length.
    pub fn parse(s: &str, algo: Option<HashAlgo>) -> Result<Hash, HashParseError> {
        let (prefix, rest, sri) = split_prefix(s);
        let algo = match (prefix, algo) {
            (Some(p), expected) => {
                let parsed: HashAlgo = p.parse()?;
                if let Some(e) = expected
                    && e != parsed
                {
                    return Err(HashParseError::AlgoMismatch {
                        hash: s.to_owned(),
                        expected: e,
                    });
                }
                parsed
            }
            (None, Some(a)) => a,
            (None, None) => return Err(HashParseError::MissingAlgo(s.to_owned())),
        };
        if sri {
            Self::decode_base64(s, rest, algo)
        } else {
            Self::parse_unprefixed(rest, algo)
        }
    }

    /// Parses a hash that must carry its algorithm (`<algo>:…` or SRI).
    pub fn parse_prefixed(s: &str) -> Result<Hash, HashParseError> {
        Self::parse(s, None)
    }

    /// Parses an SRI string `<algo>-<base64>`.
    pub fn parse_sri(s: &str) -> Result<Hash, HashParseError> {
        match split_prefix(s) {
            (Some(p), rest, true) => Self::decode_base64(s, rest, p.parse()?),
            _ => Err(HashParseError::InvalidEncoding {
                hash: s.to_owned(),
                encoding: "SRI",
            }),
        }
    }

    /// Parses a bare base16, nix32 or base64 hash of algorithm `algo`,
    /// choosing the encoding by length.
    pub fn parse_unprefixed(s: &str, algo: HashAlgo) -> Result<Hash, HashParseError> {
        let size = algo.size();
        let len = s.len();
        if len == size * 2 {
            let bytes = base16_decode(s).ok_or_else(|| HashParseError::InvalidEncoding {
                hash: s.to_owned(),
                encoding: "base16",
            })?;
            Hash::from_bytes(algo, &bytes)
        } else if len == nix32::encoded_len(size) {
            let bytes = nix32::decode(s).map_err(|_| HashParseError::InvalidEncoding {
                hash: s.to_owned(),
                encoding: "nix32",
            })?;
            Hash::from_bytes(algo, &bytes)
        } else if len == base64::encoded_len(size) {
            Self::decode_base64(s, s, algo)
        } else {
            Err(HashParseError::WrongLength {
                hash: s.to_owned(),
                algo,
            })
        }
    }

    fn decode_base64(whole: &str, b64: &str, algo: HashAlgo) -> Result<Hash, HashParseError> {
        let bytes = base64::decode(b64).map_err(|_| HashParseError::InvalidEncoding {
            hash: whole.to_owned(),
            encoding: "base64",
        })?;
        if bytes.len() != algo.size() {
            return Err(HashParseError::WrongSize {
                hash: whole.to_owned(),
                algo,
                got: bytes.len(),
                expected: algo.size(),
            });
        }
        Ok(Hash { algo, bytes })
    }

    /// XOR-folds the digest into `size` bytes, as Nix's `compressHash`
    /// (byte `i` of the input is XORed into byte `i % size`).
    pub fn compress(&self, size: usize) -> Vec<u8> {
        let mut out = vec![0u8; size];
        if size == 0 {
            return out;
        }
        for (i, b) in self.bytes.iter().enumerate() {
            out[i % size] ^= b;
        }
        out
    }
}

impl fmt::Display for Hash {
    /// Nix's default rendering: `<algo>:<nix32>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algo, self.to_nix32())
    }
}

/// `builtins.convertHash`: parses `hash` (prefixed, SRI, or bare with
/// `algo`) and prints it in `to`, without prefix except for SRI.
pub fn convert_hash(
    hash: &str,
    algo: Option<HashAlgo>,
    to: HashFormat,
) -> Result<String, HashParseError> {
    Ok(Hash::parse(hash, algo)?.encode(to))
}

/// Splits `algo:rest` or `algo-rest`; the flag is true for the SRI (`-`) form.
fn split_prefix(s: &str) -> (Option<&str>, &str, bool) {
    if let Some((p, rest)) = s.split_once(':') {
        return (Some(p), rest, false);
    }
    if let Some((p, rest)) = s.split_once('-') {
        return (Some(p), rest, true);
    }
    (None, s, false)
}

/// The two lowercase hexadecimal digits of every byte value (one load per byte).
const HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [HEX[i >> 4], HEX[i & 0xf]];
        i += 1;
    }
    table
};

/// Lower-case hexadecimal encoding of `bytes`.
pub fn base16_encode(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(*b)]);
    }
    // Only ASCII hex digits were written.
    String::from_utf8(out).unwrap_or_default()
}

/// Decodes hexadecimal (either case); `None` on odd length or a bad digit.
pub fn base16_decode(s: &str) -> Option<Vec<u8>> {
    let raw = s.as_bytes();
    if !raw.len().is_multiple_of(2) {
        return None;
    }
    raw.chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

enum HasherState {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

/// An incremental hasher; also an [`io::Write`] sink so that e.g. a NAR can be
/// serialised straight into it.
pub struct Hasher {
    state: HasherState,
    len: u64,
}

impl Hasher {
    /// Starts hashing with `algo`.
    pub fn new(algo: HashAlgo) -> Hasher {
        let state = match algo {
            HashAlgo::Md5 => HasherState::Md5(md5::Md5::new()),
            HashAlgo::Sha1 => HasherState::Sha1(sha1::Sha1::new()),
            HashAlgo::Sha256 => HasherState::Sha256(sha2::Sha256::new()),
            HashAlgo::Sha512 => HasherState::Sha512(sha2::Sha512::new()),
        };
        Hasher { state, len: 0 }
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        match &mut self.state {
            HasherState::Md5(h) => h.update(data),
            HasherState::Sha1(h) => h.update(data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// Number of bytes fed so far.
    pub fn bytes_hashed(&self) -> u64 {
        self.len
    }

    /// Finishes and returns the digest.
    pub fn finish(self) -> Hash {
        let (algo, bytes) = match self.state {
            HasherState::Md5(h) => (HashAlgo::Md5, h.finalize().to_vec()),
            HasherState::Sha1(h) => (HashAlgo::Sha1, h.finalize().to_vec()),
            HasherState::Sha256(h) => (HashAlgo::Sha256, h.finalize().to_vec()),
            HasherState::Sha512(h) => (HashAlgo::Sha512, h.finalize().to_vec()),
        };
        Hash { algo, bytes }
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // All from Nix 2.8: `nix-hash --flat --type A [--base32]` on "hello" and
    // `nix hash to-sri` / `to-base64`.
    const HELLO_SHA256_16: &str =
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    const HELLO_SHA256_32: &str = "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic";
    const HELLO_SHA256_64: &str = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";

    #[test]
    fn digests_of_hello() {
        let cases = [
            (
                HashAlgo::Md5,
                "5d41402abc4b2a76b9719d911017c592",
                "md5-XUFAKrxLKna5cZ2REBfFkg==",
            ),
            (
                HashAlgo::Sha1,
                "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00=",
            ),
            (
                HashAlgo::Sha256,
                HELLO_SHA256_16,
                "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
            ),
            (
                HashAlgo::Sha512,
                "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
                "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==",
            ),
        ];
        for (algo, hex, sri) in cases {
            let h = Hash::digest(algo, b"hello");
            assert_eq!(h.to_base16(), hex);
            assert_eq!(h.to_sri(), sri);
            assert_eq!(Hash::parse(sri, None).unwrap(), h);
            assert_eq!(Hash::parse(hex, Some(algo)).unwrap(), h);
            let n32 = h.to_nix32();
            assert_eq!(Hash::parse(&n32, Some(algo)).unwrap(), h);
            let b64 = h.to_base64();
            assert_eq!(Hash::parse(&b64, Some(algo)).unwrap(), h);
            for f in [HashFormat::Base16, HashFormat::Nix32, HashFormat::Base64] {
                assert_eq!(Hash::parse(&h.encode_prefixed(f), None).unwrap(), h);
            }
        }
    }

    #[test]
    fn encodings_of_sha256_hello() {
        let h = Hash::parse(HELLO_SHA256_32, Some(HashAlgo::Sha256)).unwrap();
        assert_eq!(h.to_base16(), HELLO_SHA256_16);
        assert_eq!(h.to_base64(), HELLO_SHA256_64);
        assert_eq!(h.to_string(), format!("sha256:{HELLO_SHA256_32}"));
        assert_eq!(
            h.encode_prefixed(HashFormat::Base16),
            format!("sha256:{HELLO_SHA256_16}")
        );
        // Upper-case hex is accepted.
        let upper = HELLO_SHA256_16.to_uppercase();
        assert_eq!(Hash::parse(&upper, Some(HashAlgo::Sha256)).unwrap(), h);
    }

    #[test]
    fn streaming_matches_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for algo in [
            HashAlgo::Md5,
            HashAlgo::Sha1,
            HashAlgo::Sha256,
            HashAlgo::Sha512,
        ] {
            let mut h = Hasher::new(algo);
            for chunk in data.chunks(777) {
                h.update(chunk);
            }
            assert_eq!(h.bytes_hashed(), 10_000);
            assert_eq!(h.finish(), Hash::digest(algo, &data));
        }
    }

    #[test]
    fn parse_errors() {
        assert!(matches!(
            Hash::parse(HELLO_SHA256_16, None),
            Err(HashParseError::MissingAlgo(_))
        ));
        assert!(matches!(
            Hash::parse("sha1:abc", None),
            Err(HashParseError::WrongLength { .. })
        ));
        assert!(matches!(
            Hash::parse("sha3:abc", None),
            Err(HashParseError::UnknownAlgo(_))
        ));
        assert!(matches!(
            Hash::parse(&format!("sha256:{HELLO_SHA256_16}"), Some(HashAlgo::Sha1)),
            Err(HashParseError::AlgoMismatch { .. })
        ));
        let bad_hex = format!("z{}", &HELLO_SHA256_16[1..]);
        assert!(matches!(
            Hash::parse(&bad_hex, Some(HashAlgo::Sha256)),
            Err(HashParseError::InvalidEncoding { .. })
        ));
        assert!(matches!(
            Hash::parse("sha256-qvTGHdzF6KLavt4PO0gs2a6pQ00=", None),
            Err(HashParseError::WrongSize { .. })
        ));
        assert!(matches!(
            Hash::parse("sha256-é", None),
            Err(HashParseError::InvalidEncoding { .. })
        ));
    }

    #[test]
    fn convert_and_files() {
        let sri = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
        assert_eq!(
            convert_hash(sri, None, HashFormat::Nix32).unwrap(),
            HELLO_SHA256_32
        );
        assert_eq!(
            convert_hash(HELLO_SHA256_32, Some(HashAlgo::Sha256), HashFormat::Sri).unwrap(),
            sri
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("hello");
        fs::write(&f, "hello").unwrap();
        let h = Hash::of_file(HashAlgo::Sha256, &f).unwrap();
        assert_eq!(h.to_base16(), HELLO_SHA256_16);
        assert!(Hash::of_file(HashAlgo::Sha256, &dir.path().join("nope")).is_err());
    }

    #[test]
    fn format_names() {
        assert_eq!("base32".parse::<HashFormat>().unwrap(), HashFormat::Nix32);
        assert_eq!("nix32".parse::<HashFormat>().unwrap(), HashFormat::Nix32);
        assert_eq!("sri".parse::<HashFormat>().unwrap(), HashFormat::Sri);
        assert!("hex".parse::<HashFormat>().is_err());
    }

    #[test]
    fn compress_folds_with_xor() {
        let h = Hash::from_bytes(HashAlgo::Md5, &[1; 16]).unwrap();
        assert_eq!(h.compress(4), vec![0; 4]);
        assert_eq!(h.compress(10), [vec![0; 6], vec![1; 4]].concat());
    }
}
