//! Unpacking a downloaded tarball the way Nix's `fetchTarball` and `builtin:fetchurl`
//! (`unpack = true`) do: the compression (gzip, xz, bzip2, zstd or none) is recognised
//! from the first bytes, whatever the URL ends in; the archive must hold exactly one
//! top-level entry, which is the result (its name is dropped).
//!
//! Entries are unpacked by the `tar` crate's `unpack_in`, which refuses names with `..`
//! and writes through no symlink the archive made; devices and FIFOs are skipped and
//! set-id bits dropped. Afterwards every directory is made owner-writable and every file
//! owner-readable, so the tree can be hashed, copied and removed (a NAR records only the
//! executable bit).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::compression::Method;

/// Why a tarball could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    /// Reading the archive (or decompressing it) failed.
    #[error("cannot unpack '{}': {}", archive.display(), crate::build::error::describe(source))]
    Read {
        /// The archive.
        archive: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Writing the unpacked tree failed.
    #[error("cannot unpack '{}' into '{}': {}", archive.display(), into.display(), crate::build::error::describe(source))]
    Write {
        /// The archive.
        archive: PathBuf,
        /// The directory being written.
        into: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The archive does not have exactly one top-level entry.
    #[error("tarball '{url}' contains an unexpected number of top-level files ({count})")]
    TopLevel {
        /// Where the tarball came from.
        url: String,
        /// How many top-level entries it has.
        count: usize,
    },
}

/// Recognises a compression by its magic number; anything else is taken as a plain tar.
pub fn detect_compression(head: &[u8]) -> Method {
    if head.starts_with(&[0x1f, 0x8b]) {
        Method::Gzip
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Method::Xz
    } else if head.starts_with(b"BZh") {
        Method::Bzip2
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Method::Zstd
    } else {
        Method::None
    }
}

/// Unpacks the tarball `archive` (downloaded from `url`, named in errors) into the empty
/// directory `into` and returns its single top-level entry.
pub fn unpack_tarball(archive: &Path, url: &str, into: &Path) -> Result<PathBuf, UnpackError> {
    let read_err = |source| UnpackError::Read {
        archive: archive.to_owned(),
        source,
    };
    let mut raw = BufReader::with_capacity(256 * 1024, File::open(archive).map_err(read_err)?);
    let compression = detect_compression(raw.fill_buf().map_err(read_err)?);
    let decoder = compression.decoder(raw).map_err(read_err)?;
    extract(decoder, archive, into)?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(into)
        .map_err(|source| UnpackError::Write {
            archive: archive.to_owned(),
            into: into.to_owned(),
            source,
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    match entries.len() {
        1 => Ok(entries.remove(0)),
        count => Err(UnpackError::TopLevel {
            url: url.to_owned(),
            count,
        }),
    }
}

fn extract(decoder: Box<dyn Read + '_>, archive: &Path, into: &Path) -> Result<(), UnpackError> {
    use tar::EntryType as T;
    let read_err = |source| UnpackError::Read {
        archive: archive.to_owned(),
        source,
    };
    let write_err = |source| UnpackError::Write {
        archive: archive.to_owned(),
        into: into.to_owned(),
        source,
    };
    let mut tar = tar::Archive::new(decoder);
    tar.set_preserve_permissions(false);
    tar.set_preserve_mtime(false);
    tar.set_unpack_xattrs(false);
    tar.set_overwrite(true);
    for entry in tar.entries().map_err(read_err)? {
        let mut entry = entry.map_err(read_err)?;
        match entry.header().entry_type() {
            T::Regular | T::Continuous | T::Directory | T::Symlink | T::Link => {}
            _ => continue,
        }
        // `unpack_in` reads the entry's data: a truncated or corrupt archive shows up here.
        entry.unpack_in(into).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof || e.kind() == io::ErrorKind::InvalidData {
                read_err(e)
            } else {
                write_err(e)
            }
        })?;
    }
    make_accessible(into).map_err(write_err)
}

/// Owner rwx on directories, owner rw on files (symlinks untouched), recursively.
fn make_accessible(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.path().symlink_metadata()?;
        let mode = meta.permissions().mode();
        if meta.is_dir() {
            if mode & 0o700 != 0o700 {
                std::fs::set_permissions(entry.path(), PermissionsExt::from_mode(mode | 0o700))?;
            }
            make_accessible(&entry.path())?;
        } else if meta.is_file() && mode & 0o600 != 0o600 {
            std::fs::set_permissions(entry.path(), PermissionsExt::from_mode(mode | 0o600))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tarball(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data, mode) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(*mode);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn compress(c: Method, data: &[u8]) -> Vec<u8> {
        c.compress(data).unwrap()
    }

    #[test]
    fn every_compression_is_recognised_by_content() {
        let tar = tarball(&[
            ("top/bin/tool", b"#!/bin/sh\n", 0o755),
            ("top/README", b"hi", 0o444),
        ]);
        for c in Method::ALL {
            let dir = tempfile::tempdir().unwrap();
            // A misleading name: detection must not rely on it.
            let archive = dir.path().join("archive.tar.gz");
            std::fs::write(&archive, compress(c, &tar)).unwrap();
            assert_eq!(detect_compression(&std::fs::read(&archive).unwrap()), c);
            let into = dir.path().join("out");
            std::fs::create_dir(&into).unwrap();
            let top = unpack_tarball(&archive, "file:///a", &into).unwrap();
            assert_eq!(top, into.join("top"));
            assert_eq!(std::fs::read(top.join("README")).unwrap(), b"hi");
            let mode = top
                .join("bin/tool")
                .metadata()
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o100, 0o100, "{c:?}");
        }
    }

    #[test]
    fn two_top_level_entries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.tar");
        std::fs::write(&archive, tarball(&[("a", b"1", 0o644), ("b", b"2", 0o644)])).unwrap();
        let into = dir.path().join("out");
        std::fs::create_dir(&into).unwrap();
        let err = unpack_tarball(&archive, "http://h/a.tar", &into).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tarball 'http://h/a.tar' contains an unexpected number of top-level files (2)"
        );
    }

    #[test]
    fn nothing_is_written_through_a_symlink_of_the_archive() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_link_name(&outside).unwrap();
        b.append_data(&mut h, "top/link", &b""[..]).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(4);
        h.set_mode(0o644);
        b.append_data(&mut h, "top/link/escape", &b"evil"[..])
            .unwrap();
        let archive = dir.path().join("a.tar");
        std::fs::write(&archive, b.into_inner().unwrap()).unwrap();
        let into = dir.path().join("out");
        std::fs::create_dir(&into).unwrap();
        let result = unpack_tarball(&archive, "u", &into);
        assert!(
            matches!(result, Err(UnpackError::Write { .. })),
            "{result:?}"
        );
        assert!(!outside.join("escape").exists());
    }

    #[test]
    fn a_truncated_archive_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.tar.xz");
        let full = compress(Method::Xz, &tarball(&[("t/f", &[7u8; 5000], 0o644)]));
        std::fs::write(&archive, &full[..full.len() / 2]).unwrap();
        let into = dir.path().join("out");
        std::fs::create_dir(&into).unwrap();
        let err = unpack_tarball(&archive, "u", &into).unwrap_err();
        assert!(matches!(err, UnpackError::Read { .. }), "{err:?}");
    }
}
