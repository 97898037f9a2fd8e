//! The Debian package universe as native builtins, under `builtins.__sysrebuild`:
//!
//! - `debianPackages paths f`: a set with one attribute per package name of the indices
//!   stored at `paths` (store paths, from `sysrebuild.lock`), each a thunk of `f name`.
//!   Nothing is resolved until an attribute is forced.
//! - `debianResolve paths key`: what `pkgs/deb.nix` needs to make the derivations of one
//!   package: its index fields, its resolved direct dependencies and its unit (the
//!   strongly connected component it is built in, see [`crate::debian::resolve`]).
//!
//! An index is parsed once per evaluator and kept with its resolver, keyed by `paths`.

use super::{arg_list, arg_string, arg_string_no_ctx, error};
use crate::debian::index::{EntryId, Fld, Index};
use crate::debian::resolve::Resolver;
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, Thunk, Value};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The parsed indices of one evaluator, by the joined list of their store paths.
#[derive(Default)]
pub struct DebianState {
    resolvers: FxHashMap<String, Rc<Resolver>>,
}

/// The primops (installed into `__sysrebuild`).
pub static PRIMOPS: &[PrimOp] = &[
    super::op("debianPackages", 2, debian_packages),
    super::op("debianResolve", 2, debian_resolve),
];

/// The resolver for the indices at the store paths in list `v`, parsing them on first use.
fn resolver(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Rc<Resolver>> {
    let list = arg_list(ev, v, span)?;
    let mut paths = Vec::with_capacity(list.0.len());
    for item in &list.0 {
        paths.push(arg_string(ev, item, span)?.text.clone());
    }
    let key = paths.join("\n");
    if let Some(r) = ev.builtin_state.debian.resolvers.get(&key) {
        return Ok(r.clone());
    }
    let root = ev.settings.store_root.clone();
    let mut texts = Vec::with_capacity(paths.len());
    for p in &paths {
        if !p.starts_with(&format!("{}/", ev.settings.store_dir.trim_end_matches('/'))) {
            return Err(error(
                format!(
                    "package index '{p}' is not a store path (sysrebuild.lock names the index's store path)"
                ),
                span,
            ));
        }
        let text = crate::debian::store::read_stored(
            root.as_deref().map(std::path::Path::new),
            p,
            "sysrebuild.lock",
        )
        .map_err(|e| error(e.to_string(), span))?;
        texts.push(text);
    }
    let index = Index::parse(texts).map_err(|e| error(e.to_string(), span))?;
    let r = Rc::new(Resolver::new(Rc::new(index)));
    ev.builtin_state.debian.resolvers.insert(key, r.clone());
    Ok(r)
}

fn debian_packages(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let r = resolver(ev, &a[0], span)?;
    let f = a[1].clone();
    let index = r.index();
    let entries: Vec<Attr> = index
        .names()
        .map(|name| Attr {
            name: Symbol::intern(name),
            value: Thunk::apply(f.clone(), Value::string(name)),
            pos: Attr::NO_POS,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn debian_resolve(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let r = resolver(ev, &a[0], span)?;
    let key = arg_string_no_ctx(ev, &a[1], span)?.text.clone();
    let ix = r.index().clone();
    let Some(id) = ix.by_key(&key) else {
        let name = key.split('=').next().unwrap_or(&key);
        let near = crate::debian::suggest(&ix, name);
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", near.join(" or "))
        };
        return Err(error(
            format!("no package '{key}' in the package index{hint}"),
            span,
        ));
    };
    let unit = r
        .unit(id)
        .map_err(|e| error(format!("cannot resolve package '{key}': {e}"), span))?;
    // The unit's resolution above succeeded, so this package's own groups are satisfied.
    let direct = r.direct(id).map_err(|u| {
        error(
            format!(
                "cannot resolve package '{key}': {}: {}",
                u.dependency, u.reason
            ),
            span,
        )
    })?;
    let mut info = fetch_info(&ix, id);
    let keys =
        |ids: &[EntryId]| Value::list(ids.iter().map(|d| Value::string(ix.key(*d))).collect());
    info.push(("key", Value::string(ix.key(id))));
    info.push(("depends", keys(&direct)));
    info.push(("description", Value::string(ix.synopsis(id))));
    for (label, fld) in [
        ("section", Fld::Section),
        ("priority", Fld::Priority),
        ("multiArch", Fld::MultiArch),
    ] {
        info.push((label, Value::string(ix.get(id, fld))));
    }
    info.push((
        "installedSize",
        Value::Int(ix.get(id, Fld::InstalledSize).parse().unwrap_or(0)),
    ));
    info.push((
        "essential",
        Value::Bool(ix.get(id, Fld::Essential) == "yes"),
    ));
    let members = unit
        .members
        .iter()
        .map(|m| set(fetch_info(&ix, *m)))
        .collect();
    let unit_set = vec![
        ("key", Value::string(ix.key(unit.members[0]))),
        ("members", Value::list(members)),
        ("deps", keys(&unit.deps)),
    ];
    info.push(("unit", set(unit_set)));
    Ok(set(info))
}

/// The fields a fetch derivation is made from.
fn fetch_info(ix: &Index, id: EntryId) -> Vec<(&'static str, Value)> {
    vec![
        ("package", Value::string(ix.name(id))),
        ("version", Value::string(ix.version(id))),
        ("architecture", Value::string(ix.get(id, Fld::Architecture))),
        ("filename", Value::string(ix.get(id, Fld::Filename))),
        ("sha256", Value::string(ix.get(id, Fld::Sha256))),
        (
            "size",
            Value::Int(ix.get(id, Fld::Size).parse().unwrap_or(0)),
        ),
    ]
}

fn set(fields: Vec<(&'static str, Value)>) -> Value {
    Value::attrs(Attrs::from_unsorted(
        fields
            .into_iter()
            .map(|(n, v)| Attr {
                name: Symbol::intern(n),
                value: v,
                pos: Attr::NO_POS,
            })
            .collect(),
    ))
}
