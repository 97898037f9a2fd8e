//! Debian binary packages (`.deb` files), read natively: the `ar` container
//! ([`ar`]), its `control.tar` and `data.tar` members (compressed as
//! [`crate::compression`] reads them, chosen by the member name's suffix), and
//! extracting a `data.tar` safely into a directory ([`extract`]).
//!
//! Nothing here runs `dpkg`, `ar` or `tar`, and nothing here runs maintainer scripts.

pub mod ar;
pub mod extract;

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use self::ar::ArMember;
use crate::compression::Method as Compression;

/// Why a `.deb` could not be read or extracted.
#[derive(Debug, thiserror::Error)]
pub enum DebError {
    /// The file is not a well-formed `.deb`.
    #[error("{0}")]
    Format(String),
    /// An archive entry would land outside the target directory.
    #[error("refusing the archive entry '{entry}': {reason}")]
    UnsafeEntry {
        /// The entry's name as written in the archive.
        entry: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Two packages unpacked into one directory ship different files at one path.
    #[error("'{path}' is shipped by both {first} and {second}, with different contents")]
    Conflict {
        /// The path, relative to the target directory.
        path: String,
        /// The package that put it there first.
        first: String,
        /// The package that ships it too.
        second: String,
    },
    /// Reading or writing failed.
    #[error("{}", crate::build::error::describe(.0))]
    Io(#[from] io::Error),
}

/// An opened `.deb`: its members, checked.
pub struct DebFile {
    path: PathBuf,
    file: File,
    control: (ArMember, Compression),
    data: (ArMember, Compression),
}

impl DebFile {
    /// Opens `path` and checks that it is a version 2 `.deb` with a control and a data
    /// member in a compression it can read.
    pub fn open(path: &Path) -> Result<DebFile, DebError> {
        let mut file = File::open(path)?;
        let members = ar::list_members(&mut file)?;
        let first = members
            .first()
            .ok_or_else(|| DebError::Format("empty ar archive".into()))?;
        if first.name != "debian-binary" {
            return Err(DebError::Format(format!(
                "the first member is '{}', not 'debian-binary'",
                first.name
            )));
        }
        let mut version = String::new();
        file.seek(SeekFrom::Start(first.offset))?;
        (&mut file)
            .take(first.size.min(64))
            .read_to_string(&mut version)?;
        if !version.starts_with("2.") {
            return Err(DebError::Format(format!(
                "unsupported .deb format version '{}'",
                version.trim()
            )));
        }
        let find = |stem: &str| -> Result<(ArMember, Compression), DebError> {
            members
                .iter()
                .find_map(|m| {
                    let suffix = m.name.strip_prefix(stem)?;
                    Some(
                        Compression::from_suffix(suffix)
                            .map(|c| (m.clone(), c))
                            .map_err(|e| DebError::Format(format!("member '{}': {e}", m.name))),
                    )
                })
                .unwrap_or_else(|| Err(DebError::Format(format!("no '{stem}*' member"))))
        };
        let control = find("control.tar")?;
        let data = find("data.tar")?;
        Ok(DebFile {
            path: path.to_owned(),
            file,
            control,
            data,
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The decompressed `control.tar` stream.
    pub fn control_tar(&mut self) -> Result<Box<dyn Read + '_>, DebError> {
        let (member, compression) = self.control.clone();
        self.member_reader(&member, compression)
    }

    /// The decompressed `data.tar` stream.
    pub fn data_tar(&mut self) -> Result<Box<dyn Read + '_>, DebError> {
        let (member, compression) = self.data.clone();
        self.member_reader(&member, compression)
    }

    fn member_reader(
        &mut self,
        member: &ArMember,
        compression: Compression,
    ) -> Result<Box<dyn Read + '_>, DebError> {
        self.file.seek(SeekFrom::Start(member.offset))?;
        let raw = BufReader::with_capacity(1 << 16, (&mut self.file).take(member.size));
        Ok(compression.decoder(raw)?)
    }

    /// The files at the top of `control.tar` (`control`, `md5sums`, maintainer scripts…),
    /// by name. Nothing else in it matters.
    pub fn control_files(&mut self) -> Result<Vec<(String, Vec<u8>)>, DebError> {
        let mut archive = tar::Archive::new(self.control_tar()?);
        let mut files = Vec::new();
        for entry in archive.entries()? {
            let mut entry = entry?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path()?.into_owned();
            let name = match path.strip_prefix("./").unwrap_or(&path).to_str() {
                Some(n) if !n.is_empty() && !n.contains('/') && n != ".." => n.to_owned(),
                _ => continue,
            };
            let mut contents = Vec::new();
            entry.read_to_end(&mut contents)?;
            files.push((name, contents));
        }
        if !files.iter().any(|(n, _)| n == "control") {
            return Err(DebError::Format("control.tar has no 'control' file".into()));
        }
        Ok(files)
    }
}

/// The value of `field` in a control file (`Package`, `Version`, …), first line only.
pub fn control_field<'a>(control: &'a str, field: &str) -> Option<&'a str> {
    control.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case(field).then(|| value.trim())
    })
}

/// Debian's rule for package names (lower-case letters, digits, `+`, `-`, `.`, starting
/// with a letter or digit): what makes a name safe as a file name and an argument.
pub fn valid_package_name(name: &str) -> bool {
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

/// Debian's characters for versions (`[epoch:]upstream[-revision]`), starting with a digit.
pub fn valid_version(version: &str) -> bool {
    version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+~:-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions_follow_debian_policy() {
        assert!(valid_package_name("g++"));
        assert!(valid_package_name("libc6"));
        assert!(!valid_package_name("a"));
        assert!(!valid_package_name("../x"));
        assert!(!valid_package_name("-oFoo"));
        assert!(valid_version("1:1.35.0-4+deb12u1+b1"));
        assert!(valid_version("2.3~rc1-2"));
        assert!(!valid_version("-o"));
        assert!(!valid_version("1 2"));
    }

    #[test]
    fn control_fields_are_found_case_insensitively() {
        let c = "Package: hello\nVersion: 2.10-3\nDescription: x\n more\n";
        assert_eq!(control_field(c, "package"), Some("hello"));
        assert_eq!(control_field(c, "Version"), Some("2.10-3"));
        assert_eq!(control_field(c, "Depends"), None);
    }
}
