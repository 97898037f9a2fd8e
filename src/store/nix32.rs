//! Nix's own base-32 encoding ("nix32").
//!
//! Nix prints hashes in a base-32 variant with the alphabet
//! `0123456789abcdfghijklmnpqrsvwxyz` (no `e`, `o`, `u`, `t`). The bit order is
//! peculiar: the byte string is read as a little-endian number and the
//! characters are emitted most significant first, 5 bits each.

use thiserror::Error;

/// The 32 characters of Nix's base-32 alphabet, in digit order.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Errors from [`decode`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Nix32Error {
    /// A character outside the nix32 alphabet.
    #[error("invalid character {0:?} in nix32 string")]
    InvalidChar(char),
    /// The string length does not correspond to any byte length.
    #[error("nix32 string of length {0} does not encode a whole number of bytes")]
    InvalidLength(usize),
    /// The string encodes bits beyond the last byte.
    #[error("nix32 string has non-zero padding bits")]
    NonZeroPadding,
}

/// Number of nix32 characters needed for `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    if n == 0 { 0 } else { (n * 8 - 1) / 5 + 1 }
}

/// Number of bytes encoded by a nix32 string of `len` characters, if `len`
/// is a length [`encode`] can produce.
pub fn decoded_len(len: usize) -> Option<usize> {
    let n = len * 5 / 8;
    (encoded_len(n) == len).then_some(n)
}

/// Encodes `bytes` in nix32.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let lo = u16::from(bytes[i]) >> j;
        let hi = match bytes.get(i + 1) {
            Some(&next) => u16::from(next) << (8 - j),
            None => 0,
        };
        out.push(char::from(ALPHABET[usize::from((lo | hi) & 0x1f)]));
    }
    out
}

/// The value of each byte as a nix32 digit (`NOT_A_DIGIT` for other bytes).
const DIGITS: [u8; 256] = {
    let mut table = [NOT_A_DIGIT; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const NOT_A_DIGIT: u8 = 0xff;

fn digit(c: u8) -> Option<u8> {
    // Store paths are parsed by the thousand (closures): a table, not a search.
    match DIGITS[c as usize] {
        NOT_A_DIGIT => None,
        d => Some(d),
    }
}

/// Decodes a nix32 string.
pub fn decode(s: &str) -> Result<Vec<u8>, Nix32Error> {
    if let Some(c) = s
        .chars()
        .find(|&c| !c.is_ascii() || !is_nix32_char(c as u8))
    {
        return Err(Nix32Error::InvalidChar(c));
    }
    let raw = s.as_bytes();
    let size = decoded_len(raw.len()).ok_or(Nix32Error::InvalidLength(raw.len()))?;
    let mut out = vec![0u8; size];
    for (n, &c) in raw.iter().rev().enumerate() {
        let d = digit(c).ok_or(Nix32Error::InvalidChar(char::from(c)))?;
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let shifted = u16::from(d) << j;
        out[i] |= (shifted & 0xff) as u8;
        let carry = (shifted >> 8) as u8;
        match out.get_mut(i + 1) {
            Some(next) => *next |= carry,
            None if carry != 0 => return Err(Nix32Error::NonZeroPadding),
            None => {}
        }
    }
    Ok(out)
}

/// Whether `c` belongs to the nix32 alphabet.
pub fn is_nix32_char(c: u8) -> bool {
    digit(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // Vectors from `nix-hash --type <algo> --flat [--base32]` (Nix 2.8).
    const VECTORS: &[(&str, &str)] = &[
        (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        ),
        (
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic",
        ),
        (
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
            "9m1skbnr5i43n3yypvda5s65vhfwdx5a",
        ),
        (
            "5d41402abc4b2a76b9719d911017c592",
            "4jqlbi14cxf6wpcajbphm40hax",
        ),
        (
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            "11w1pmwfdpz9pisbhp5qiv38q6dmidq2ipcqykw3p0sb6yrqcij79rwcwcjbxyzwbdal349qbxrncbk7pmd6snljrfpiwv2pljd4wcv",
        ),
    ];

    #[test]
    fn encode_known_vectors() {
        for (h, n) in VECTORS {
            assert_eq!(encode(&hex(h)), *n);
        }
    }

    #[test]
    fn decode_known_vectors() {
        for (h, n) in VECTORS {
            assert_eq!(decode(n).unwrap(), hex(h));
        }
    }

    #[test]
    fn lengths() {
        assert_eq!(encoded_len(16), 26);
        assert_eq!(encoded_len(20), 32);
        assert_eq!(encoded_len(32), 52);
        assert_eq!(encoded_len(64), 103);
        assert_eq!(decoded_len(52), Some(32));
        assert_eq!(decoded_len(51), None);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            decode("e000000000000000000000000000000000000000000000000000"),
            Err(Nix32Error::InvalidChar('e'))
        );
        assert_eq!(decode("000"), Err(Nix32Error::InvalidLength(3)));
        // The top character of a 32-byte hash can only carry 1 bit.
        assert_eq!(
            decode("2000000000000000000000000000000000000000000000000000"),
            Err(Nix32Error::NonZeroPadding)
        );
    }

    #[test]
    fn round_trip_all_lengths() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
    }
}
