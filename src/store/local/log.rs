//! Build logs as Nix stores them: `<log dir>/drvs/<first 2 chars>/<rest of base name>`
//! of the derivation, plain or bzip2-compressed (`.bz2`).

use std::fs;
use std::io::Read;

use super::LocalStore;
use super::error::{LocalStoreError, io_error};
use crate::store::path::StorePath;

impl LocalStore {
    /// The build log of `path` (a `.drv`, or an output whose deriver is known), or
    /// `None` when there is none.
    pub fn build_log(&self, path: &StorePath) -> Result<Option<Vec<u8>>, LocalStoreError> {
        let mut drvs = Vec::new();
        if path.is_derivation() {
            drvs.push(path.clone());
        } else {
            if let Some(info) = self.db().path_info(path)?
                && let Some(d) = info.deriver
            {
                drvs.push(d);
            }
            drvs.extend(self.db().valid_derivers(path)?);
        }
        for drv in drvs {
            let base = drv.base_name();
            let (head, tail) = base.split_at(2);
            for dir in self.layout().log_dirs() {
                let plain = dir.join("drvs").join(head).join(tail);
                match fs::read(&plain) {
                    Ok(b) => return Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_error("reading", &plain)(e)),
                }
                let bz = dir.join("drvs").join(head).join(format!("{tail}.bz2"));
                match fs::File::open(&bz) {
                    Ok(f) => {
                        let mut out = Vec::new();
                        bzip2::read::BzDecoder::new(f)
                            .read_to_end(&mut out)
                            .map_err(io_error("decompressing", &bz))?;
                        return Ok(Some(out));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_error("reading", &bz)(e)),
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_plain_and_bzip2_logs() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let s = LocalStore::open_relocated(tmp.path()).expect("open");
        let drv: StorePath = "0c6kzph7l0dcbfmjap64f0czdafn3b7x-x.drv"
            .parse()
            .expect("path");
        assert_eq!(s.build_log(&drv).expect("log"), None);
        let dir = tmp.path().join("nix/var/log/nix/drvs/0c");
        fs::create_dir_all(&dir).expect("mkdir");
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        enc.write_all(b"building\n").expect("compress");
        let bytes = enc.finish().expect("finish");
        fs::write(dir.join("6kzph7l0dcbfmjap64f0czdafn3b7x-x.drv.bz2"), bytes).expect("write");
        assert_eq!(
            s.build_log(&drv).expect("log").as_deref(),
            Some(&b"building\n"[..])
        );
    }
}
