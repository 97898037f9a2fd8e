//! `builtins.path` and `builtins.filterSource`: adding a file tree to the store, with an
//! optional filter function deciding which entries to keep, a name, recursive or flat
//! ingestion, and an expected hash.

use super::derivation::string_no_context;
use super::fs::{file_type_name, path_arg};
use super::store::{nar_error, store_path_string};
use super::store_state::{real_path, store_of};
use super::{arg_attrs, error, io_error_text};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::Value;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::local::add::ObjectSource;
use crate::store::path::{FileIngestionMethod, StorePath};
use crate::store::path_info::ContentAddress;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to add and how.
struct AddPath {
    name: String,
    path: String,
    filter: Option<Value>,
    method: FileIngestionMethod,
    expected: Option<Hash>,
}

/// `builtins.path { path; name ? baseNameOf path; filter ? …; recursive ? true; sha256 ? …; }`.
pub(crate) fn path(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &args[0], span)?;
    let mut req = AddPath {
        name: String::new(),
        path: String::new(),
        filter: None,
        method: FileIngestionMethod::Recursive,
        expected: None,
    };
    for attr in attrs.sorted_by_name() {
        let s = attr.span();
        match attr.name.as_str() {
            "path" => {
                let (p, ctx) = path_arg(ev, &attr.value, s)?;
                if !ctx.is_empty() {
                    return Err(error(
                        format!("string '{p}' cannot refer to other paths"),
                        s,
                    ));
                }
                req.path = p;
            }
            "name" => req.name = string_no_context(ev, &attr.value, s)?,
            "filter" => req.filter = Some(super::arg_function(ev, &attr.value, s)?),
            "recursive" => {
                req.method = if super::arg_bool(ev, &attr.value, s)? {
                    FileIngestionMethod::Recursive
                } else {
                    FileIngestionMethod::Flat
                }
            }
            "sha256" => {
                let text = string_no_context(ev, &attr.value, s)?;
                req.expected = Some(parse_expected(&text, s)?);
            }
            other => {
                return Err(error(
                    format!("unsupported argument '{other}' to 'addPath'"),
                    s,
                ));
            }
        }
    }
    if req.path.is_empty() {
        return Err(error("'path' required", span));
    }
    if req.name.is_empty() {
        req.name = crate::eval::path::base_name(&req.path).to_owned();
    }
    let shown = req.path.clone();
    add_path(ev, req, span).map_err(|e| e.with_frame(span, format!("while adding path '{shown}'")))
}

/// `builtins.filterSource filter path`.
pub(crate) fn filter_source(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let filter = super::arg_function(ev, &args[0], span)?;
    let (logical, ctx) = path_arg(ev, &args[1], span)?;
    let path = real_path(ev, &logical, !ctx.is_empty());
    let name = crate::eval::path::base_name(&logical).to_owned();
    let req = AddPath {
        name,
        path,
        filter: Some(filter),
        method: FileIngestionMethod::Recursive,
        expected: None,
    };
    add_path(ev, req, span)
        .map_err(|e| e.with_frame(span, format!("while adding path '{logical}'")))
}

fn parse_expected(text: &str, span: Span) -> EvalResult<Hash> {
    if text.is_empty() {
        return Hash::from_bytes(HashAlgo::Sha256, &[0; 32])
            .map_err(|e| error(e.to_string(), span));
    }
    Hash::parse(text, Some(HashAlgo::Sha256)).map_err(|e| error(e.to_string(), span))
}

fn add_path(ev: &mut Evaluator, req: AddPath, span: Span) -> EvalResult<Value> {
    let store = store_of(ev, span)?;
    let dir = store.store_dir().clone();
    let none: [&StorePath; 0] = [];
    let expected_path = match &req.expected {
        Some(h) => Some(
            dir.make_fixed_output_path(req.method, h, &req.name, none, false)
                .map_err(|e| error(e.to_string(), span))?,
        ),
        None => None,
    };
    if let Some(p) = &expected_path
        && store.exists(p)
    {
        let s = dir.display(p);
        return Ok(store_path_string(s.clone(), &s));
    }
    let source = Path::new(&req.path);
    let excluded = match &req.filter {
        Some(f) if req.method == FileIngestionMethod::Recursive => {
            excluded_entries(ev, f, source, span)?
        }
        _ => HashSet::new(),
    };
    let hash = match req.method {
        FileIngestionMethod::Recursive => {
            let mut include = |p: &Path| !excluded.contains(p);
            let mut hasher = crate::store::hash::Hasher::new(HashAlgo::Sha256);
            crate::store::nar::dump_path_filtered(source, &mut include, &mut hasher)
                .map_err(|e| nar_error(&e, span))?;
            hasher.finish()
        }
        _ => Hash::of_file(HashAlgo::Sha256, source).map_err(|e| {
            error(
                format!("opening file '{}': {}", req.path, io_error_text(&e)),
                span,
            )
        })?,
    };
    let sp = dir
        .make_fixed_output_path(req.method, &hash, &req.name, none, false)
        .map_err(|e| error(e.to_string(), span))?;
    if expected_path.as_ref().is_some_and(|e| *e != sp) {
        return Err(error(
            format!(
                "store path mismatch in (possibly filtered) path added from '{}'",
                req.path
            ),
            span,
        ));
    }
    if ev.settings.write_store {
        let none = std::collections::BTreeSet::new();
        let ca = ContentAddress::Fixed(req.method, hash.clone());
        let state = &mut ev.builtin_state.store;
        let written = match req.method {
            FileIngestionMethod::Recursive => {
                let mut include = |p: &Path| !excluded.contains(p);
                state.add_object(
                    &store,
                    &sp,
                    ObjectSource::Tree(source, &mut include),
                    &none,
                    ca,
                )
            }
            _ => match std::fs::read(source) {
                Ok(bytes) => state.add_object(&store, &sp, ObjectSource::Text(&bytes), &none, ca),
                Err(e) => {
                    return Err(error(
                        format!("opening file '{}': {}", req.path, io_error_text(&e)),
                        span,
                    ));
                }
            },
        };
        written.map_err(|e| error(format!("cannot add '{}' to the store: {e}", req.path), span))?;
    }
    let s = dir.display(&sp);
    Ok(store_path_string(s.clone(), &s))
}

/// Calls `filter path type` on every entry below `root` (not descending into excluded
/// directories), in name order as Nix does, and returns the entries it rejected.
fn excluded_entries(
    ev: &mut Evaluator,
    filter: &Value,
    root: &Path,
    span: Span,
) -> EvalResult<HashSet<PathBuf>> {
    let mut excluded = HashSet::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let is_dir = std::fs::symlink_metadata(&dir)
            .map(|m| m.is_dir())
            .unwrap_or(false);
        if !is_dir {
            continue;
        }
        let mut children: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| read_error(&dir, &e, span))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(|e| read_error(&dir, &e, span))?;
        children.sort();
        let mut keep = Vec::new();
        for child in children {
            let text = child.to_string_lossy().into_owned();
            let kind = file_type_name(&child);
            let r = ev.call2(filter, Value::string(text), Value::string(kind), span)?;
            if super::arg_bool(ev, &r, span)? {
                keep.push(child);
            } else {
                excluded.insert(child);
            }
        }
        // Depth first, in name order.
        stack.extend(keep.into_iter().rev());
    }
    Ok(excluded)
}

fn read_error(path: &Path, e: &std::io::Error, span: Span) -> Box<EvalError> {
    error(
        format!(
            "reading directory '{}': {}",
            path.display(),
            io_error_text(e)
        ),
        span,
    )
}
