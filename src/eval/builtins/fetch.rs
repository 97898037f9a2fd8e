//! Fetchers: `builtins.fetchurl` and `builtins.fetchTarball` as Nix 2.8 has them.
//!
//! Both take a URL (`http://`, `https://`, `file://`) or `{ url; sha256 | hash; name; }`.
//! `fetchurl` stores the file as a flat fixed-output path named after the URL's last
//! component; `fetchTarball` unpacks it (compression recognised by content), drops the
//! single top-level directory and stores the tree as a recursive (NAR SHA-256) path
//! named `source`. A given hash is checked (`hash mismatch in file downloaded from …`,
//! both hashes in SRI and base-32); without one the fetch is allowed unless the
//! evaluation is pure (`--pure-eval`), as in Nix. Each URL is fetched at most once per
//! evaluation ([`FetchCache`]), and a pinned SHA-256 whose path is already valid is not
//! fetched at all. The path is registered in the store when the evaluation writes it.

use super::store_state::store_of;
use super::{arg_attrs, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{Context, NixString, PrimOp, Value};
use crate::fetch::{HashMismatch, ScratchDir, unpack_tarball};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::add::ObjectSource;
use crate::store::nar::nar_hash_with;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::ContentAddress;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    op("fetchurl", 1, fetchurl),
    op("fetchTarball", 1, fetch_tarball),
    op("fetchGit", 1, fetch_git),
    op("fetchTree", 1, fetch_tree),
    op("fetchMercurial", 1, fetch_mercurial),
    op("fetchClosure", 1, fetch_closure),
];

/// What this evaluation has fetched: (URL, unpacked?, name) → store path, so that a URL
/// is downloaded once per evaluation even without a hash.
#[derive(Default)]
pub struct FetchCache {
    fetched: HashMap<(String, bool, String), StorePath>,
}

/// What a fetcher was asked for.
struct FetchRequest {
    url: String,
    name: Option<String>,
    expected: Option<Hash>,
}

/// The two fetchers' differences.
#[derive(Clone, Copy)]
struct Fetcher {
    /// The builtin's name, for messages.
    who: &'static str,
    /// Unpack a tarball (`fetchTarball`) or keep the file (`fetchurl`).
    unpack: bool,
}

fn request(ev: &mut Evaluator, v: &Value, who: &str, span: Span) -> EvalResult<FetchRequest> {
    match ev.force(v)? {
        Value::String(_) => Ok(FetchRequest {
            url: ev.expect_string_no_ctx(v, span)?,
            name: None,
            expected: None,
        }),
        Value::Attrs(_) => {
            let attrs = arg_attrs(ev, v, span)?;
            let mut req = FetchRequest {
                url: String::new(),
                name: None,
                expected: None,
            };
            let mut url = None;
            for attr in attrs.sorted_by_name() {
                let key = attr.name.as_str();
                let text = match key {
                    "url" | "name" | "sha256" | "hash" => {
                        ev.expect_string_no_ctx(&attr.value, span)?
                    }
                    other => {
                        return Err(error(
                            format!("unsupported argument '{other}' to '{who}'"),
                            attr.span(),
                        ));
                    }
                };
                match key {
                    "url" => url = Some(text),
                    "name" => req.name = Some(text),
                    "sha256" => {
                        req.expected = Some(parse_hash(&text, Some(HashAlgo::Sha256), span)?)
                    }
                    _ => req.expected = Some(parse_hash(&text, None, span)?),
                }
            }
            req.url = url.ok_or_else(|| error("'url' argument required", span))?;
            Ok(req)
        }
        other => Err(ev.type_error("a string or a set", &other, span)),
    }
}

/// Parses a hash; the empty string is the all-zero SHA-256, as in Nix, so that a fetch
/// with `sha256 = ""` fails and reports the hash to use.
fn parse_hash(text: &str, algo: Option<HashAlgo>, span: Span) -> EvalResult<Hash> {
    if text.is_empty() {
        let algo = algo.unwrap_or(HashAlgo::Sha256);
        let zero = Hash::from_bytes(algo, &vec![0u8; algo.size()])
            .map_err(|e| error(format!("invalid hash '': {e}"), span))?;
        eprintln!("warning: found empty hash, assuming '{}'", zero.to_sri());
        return Ok(zero);
    }
    Hash::parse(text, algo).map_err(|e| error(format!("invalid hash '{text}': {e}"), span))
}

/// `builtins.fetchurl url` or `{ url; sha256 | hash; name; }`: the file, in the store
/// under a flat fixed-output path.
fn fetchurl(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let fetcher = Fetcher {
        who: "fetchurl",
        unpack: false,
    };
    fetch(ev, &a[0], fetcher, span)
}

/// `builtins.fetchTarball url` or `{ url; sha256 | hash; name ? "source"; }`: the
/// tarball's single top-level directory, in the store under a recursive path.
fn fetch_tarball(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let fetcher = Fetcher {
        who: "fetchTarball",
        unpack: true,
    };
    fetch(ev, &a[0], fetcher, span)
}

