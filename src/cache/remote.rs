//! [`BinaryCache`]: a cache read over `http://`, `https://` or `file://`: its
//! `nix-cache-info`, the `.narinfo` of a path, and the NAR file.

use super::cache_info::CacheInfo;
use super::error::CacheError;
use super::narinfo::NarInfo;
use crate::net::{self, Body};
use crate::store::path::{StoreDir, StorePath};

/// A binary cache opened for reading.
#[derive(Debug, Clone)]
pub struct BinaryCache {
    url: String,
    info: CacheInfo,
}

impl BinaryCache {
    /// Opens the cache at `url` (without a trailing `/`), reading its `nix-cache-info`
    /// and checking that it is for `store_dir`.
    pub fn open(url: &str, store_dir: &StoreDir) -> Result<BinaryCache, CacheError> {
        let url = url.trim_end_matches('/').to_owned();
        let info_url = format!("{url}/nix-cache-info");
        let bytes = net::get_bytes(&info_url).map_err(|e| {
            if e.is_not_found() {
                CacheError::NotACache {
                    url: url.clone(),
                    reason: "it has no nix-cache-info".to_owned(),
                }
            } else {
                CacheError::Net(e)
            }
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let info = CacheInfo::parse(&text).map_err(|reason| CacheError::NotACache {
            url: url.clone(),
            reason: format!("nix-cache-info: {reason}"),
        })?;
        if info.store_dir != store_dir.as_str() {
            return Err(CacheError::StoreDirMismatch {
                url,
                theirs: info.store_dir,
                ours: store_dir.as_str().to_owned(),
            });
        }
        Ok(BinaryCache { url, info })
    }

    /// The cache's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What its `nix-cache-info` says.
    pub fn info(&self) -> &CacheInfo {
        &self.info
    }

    /// The `.narinfo` of `path`, or `None` when the cache does not have it.
    pub fn query(
        &self,
        store_dir: &StoreDir,
        path: &StorePath,
    ) -> Result<Option<NarInfo>, CacheError> {
        let url = format!("{}/{}.narinfo", self.url, path.hash_part());
        let bytes = match net::get_bytes(&url) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let info = NarInfo::parse(store_dir, &String::from_utf8_lossy(&bytes), &url)?;
        if info.path != *path {
            return Err(CacheError::WrongPath {
                url,
                wanted: store_dir.display(path),
                found: store_dir.display(&info.path),
            });
        }
        Ok(Some(info))
    }

    /// Like [`BinaryCache::query`], but a path the cache lacks is an error.
    pub fn require(&self, store_dir: &StoreDir, path: &StorePath) -> Result<NarInfo, CacheError> {
        self.query(store_dir, path)?
            .ok_or_else(|| CacheError::NotInCache {
                path: store_dir.display(path),
                path_hash: path.hash_part().to_owned(),
                url: self.url.clone(),
            })
    }

    /// The URL of the NAR file `info` points to.
    pub fn nar_url(&self, info: &NarInfo) -> String {
        if info.url.contains("://") {
            info.url.clone()
        } else {
            format!("{}/{}", self.url, info.url)
        }
    }

    /// Starts fetching the NAR file of `info`.
    pub fn open_nar(&self, info: &NarInfo) -> Result<Body, CacheError> {
        Ok(net::open(&self.nar_url(info))?)
    }
}
