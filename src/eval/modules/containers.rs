//! Native merges of `listOf` and `attrsOf`: the same results as NixOS's Nix functions
//! (each element merged with the element type through `mergeDefinitions`), without
//! building the intermediate lists and sets.

use super::merge::{self, FinalDef};
use super::{Def, Syms, show};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, PrimOpApp, Thunk, Value};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// `mergeListOf elemType loc defs`.
pub(crate) fn merge_list_of(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let syms = Syms::get();
    let elem_type = &a[0];
    let loc = &a[1];
    let defs = merge::read_defs(ev, syms, &a[2], span)?;
    let ty = crate::eval::builtins::arg_attrs(ev, elem_type, span)?;
    let fast = merge::fast_check(ev, syms, &ty)?;
    let mut out = Vec::new();
    for (n, def) in defs.iter().enumerate() {
        let list = crate::eval::builtins::arg_list(ev, &def.value, def.span)?;
        for (m, item) in list.0.iter().enumerate() {
            let elem_loc = || {
                push_loc(
                    ev_loc(loc),
                    format!("[definition {}-entry {}]", n + 1, m + 1),
                )
            };
            let single = Def {
                file: def.file.clone(),
                value: item.clone(),
                props: None,
                span: def.span,
            };
            let text = || String::new();
            let merged = merge::finalise(ev, syms, &text, std::slice::from_ref(&single), None)?;
            if merged.defs.is_empty() {
                continue;
            }
            out.push(element(
                ev,
                syms,
                fast,
                elem_type,
                elem_loc,
                &merged.defs,
                span,
            )?);
        }
    }
    Ok(Value::list(out))
}

/// `mergeAttrsOf elemType loc defs`.
pub(crate) fn merge_attrs_of(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let syms = Syms::get();
    let elem_type = &a[0];
    let loc = &a[1];
    let defs = merge::read_defs(ev, syms, &a[2], span)?;
    let ty = crate::eval::builtins::arg_attrs(ev, elem_type, span)?;
    let fast = merge::fast_check(ev, syms, &ty)?;
    let mut groups: FxHashMap<Symbol, Vec<Def>> = FxHashMap::default();
    let mut order = Vec::new();
    for def in &defs {
        let set = crate::eval::builtins::arg_attrs(ev, &def.value, def.span)?;
        for attr in set.entries() {
            groups
                .entry(attr.name)
                .or_insert_with(|| {
                    order.push(attr.name);
                    Vec::new()
                })
                .push(Def {
                    file: def.file.clone(),
                    value: attr.value.clone(),
                    props: None,
                    span: if attr.span().is_known() {
                        attr.span()
                    } else {
                        def.span
                    },
                });
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for name in order {
        let group = groups.remove(&name).unwrap_or_default();
        let text = || String::new();
        let merged = merge::finalise(ev, syms, &text, &group, None)?;
        if merged.defs.is_empty() {
            continue;
        }
        let elem_loc = || push_loc(ev_loc(loc), name.as_str().to_owned());
        let value = element(ev, syms, fast, elem_type, elem_loc, &merged.defs, span)?;
        out.push(Attr {
            name,
            value,
            pos: merged.defs[0].span.start,
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(out)))
}

/// The loc list (a value) as a vector.
fn ev_loc(loc: &Value) -> Value {
    loc.clone()
}

/// `loc ++ [ name ]`, lazily.
fn push_loc(loc: Value, name: String) -> Value {
    Thunk::apply(
        Value::PrimOpApp(Rc::new(PrimOpApp {
            op: &APPEND_LOC,
            args: vec![loc],
        })),
        Value::string(name),
    )
}

static APPEND_LOC: PrimOp = PrimOp {
    name: "appendLoc",
    arity: 2,
    func: append_loc,
    strict: false,
};

fn append_loc(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let list = crate::eval::builtins::arg_list(ev, &a[0], span)?;
    let mut items = list.0.clone();
    items.push(a[1].clone());
    Ok(Value::list(items))
}

/// One merged element: checked natively for the plain types (a single definition needs
/// no merging), otherwise a lazy `checkAndMerge`.
fn element(
    ev: &mut Evaluator,
    syms: Syms,
    fast: Option<&'static str>,
    elem_type: &Value,
    elem_loc: impl Fn() -> Value,
    defs: &[FinalDef],
    span: Span,
) -> EvalResult<Value> {
    if let Some(kind) = fast
        && defs.len() == 1
    {
        if merge::fast_ok(kind, &defs[0].value) {
            return Ok(defs[0].value.clone());
        }
        let loc = elem_loc();
        return merge::check_and_merge(ev, syms, &loc, elem_type, defs, span);
    }
    let list = merge::defs_list(syms, defs);
    let _ = show::option_path;
    Ok(merge::lazy_check_merge(elem_loc(), elem_type.clone(), list))
}
