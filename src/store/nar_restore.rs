//! Reading NARs: a strict streaming parser that reports file system objects
//! to a [`NarSink`], and [`restore`], which unpacks a NAR into a directory.
//!
//! Only canonical archives (as written by [`super::nar`]) are accepted:
//! directory entries must be strictly sorted, names must be plain file
//! names, and padding must be zero.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::nar::{NAR_MAGIC, padding};

/// Longest string accepted outside file contents (names, symlink targets).
pub const MAX_STRING_LEN: u64 = 4096;
/// Deepest directory nesting accepted.
pub const MAX_DEPTH: usize = 1024;

/// Errors while reading or unpacking a NAR.
#[derive(Debug, Error)]
pub enum NarReadError {
    /// Reading the archive failed.
    #[error("error reading NAR: {0}")]
    Io(#[source] io::Error),
    /// The archive ended early.
    #[error("NAR archive is truncated")]
    Truncated,
    /// The archive does not start with `nix-archive-1`.
    #[error("input is not a Nix archive (bad magic)")]
    BadMagic,
    /// A different token was found than the grammar requires.
    #[error("bad NAR archive: expected {expected}, got '{got}'")]
    Unexpected {
        /// What the parser expected.
        expected: &'static str,
        /// What it found (lossily decoded).
        got: String,
    },
    /// A string length beyond [`MAX_STRING_LEN`].
    #[error("bad NAR archive: string of {0} bytes is too long")]
    StringTooLong(u64),
    /// Padding bytes that are not zero.
    #[error("bad NAR archive: non-zero padding")]
    BadPadding,
    /// An entry name that is empty, `.`, `..`, or contains `/` or NUL.
    #[error("bad NAR archive: invalid entry name '{0}'")]
    BadName(String),
    /// Entries not in strictly increasing order (including duplicates).
    #[error("bad NAR archive: entry '{next}' does not sort after '{prev}'")]
    Unsorted {
        /// The previous entry's name.
        prev: String,
        /// The offending entry's name.
        next: String,
    },
    /// A symlink target containing NUL.
    #[error("bad NAR archive: invalid symlink target")]
    BadTarget,
    /// Directories nested deeper than [`MAX_DEPTH`].
    #[error("bad NAR archive: nesting too deep")]
    TooDeep,
    /// The sink failed to create an object.
    #[error("while unpacking '{}': {source}", path.display())]
    Sink {
        /// Path relative to the archive root.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// Receives the objects of a NAR in archive order. Paths are relative to
/// the archive root; the root itself is the empty path.
pub trait NarSink {
    /// Creates a directory.
    fn create_directory(&mut self, path: &Path) -> io::Result<()>;
    /// Creates a regular file; `contents` yields exactly `len` bytes. The
    /// sink may leave part unread; the parser skips the rest.
    fn create_file(
        &mut self,
        path: &Path,
        executable: bool,
        len: u64,
        contents: &mut dyn Read,
    ) -> io::Result<()>;
    /// Creates a symlink to `target`.
    fn create_symlink(&mut self, path: &Path, target: &OsStr) -> io::Result<()>;
}

/// A sink that discards everything, for validating an archive.
pub struct NullSink;

impl NarSink for NullSink {
    fn create_directory(&mut self, _: &Path) -> io::Result<()> {
        Ok(())
    }
    fn create_file(&mut self, _: &Path, _: bool, _: u64, _: &mut dyn Read) -> io::Result<()> {
        Ok(())
    }
    fn create_symlink(&mut self, _: &Path, _: &OsStr) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that creates the objects under a destination path, which must not
/// exist yet. Executable files get `+x` for everyone on top of the umask.
pub struct FsSink {
    dest: PathBuf,
}

impl FsSink {
    /// Unpacks into `dest`.
    pub fn new(dest: &Path) -> Self {
        FsSink {
            dest: dest.to_owned(),
        }
    }

    fn full(&self, rel: &Path) -> PathBuf {
        if rel.as_os_str().is_empty() {
            self.dest.clone()
        } else {
            self.dest.join(rel)
        }
    }
}

impl NarSink for FsSink {
    fn create_directory(&mut self, path: &Path) -> io::Result<()> {
        fs::create_dir(self.full(path))
    }

    fn create_file(
        &mut self,
        path: &Path,
        executable: bool,
        _len: u64,
        contents: &mut dyn Read,
    ) -> io::Result<()> {
        let full = self.full(path);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&full)?;
        io::copy(contents, &mut file)?;
        if executable {
            let mode = file.metadata()?.permissions().mode() | 0o111;
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        Ok(())
    }

    fn create_symlink(&mut self, path: &Path, target: &OsStr) -> io::Result<()> {
        std::os::unix::fs::symlink(target, self.full(path))
    }
}

/// Unpacks the NAR read from `input` into `dest` (which must not exist).
pub fn restore(input: impl Read, dest: &Path) -> Result<(), NarReadError> {
    parse(input, &mut FsSink::new(dest))
}

/// Parses one NAR from `input`, reporting its objects to `sink`. Reading
/// stops right after the archive; trailing data is left unread.
pub fn parse(input: impl Read, sink: &mut dyn NarSink) -> Result<(), NarReadError> {
    let mut p = Parser { input };
    if p.read_string()? != NAR_MAGIC.as_bytes() {
        return Err(NarReadError::BadMagic);
    }
    p.node(sink, &mut PathBuf::new(), 0)
}

struct Parser<R> {
    input: R,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read_err(e: io::Error) -> NarReadError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        NarReadError::Truncated
    } else {
        NarReadError::Io(e)
    }
}

impl<R: Read> Parser<R> {
    fn read_u64(&mut self) -> Result<u64, NarReadError> {
        let mut buf = [0u8; 8];
        self.input.read_exact(&mut buf).map_err(read_err)?;
        Ok(u64::from_le_bytes(buf))
    }

    fn read_padding(&mut self, len: u64) -> Result<(), NarReadError> {
        let mut pad = [0u8; 8];
        let n = padding(len);
        self.input.read_exact(&mut pad[..n]).map_err(read_err)?;
        if pad[..n].iter().any(|&b| b != 0) {
            return Err(NarReadError::BadPadding);
        }
        Ok(())
    }

    fn read_string(&mut self) -> Result<Vec<u8>, NarReadError> {
        let len = self.read_u64()?;
        if len > MAX_STRING_LEN {
            return Err(NarReadError::StringTooLong(len));
        }
        let mut buf = vec![0u8; len as usize];
        self.input.read_exact(&mut buf).map_err(read_err)?;
        self.read_padding(len)?;
        Ok(buf)
    }

    fn expect(&mut self, token: &'static str) -> Result<(), NarReadError> {
        let got = self.read_string()?;
        if got != token.as_bytes() {
            return Err(NarReadError::Unexpected {
                expected: token,
                got: lossy(&got),
            });
        }
        Ok(())
    }

    fn node(
        &mut self,
        sink: &mut dyn NarSink,
        path: &mut PathBuf,
        depth: usize,
    ) -> Result<(), NarReadError> {
        if depth > MAX_DEPTH {
            return Err(NarReadError::TooDeep);
        }
        self.expect("(")?;
        self.expect("type")?;
        let ty = self.read_string()?;
        let sink_err = |path: &Path| {
            let path = path.to_owned();
            move |source| NarReadError::Sink { path, source }
        };
        match ty.as_slice() {
            b"regular" => {
                let mut tag = self.read_string()?;
                let executable = tag == b"executable";
                if executable {
                    self.expect("")?;
                    tag = self.read_string()?;
                }
                if tag != b"contents" {
                    return Err(NarReadError::Unexpected {
                        expected: "contents",
                        got: lossy(&tag),
                    });
                }
                let len = self.read_u64()?;
                let mut body = (&mut self.input).take(len);
                let result = sink.create_file(path, executable, len, &mut body);
                // Skip whatever the sink did not consume, then check length.
                io::copy(&mut body, &mut io::sink()).map_err(read_err)?;
                if body.limit() != 0 {
                    return Err(NarReadError::Truncated);
                }
                result.map_err(sink_err(path))?;
                self.read_padding(len)?;
            }
            b"symlink" => {
                self.expect("target")?;
                let target = self.read_string()?;
                if target.contains(&0) {
                    return Err(NarReadError::BadTarget);
                }
                sink.create_symlink(path, OsStr::from_bytes(&target))
                    .map_err(sink_err(path))?;
            }
            b"directory" => {
                sink.create_directory(path).map_err(sink_err(path))?;
                let mut prev: Option<Vec<u8>> = None;
                loop {
                    let tag = self.read_string()?;
                    match tag.as_slice() {
                        b")" => return Ok(()),
                        b"entry" => {}
                        _ => {
                            return Err(NarReadError::Unexpected {
                                expected: "entry or )",
                                got: lossy(&tag),
                            });
                        }
                    }
                    self.expect("(")?;
                    self.expect("name")?;
                    let name = self.read_string()?;
                    if name.is_empty()
                        || name == b"."
                        || name == b".."
                        || name.contains(&b'/')
                        || name.contains(&0)
                    {
                        return Err(NarReadError::BadName(lossy(&name)));
                    }
                    if let Some(p) = &prev
                        && p.as_slice() >= name.as_slice()
                    {
                        return Err(NarReadError::Unsorted {
                            prev: lossy(p),
                            next: lossy(&name),
                        });
                    }
                    self.expect("node")?;
                    path.push(OsStr::from_bytes(&name));
                    let r = self.node(sink, path, depth + 1);
                    path.pop();
                    r?;
                    self.expect(")")?;
                    prev = Some(name);
                }
            }
            _ => {
                return Err(NarReadError::Unexpected {
                    expected: "regular, symlink or directory",
                    got: lossy(&ty),
                });
            }
        }
        self.expect(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::nar::tests::{TREE_NAR_SHA256, make_tree};
    use crate::store::nar::{dump_path, nar_hash};

    fn s(x: &[u8]) -> Vec<u8> {
        let mut v = (x.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(x);
        v.resize(v.len() + padding(x.len() as u64), 0);
        v
    }

    fn nar(tokens: &[&[u8]]) -> Vec<u8> {
        tokens.iter().flat_map(|t| s(t)).collect()
    }

    fn dir_with(names: &[&[u8]]) -> Vec<u8> {
        let mut t: Vec<&[u8]> = vec![b"nix-archive-1", b"(", b"type", b"directory"];
        for n in names {
            t.extend_from_slice(&[
                b"entry", b"(", b"name", n, b"node", b"(", b"type", b"symlink", b"target", b"x",
                b")", b")",
            ]);
        }
        t.push(b")");
        nar(&t)
    }

    #[test]
    fn round_trip_tree() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        make_tree(&src);
        let mut bytes = Vec::new();
        dump_path(&src, &mut bytes).unwrap();
        let dest = dir.path().join("dest");
        restore(bytes.as_slice(), &dest).unwrap();
        assert_eq!(nar_hash(&dest).unwrap().0.to_base16(), TREE_NAR_SHA256);
        let mode = fs::metadata(dest.join("sub/run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111);
        assert_eq!(
            fs::read_link(dest.join("sub/link")).unwrap(),
            Path::new("../file")
        );
        // The destination must not exist yet.
        assert!(matches!(
            restore(bytes.as_slice(), &dest),
            Err(NarReadError::Sink { .. })
        ));
    }

    #[test]
    fn accepts_sorted_entries() {
        parse(dir_with(&[b"a", b"b", b"ba"]).as_slice(), &mut NullSink).unwrap();
    }

    #[test]
    fn rejects_unsorted_and_duplicates() {
        for names in [&[&b"b"[..], b"a"][..], &[b"a", b"a"]] {
            assert!(matches!(
                parse(dir_with(names).as_slice(), &mut NullSink),
                Err(NarReadError::Unsorted { .. })
            ));
        }
    }

    #[test]
    fn rejects_bad_names() {
        for n in [&b""[..], b".", b"..", b"a/b", b"a\0b"] {
            assert!(matches!(
                parse(dir_with(&[n]).as_slice(), &mut NullSink),
                Err(NarReadError::BadName(_))
            ));
        }
    }

    #[test]
    fn rejects_bad_magic_truncation_and_padding() {
        let bad_magic = nar(&[b"nix-archive-2", b"(", b"type", b"symlink"]);
        assert!(matches!(
            parse(bad_magic.as_slice(), &mut NullSink),
            Err(NarReadError::BadMagic)
        ));
        let good = dir_with(&[b"a"]);
        for cut in [0, 5, 16, good.len() - 1] {
            assert!(matches!(
                parse(&good[..cut], &mut NullSink),
                Err(NarReadError::Truncated)
            ));
        }
        let mut padded = nar(&[b"nix-archive-1"]);
        let last = padded.len() - 1;
        padded[last] = 1;
        assert!(matches!(
            parse(padded.as_slice(), &mut NullSink),
            Err(NarReadError::BadPadding)
        ));
    }

    #[test]
    fn rejects_unknown_type_and_fields() {
        let t = nar(&[b"nix-archive-1", b"(", b"type", b"fifo", b")"]);
        assert!(matches!(
            parse(t.as_slice(), &mut NullSink),
            Err(NarReadError::Unexpected { .. })
        ));
        let t = nar(&[
            b"nix-archive-1",
            b"(",
            b"type",
            b"regular",
            b"executable",
            b"x",
        ]);
        assert!(matches!(
            parse(t.as_slice(), &mut NullSink),
            Err(NarReadError::Unexpected { .. })
        ));
        let mut huge = nar(&[b"nix-archive-1", b"(", b"type", b"symlink", b"target"]);
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            parse(huge.as_slice(), &mut NullSink),
            Err(NarReadError::StringTooLong(_))
        ));
    }

    #[test]
    fn truncated_file_contents() {
        let mut t = nar(&[b"nix-archive-1", b"(", b"type", b"regular", b"contents"]);
        t.extend_from_slice(&1000u64.to_le_bytes());
        t.extend_from_slice(b"short");
        assert!(matches!(
            parse(t.as_slice(), &mut NullSink),
            Err(NarReadError::Truncated)
        ));
    }
}
