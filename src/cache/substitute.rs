//! Substituting: finding store paths (with their closures) in binary caches and fetching
//! them into the local store, checking signatures, NAR hash and size on the way.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufReader;

use super::error::CacheError;
use super::hashing_io::HashingReader;
use super::keys::TrustedKeys;
use super::narinfo::NarInfo;
use super::remote::BinaryCache;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::fsutil::remove_tree;
use crate::store::local::lock::PathLock;
use crate::store::local::query::topo_sort_with;
use crate::store::local::{LocalStore, LocalStoreError};
use crate::store::nar::nar_hash_with;
use crate::store::nar_restore::restore;
use crate::store::path::{FileIngestionMethod, StoreDir, StorePath};
use crate::store::path_info::ContentAddress;

/// Which signatures are required of substituted paths.
#[derive(Debug, Clone, Default)]
pub struct SignaturePolicy {
    /// The keys whose signatures are accepted.
    pub trusted: TrustedKeys,
    /// Whether a path must carry a trusted signature (`require-sigs`); off with
    /// `--no-check-sigs`.
    pub require_sigs: bool,
}

impl SignaturePolicy {
    /// Checks `info` (from `cache`) against the policy. As in Nix, a content-addressed
    /// path whose content address gives its store path needs no signature: its contents
    /// are checked against the content address once unpacked ([`fetch_into`]).
    pub fn check(
        &self,
        store_dir: &StoreDir,
        cache: &BinaryCache,
        info: &NarInfo,
    ) -> Result<(), CacheError> {
        if !self.require_sigs
            || self
                .trusted
                .any_verifies(&info.fingerprint(store_dir), &info.sigs)
            || self_certifying(store_dir, info)
        {
            return Ok(());
        }
        let names: Vec<&str> = info
            .sigs
            .iter()
            .map(|s| s.split(':').next().unwrap_or(""))
            .collect();
        Err(CacheError::Untrusted {
            path: store_dir.display(&info.path),
            url: cache.url().to_owned(),
            sigs: if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            },
        })
    }
}

/// Whether `info` has a content address that gives its store path.
fn self_certifying(store_dir: &StoreDir, info: &NarInfo) -> bool {
    let Some(ca) = &info.ca else {
        return false;
    };
    let mut refs = info.references.clone();
    refs.remove(&info.path);
    ca.store_path(store_dir, info.path.name(), &refs)
        .is_ok_and(|p| p == info.path)
}

/// Checks that what was unpacked at `real` has the content address `info` claims.
fn check_content_address(
    store_dir: &StoreDir,
    cache: &BinaryCache,
    info: &NarInfo,
    real: &std::path::Path,
) -> Result<(), CacheError> {
    let Some(ca) = &info.ca else {
        return Ok(());
    };
    let shown = store_dir.display(&info.path);
    let url = cache.nar_url(info);
    let (expected, actual) = match ca {
        ContentAddress::Text(h) | ContentAddress::Fixed(FileIngestionMethod::Flat, h) => {
            let got = Hash::of_file(h.algo(), real).map_err(|e| CacheError::BadNar {
                path: shown.clone(),
                url: url.clone(),
                reason: format!("its content address names a single file: {e}"),
            })?;
            (h, got)
        }
        ContentAddress::Fixed(FileIngestionMethod::Recursive, h) => {
            let (got, _) = nar_hash_with(h.algo(), real).map_err(LocalStoreError::from)?;
            (h, got)
        }
    };
    if *expected != actual {
        return Err(CacheError::Mismatch {
            path: shown,
            url,
            what: "content address hash",
            expected: expected.to_sri(),
            actual: actual.to_sri(),
        });
    }
    Ok(())
}

/// A path one of the caches can provide.
#[derive(Debug, Clone)]
pub struct Substitute {
    /// Index of the cache (in [`Substituters::caches`]).
    pub cache: usize,
    /// What the cache says about the path.
    pub info: NarInfo,
}

/// The caches to substitute from, in order of preference, with what has been asked of
/// them so far.
pub struct Substituters {
    caches: Vec<BinaryCache>,
    known: HashMap<StorePath, Option<Substitute>>,
    /// Whether a failing query is an error (`store copy`) or a warning after which the
    /// cache counts as not having the path (the builder, which then builds).
    strict: bool,
    /// Signatures checked when a path is found: one that fails counts as missing (with a
    /// warning), or, strict, is an error.
    policy: Option<SignaturePolicy>,
}

