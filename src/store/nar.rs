//! NAR ("Nix ARchive") serialisation of file system objects and NAR hashing.
//!
//! A NAR is a sequence of strings, each an 8-byte little-endian length
//! followed by the bytes and zero padding to a multiple of 8. It starts with
//! `nix-archive-1` and describes regular files (optionally executable),
//! symlinks and directories whose entries appear sorted by name. Reading a
//! NAR back lives in [`super::nar_restore`].

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::hash::{Hash, HashAlgo, Hasher};

/// The magic string opening every NAR.
pub const NAR_MAGIC: &str = "nix-archive-1";

/// Errors while serialising a path to NAR.
#[derive(Debug, Error)]
pub enum NarWriteError {
    /// An I/O error on `path` (reading it or writing the archive).
    #[error("while archiving '{}': {source}", path.display())]
    Io {
        /// The file being archived.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file type NAR cannot represent (device, socket, FIFO).
    #[error("file '{}' has an unsupported type", .0.display())]
    UnsupportedType(PathBuf),
    /// A regular file changed size while it was being read.
    #[error("file '{}' changed while it was being archived", .0.display())]
    FileChanged(PathBuf),
}

/// Writes NAR primitives (length-prefixed, padded strings) to a sink.
pub struct NarWriter<W: Write> {
    out: W,
}

impl<W: Write> NarWriter<W> {
    /// Wraps `out`.
    pub fn new(out: W) -> Self {
        NarWriter { out }
    }

    /// Returns the sink.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes one string: length, bytes, padding.
    pub fn write_str(&mut self, s: &[u8]) -> io::Result<()> {
        self.out.write_all(&(s.len() as u64).to_le_bytes())?;
        self.out.write_all(s)?;
        self.write_padding(s.len() as u64)
    }

    /// Writes the zero padding that follows `len` bytes of payload.
    pub fn write_padding(&mut self, len: u64) -> io::Result<()> {
        let pad = padding(len);
        self.out.write_all(&[0u8; 8][..pad])
    }

    /// Writes a whole regular file node, streaming `len` bytes from
    /// `contents`. Fails with `UnexpectedEof` if `contents` is shorter.
    pub fn write_regular(
        &mut self,
        executable: bool,
        len: u64,
        contents: impl Read,
    ) -> io::Result<()> {
        for s in ["(", "type", "regular"] {
            self.write_str(s.as_bytes())?;
        }
        if executable {
            self.write_str(b"executable")?;
            self.write_str(b"")?;
        }
        self.write_str(b"contents")?;
        self.out.write_all(&len.to_le_bytes())?;
        let copied = io::copy(&mut contents.take(len), &mut self.out)?;
        if copied != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "file contents shorter than announced",
            ));
        }
        self.write_padding(len)?;
        self.write_str(b")")
    }

    /// Writes a symlink node.
    pub fn write_symlink(&mut self, target: &[u8]) -> io::Result<()> {
        for s in ["(", "type", "symlink", "target"] {
            self.write_str(s.as_bytes())?;
        }
        self.write_str(target)?;
        self.write_str(b")")
    }
}

/// Number of zero bytes that pad `len` bytes to a multiple of 8.
pub fn padding(len: u64) -> usize {
    ((8 - len % 8) % 8) as usize
}

/// Serialises the file system object at `path` (not following a top-level
/// symlink) as a NAR into `out`.
pub fn dump_path(path: &Path, out: impl Write) -> Result<(), NarWriteError> {
    dump_path_filtered(path, &mut |_| true, out)
}

/// Like [`dump_path`], but leaves out every directory entry (below the top)
/// for which `include` returns false, as Nix's path filters do.
pub fn dump_path_filtered(
    path: &Path,
    include: &mut dyn FnMut(&Path) -> bool,
    out: impl Write,
) -> Result<(), NarWriteError> {
    let mut w = NarWriter::new(out);
    w.write_str(NAR_MAGIC.as_bytes())
        .map_err(|e| io_err(path, e))?;
    dump_node(&mut w, path, include)
}

