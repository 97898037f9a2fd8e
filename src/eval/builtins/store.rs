//! Builtins that put things into the store or name store paths: `toFile`, `storePath`,
//! `placeholder`, `hashFile`, and the copying of path values to the store that
//! interpolation (`"${./foo}"`) does. `builtins.path` and `filterSource` are in
//! [`super::add_path`].

use super::derivation::string_no_context;
use super::fs::path_arg;
use super::store_state::store_of;
use super::{error, io_error_text};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{Context, NixString, PrimOp, Value};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::add::ObjectSource;
use crate::store::nar::NarWriteError;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::ContentAddress;
use std::collections::BTreeSet;
use std::path::Path;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    super::op("toFile", 2, to_file),
    super::op("storePath", 1, store_path),
    super::op("placeholder", 1, placeholder),
    super::op("hashFile", 2, hash_file),
    super::op("path", 1, super::add_path::path),
    super::op("filterSource", 2, super::add_path::filter_source),
];

/// A string holding `path`, with `path` as its context.
pub(crate) fn store_path_string(text: String, path: &str) -> Value {
    let mut ctx = Context::default();
    ctx.insert(Rc::from(path));
    Value::String(Rc::new(NixString::with_context(text, ctx)))
}

/// `builtins.toFile name contents`: a text file in the store referring to the plain
/// store paths in `contents`' context.
fn to_file(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let name = string_no_context(ev, &args[0], span)?;
    let contents = super::arg_string(ev, &args[1], span)?;
    let store = store_of(ev, span)?;
    let mut refs = BTreeSet::new();
    for elem in contents.context.iter() {
        if !elem.starts_with('/') {
            return Err(error(
                format!(
                    "in 'toFile': the file named '{name}' must not contain a reference to a derivation but contains ({elem})"
                ),
                span,
            ));
        }
        let r = store
            .store_dir()
            .parse_path(elem)
            .map_err(|e| error(format!("in 'toFile': {e}"), span))?;
        refs.insert(r);
    }
    let hash = Hash::digest(HashAlgo::Sha256, contents.text.as_bytes());
    let path = store
        .store_dir()
        .make_text_path(&name, &hash, &refs)
        .map_err(|e| error(format!("in 'toFile': {e}"), span))?;
    if ev.settings.write_store {
        ev.builtin_state
            .store
            .add_object(
                &store,
                &path,
                ObjectSource::Text(contents.text.as_bytes()),
                &refs,
                ContentAddress::Text(hash),
            )
            .map_err(|e| error(format!("cannot write '{name}' to the store: {e}"), span))?;
    }
    ev.builtin_state.store.add_references(path.clone(), refs);
    let printed = store.store_dir().display(&path);
    Ok(store_path_string(printed.clone(), &printed))
}

/// `builtins.storePath path`: the path (which must be in the store) as a string whose
/// context is its store path.
fn store_path(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, mut context) = path_arg(ev, &args[0], span)?;
    let store = store_of(ev, span)?;
    let (sp, _) = store
        .store_dir()
        .split_path(&path)
        .map_err(|_| error(format!("path '{path}' is not in the Nix store"), span))?;
    context.insert(Rc::from(store.store_dir().display(&sp)));
    Ok(Value::String(Rc::new(NixString::with_context(
        path, context,
    ))))
}

/// `builtins.placeholder output`: the placeholder Nix substitutes by the output's path.
fn placeholder(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let output = string_no_context(ev, &args[0], span)?;
    Ok(Value::string(crate::store::path::placeholder(&output)))
}

/// `builtins.hashFile algo path`: the base16 hash of the file's contents.
fn hash_file(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let algo_name = string_no_context(ev, &args[0], span)?;
    let algo: HashAlgo = algo_name
        .parse()
        .map_err(|_| error(format!("unknown hash type '{algo_name}'"), span))?;
    let real = super::fs::real_path_arg(ev, &args[1], span)?;
    let hash = Hash::of_file(algo, Path::new(&real)).map_err(|e| {
        error(
            format!("opening file '{real}': {}", io_error_text(&e)),
            span,
        )
    })?;
    Ok(Value::string(hash.to_base16()))
}

/// Copies `path` into the store as a source named after its base name, or, when the
/// store is read-only, computes where it would go. Each path is hashed once per
/// evaluator. Returns the store path.
pub fn copy_path_to_store(ev: &mut Evaluator, path: &str, span: Span) -> EvalResult<String> {
    let store = store_of(ev, span)?;
    if let Some(p) = ev.builtin_state.store.sources.get(path) {
        return Ok(store.store_dir().display(p));
    }
    if path.ends_with(".drv") {
        return Err(error("file names are not allowed to end in '.drv'", span));
    }
    let name = crate::eval::path::base_name(path);
    let (hash, _) =
        crate::store::nar::nar_hash(Path::new(path)).map_err(|e| nar_error(&e, span))?;
    let none: [&StorePath; 0] = [];
    let sp = store
        .store_dir()
        .make_source_path(name, &hash, none, false)
        .map_err(|e| error(format!("cannot copy '{path}' to the store: {e}"), span))?;
    if ev.settings.write_store {
        let mut all = |_: &Path| true;
        ev.builtin_state
            .store
            .add_object(
                &store,
                &sp,
                ObjectSource::Tree(Path::new(path), &mut all),
                &BTreeSet::new(),
                ContentAddress::Fixed(FileIngestionMethod::Recursive, hash),
            )
            .map_err(|e| error(format!("cannot copy '{path}' to the store: {e}"), span))?;
    }
    ev.builtin_state
        .store
        .sources
        .insert(path.to_owned(), sp.clone());
    Ok(store.store_dir().display(&sp))
}

/// An evaluation error for a failure to serialise a path.
pub(crate) fn nar_error(e: &NarWriteError, span: Span) -> Box<EvalError> {
    match e {
        NarWriteError::Io { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
            error(
                format!(
                    "getting status of '{}': {}",
                    path.display(),
                    io_error_text(source)
                ),
                span,
            )
        }
        NarWriteError::Io { path, source } => error(
            format!("reading '{}': {}", path.display(), io_error_text(source)),
            span,
        ),
        other => error(other.to_string(), span),
    }
}