impl Substituters {
    /// Opens the caches at `urls`. Strict: a cache that cannot be opened is an error;
    /// otherwise it is skipped with a warning.
    pub fn open(urls: &[String], store_dir: &StoreDir, strict: bool) -> Result<Self, CacheError> {
        let mut caches = Vec::new();
        for url in urls {
            match BinaryCache::open(url, store_dir) {
                Ok(c) => caches.push(c),
                Err(e) if !strict => {
                    eprintln!("warning: ignoring the binary cache '{url}': {e}");
                }
                Err(e) => return Err(e),
            }
        }
        caches.sort_by_key(|c| c.info().priority);
        Ok(Substituters {
            caches,
            known: HashMap::new(),
            strict,
            policy: None,
        })
    }

    /// Checks signatures as soon as a path is found, so that a path no trusted key signed
    /// is never planned for fetching.
    pub fn check_signatures(&mut self, policy: SignaturePolicy) {
        self.policy = Some(policy);
    }

    /// The open caches, best first.
    pub fn caches(&self) -> &[BinaryCache] {
        &self.caches
    }

    /// Whether there is no cache to ask.
    pub fn is_empty(&self) -> bool {
        self.caches.is_empty()
    }

    /// Forgets what a cache said about `path` and never offers it again (after its
    /// substitution failed).
    pub fn exclude(&mut self, path: &StorePath) {
        self.known.insert(path.clone(), None);
    }

    /// The first cache's answer for `path` (cached).
    pub fn query(
        &mut self,
        store_dir: &StoreDir,
        path: &StorePath,
    ) -> Result<Option<Substitute>, CacheError> {
        if let Some(known) = self.known.get(path) {
            return Ok(known.clone());
        }
        let mut found = None;
        for (i, cache) in self.caches.iter().enumerate() {
            match cache.query(store_dir, path) {
                Ok(Some(info)) => {
                    let checked = match &self.policy {
                        Some(policy) => policy.check(store_dir, cache, &info),
                        None => Ok(()),
                    };
                    match checked {
                        Ok(()) => {
                            found = Some(Substitute { cache: i, info });
                            break;
                        }
                        Err(e) if !self.strict => eprintln!("warning: {e}"),
                        Err(e) => return Err(e),
                    }
                }
                Ok(None) => {}
                Err(e) if !self.strict => {
                    eprintln!("warning: {e}");
                }
                Err(e) => return Err(e),
            }
        }
        self.known.insert(path.clone(), found.clone());
        Ok(found)
    }

    /// What fetching `paths` takes: every path of their closures that is not valid in
    /// `store`, references first; `None` if some path of it is in no cache (strict: an
    /// error naming it).
    pub fn closure(
        &mut self,
        store: &LocalStore,
        paths: &[StorePath],
    ) -> Result<Option<Vec<Substitute>>, CacheError> {
        let store_dir = store.store_dir().clone();
        let mut found: BTreeMap<StorePath, Substitute> = BTreeMap::new();
        let mut todo: Vec<StorePath> = paths.to_vec();
        while let Some(p) = todo.pop() {
            if found.contains_key(&p) {
                continue;
            }
            store.add_temp_root(&p)?;
            if store.db().is_valid(&p)? {
                continue;
            }
            let Some(sub) = self.query(&store_dir, &p)? else {
                if self.strict {
                    let url = self.caches.first().map_or("", |c| c.url()).to_owned();
                    return Err(CacheError::NotInCache {
                        path: store_dir.display(&p),
                        path_hash: p.hash_part().to_owned(),
                        url,
                    });
                }
                return Ok(None);
            };
            todo.extend(sub.info.references.iter().filter(|r| **r != p).cloned());
            found.insert(p, sub);
        }
        let set: BTreeSet<StorePath> = found.keys().cloned().collect();
        let refs: HashMap<StorePath, BTreeSet<StorePath>> = found
            .iter()
            .map(|(p, s)| (p.clone(), s.info.references.clone()))
            .collect();
        let mut order = topo_sort_with(&set, &refs);
        order.reverse();
        Ok(Some(
            order.into_iter().filter_map(|p| found.remove(&p)).collect(),
        ))
    }

