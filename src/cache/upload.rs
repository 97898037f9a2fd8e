//! [`CacheWriter`]: writing store paths into a `file://` binary cache: the compressed NAR
//! under `nar/`, then its `.narinfo` (optionally signed), each through a temporary file
//! and a rename, so a reader never sees a partial file and a `.narinfo` never points to
//! a missing NAR.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::cache_info::CacheInfo;
use super::error::CacheError;
use super::hashing_io::HashingWriter;
use super::keys::SecretKey;
use super::narinfo::NarInfo;
use crate::compression::Method;
use crate::store::hash::HashAlgo;
use crate::store::local::{LocalStore, LocalStoreError};
use crate::store::nar::dump_path;
use crate::store::path::StorePath;

/// A `file://` binary cache opened for writing.
pub struct CacheWriter {
    dir: PathBuf,
    compression: Method,
    key: Option<SecretKey>,
}

impl CacheWriter {
    /// Opens (creating it and its `nix-cache-info` if needed) the cache at `url`, which
    /// must be `file:///DIR`, for paths of `store`.
    pub fn open(
        url: &str,
        store: &LocalStore,
        compression: Method,
        key: Option<SecretKey>,
    ) -> Result<CacheWriter, CacheError> {
        let Some(dir) = url.strip_prefix("file://") else {
            return Err(CacheError::NotWritable(url.to_owned()));
        };
        let dir = PathBuf::from(dir.trim_end_matches('/'));
        let nar_dir = dir.join("nar");
        fs::create_dir_all(&nar_dir).map_err(CacheError::io("creating directory", &nar_dir))?;
        let info_file = dir.join("nix-cache-info");
        let ours = store.store_dir().as_str();
        match fs::read_to_string(&info_file) {
            Ok(text) => {
                let info = CacheInfo::parse(&text).map_err(|reason| CacheError::NotACache {
                    url: url.to_owned(),
                    reason: format!("nix-cache-info: {reason}"),
                })?;
                if info.store_dir != ours {
                    return Err(CacheError::StoreDirMismatch {
                        url: url.to_owned(),
                        theirs: info.store_dir,
                        ours: ours.to_owned(),
                    });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomically(&info_file, CacheInfo::new(ours).to_text().as_bytes())?;
            }
            Err(e) => return Err(CacheError::io("reading", &info_file)(e)),
        }
        Ok(CacheWriter {
            dir,
            compression,
            key,
        })
    }

    /// Whether the cache has a `.narinfo` for `path` already.
    pub fn contains(&self, path: &StorePath) -> bool {
        self.narinfo_file(path).is_file()
    }

    fn narinfo_file(&self, path: &StorePath) -> PathBuf {
        self.dir.join(format!("{}.narinfo", path.hash_part()))
    }

    /// Writes the valid path `path` of `store` into the cache and returns its `.narinfo`.
    /// The NAR is serialised from the store and must still have the hash the database
    /// records.
    pub fn add(&self, store: &LocalStore, path: &StorePath) -> Result<NarInfo, CacheError> {
        let store_dir = store.store_dir();
        let shown = store_dir.display(path);
        store.add_temp_root(path)?;
        let info = store.path_info(path)?;
        let real = store.real_path(path);
        let nar_dir = self.dir.join("nar");
        let temp = temp_name(&nar_dir);
        let file = File::create(&temp).map_err(CacheError::io("creating", &temp))?;
        let result = (|| {
            let counted = HashingWriter::new(BufWriter::new(file), HashAlgo::Sha256);
            let encoder = self
                .compression
                .encoder(counted)
                .map_err(CacheError::io("compressing into", &temp))?;
            let mut nar = HashingWriter::new(encoder, HashAlgo::Sha256);
            dump_path(&real, &mut nar).map_err(LocalStoreError::from)?;
            let (encoder, nar_hash, nar_size) = nar.finish();
            let counted = encoder
                .finish()
                .map_err(CacheError::io("compressing into", &temp))?;
            let (buffered, file_hash, file_size) = counted.finish();
            let file = buffered
                .into_inner()
                .map_err(|e| CacheError::io("writing", &temp)(e.into_error()))?;
            file.sync_all().map_err(CacheError::io("writing", &temp))?;
            if nar_hash != info.nar_hash || nar_size != info.nar_size {
                return Err(CacheError::Mismatch {
                    path: shown.clone(),
                    url: real.display().to_string(),
                    what: "NAR hash in the store",
                    expected: info.nar_hash.to_sri(),
                    actual: format!("{} (it was modified; see store verify)", nar_hash.to_sri()),
                });
            }
            Ok((file_hash, file_size))
        })();
        let (file_hash, file_size) = match result {
            Ok(r) => r,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        };
        let nar_name = format!("{}.nar{}", file_hash.to_nix32(), self.compression.suffix());
        let nar_file = nar_dir.join(&nar_name);
        fs::rename(&temp, &nar_file).map_err(CacheError::io("renaming into", &nar_file))?;
        let mut narinfo = NarInfo {
            path: path.clone(),
            url: format!("nar/{nar_name}"),
            compression: self.compression,
            file_hash: Some(file_hash),
            file_size: Some(file_size),
            nar_hash: info.nar_hash,
            nar_size: info.nar_size,
            references: info.references,
            deriver: info.deriver,
            sigs: info.sigs,
            ca: info.ca,
        };
        if let Some(key) = &self.key {
            let sig = key.sign(&narinfo.fingerprint(store_dir));
            narinfo
                .sigs
                .retain(|s| s.split(':').next() != Some(key.name()));
            narinfo.sigs.push(sig);
        }
        write_atomically(
            &self.narinfo_file(path),
            narinfo.to_text(store_dir).as_bytes(),
        )?;
        Ok(narinfo)
    }
}

/// A temporary file name in `dir`, unique within this process and across processes.
fn temp_name(dir: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".tmp-{}-{n}", std::process::id()))
}

/// Writes `file` through a temporary file in the same directory and a rename.
fn write_atomically(file: &Path, contents: &[u8]) -> Result<(), CacheError> {
    let temp = temp_name(file.parent().unwrap_or(Path::new(".")));
    let result = fs::write(&temp, contents)
        .and_then(|()| fs::rename(&temp, file))
        .map_err(CacheError::io("writing", file));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
