//! Builtins that read the file system: `readFile`, `readDir`, `readFileType`,
//! `pathExists`, `findFile`.
//!
//! Paths may be path values or strings holding absolute paths; a string with context
//! naming a store path is read from the (possibly relocated) store, as Nix does.

use super::derivation::string_no_context;
use super::store_state::{real_path, store_of};
use super::{arg_attrs, arg_list, error, io_error_text};
use crate::eval::error::EvalResult;
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::settings::{SearchPathEntry, resolve_in};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Context, NixString, PrimOp, Value};
use std::path::Path;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    super::op("readFile", 1, read_file),
    super::op("readDir", 1, read_dir),
    super::op("readFileType", 1, read_file_type),
    super::op("pathExists", 1, path_exists),
    super::op("findFile", 2, find_file),
];

/// Coerces an argument to an absolute, canonical path, keeping a string's context.
/// Relative strings are an error, as in Nix.
pub(crate) fn path_arg(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<(String, Context)> {
    let forced = ev.force(v)?;
    if let Value::Path(p) = &forced {
        return Ok((p.to_string(), Context::default()));
    }
    let s = ev.coerce_to_string(
        &forced,
        span,
        CoerceOpts {
            coerce_more: false,
            copy_to_store: false,
        },
    )?;
    if !s.text.starts_with('/') {
        return Err(error(
            format!("string '{}' doesn't represent an absolute path", s.text),
            span,
        ));
    }
    Ok((crate::eval::path::canonicalise(&s.text), s.context.clone()))
}

/// Coerces an argument to a path and gives where it really is on disk.
pub(crate) fn real_path_arg(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<String> {
    let (path, ctx) = path_arg(ev, v, span)?;
    Ok(real_path(ev, &path, !ctx.is_empty()))
}

/// The type name Nix gives a file system object (without following a final symlink).
pub(crate) fn file_type_name(path: &Path) -> &'static str {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => "regular",
        Ok(m) if m.is_dir() => "directory",
        Ok(m) if m.file_type().is_symlink() => "symlink",
        _ => "unknown",
    }
}

/// `builtins.readFile path`. A file in the store gets the references the evaluator
/// knows for it as context (Nix uses the store database's references).
fn read_file(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, ctx) = path_arg(ev, &args[0], span)?;
    let real = real_path(ev, &path, !ctx.is_empty());
    let bytes = std::fs::read(&real).map_err(|e| {
        error(
            format!("opening file '{real}': {}", io_error_text(&e)),
            span,
        )
    })?;
    if bytes.contains(&0) {
        return Err(error(
            format!("the contents of the file '{real}' cannot be represented as a Nix string"),
            span,
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        error(
            format!("the contents of the file '{real}' are not valid UTF-8"),
            span,
        )
    })?;
    let mut context = Context::default();
    let store = store_of(ev, span)?;
    if let Ok((sp, _)) = store.store_dir().split_path(&path)
        && let Ok(refs) = ev.builtin_state.store.references(&store, &sp)
    {
        for r in refs {
            context.insert(Rc::from(store.store_dir().display(&r)));
        }
    }
    Ok(Value::String(Rc::new(NixString::with_context(
        text, context,
    ))))
}

/// `builtins.readDir path`: entry name → `"regular"`, `"directory"`, `"symlink"` or
/// `"unknown"`.
fn read_dir(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let real = real_path_arg(ev, &args[0], span)?;
    let fail = |e: std::io::Error| {
        error(
            format!("opening directory '{real}': {}", io_error_text(&e)),
            span,
        )
    };
    let mut attrs = Attrs::new();
    for entry in std::fs::read_dir(&real).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(error(
                format!("directory '{real}' has an entry whose name is not UTF-8"),
                span,
            ));
        };
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => "regular",
            Ok(t) if t.is_dir() => "directory",
            Ok(t) if t.is_symlink() => "symlink",
            _ => "unknown",
        };
        attrs.insert(Symbol::intern(name), Value::string(kind), Span::NONE);
    }
    Ok(Value::attrs(attrs))
}

/// `builtins.readFileType path` (newer than Nix 2.8): the type of the object itself.
fn read_file_type(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let real = real_path_arg(ev, &args[0], span)?;
    if let Err(e) = std::fs::symlink_metadata(&real) {
        return Err(error(
            format!("getting status of '{real}': {}", io_error_text(&e)),
            span,
        ));
    }
    Ok(Value::string(file_type_name(Path::new(&real))))
}

/// `builtins.pathExists path` (a dangling symlink exists).
fn path_exists(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let real = real_path_arg(ev, &args[0], span)?;
    Ok(Value::Bool(std::fs::symlink_metadata(&real).is_ok()))
}

/// `builtins.findFile searchPath name`: looks `name` up in a list of
/// `{ prefix ? ""; path; }` sets the way `<name>` is looked up in `builtins.nixPath`.
fn find_file(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let list = arg_list(ev, &args[0], span)?;
    let mut entries = Vec::with_capacity(list.0.len());
    for item in &list.0 {
        let attrs = arg_attrs(ev, item, span)?;
        let prefix = match attrs.get(ev.sym.prefix).cloned() {
            Some(p) => string_no_context(ev, &p, span)?,
            None => String::new(),
        };
        let Some(path) = attrs.get(ev.sym.path).cloned() else {
            return Err(error("attribute 'path' missing, at findFile", span));
        };
        let path = ev.coerce_to_string(
            &path,
            span,
            CoerceOpts {
                coerce_more: false,
                copy_to_store: false,
            },
        )?;
        entries.push(SearchPathEntry {
            prefix: (!prefix.is_empty()).then_some(prefix),
            path: path.text.clone(),
        });
    }
    let wanted = string_no_context(ev, &args[1], span)?;
    match resolve_in(&entries, &wanted) {
        Some(p) => Ok(Value::Path(Rc::from(p))),
        None => Err(error(
            format!(
                "file '{wanted}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
            ),
            span,
        )),
    }
}
