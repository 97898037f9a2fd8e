//! The compressions `.deb` members come in, chosen by the member name's suffix:
//! xz (by far the most common in bookworm), zstd (Ubuntu), gzip, bzip2, or none.

use std::io::{BufRead, Read};

use super::DebError;

/// How a `control.tar`/`data.tar` member is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.tar`
    None,
    /// `.tar.xz`
    Xz,
    /// `.tar.zst`
    Zstd,
    /// `.tar.gz`
    Gzip,
    /// `.tar.bz2`
    Bzip2,
}

impl Compression {
    /// The compression of a member whose name ends in `suffix` after `.tar`.
    pub fn from_suffix(suffix: &str) -> Result<Compression, DebError> {
        Ok(match suffix {
            "" => Compression::None,
            ".xz" => Compression::Xz,
            ".zst" => Compression::Zstd,
            ".gz" => Compression::Gzip,
            ".bz2" => Compression::Bzip2,
            other => {
                return Err(DebError::Format(format!(
                    "unsupported member compression '{other}'"
                )));
            }
        })
    }

    /// A reader decompressing `raw`.
    pub fn decoder<'a, R: BufRead + 'a>(self, raw: R) -> Result<Box<dyn Read + 'a>, DebError> {
        Ok(match self {
            Compression::None => Box::new(raw),
            Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new(raw)),
            Compression::Zstd => Box::new(zstd::Decoder::with_buffer(raw)?),
            Compression::Gzip => Box::new(flate2::bufread::GzDecoder::new(raw)),
            Compression::Bzip2 => Box::new(bzip2::bufread::BzDecoder::new(raw)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn roundtrip(c: Compression, compressed: Vec<u8>) {
        let mut out = Vec::new();
        c.decoder(&compressed[..])
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"some data, some data, some data");
    }

    #[test]
    fn decodes_every_compression() {
        let data = b"some data, some data, some data";
        roundtrip(Compression::None, data.to_vec());
        roundtrip(Compression::Xz, liblzma::encode_all(&data[..], 6).unwrap());
        roundtrip(Compression::Zstd, zstd::encode_all(&data[..], 3).unwrap());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        roundtrip(Compression::Gzip, gz.finish().unwrap());
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(data).unwrap();
        roundtrip(Compression::Bzip2, bz.finish().unwrap());
        assert!(Compression::from_suffix(".lz").is_err());
    }
}
