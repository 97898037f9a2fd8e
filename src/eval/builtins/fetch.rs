//! Fetchers: `fetchurl` for local (`file://`) URLs, with the hash checked against the one
//! given. Network fetchers and unpacking tarballs arrive with the builder (the store issue);
//! until then they fail with a message that says so.

use super::store_state::store_of;
use super::{arg_attrs, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Context, NixString, PrimOp, Value};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::add::ObjectSource;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::ContentAddress;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    op("fetchurl", 1, fetchurl),
    op("fetchTarball", 1, fetch_tarball),
    op("fetchGit", 1, fetch_git),
    op("fetchTree", 1, fetch_tree),
    op("fetchMercurial", 1, fetch_mercurial),
    op("fetchClosure", 1, fetch_closure),
];

/// What a fetcher was asked for.
struct FetchRequest {
    url: String,
    name: Option<String>,
    expected: Option<Hash>,
}

fn request(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<FetchRequest> {
    match ev.force(v)? {
        Value::String(s) => Ok(FetchRequest {
            url: s.text.clone(),
            name: None,
            expected: None,
        }),
        Value::Attrs(_) => {
            let attrs = arg_attrs(ev, v, span)?;
            let get = |ev: &mut Evaluator, key: &str| -> EvalResult<Option<String>> {
                match attrs.get(Symbol::intern(key)).cloned() {
                    Some(v) => Ok(Some(ev.expect_string_no_ctx(&v, span)?)),
                    None => Ok(None),
                }
            };
            let url = get(ev, "url")?.ok_or_else(|| error("'url' argument required", span))?;
            let name = get(ev, "name")?;
            let expected = match (get(ev, "sha256")?, get(ev, "hash")?) {
                (Some(h), _) => Some(parse_hash(&h, Some(HashAlgo::Sha256), span)?),
                (None, Some(h)) if !h.is_empty() => Some(parse_hash(&h, None, span)?),
                _ => None,
            };
            Ok(FetchRequest {
                url,
                name,
                expected,
            })
        }
        other => Err(ev.type_error("a string or a set", &other, span)),
    }
}

fn parse_hash(text: &str, algo: Option<HashAlgo>, span: Span) -> EvalResult<Hash> {
    Hash::parse(text, algo).map_err(|e| error(format!("invalid hash '{text}': {e}"), span))
}

/// `builtins.fetchurl url` or `{ url; sha256 | hash; name; }`: the file, in the store under
/// a fixed-output (flat) path.
fn fetchurl(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let req = request(ev, &a[0], span)?;
    let Some(local) = req.url.strip_prefix("file://") else {
        return Err(error(
            format!(
                "cannot fetch '{}': only file:// URLs are supported until the builder can download",
                req.url
            ),
            span,
        ));
    };
    let contents = std::fs::read(local).map_err(|e| {
        error(
            format!(
                "unable to download '{}': {}",
                req.url,
                super::io_error_text(&e)
            ),
            span,
        )
    })?;
    let name = req
        .name
        .unwrap_or_else(|| crate::eval::path::base_name(&req.url).to_owned());
    let actual = Hash::digest(HashAlgo::Sha256, &contents);
    let hash = match req.expected {
        Some(expected) => {
            let actual_same_algo = Hash::digest(expected.algo(), &contents);
            if actual_same_algo != expected {
                return Err(error(
                    format!(
                        "hash mismatch in file downloaded from '{}':\n  specified: {}\n  got:       {}",
                        req.url,
                        expected.to_sri(),
                        actual_same_algo.to_sri()
                    ),
                    span,
                ));
            }
            expected
        }
        None => actual,
    };
    let store = store_of(ev, span)?;
    let none: [&StorePath; 0] = [];
    let path = store
        .store_dir()
        .make_fixed_output_path(FileIngestionMethod::Flat, &hash, &name, none, false)
        .map_err(|e| error(format!("cannot fetch '{}': {e}", req.url), span))?;
    if ev.settings.write_store {
        ev.builtin_state
            .store
            .add_object(
                &store,
                &path,
                ObjectSource::Text(&contents),
                &std::collections::BTreeSet::new(),
                ContentAddress::Fixed(FileIngestionMethod::Flat, hash.clone()),
            )
            .map_err(|e| error(format!("cannot add '{}' to the store: {e}", req.url), span))?;
    }
    let text = store.store_dir().display(&path);
    let mut context = Context::default();
    context.insert(Rc::from(text.as_str()));
    Ok(Value::String(Rc::new(NixString::with_context(
        text, context,
    ))))
}

fn not_yet(what: &str, span: Span) -> EvalResult<Value> {
    Err(error(
        format!("'builtins.{what}' is not available yet: sysrebuild gains it with its builder"),
        span,
    ))
}

fn fetch_tarball(_: &mut Evaluator, _: &[Value], s: Span) -> EvalResult<Value> {
    not_yet("fetchTarball", s)
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
