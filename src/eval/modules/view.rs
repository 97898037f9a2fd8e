//! The lazy `config` and `options` trees of an evaluation, the undeclared-definition
//! check, and freeform definitions.

use super::collect::{ensure_ready, single};
use super::merge::{self, FinalDef, Merged};
use super::{Def, ModEval, Syms, error, index_arg, show, state, tree};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{Attr, Attrs, PrimOp, PrimOpApp, Thunk, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// A thunk applying a native `op` to an evaluation index and a node index.
fn lazy_node(op: &'static PrimOp, id: usize, n: u32) -> Value {
    Thunk::native(op, id as u32, n)
}

/// A thunk applying a native `op` to `args` and then `last`.
fn lazy(op: &'static PrimOp, args: Vec<Value>, last: Value) -> Value {
    Thunk::apply(Value::PrimOpApp(Rc::new(PrimOpApp { op, args })), last)
}

macro_rules! native {
    ($name:ident, $arity:expr, $func:ident) => {
        static $name: PrimOp = PrimOp {
            name: stringify!($func),
            arity: $arity,
            func: $func,
            strict: false,
        };
    };
}

native!(NAMESPACE, 2, namespace);
native!(OPTION_VALUE, 2, option_value);
native!(OPTION_RAW, 2, option_raw);
native!(OPTIONS_NODE, 2, options_node);
native!(OPTION_INFO, 3, option_info);
native!(CHECKED, 2, checked_config);
native!(OPTION_LOC, 2, option_loc);

/// `{ config, options, _module }` of evaluation `id`.
pub(crate) fn result_set(ev: &mut Evaluator, id: usize) -> Value {
    let syms = Syms::get();
    let config = root_config(ev, id);
    let mut a = Attrs::with_capacity(3);
    a.insert(syms.config, checked_root(id), Span::NONE);
    a.insert(syms.options, root_options(ev, id), Span::NONE);
    a.insert(
        syms.module_,
        Thunk::select(config, syms.module_),
        Span::NONE,
    );
    Value::attrs(a)
}

/// The checked `config` of evaluation `id` (what `evalModules` returns as `config`).
pub(crate) fn checked_root(id: usize) -> Value {
    lazy_node(&CHECKED, id, 0)
}

/// The internal `config` (with `_module`, unchecked) that modules receive.
pub(crate) fn root_config(ev: &mut Evaluator, id: usize) -> Value {
    let st = state(ev, id);
    let mut s = st.borrow_mut();
    node_config(&mut s, 0)
}

/// The `options` tree.
pub(crate) fn root_options(ev: &mut Evaluator, id: usize) -> Value {
    let st = state(ev, id);
    let mut s = st.borrow_mut();
    node_options(&mut s, 0)
}

fn node_config(s: &mut ModEval, n: u32) -> Value {
    if let Some(v) = &s.nodes[n as usize].config {
        return v.clone();
    }
    let op = if s.nodes[n as usize].is_option() {
        &OPTION_VALUE
    } else {
        &NAMESPACE
    };
    let v = lazy_node(op, s.id, n);
    s.nodes[n as usize].config = Some(v.clone());
    v
}

fn node_options(s: &mut ModEval, n: u32) -> Value {
    if let Some(v) = s.options_values.get(&n) {
        return v.clone();
    }
    let v = lazy_node(&OPTIONS_NODE, s.id, n);
    s.options_values.insert(n, v.clone());
    v
}

fn ids(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<(Rc<RefCell<ModEval>>, u32)> {
    let id = index_arg(ev, &a[0], span)?;
    let n = index_arg(ev, &a[1], span)? as u32;
    ensure_ready(ev, id)?;
    Ok((state(ev, id), n))
}

/// Whether `n` is `_module` or below it.
fn under_module(s: &ModEval, mut n: u32) -> bool {
    loop {
        let node = &s.nodes[n as usize];
        match node.parent() {
            Some(0) => return node.name == Syms::get().module_,
            Some(p) => n = p,
            None => return false,
        }
    }
}

/// The path of `n` below the evaluation's root (without the prefix).
fn rel_path(s: &ModEval, n: u32) -> Vec<crate::eval::symbol::Symbol> {
    let mut out = Vec::new();
    let mut cur = n;
    while let Some(p) = s.nodes[cur as usize].parent() {
        out.push(s.nodes[cur as usize].name);
        cur = p;
    }
    out.reverse();
    out
}

fn namespace(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    namespace_set(ev, &st, n, None, span)
}

/// The `config` set of namespace `n`: its children's values, plus the freeform value's
/// attributes nothing declares. `without` leaves one child out (`_module`, for the
/// `config` that `evalModules` returns).
fn namespace_set(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    n: u32,
    without: Option<crate::eval::symbol::Symbol>,
    span: Span,
) -> EvalResult<Value> {
    let (mut entries, free) = {
        let mut s = st.borrow_mut();
        let children: Vec<(crate::eval::symbol::Symbol, u32)> = s.nodes[n as usize]
            .children
            .iter()
            .filter(|(k, _)| Some(**k) != without)
            .map(|(k, v)| (*k, *v))
            .collect();
        let entries: Vec<Attr> = children
            .into_iter()
            .map(|(name, c)| Attr {
                name,
                value: node_config(&mut s, c),
                pos: s.nodes[c as usize]
                    .decls
                    .first()
                    .map_or(Attr::NO_POS, |d| d.span.start),
            })
            .collect();
        (entries, !under_module(&s, n))
    };
    if free && let Some(ty) = freeform_type(ev, st)? {
        let mut v = freeform_value(ev, st, &ty, span)?;
        let path = rel_path(&st.borrow(), n);
        for name in path {
            let forced = ev.force(&v)?;
            match &forced {
                Value::Attrs(a) => match a.get(name) {
                    Some(x) => v = x.clone(),
                    None => {
                        v = Value::attrs(Attrs::new());
                    }
                },
                _ => v = Value::attrs(Attrs::new()),
            }
        }
        if let Value::Attrs(fa) = ev.force(&v)? {
            let declared = st.borrow();
            for attr in fa.entries() {
                if !declared.nodes[n as usize].children.contains_key(&attr.name) {
                    entries.push(attr.clone());
                }
            }
        }
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// `config._module.freeformType`, read without building the `_module` namespace.
fn freeform_type(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>) -> EvalResult<Option<Value>> {
    let f = {
        let s = st.borrow();
        let syms = Syms::get();
        let Some(m) = s.nodes[0].children.get(&syms.module_).copied() else {
            return Ok(None);
        };
        let Some(f) = s.nodes[m as usize]
            .children
            .get(&syms.freeform_type)
            .copied()
        else {
            return Ok(None);
        };
        f
    };
    let v = match internal_default(ev, st, f)? {
        Some(default) => default,
        None => {
            let v = node_config(&mut st.borrow_mut(), f);
            ev.force(&v)?
        }
    };
    match v {
        Value::Null => Ok(None),
        t => Ok(Some(t)),
    }
}

/// The value of an internal option (`_module.check`, `_module.freeformType`) that only
/// its one declaration's `default` gives, without merging: every evaluation, one per
/// submodule value too, reads these two and almost never defines them. `None` when it
/// has definitions or more than one declaration (then it is merged as usual).
fn internal_default(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    n: u32,
) -> EvalResult<Option<Value>> {
    let parent = st.borrow().nodes[n as usize].parent();
    if let Some(p) = parent {
        tree::expand(ev, st, p)?;
    }
    {
        let s = st.borrow();
        let node = &s.nodes[n as usize];
        if node.merged.is_some() || !node.defs.is_empty() || node.decls.len() != 1 {
            return Ok(None);
        }
    }
    let decl = merge::opt_decl(ev, st, n)?;
    if decl.apply.is_some() {
        return Ok(None);
    }
    let Some((default, _)) = &decl.default else {
        return Ok(None);
    };
    // Only plain defaults that every type of these options keeps as they are.
    match ev.force(default)? {
        v @ (Value::Null | Value::Bool(_)) => Ok(Some(v)),
        _ => Ok(None),
    }
}

/// The merged value of every definition nothing declares, under the freeform type.
fn freeform_value(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    ty: &Value,
    span: Span,
) -> EvalResult<Value> {
    if let Some(v) = &st.borrow().freeform {
        return Ok(v.clone());
    }
    let mut defs = Vec::new();
    let count = st.borrow().nodes.len();
    for n in 0..count as u32 {
        if st.borrow().nodes[n as usize].is_option() || under_module(&st.borrow(), n) {
            continue;
        }
        tree::expand(ev, st, n)?;
        let s = st.borrow();
        let path = rel_path(&s, n);
        for (name, def) in s.unmatched.get(&n).into_iter().flatten() {
            let mut v = tree::rewrap(Syms::get(), def);
            v = single(*name, v);
            for p in path.iter().rev() {
                v = single(*p, v);
            }
            defs.push(FinalDef {
                file: def.file.clone(),
                value: v,
                span: def.span,
            });
        }
    }
    let v = if defs.is_empty() {
        Value::attrs(Attrs::new())
    } else {
        let loc = loc_value(&st.borrow().prefix);
        merge::check_and_merge(ev, Syms::get(), &loc, ty, &defs, span)?
    };
    st.borrow_mut().freeform = Some(v.clone());
    Ok(v)
}

/// A Nix list of the names of `path`.
fn loc_value(path: &[Rc<str>]) -> Value {
    Value::list(path.iter().map(|p| Value::string(p.to_string())).collect())
}

/// The definitions of option `n`, discharged, filtered and ordered (memoised).
fn merged(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>, n: u32) -> EvalResult<Rc<Merged>> {
    let (parent, busy, syms) = {
        let s = st.borrow();
        let node = &s.nodes[n as usize];
        if let Some(m) = &node.merged {
            return Ok(m.clone());
        }
        (node.parent(), node.merging, Syms::get())
    };
    // The option's path is only needed for messages: built then.
    let path = || show::option_path(&st.borrow().path(n));
    if busy {
        return Err(EvalError::new(
            ErrorKind::InfiniteRecursion,
            format!(
                "infinite recursion encountered while evaluating the option `{}'",
                path()
            ),
            st.borrow().span,
        ));
    }
    if let Some(p) = parent {
        tree::expand(ev, st, p)?;
    }
    let decl = merge::opt_decl(ev, st, n)?;
    let (defs, default) = {
        let mut s = st.borrow_mut();
        let node = &mut s.nodes[n as usize];
        node.merging = true;
        let default = decl.default.as_ref().map(|(value, i)| {
            let from = &node.decls[*i as usize];
            Def {
                file: from.file.clone(),
                value: value.clone(),
                props: None,
                span: from.span,
            }
        });
        (node.defs.clone(), default)
    };
    let r = merge::finalise(ev, syms, &path, &defs, default.as_ref());
    st.borrow_mut().nodes[n as usize].merging = false;
    let m = Rc::new(r?);
    let mut s = st.borrow_mut();
    let node = &mut s.nodes[n as usize];
    node.merged = Some(m.clone());
    // Everything later questions ask about the definitions is in the merge result: the
    // raw definitions (with their mkIf/mkOverride wrappers) need not stay in memory.
    node.defs = Box::default();
    Ok(m)
}

/// An option's value: the merged definitions, passed through `apply` if it has one (the
/// merged value is passed lazily, so `apply` may ignore a missing definition).
fn option_value(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    let decl = merge::opt_decl(ev, &st, n)?;
    match &decl.apply {
        Some(f) => {
            let raw = lazy_node(&OPTION_RAW, st.borrow().id, n);
            let v = ev.call(f.clone(), raw, span)?;
            ev.force(&v)
        }
        None => option_raw(ev, a, span),
    }
}

/// An option's merged value, before `apply`.
fn option_raw(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    // The option's path is only needed for messages and by merge functions that look
    // at `loc`: built then.
    let path = || show::option_path(&st.borrow().path(n));
    let run = |ev: &mut Evaluator| -> EvalResult<Value> {
        let decl = merge::opt_decl(ev, &st, n)?;
        let m = merged(ev, &st, n)?;
        if m.defs.is_empty() {
            return Err(show::not_defined(&path(), span));
        }
        if decl.read_only && m.defined_count > 1 {
            let defs: Vec<(Rc<str>, Value)> = m
                .defs
                .iter()
                .map(|d| (d.file.clone(), d.value.clone()))
                .collect();
            return Err(error(
                format!(
                    "The option `{}' is read-only, but it's set multiple times.{}",
                    path(),
                    show::show_defs(ev, &defs)
                ),
                m.defs[0].span,
            ));
        }
        let loc = lazy_node(&OPTION_LOC, st.borrow().id, n);
        let v = merge::check_and_merge(ev, Syms::get(), &loc, &decl.ty, &m.defs, span)?;
        ev.force(&v)
    };
    run(ev).map_err(|e| e.with_frame(span, format!("while evaluating the option `{}':", path())))
}

/// An option's `loc`: its path as a list of names.
fn option_loc(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    Ok(loc_value(&st.borrow().path(n)))
}

fn options_node(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    if !st.borrow().nodes[n as usize].is_option() {
        let mut s = st.borrow_mut();
        let children: Vec<(crate::eval::symbol::Symbol, u32)> = s.nodes[n as usize]
            .children
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect();
        let entries = children
            .into_iter()
            .map(|(name, c)| Attr {
                name,
                value: node_options(&mut s, c),
                pos: Attr::NO_POS,
            })
            .collect();
        return Ok(Value::attrs(Attrs::from_unsorted(entries)));
    }
    let decl = merge::opt_decl(ev, &st, n)?;
    let mut s = st.borrow_mut();
    let id = s.id as i64;
    let mut out = (*decl.shown()).clone();
    let sym = crate::eval::symbol::Symbol::intern;
    out.insert(Syms::get().value, node_config(&mut s, n), Span::NONE);
    let info = |field: i64| {
        lazy(
            &OPTION_INFO,
            vec![Value::Int(id), Value::Int(n as i64)],
            Value::Int(field),
        )
    };
    for (i, name) in INFO_FIELDS.iter().enumerate() {
        out.insert(sym(name), info(i as i64), Span::NONE);
    }
    out.insert(
        sym("declarations"),
        Value::list(
            s.nodes[n as usize]
                .decls
                .iter()
                .map(|d| Value::string(d.file.to_string()))
                .collect(),
        ),
        Span::NONE,
    );
    out.insert(sym("loc"), loc_value(&s.path(n)), Span::NONE);
    let spans: Vec<Span> = s.nodes[n as usize]
        .decls
        .iter()
        .map(|d| d.span)
        .filter(|sp| sp.is_known())
        .collect();
    drop(s);
    let positions = spans.into_iter().map(|sp| ev.position_attrs(sp)).collect();
    out.insert(
        sym("declarationPositions"),
        Value::list(positions),
        Span::NONE,
    );
    Ok(Value::attrs(out))
}

/// The lazily computed attributes of an option in `options`.
const INFO_FIELDS: &[&str] = &[
    "isDefined",
    "definitions",
    "files",
    "definitionsWithLocations",
    "highestPrio",
    "options",
    "definitionPositions",
];

fn option_info(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let (st, n) = ids(ev, a, span)?;
    let field = index_arg(ev, &a[2], span)?;
    if field == 5 {
        let decl = merge::opt_decl(ev, &st, n)?;
        let loc = loc_value(&st.borrow().path(n));
        let ty = crate::eval::builtins::arg_attrs(ev, &decl.ty, span)?;
        return match ty.get(crate::eval::symbol::Symbol::intern("getSubOptions")) {
            Some(f) => {
                let v = ev.call(f.clone(), loc, span)?;
                ev.force(&v)
            }
            None => Ok(Value::attrs(Attrs::new())),
        };
    }
    let m = merged(ev, &st, n)?;
    let syms = Syms::get();
    Ok(match field {
        0 => Value::Bool(!m.defs.is_empty()),
        1 => Value::list(m.defs.iter().map(|d| d.value.clone()).collect()),
        2 => {
            let mut files: Vec<Value> = Vec::new();
            let mut seen = Vec::new();
            for d in &m.defs {
                if !seen.contains(&d.file) {
                    seen.push(d.file.clone());
                    files.push(Value::string(d.file.to_string()));
                }
            }
            Value::list(files)
        }
        3 => merge::defs_list(syms, &m.defs),
        4 => Value::Int(m.highest_prio),
        _ => Value::list(
            m.defs
                .iter()
                .map(|d| {
                    if d.span.is_known() {
                        ev.position_attrs(d.span)
                    } else {
                        let mut a = Attrs::with_capacity(1);
                        a.insert(syms.file, Value::string(d.file.to_string()), Span::NONE);
                        Value::attrs(a)
                    }
                })
                .collect(),
        ),
    })
}

fn checked_config(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let id = index_arg(ev, &a[0], span)?;
    ensure_ready(ev, id)?;
    let st = state(ev, id);
    let syms = Syms::get();
    if !st.borrow().checked {
        check(ev, &st, syms, span)?;
        st.borrow_mut().checked = true;
    }
    namespace_set(ev, &st, 0, Some(syms.module_), span)
}

/// Fails on a definition of an option nobody declared (unless `_module.check` is false or a
/// freeform type takes them).
fn check(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>, syms: Syms, span: Span) -> EvalResult<()> {
    let check_node = {
        let s = st.borrow();
        s.nodes[0]
            .children
            .get(&syms.module_)
            .and_then(|m| s.nodes[*m as usize].children.get(&syms.check).copied())
    };
    if let Some(c) = check_node {
        let v = match internal_default(ev, st, c)? {
            Some(default) => default,
            None => {
                let v = node_config(&mut st.borrow_mut(), c);
                ev.force(&v)?
            }
        };
        if !matches!(v, Value::Bool(true)) {
            return Ok(());
        }
    }
    if freeform_type(ev, st)?.is_some() {
        return Ok(());
    }
    let count = st.borrow().nodes.len();
    for n in 0..count as u32 {
        if st.borrow().nodes[n as usize].is_option() {
            continue;
        }
        tree::expand(ev, st, n)?;
        let first = st
            .borrow()
            .unmatched
            .get(&n)
            .and_then(|u| u.first().cloned());
        if let Some((name, def)) = first {
            return Err(undeclared(ev, st, n, name, &def, span));
        }
    }
    Ok(())
}

fn undeclared(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    n: u32,
    name: crate::eval::symbol::Symbol,
    def: &super::Def,
    span: Span,
) -> Box<EvalError> {
    let s = st.borrow();
    let mut path = s.path(n);
    let mut siblings: Vec<&str> = s.nodes[n as usize]
        .children
        .keys()
        .map(|k| k.as_str())
        .collect();
    siblings.sort_unstable();
    let suggestions: Vec<String> = similar(name.as_str(), &siblings)
        .into_iter()
        .map(|c| {
            let mut p = path.clone();
            p.push(Rc::from(c));
            format!("`{}'", show::option_path(&p))
        })
        .collect();
    path.push(Rc::from(name.as_str()));
    drop(s);
    // Name the first leaf of a plain set definition, as NixOS does.
    let mut value = tree::rewrap(Syms::get(), def);
    while let Ok(Value::Attrs(a)) = ev.force(&value) {
        if a.get(Syms::get().type_).is_some() || a.is_empty() {
            break;
        }
        let first = a.sorted_by_name()[0].clone();
        path.push(Rc::from(first.name.as_str()));
        value = first.value.clone();
    }
    let shown = show::show_defs(ev, &[(def.file.clone(), value)]);
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("\n\nDid you mean {}?", suggestions.join(", "))
    };
    error(
        format!(
            "The option `{}' does not exist.{shown}{hint}",
            show::option_path(&path)
        ),
        if def.span.is_known() { def.span } else { span },
    )
}

/// Up to three names close to `wanted` (edit distance at most a third of its length, and
/// at least 2, so that swapped letters are caught).
fn similar<'a>(wanted: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).clamp(2, 3);
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|c| {
            let d = crate::eval::suggest::edit_distance(wanted, c);
            (d <= limit).then_some((d, *c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}
