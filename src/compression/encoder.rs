//! [`Encoder`]: one writer type over every compression, finished explicitly.

use std::io::{self, Write};

use super::Method;

/// A writer that compresses what it is given into an inner writer.
pub enum Encoder<W: Write> {
    /// No compression: bytes go straight through.
    None(W),
    /// xz.
    Xz(liblzma::write::XzEncoder<W>),
    /// Zstandard.
    Zstd(zstd::Encoder<'static, W>),
    /// bzip2.
    Bzip2(bzip2::write::BzEncoder<W>),
    /// gzip.
    Gzip(flate2::write::GzEncoder<W>),
}

impl<W: Write> Encoder<W> {
    /// An encoder of `method` writing into `sink`.
    pub fn new(method: Method, sink: W) -> io::Result<Encoder<W>> {
        Ok(match method {
            Method::None => Encoder::None(sink),
            Method::Xz => Encoder::Xz(liblzma::write::XzEncoder::new(sink, 6)),
            Method::Zstd => Encoder::Zstd(zstd::Encoder::new(sink, 3)?),
            Method::Bzip2 => Encoder::Bzip2(bzip2::write::BzEncoder::new(
                sink,
                bzip2::Compression::best(),
            )),
            Method::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                sink,
                flate2::Compression::default(),
            )),
        })
    }

    /// Writes the end of the stream and returns the inner writer, flushed.
    pub fn finish(self) -> io::Result<W> {
        let mut sink = match self {
            Encoder::None(w) => w,
            Encoder::Xz(e) => e.finish()?,
            Encoder::Zstd(e) => e.finish()?,
            Encoder::Bzip2(e) => e.finish()?,
            Encoder::Gzip(e) => e.finish()?,
        };
        sink.flush()?;
        Ok(sink)
    }

    fn inner(&mut self) -> &mut dyn Write {
        match self {
            Encoder::None(w) => w,
            Encoder::Xz(e) => e,
            Encoder::Zstd(e) => e,
            Encoder::Bzip2(e) => e,
            Encoder::Gzip(e) => e,
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner().flush()
    }
}
