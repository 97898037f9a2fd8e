//! Reference scanning: which of a set of store paths a build output mentions, found by
//! their 32-character hash parts in file contents and symlink targets.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Read;
use std::path::Path;

use super::error::{BuildResult, io_err};

/// Length of a store path's hash part.
const HASH_LEN: usize = 32;

/// Whether `b` can occur in a nix32 hash part.
fn is_nix32(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'z') && !matches!(b, b'e' | b'o' | b'u' | b't')
}

/// Finds hash parts in byte streams fed to it in chunks.
#[derive(Debug)]
pub struct RefScanner<T> {
    candidates: HashMap<[u8; HASH_LEN], T>,
    found: BTreeSet<T>,
    /// The last bytes of the previous chunk (a hash may straddle chunks).
    tail: Vec<u8>,
}

impl<T: Clone + Ord> RefScanner<T> {
    /// A scanner looking for the given `(hash part, value)` pairs; hash parts that are not
    /// 32 characters long are ignored.
    pub fn new<'a>(candidates: impl IntoIterator<Item = (&'a str, T)>) -> Self {
        let candidates = candidates
            .into_iter()
            .filter_map(|(h, v)| Some((<[u8; HASH_LEN]>::try_from(h.as_bytes()).ok()?, v)))
            .collect();
        RefScanner {
            candidates,
            found: BTreeSet::new(),
            tail: Vec::new(),
        }
    }

    /// Scans the next chunk of the current stream.
    pub fn feed(&mut self, chunk: &[u8]) {
        let mut buf = std::mem::take(&mut self.tail);
        buf.extend_from_slice(chunk);
        self.scan(&buf);
        let keep = buf.len().min(HASH_LEN - 1);
        self.tail = buf[buf.len() - keep..].to_vec();
    }

    /// Ends the current stream (so hashes do not straddle two files).
    pub fn end_stream(&mut self) {
        self.tail.clear();
    }

    fn scan(&mut self, buf: &[u8]) {
        // Walk back from the end of each 32-byte window, as Nix does: a non-nix32 byte
        // lets the window jump past it.
        let mut i = 0;
        while i + HASH_LEN <= buf.len() {
            let mut j = HASH_LEN;
            let mut ok = true;
            while j > 0 {
                j -= 1;
                if !is_nix32(buf[i + j]) {
                    i += j + 1;
                    ok = false;
                    break;
                }
            }
            if !ok {
                continue;
            }
            if let Ok(window) = <[u8; HASH_LEN]>::try_from(&buf[i..i + HASH_LEN])
                && let Some(v) = self.candidates.get(&window)
            {
                self.found.insert(v.clone());
            }
            i += 1;
        }
    }

    /// Scans a file tree: regular file contents and symlink targets (not names).
    pub fn scan_tree(&mut self, path: &Path) -> BuildResult<()> {
        let meta = fs::symlink_metadata(path).map_err(io_err("reading", path))?;
        let ft = meta.file_type();
        if ft.is_symlink() {
            let target = fs::read_link(path).map_err(io_err("reading", path))?;
            self.feed(target.as_os_str().as_encoded_bytes());
            self.end_stream();
        } else if ft.is_dir() {
            let mut entries = fs::read_dir(path)
                .map_err(io_err("reading", path))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(io_err("reading", path))?;
            entries.sort();
            for entry in entries {
                self.scan_tree(&entry)?;
            }
        } else if ft.is_file() {
            let mut f = fs::File::open(path).map_err(io_err("opening", path))?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = f.read(&mut buf).map_err(io_err("reading", path))?;
                if n == 0 {
                    break;
                }
                self.feed(&buf[..n]);
            }
            self.end_stream();
        }
        Ok(())
    }

    /// The values whose hash parts were found.
    pub fn into_found(self) -> BTreeSet<T> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpq";
    const B: &str = "1vh8mn7adc5y5l2gvd5ymx4sb3lzf8x5";

    fn scanner() -> RefScanner<&'static str> {
        RefScanner::new([(A, "a"), (B, "b")])
    }

    #[test]
    fn finds_hashes_in_text() {
        let mut s = scanner();
        s.feed(format!("foo /nix/store/{A}-bar baz").as_bytes());
        assert_eq!(s.into_found(), BTreeSet::from(["a"]));
    }

    #[test]
    fn finds_hashes_across_chunks() {
        let text = format!("xx{B}yy");
        let mut s = scanner();
        for chunk in text.as_bytes().chunks(5) {
            s.feed(chunk);
        }
        assert_eq!(s.into_found(), BTreeSet::from(["b"]));
    }

    #[test]
    fn hash_embedded_in_longer_nix32_run_is_found() {
        let mut s = scanner();
        s.feed(format!("aaaa{A}aaaa").as_bytes());
        assert_eq!(s.into_found(), BTreeSet::from(["a"]));
    }

    #[test]
    fn no_false_positives_and_streams_do_not_join() {
        let mut s = scanner();
        s.feed(&A.as_bytes()[..16]);
        s.end_stream();
        s.feed(&A.as_bytes()[16..]);
        s.feed(b"0c8s9yp2zlbd2f8ir0bkb5xh2ywbgmpe");
        assert!(s.into_found().is_empty());
    }

    #[test]
    fn scans_files_and_symlinks() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir(dir.path().join("d"))?;
        fs::write(dir.path().join("d/f"), format!("ref {A}"))?;
        std::os::unix::fs::symlink(format!("/nix/store/{B}-x"), dir.path().join("l"))?;
        fs::write(dir.path().join(B), "named, not contained")?;
        let mut s = scanner();
        s.scan_tree(dir.path())?;
        assert_eq!(s.into_found(), BTreeSet::from(["a", "b"]));
        let mut s = scanner();
        s.scan_tree(&dir.path().join("d"))?;
        assert_eq!(s.into_found(), BTreeSet::from(["a"]));
        Ok(())
    }
}
