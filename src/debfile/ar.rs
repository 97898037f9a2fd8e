//! The `ar` container a `.deb` is: the `!<arch>\n` magic, then members, each a 60-byte
//! header (name, mtime, owner, group, mode, size, `` `\n ``) followed by its data, padded
//! to an even offset. Only what `.deb` files use is read: short names (GNU-style names
//! ending in `/` are accepted), no symbol tables or long-name tables.

use std::io::{self, Read, Seek, SeekFrom};

use super::DebError;

const MAGIC: &[u8; 8] = b"!<arch>\n";
const HEADER_LEN: usize = 60;

/// One member of the archive: its name and where its data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArMember {
    /// The member's name (`debian-binary`, `control.tar.xz`, …).
    pub name: String,
    /// Offset of its data from the start of the file.
    pub offset: u64,
    /// Length of its data.
    pub size: u64,
}

/// Lists the members of an `ar` archive, checking every header.
pub fn list_members<R: Read + Seek>(file: &mut R) -> Result<Vec<ArMember>, DebError> {
    let mut magic = [0u8; 8];
    read_exact_or(file, &mut magic, || {
        DebError::Format("not an ar archive (too short)".into())
    })?;
    if &magic != MAGIC {
        return Err(DebError::Format(
            "not an ar archive (no '!<arch>' magic)".into(),
        ));
    }
    let end = file.seek(SeekFrom::End(0))?;
    let mut pos = MAGIC.len() as u64;
    let mut members = Vec::new();
    while pos < end {
        // A single newline may pad the end of some archives.
        if end - pos == 1 {
            break;
        }
        file.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; HEADER_LEN];
        read_exact_or(file, &mut header, || {
            DebError::Format(format!("truncated member header at offset {pos}"))
        })?;
        if &header[58..60] != b"`\n" {
            return Err(DebError::Format(format!(
                "bad member header at offset {pos}"
            )));
        }
        let name = field(&header[0..16]);
        let name = name.strip_suffix('/').unwrap_or(&name).to_owned();
        let size: u64 = field(&header[48..58])
            .parse()
            .map_err(|_| DebError::Format(format!("bad size in the header of member '{name}'")))?;
        let offset = pos + HEADER_LEN as u64;
        if offset.checked_add(size).is_none_or(|e| e > end) {
            return Err(DebError::Format(format!(
                "member '{name}' runs past the end of the file"
            )));
        }
        members.push(ArMember { name, offset, size });
        pos = offset + size + (size & 1);
    }
    Ok(members)
}

fn field(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim_end().to_owned()
}

fn read_exact_or<R: Read>(
    r: &mut R,
    buf: &mut [u8],
    short: impl FnOnce() -> DebError,
) -> Result<(), DebError> {
    match r.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(short()),
        Err(e) => Err(e.into()),
    }
}

/// Writes an `ar` archive of `members` (name, data); for tests and test fixtures.
pub fn write_archive(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for (name, data) in members {
        let header = format!(
            "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            name,
            0,
            0,
            0,
            "100644",
            data.len()
        );
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn reads_what_it_writes() {
        let bytes = write_archive(&[("debian-binary", b"2.0\n"), ("odd", b"abc")]);
        let members = list_members(&mut Cursor::new(&bytes)).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].name, "debian-binary");
        assert_eq!(members[1].name, "odd");
        let m = &members[1];
        assert_eq!(
            &bytes[m.offset as usize..(m.offset + m.size) as usize],
            b"abc"
        );
    }

    #[test]
    fn refuses_garbage() {
        assert!(matches!(
            list_members(&mut Cursor::new(b"hello world".to_vec())),
            Err(DebError::Format(m)) if m.contains("magic")
        ));
        let mut bytes = write_archive(&[("x", b"abcd")]);
        bytes.truncate(bytes.len() - 2);
        assert!(matches!(
            list_members(&mut Cursor::new(bytes)),
            Err(DebError::Format(m)) if m.contains("past the end")
        ));
    }
}
