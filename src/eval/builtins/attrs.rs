//! Attribute set builtins: `attrNames`, `mapAttrs`, `listToAttrs`, `removeAttrs`, …

use super::{arg_attrs, arg_function, arg_list, arg_string, error, op, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, Thunk, Value};
use rustc_hash::{FxHashMap, FxHashSet};

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("attrNames", 1, attr_names),
    strict_op("attrValues", 1, attr_values),
    strict_op("getAttr", 2, get_attr),
    strict_op("hasAttr", 2, has_attr),
    strict_op("removeAttrs", 2, remove_attrs),
    strict_op("intersectAttrs", 2, intersect_attrs),
    op("catAttrs", 2, cat_attrs),
    op("mapAttrs", 2, map_attrs),
    strict_op("listToAttrs", 1, list_to_attrs),
    op("zipAttrsWith", 2, zip_attrs_with),
    op("unsafeGetAttrPos", 2, unsafe_get_attr_pos),
];

fn name_arg(ev: &mut Evaluator, v: &Value, s: Span) -> EvalResult<Symbol> {
    let n = arg_string(ev, v, s)?;
    Ok(Symbol::intern(&n.text))
}

fn attr_names(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &a[0], s)?;
    Ok(Value::list(
        attrs
            .sorted_by_name()
            .iter()
            .map(|a| a.name.string_value())
            .collect(),
    ))
}

fn attr_values(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &a[0], s)?;
    Ok(Value::list(
        attrs
            .sorted_by_name()
            .iter()
            .map(|a| a.value.clone())
            .collect(),
    ))
}

fn get_attr(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(ev, &a[0], s)?;
    ev.select_attr(&a[1], name, s)
}

fn has_attr(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(ev, &a[0], s)?;
    let attrs = arg_attrs(ev, &a[1], s)?;
    Ok(Value::Bool(attrs.get(name).is_some()))
}

fn remove_attrs(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &a[0], s)?;
    let names = arg_list(ev, &a[1], s)?;
    let mut remove = FxHashSet::default();
    for n in &names.0 {
        remove.insert(name_arg(ev, n, s)?);
    }
    if !attrs.entries().iter().any(|a| remove.contains(&a.name)) {
        return Ok(Value::Attrs(attrs));
    }
    let kept = attrs
        .entries()
        .iter()
        .filter(|a| !remove.contains(&a.name))
        .cloned()
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}

fn intersect_attrs(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let left = arg_attrs(ev, &a[0], s)?;
    let right = arg_attrs(ev, &a[1], s)?;
    let kept = right
        .entries()
        .iter()
        .filter(|a| left.get(a.name).is_some())
        .cloned()
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}

fn cat_attrs(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(ev, &a[0], s)?;
    let list = arg_list(ev, &a[1], s)?;
    let mut out = Vec::new();
    for item in &list.0 {
        let attrs = arg_attrs(ev, item, s)?;
        if let Some(v) = attrs.get(name) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}

fn map_attrs(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &a[1], s)?;
    let f = a[0].clone();
    let entries = attrs
        .entries()
        .iter()
        .map(|attr| Attr {
            name: attr.name,
            value: Thunk::apply(
                Thunk::apply(f.clone(), attr.name.string_value()),
                attr.value.clone(),
            ),
            pos: attr.pos,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn list_to_attrs(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let list = arg_list(ev, &a[0], s)?;
    let mut entries = Vec::with_capacity(list.0.len());
    for item in &list.0 {
        let attrs = arg_attrs(ev, item, s)?;
        let name = attrs.get(ev.sym.name).cloned().ok_or_else(|| {
            error(
                "attribute 'name' missing in a 'builtins.listToAttrs' element",
                s,
            )
        })?;
        let name = name_arg(ev, &name, s)?;
        let value = attrs.get_attr(ev.sym.value).cloned().ok_or_else(|| {
            error(
                "attribute 'value' missing in a 'builtins.listToAttrs' element",
                s,
            )
        })?;
        entries.push(Attr {
            name,
            value: value.value,
            pos: value.pos,
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn zip_attrs_with(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let list = arg_list(ev, &a[1], s)?;
    let mut groups: FxHashMap<Symbol, Vec<Value>> = FxHashMap::default();
    let mut order = Vec::new();
    for item in &list.0 {
        let attrs = arg_attrs(ev, item, s)?;
        for attr in attrs.entries() {
            groups
                .entry(attr.name)
                .or_insert_with(|| {
                    order.push(attr.name);
                    Vec::new()
                })
                .push(attr.value.clone());
        }
    }
    let entries = order
        .into_iter()
        .map(|name| {
            let values = groups.remove(&name).unwrap_or_default();
            let value = Thunk::apply(
                Thunk::apply(f.clone(), name.string_value()),
                Value::list(values),
            );
            Attr {
                name,
                value,
                pos: Attr::NO_POS,
            }
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

fn unsafe_get_attr_pos(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = name_arg(ev, &a[0], s)?;
    let attrs = arg_attrs(ev, &a[1], s)?;
    match attrs.get_attr(name) {
        Some(attr) if attr.span().is_known() => Ok(ev.position_attrs(attr.span())),
        _ => Ok(Value::Null),
    }
}
