//! The stream compressions sysrebuild reads and writes: xz, zstd, bzip2, gzip, or none.
//!
//! Debian packages name theirs by a file suffix (`data.tar.xz`), Nix binary caches by a
//! name (`Compression: xz` in a `.narinfo`) and by the suffix of the NAR file
//! (`nar/….nar.xz`); [`Method`] knows both spellings. [`Method::decoder`] wraps a reader,
//! [`Method::encoder`] a writer ([`Encoder`], finished explicitly so that a failure to
//! write the trailer is an error and not a silently truncated file).

mod encoder;

use std::io::{self, BufRead, Read, Write};

pub use self::encoder::Encoder;

/// A compression method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Stored as it is.
    None,
    /// xz (LZMA2), the default of Nix binary caches and of Debian packages.
    Xz,
    /// Zstandard.
    Zstd,
    /// bzip2.
    Bzip2,
    /// gzip.
    Gzip,
}

/// A compression named by something sysrebuild cannot read or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownMethod {
    /// An unknown name, as in a `.narinfo`'s `Compression` field or on the command line.
    #[error("unsupported compression '{0}' (supported: xz, zstd, bzip2, gzip, none)")]
    Name(String),
    /// An unknown file suffix.
    #[error("unsupported compression suffix '{0}' (supported: .xz, .zst, .bz2, .gz, none)")]
    Suffix(String),
}

impl Method {
    /// Every method, for help texts and tests.
    pub const ALL: [Method; 5] = [
        Method::None,
        Method::Xz,
        Method::Zstd,
        Method::Bzip2,
        Method::Gzip,
    ];

    /// The method Nix calls `name` (`xz`, `zstd`, `bzip2`, `gzip`, `none`; an empty name
    /// means none, as Nix reads a missing `Compression` field).
    pub fn from_name(name: &str) -> Result<Method, UnknownMethod> {
        Ok(match name {
            "" | "none" => Method::None,
            "xz" => Method::Xz,
            "zstd" => Method::Zstd,
            "bzip2" => Method::Bzip2,
            "gzip" => Method::Gzip,
            other => return Err(UnknownMethod::Name(other.to_owned())),
        })
    }

    /// The method's name as Nix writes it.
    pub fn name(self) -> &'static str {
        match self {
            Method::None => "none",
            Method::Xz => "xz",
            Method::Zstd => "zstd",
            Method::Bzip2 => "bzip2",
            Method::Gzip => "gzip",
        }
    }

    /// The method of a file whose name ends in `suffix` (`""`, `.xz`, `.zst`, `.bz2`, `.gz`)
    /// after its format's own extension (`.tar`, `.nar`).
    pub fn from_suffix(suffix: &str) -> Result<Method, UnknownMethod> {
        Ok(match suffix {
            "" => Method::None,
            ".xz" => Method::Xz,
            ".zst" => Method::Zstd,
            ".bz2" => Method::Bzip2,
            ".gz" => Method::Gzip,
            other => return Err(UnknownMethod::Suffix(other.to_owned())),
        })
    }

    /// The file suffix of the method (empty for none).
    pub fn suffix(self) -> &'static str {
        match self {
            Method::None => "",
            Method::Xz => ".xz",
            Method::Zstd => ".zst",
            Method::Bzip2 => ".bz2",
            Method::Gzip => ".gz",
        }
    }

    /// A reader decompressing `raw`.
    pub fn decoder<'a, R: BufRead + 'a>(self, raw: R) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Method::None => Box::new(raw),
            Method::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(raw)),
            Method::Zstd => Box::new(zstd::Decoder::with_buffer(raw)?),
            Method::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(raw)),
            Method::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(raw)),
        })
    }

    /// A writer compressing into `sink` at the method's usual level (xz 6, zstd 3, bzip2 9,
    /// gzip 6); call [`Encoder::finish`] to complete the stream.
    pub fn encoder<W: Write>(self, sink: W) -> io::Result<Encoder<W>> {
        Encoder::new(self, sink)
    }

    /// `data` compressed in one piece.
    pub fn compress(self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut encoder = self.encoder(Vec::new())?;
        encoder.write_all(data)?;
        encoder.finish()
    }

    /// `data` decompressed in one piece.
    pub fn decompress(self, data: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        self.decoder(data)?.read_to_end(&mut out)?;
        Ok(out)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Method {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Method, UnknownMethod> {
        Method::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &[u8] = b"some data, some data, some data, and then some more data";

    #[test]
    fn every_method_round_trips() {
        for method in Method::ALL {
            let packed = method.compress(DATA).unwrap();
            assert_eq!(method.decompress(&packed).unwrap(), DATA, "{method}");
            assert_eq!(Method::from_name(method.name()).unwrap(), method);
            assert_eq!(Method::from_suffix(method.suffix()).unwrap(), method);
        }
    }

    #[test]
    fn reads_streams_written_by_the_reference_libraries() {
        let xz = liblzma::encode_all(DATA, 6).unwrap();
        assert_eq!(Method::Xz.decompress(&xz).unwrap(), DATA);
        let zst = zstd::encode_all(DATA, 3).unwrap();
        assert_eq!(Method::Zstd.decompress(&zst).unwrap(), DATA);
    }

    #[test]
    fn a_truncated_stream_is_an_error() {
        for method in [Method::Xz, Method::Zstd, Method::Bzip2, Method::Gzip] {
            let packed = method.compress(DATA).unwrap();
            let cut = &packed[..packed.len() / 2];
            assert!(method.decompress(cut).is_err(), "{method}");
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!(
            Method::from_name("lz4"),
            Err(UnknownMethod::Name("lz4".into()))
        );
        assert!(Method::from_suffix(".lz").is_err());
        assert_eq!(Method::from_name("").unwrap(), Method::None);
    }
}
