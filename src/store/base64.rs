//! Standard base64 (RFC 4648, with `=` padding), as Nix uses it for hashes and
//! SRI strings.

use thiserror::Error;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Errors from [`decode`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Base64Error {
    /// A character outside the base64 alphabet (or misplaced padding).
    #[error("invalid character {0:?} in base64 string")]
    InvalidChar(char),
    /// The string cannot be a base64 encoding (e.g. one dangling character).
    #[error("base64 string has an invalid length")]
    InvalidLength,
}

/// Length of the padded base64 encoding of `n` bytes.
pub fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Encodes `bytes` as padded base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Decodes base64; trailing `=` padding is optional, but nothing may follow it.
pub fn decode(s: &str) -> Result<Vec<u8>, Base64Error> {
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 {
        return Err(Base64Error::InvalidChar('='));
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in body.chars() {
        let v = u8::try_from(c)
            .ok()
            .and_then(value)
            .ok_or(Base64Error::InvalidChar(c))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if bits >= 6 {
        return Err(Base64Error::InvalidLength);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in cases {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode("Zm8").unwrap(), b"fo");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode("Zm9v!"), Err(Base64Error::InvalidChar('!')));
        assert_eq!(decode("Z"), Err(Base64Error::InvalidLength));
        assert_eq!(decode("Zg=a"), Err(Base64Error::InvalidChar('=')));
    }
}