fn fetch(ev: &mut Evaluator, arg: &Value, fetcher: Fetcher, span: Span) -> EvalResult<Value> {
    let req = request(ev, arg, fetcher.who, span)?;
    let name = match &req.name {
        Some(n) => n.clone(),
        None if fetcher.unpack => "source".to_owned(),
        None => crate::eval::path::base_name(&req.url).to_owned(),
    };
    if ev.settings.pure_eval && req.expected.is_none() {
        return Err(error(
            format!(
                "in pure evaluation mode, '{}' requires a 'sha256' argument",
                fetcher.who
            ),
            span,
        ));
    }
    let store = store_of(ev, span)?;
    let method = if fetcher.unpack {
        FileIngestionMethod::Recursive
    } else {
        FileIngestionMethod::Flat
    };
    let key = (req.url.clone(), fetcher.unpack, name.clone());
    let cached = ev.builtin_state.fetches.fetched.get(&key).cloned();
    let path = match cached {
        Some(path) => path,
        None => {
            let pinned = match &req.expected {
                Some(h) if h.algo() == HashAlgo::Sha256 && ev.settings.write_store => {
                    let none: [&StorePath; 0] = [];
                    let path = store
                        .store_dir()
                        .make_fixed_output_path(method, h, &name, none, false)
                        .map_err(|e| error(format!("cannot fetch '{}': {e}", req.url), span))?;
                    let local = ev
                        .builtin_state
                        .store
                        .local_store(&store)
                        .map_err(|e| error(format!("cannot open the store: {e}"), span))?;
                    match local.db().is_valid(&path) {
                        Ok(true) => Some(path),
                        _ => None,
                    }
                }
                _ => None,
            };
            let path = match pinned {
                Some(path) => path,
                None => download_and_add(ev, &store, &req, &name, method, span)?,
            };
            ev.builtin_state.fetches.fetched.insert(key, path.clone());
            path
        }
    };
    if ev.settings.write_store {
        // Keep the path alive for the rest of this evaluation.
        let local = ev
            .builtin_state
            .store
            .local_store(&store)
            .map_err(|e| error(format!("cannot open the store: {e}"), span))?;
        local
            .add_temp_root(&path)
            .map_err(|e| error(format!("cannot register a temporary root: {e}"), span))?;
    }
    let text = store.store_dir().display(&path);
    let mut context = Context::default();
    context.insert(Rc::from(text.as_str()));
    Ok(Value::String(Rc::new(NixString::with_context(
        text, context,
    ))))
}

/// Downloads `req.url`, unpacks it if asked, checks the hash and adds the result to the
/// store (when the evaluation writes it); returns its path.
fn download_and_add(
    ev: &mut Evaluator,
    store: &crate::store::writer::StoreWriter,
    req: &FetchRequest,
    name: &str,
    method: FileIngestionMethod,
    span: Span,
) -> EvalResult<StorePath> {
    let fail = |message: String| error(message, span);
    let scratch = ScratchDir::new(None, "fetch")
        .map_err(|e| fail(format!("cannot create a temporary directory: {e}")))?;
    let file = scratch.path().join("download");
    crate::net::download(&req.url, &file, &mut |_| {}).map_err(|e| fail(e.to_string()))?;
    let object = match method {
        FileIngestionMethod::Flat => file,
        FileIngestionMethod::Recursive => {
            let into = scratch.path().join("unpacked");
            std::fs::create_dir(&into)
                .map_err(|e| fail(format!("cannot create '{}': {e}", into.display())))?;
            unpack_tarball(&file, &req.url, &into).map_err(|e| fail(e.to_string()))?
        }
    };
    let hash_of = |algo: HashAlgo, object: &Path| -> EvalResult<Hash> {
        match method {
            FileIngestionMethod::Flat => Hash::of_file(algo, object)
                .map_err(|e| fail(format!("cannot hash '{}': {e}", object.display()))),
            FileIngestionMethod::Recursive => nar_hash_with(algo, object)
                .map(|(h, _)| h)
                .map_err(|e| fail(format!("cannot hash '{}': {e}", object.display()))),
        }
    };
    let sha256 = hash_of(HashAlgo::Sha256, &object)?;
    if let Some(expected) = &req.expected {
        let got = if expected.algo() == HashAlgo::Sha256 {
            sha256.clone()
        } else {
            hash_of(expected.algo(), &object)?
        };
        if &got != expected {
            return Err(fail(
                HashMismatch {
                    url: req.url.clone(),
                    specified: expected.clone(),
                    got,
                }
                .to_string(),
            ));
        }
    }
    let none: [&StorePath; 0] = [];
    let path = store
        .store_dir()
        .make_fixed_output_path(method, &sha256, name, none, false)
        .map_err(|e| fail(format!("cannot fetch '{}': {e}", req.url)))?;
    if ev.settings.write_store {
        ev.builtin_state
            .store
            .add_object(
                store,
                &path,
                ObjectSource::Tree(&object, &mut |_| true),
                &BTreeSet::new(),
                ContentAddress::Fixed(method, sha256),
            )
            .map_err(|e| fail(format!("cannot add '{}' to the store: {e}", req.url)))?;
    }
    Ok(path)
}

fn not_yet(what: &str, span: Span) -> EvalResult<Value> {
    Err(error(
        format!("'builtins.{what}' is not supported by sysrebuild"),
        span,
    ))
}

fn fetch_git(_: &mut Evaluator, _: &[Value], s: Span) -> EvalResult<Value> {
    not_yet("fetchGit", s)
}
fn fetch_tree(_: &mut Evaluator, _: &[Value], s: Span) -> EvalResult<Value> {
    not_yet("fetchTree", s)
}
fn fetch_mercurial(_: &mut Evaluator, _: &[Value], s: Span) -> EvalResult<Value> {
    not_yet("fetchMercurial", s)
}
fn fetch_closure(_: &mut Evaluator, _: &[Value], s: Span) -> EvalResult<Value> {
    not_yet("fetchClosure", s)
}
