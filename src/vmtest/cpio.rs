//! Writing cpio archives in the "newc" format, the format the Linux kernel unpacks as an
//! initramfs. Entries are written in the order given; parents must come before children.

use std::io::Write;

/// An archive being written to `out`.
pub struct CpioWriter<W: Write> {
    out: W,
    written: usize,
    next_inode: u32,
}

impl<W: Write> CpioWriter<W> {
    /// Starts an archive.
    pub fn new(out: W) -> Self {
        CpioWriter {
            out,
            written: 0,
            next_inode: 1,
        }
    }

    /// Adds a directory (`mode` holds the permission bits, e.g. `0o755`).
    pub fn directory(&mut self, path: &str, mode: u32) -> std::io::Result<()> {
        self.entry(path, 0o040000 | (mode & 0o7777), &[])
    }

    /// Adds a regular file.
    pub fn file(&mut self, path: &str, mode: u32, data: &[u8]) -> std::io::Result<()> {
        self.entry(path, 0o100000 | (mode & 0o7777), data)
    }

    /// Adds a symbolic link to `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> std::io::Result<()> {
        self.entry(path, 0o120777, target.as_bytes())
    }

    /// Writes the trailer and returns the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.raw_entry("TRAILER!!!", 0, 0, &[])?;
        Ok(self.out)
    }

    fn entry(&mut self, path: &str, mode: u32, data: &[u8]) -> std::io::Result<()> {
        let inode = self.next_inode;
        self.next_inode += 1;
        self.raw_entry(path.trim_start_matches('/'), inode, mode, data)
    }

    fn raw_entry(&mut self, name: &str, inode: u32, mode: u32, data: &[u8]) -> std::io::Result<()> {
        let too_big = || std::io::Error::other(format!("cpio entry {name} is too large"));
        let size = u32::try_from(data.len()).map_err(|_| too_big())?;
        let name_size = u32::try_from(name.len() + 1).map_err(|_| too_big())?;
        let nlink = if mode & 0o040000 != 0 { 2 } else { 1 };
        let header = format!(
            "070701{inode:08x}{mode:08x}{:08x}{:08x}{nlink:08x}{:08x}{size:08x}{:08x}{:08x}{:08x}{:08x}{name_size:08x}{:08x}",
            0, 0, 0, 0, 0, 0, 0, 0
        );
        self.write(header.as_bytes())?;
        self.write(name.as_bytes())?;
        self.write(&[0])?;
        self.pad()?;
        self.write(data)?;
        self.pad()
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len();
        Ok(())
    }

    fn pad(&mut self) -> std::io::Result<()> {
        let n = (4 - self.written % 4) % 4;
        self.write(&[0u8; 3][..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_aligned_and_end_with_the_trailer() {
        let mut w = CpioWriter::new(Vec::new());
        w.directory("/bin", 0o755).unwrap();
        w.file("init", 0o755, b"#!/bin/sh\n").unwrap();
        w.symlink("bin/sh", "busybox").unwrap();
        let out = w.finish().unwrap();
        assert_eq!(out.len() % 4, 0);
        assert!(out.starts_with(b"070701"));
        // The first header: inode 1, a directory with mode 0755, name "bin".
        assert_eq!(&out[6..22], b"00000001000041ed");
        assert_eq!(&out[110..114], b"bin\0");
        let trailer = out.windows(10).position(|w| w == b"TRAILER!!!").unwrap();
        assert!(trailer > 0);
        assert!(out.windows(7).any(|w| w == b"busybox"));
    }

    /// busybox's `cpio` (busybox-static is installed by scripts/deps.sh) unpacks what we
    /// write, as the kernel does.
    #[test]
    fn busybox_cpio_reads_what_we_write() {
        let mut w = CpioWriter::new(Vec::new());
        w.directory("d", 0o755).unwrap();
        w.file("d/f", 0o644, b"hello").unwrap();
        w.symlink("d/l", "f").unwrap();
        let out = w.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("/bin/busybox")
            .args(["cpio", "-idm"])
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("run /bin/busybox (busybox-static, installed by scripts/deps.sh)");
        child.stdin.take().unwrap().write_all(&out).unwrap();
        assert!(child.wait().unwrap().success());
        assert_eq!(std::fs::read(dir.path().join("d/f")).unwrap(), b"hello");
        assert_eq!(
            std::fs::read_link(dir.path().join("d/l")).unwrap(),
            std::path::Path::new("f")
        );
    }
}