    /// Fetches `sub` into `store` (see [`fetch_into`]).
    pub fn fetch(
        &self,
        store: &mut LocalStore,
        sub: &Substitute,
        policy: &SignaturePolicy,
        on_bytes: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<(), CacheError> {
        fetch_into(store, &self.caches[sub.cache], &sub.info, policy, on_bytes)
    }

    /// The cache `sub` comes from.
    pub fn cache_of(&self, sub: &Substitute) -> &BinaryCache {
        &self.caches[sub.cache]
    }
}

/// Fetches the path `info` describes from `cache` into `store` and registers it with its
/// references, deriver, signatures and content address. Its references must be valid.
/// The signature is checked first; the NAR is unpacked as it streams in, and a NAR whose
/// hash or size differs from the `.narinfo`'s, or that is cut short, leaves nothing
/// behind. `on_bytes` is told the bytes of the NAR file received so far and its size
/// (if known), as they arrive.
pub fn fetch_into(
    store: &mut LocalStore,
    cache: &BinaryCache,
    info: &NarInfo,
    policy: &SignaturePolicy,
    on_bytes: &mut dyn FnMut(u64, Option<u64>),
) -> Result<(), CacheError> {
    let store_dir = store.store_dir().clone();
    store.add_temp_root(&info.path)?;
    if store.db().is_valid(&info.path)? {
        return Ok(());
    }
    policy.check(&store_dir, cache, info)?;
    let real = store.real_path(&info.path);
    let _lock = PathLock::acquire(&real)?;
    if store.db().is_valid(&info.path)? {
        return Ok(());
    }
    remove_tree(&real)?;
    let result = unpack(&store_dir, cache, info, &real, on_bytes)
        .and_then(|()| check_content_address(&store_dir, cache, info, &real));
    if let Err(e) = result {
        let _ = remove_tree(&real);
        return Err(e);
    }
    crate::build::canon::canonicalise(&real, &store_dir.display(&info.path)).map_err(|e| {
        let _ = remove_tree(&real);
        CacheError::BadNar {
            path: store_dir.display(&info.path),
            url: cache.nar_url(info),
            reason: e.to_string(),
        }
    })?;
    store
        .db_mut()
        .register(&[info.to_path_info()], &BTreeMap::new())?;
    Ok(())
}

/// Streams the NAR of `info` into `real`, checking file and NAR hashes and sizes.
fn unpack(
    store_dir: &StoreDir,
    cache: &BinaryCache,
    info: &NarInfo,
    real: &std::path::Path,
    on_bytes: &mut dyn FnMut(u64, Option<u64>),
) -> Result<(), CacheError> {
    let shown = store_dir.display(&info.path);
    let url = cache.nar_url(info);
    let body = cache.open_nar(info)?;
    let total = body.len().or(info.file_size);
    let file_algo = info
        .file_hash
        .as_ref()
        .map_or(HashAlgo::Sha256, |h| h.algo());
    let mut raw = HashingReader::new(ReportingReader::new(body, total, on_bytes), file_algo);
    let bad = |reason: String| CacheError::BadNar {
        path: shown.clone(),
        url: url.clone(),
        reason,
    };
    let decoder = info
        .compression
        .decoder(BufReader::with_capacity(1 << 16, &mut raw))
        .map_err(|e| bad(e.to_string()))?;
    let mut nar = HashingReader::new(decoder, info.nar_hash.algo());
    restore(&mut nar, real).map_err(|e| CacheError::bad_nar(&shown, &url, &e))?;
    nar.drain().map_err(|e| bad(e.to_string()))?;
    let (nar_hash, nar_size) = nar.finish();
    let mismatch = |what, expected: String, actual: String| CacheError::Mismatch {
        path: shown.clone(),
        url: url.clone(),
        what,
        expected,
        actual,
    };
    if nar_size != info.nar_size {
        return Err(mismatch(
            "NAR size",
            info.nar_size.to_string(),
            nar_size.to_string(),
        ));
    }
    if nar_hash != info.nar_hash {
        return Err(mismatch(
            "NAR hash",
            info.nar_hash.to_sri(),
            nar_hash.to_sri(),
        ));
    }
    raw.drain().map_err(|e| bad(e.to_string()))?;
    let (file_hash, file_size) = raw.finish();
    if let Some(expected) = info.file_size
        && expected != file_size
    {
        return Err(mismatch(
            "file size",
            expected.to_string(),
            file_size.to_string(),
        ));
    }
    if let Some(expected) = &info.file_hash
        && *expected != file_hash
    {
        return Err(mismatch("file hash", expected.to_sri(), file_hash.to_sri()));
    }
    Ok(())
}

/// A reader telling a callback how many bytes have passed through it.
struct ReportingReader<'a, R> {
    inner: R,
    done: u64,
    total: Option<u64>,
    on_bytes: &'a mut dyn FnMut(u64, Option<u64>),
}

impl<'a, R: std::io::Read> ReportingReader<'a, R> {
    fn new(inner: R, total: Option<u64>, on_bytes: &'a mut dyn FnMut(u64, Option<u64>)) -> Self {
        ReportingReader {
            inner,
            done: 0,
            total,
            on_bytes,
        }
    }
}

impl<R: std::io::Read> std::io::Read for ReportingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        (self.on_bytes)(self.done, self.total);
        Ok(n)
    }
}