/// Serialises a single regular file's contents as a NAR (what Nix does for
/// e.g. `builtins.toFile` contents added recursively).
pub fn dump_contents(contents: &[u8], executable: bool, out: impl Write) -> io::Result<()> {
    let mut w = NarWriter::new(out);
    w.write_str(NAR_MAGIC.as_bytes())?;
    w.write_regular(executable, contents.len() as u64, contents)
}

/// SHA-256 of the NAR of `path` and the NAR's size in bytes.
pub fn nar_hash(path: &Path) -> Result<(Hash, u64), NarWriteError> {
    nar_hash_with(HashAlgo::Sha256, path)
}

/// Hash of the NAR of `path` with `algo`, and the NAR's size in bytes.
pub fn nar_hash_with(algo: HashAlgo, path: &Path) -> Result<(Hash, u64), NarWriteError> {
    let mut hasher = Hasher::new(algo);
    dump_path(path, &mut hasher)?;
    let size = hasher.bytes_hashed();
    Ok((hasher.finish(), size))
}

fn io_err(path: &Path, source: io::Error) -> NarWriteError {
    NarWriteError::Io {
        path: path.to_owned(),
        source,
    }
}

fn dump_node<W: Write>(
    w: &mut NarWriter<W>,
    path: &Path,
    include: &mut dyn FnMut(&Path) -> bool,
) -> Result<(), NarWriteError> {
    let meta = fs::symlink_metadata(path).map_err(|e| io_err(path, e))?;
    let ft = meta.file_type();
    if ft.is_file() {
        let executable = meta.permissions().mode() & 0o100 != 0;
        let file = fs::File::open(path).map_err(|e| io_err(path, e))?;
        // Re-check the size on the open handle so it matches what we stream.
        let len = file.metadata().map_err(|e| io_err(path, e))?.len();
        w.write_regular(executable, len, file).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                NarWriteError::FileChanged(path.to_owned())
            } else {
                io_err(path, e)
            }
        })
    } else if ft.is_symlink() {
        let target = fs::read_link(path).map_err(|e| io_err(path, e))?;
        w.write_symlink(target.as_os_str().as_bytes())
            .map_err(|e| io_err(path, e))
    } else if ft.is_dir() {
        let mut names: Vec<OsString> = fs::read_dir(path)
            .map_err(|e| io_err(path, e))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()
            .map_err(|e| io_err(path, e))?;
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let head = |w: &mut NarWriter<W>, parts: &[&str]| -> io::Result<()> {
            parts.iter().try_for_each(|s| w.write_str(s.as_bytes()))
        };
        head(w, &["(", "type", "directory"]).map_err(|e| io_err(path, e))?;
        for name in names {
            let child = path.join(&name);
            if !include(&child) {
                continue;
            }
            head(w, &["entry", "(", "name"]).map_err(|e| io_err(&child, e))?;
            w.write_str(name.as_bytes())
                .map_err(|e| io_err(&child, e))?;
            w.write_str(b"node").map_err(|e| io_err(&child, e))?;
            dump_node(w, &child, include)?;
            w.write_str(b")").map_err(|e| io_err(&child, e))?;
        }
        w.write_str(b")").map_err(|e| io_err(path, e))
    } else {
        Err(NarWriteError::UnsupportedType(path.to_owned()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::path::{FileIngestionMethod, StoreDir, StorePath};
    use std::os::unix::fs::symlink;

    /// Builds the tree used for the oracle vectors:
    /// `a10`, `file`, `sub/deeper/empty`, `sub/link -> ../file`,
    /// `sub/run.sh` (executable).
    pub(crate) fn make_tree(root: &Path) {
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::write(root.join("file"), "hello").unwrap();
        fs::write(root.join("a10"), "0123456789").unwrap();
        fs::write(root.join("sub/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
        fs::set_permissions(root.join("sub/run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(root.join("sub/deeper/empty"), "").unwrap();
        symlink("../file", root.join("sub/link")).unwrap();
    }

    // `nix-store --dump tree | sha256sum` and `wc -c` (Nix 2.8) for make_tree.
    pub(crate) const TREE_NAR_SHA256: &str =
        "6f2bec206bcc2f917181be801dd096f98edfa4a0bb049e54bb56415b76cd1b35";
    pub(crate) const TREE_NAR_LEN: u64 = 1440;

    fn nar_of(path: &Path) -> Vec<u8> {
        let mut out = Vec::new();
        dump_path(path, &mut out).unwrap();
        out
    }

    fn le(n: u64) -> Vec<u8> {
        n.to_le_bytes().to_vec()
    }

    fn s(x: &str) -> Vec<u8> {
        let mut v = le(x.len() as u64);
        v.extend_from_slice(x.as_bytes());
        v.resize(v.len() + padding(x.len() as u64), 0);
        v
    }

    #[test]
    fn tree_matches_nix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        make_tree(&root);
        let nar = nar_of(&root);
        assert_eq!(nar.len() as u64, TREE_NAR_LEN);
        assert_eq!(
            Hash::digest(HashAlgo::Sha256, &nar).to_base16(),
            TREE_NAR_SHA256
        );
        let (h, len) = nar_hash(&root).unwrap();
        assert_eq!(
            (h.to_base16().as_str(), len),
            (TREE_NAR_SHA256, TREE_NAR_LEN)
        );
        // `nix-hash --type sha1 tree`
        let (h1, _) = nar_hash_with(HashAlgo::Sha1, &root).unwrap();
        assert_eq!(h1.to_base16(), "dd8ab558c5f0de0c1155280c655280bbd08e37b4");
        // `nix-store --add tree` and `--add-fixed --recursive sha1 tree`.
        let store = StoreDir::default();
        let none: [&StorePath; 0] = [];
        let src = store.make_source_path("tree", &h, none, false).unwrap();
        assert_eq!(src.base_name(), "95figr9w3pxbifqmjqv9805ww7iq5jg3-tree");
        let fixed = store
            .make_fixed_output_path(FileIngestionMethod::Recursive, &h1, "tree", none, false)
            .unwrap();
        assert_eq!(fixed.base_name(), "k2b8qb3nj6jlrx08z4v7rfsv47yqksac-tree");
    }

    #[test]
    fn single_file_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("hello");
        fs::write(&f, "hello").unwrap();
        let expected: Vec<u8> = [
            s(NAR_MAGIC),
            s("("),
            s("type"),
            s("regular"),
            s("contents"),
            s("hello"),
            s(")"),
        ]
        .concat();
        assert_eq!(nar_of(&f), expected);
        // `nix-hash --type sha256 hello`
        assert_eq!(
            nar_hash(&f).unwrap().0.to_base16(),
            "0a430879c266f8b57f4092a0f935cf3facd48bbccde5760d4748ca405171e969"
        );
        let mut from_mem = Vec::new();
        dump_contents(b"hello", false, &mut from_mem).unwrap();
        assert_eq!(from_mem, expected);
    }

    #[test]
    fn executable_has_empty_string() {
        let mut out = Vec::new();
        dump_contents(b"", true, &mut out).unwrap();
        let expected: Vec<u8> = [
            s(NAR_MAGIC),
            s("("),
            s("type"),
            s("regular"),
            s("executable"),
            s(""),
            s("contents"),
            s(""),
            s(")"),
        ]
        .concat();
        assert_eq!(out, expected);
    }

    #[test]
    fn top_level_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let l = dir.path().join("l");
        symlink("/nonexistent/target", &l).unwrap();
        let expected: Vec<u8> = [
            s(NAR_MAGIC),
            s("("),
            s("type"),
            s("symlink"),
            s("target"),
            s("/nonexistent/target"),
            s(")"),
        ]
        .concat();
        assert_eq!(nar_of(&l), expected);
    }

    #[test]
    fn missing_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = dump_path(&dir.path().join("nope"), Vec::new()).unwrap_err();
        assert!(matches!(err, NarWriteError::Io { .. }));
    }
}
