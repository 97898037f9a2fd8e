//! Readers and writers that hash and count the bytes passing through them, so that a
//! NAR is checked (or its hashes computed) while it streams, without a second pass.

use std::io::{self, Read, Write};

use crate::store::hash::{Hash, HashAlgo, Hasher};

/// A reader hashing what is read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> HashingReader<R> {
    /// Hashes what is read from `inner` with `algo`.
    pub fn new(inner: R, algo: HashAlgo) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::new(algo),
        }
    }

    /// Reads what is left, so that the hash covers the whole stream.
    pub fn drain(&mut self) -> io::Result<u64> {
        io::copy(self, &mut io::sink())
    }

    /// The hash and the number of bytes read so far.
    pub fn finish(self) -> (Hash, u64) {
        let n = self.hasher.bytes_hashed();
        (self.hasher.finish(), n)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A writer hashing what is written through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Hasher,
}

impl<W: Write> HashingWriter<W> {
    /// Hashes what is written to `inner` with `algo`.
    pub fn new(inner: W, algo: HashAlgo) -> Self {
        HashingWriter {
            inner,
            hasher: Hasher::new(algo),
        }
    }

    /// The inner writer, the hash and the number of bytes written.
    pub fn finish(self) -> (W, Hash, u64) {
        let n = self.hasher.bytes_hashed();
        (self.inner, self.hasher.finish(), n)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_a_one_shot_digest() {
        let data = b"hello world";
        let mut r = HashingReader::new(&data[..], HashAlgo::Sha256);
        r.drain().unwrap();
        let (h, n) = r.finish();
        assert_eq!((h.clone(), n), (Hash::digest(HashAlgo::Sha256, data), 11));
        let mut w = HashingWriter::new(Vec::new(), HashAlgo::Sha256);
        w.write_all(data).unwrap();
        let (out, h2, n2) = w.finish();
        assert_eq!((out.as_slice(), h2, n2), (&data[..], h, 11));
    }
}
