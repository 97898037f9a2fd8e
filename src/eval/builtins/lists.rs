//! List builtins: `map`, `filter`, `foldl'`, `sort`, `genList`, `genericClosure`, …

use super::{arg_attrs, arg_function, arg_int, arg_list, error, op, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, PrimOp, Thunk, Value};
use rustc_hash::{FxHashMap, FxHashSet};

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("length", 1, length),
    strict_op("head", 1, head),
    strict_op("tail", 1, tail),
    strict_op("elemAt", 2, elem_at),
    op("elem", 2, elem),
    op("map", 2, map),
    op("filter", 2, filter),
    op("foldl'", 3, foldl_strict),
    op("genList", 2, gen_list),
    strict_op("concatLists", 1, concat_lists),
    op("concatMap", 2, concat_map),
    op("any", 2, any),
    op("all", 2, all),
    op("sort", 2, sort),
    op("partition", 2, partition),
    op("groupBy", 2, group_by),
    op("genericClosure", 1, generic_closure),
];

fn length(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::Int(arg_list(ev, &a[0], s)?.0.len() as i64))
}

fn head(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[0], s)?;
    match l.0.first() {
        Some(v) => ev.force(v),
        None => Err(error("'builtins.head' called on an empty list", s)),
    }
}

fn tail(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[0], s)?;
    if l.0.is_empty() {
        return Err(error("'builtins.tail' called on an empty list", s));
    }
    Ok(Value::list(l.0[1..].to_vec()))
}

fn elem_at(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[0], s)?;
    let i = arg_int(ev, &a[1], s)?;
    match usize::try_from(i).ok().and_then(|i| l.0.get(i)) {
        Some(v) => ev.force(v),
        None => Err(error(format!("list index {i} is out of bounds"), s)),
    }
}

fn elem(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[1], s)?;
    for item in &l.0 {
        if ev.values_equal(&a[0], item, s)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn map(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[1], s)?;
    let f = a[0].clone();
    Ok(Value::list(
        l.0.iter()
            .map(|x| Thunk::apply(f.clone(), x.clone()))
            .collect(),
    ))
}

fn predicate(ev: &mut Evaluator, f: &Value, x: &Value, s: Span) -> EvalResult<bool> {
    match ev.call(f.clone(), x.clone(), s)? {
        Value::Bool(b) => Ok(b),
        Value::Thunk(t) => match ev.force(&Value::Thunk(t))? {
            Value::Bool(b) => Ok(b),
            other => Err(ev.type_error("a Boolean", &other, s)),
        },
        other => Err(ev.type_error("a Boolean", &other, s)),
    }
}

fn filter(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    let mut out = Vec::new();
    for x in &l.0 {
        if predicate(ev, &f, x, s)? {
            out.push(x.clone());
        }
    }
    if out.len() == l.0.len() {
        return Ok(Value::List(l));
    }
    Ok(Value::list(out))
}

fn foldl_strict(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[2], s)?;
    let mut acc = a[1].clone();
    for x in &l.0 {
        let r = ev.call2(&f, acc, x.clone(), s)?;
        acc = ev.force(&r)?;
    }
    ev.force(&acc)
}

fn gen_list(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let n = arg_int(ev, &a[1], s)?;
    if n < 0 {
        return Err(error(format!("cannot create list of size {n}"), s));
    }
    let f = a[0].clone();
    Ok(Value::list(
        (0..n)
            .map(|i| Thunk::apply(f.clone(), Value::Int(i)))
            .collect(),
    ))
}

fn concat_lists(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let l = arg_list(ev, &a[0], s)?;
    let mut out = Vec::new();
    for x in &l.0 {
        out.extend_from_slice(&arg_list(ev, x, s)?.0);
    }
    Ok(Value::list(out))
}

fn concat_map(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    let mut out = Vec::new();
    for x in &l.0 {
        let r = ev.call(f.clone(), x.clone(), s)?;
        out.extend_from_slice(&arg_list(ev, &r, s)?.0);
    }
    Ok(Value::list(out))
}

fn any(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    for x in &l.0 {
        if predicate(ev, &f, x, s)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    for x in &l.0 {
        if !predicate(ev, &f, x, s)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn sort(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    let mut items: Vec<Value> = Vec::with_capacity(l.0.len());
    for x in &l.0 {
        items.push(ev.force(x)?);
    }
    // `builtins.lessThan` itself needs no calls through the evaluator, and on lists of only
    // integers or only strings it is a total order: a stable native sort gives the same result.
    let native_less = matches!(&f, Value::PrimOp(op) if op.name == "lessThan");
    if native_less {
        if items.iter().all(|v| matches!(v, Value::Int(_))) {
            items.sort_by_key(|v| if let Value::Int(i) = v { *i } else { 0 });
            return Ok(Value::list(items));
        }
        if items.iter().all(|v| matches!(v, Value::String(_))) {
            items.sort_by(|a, b| match (a, b) {
                (Value::String(x), Value::String(y)) => x.text.as_bytes().cmp(y.text.as_bytes()),
                _ => std::cmp::Ordering::Equal,
            });
            return Ok(Value::list(items));
        }
    }
    let mut less = |ev: &mut Evaluator, x: &Value, y: &Value| -> EvalResult<bool> {
        if native_less {
            return ev.less_than(x, y, s);
        }
        let r = ev.call2(&f, x.clone(), y.clone(), s)?;
        match ev.force(&r)? {
            Value::Bool(b) => Ok(b),
            other => Err(ev.type_error("a Boolean", &other, s)),
        }
    };
    let sorted = merge_sort(ev, items, &mut less)?;
    Ok(Value::list(sorted))
}

/// A stable merge sort driven by a fallible "less than".
fn merge_sort(
    ev: &mut Evaluator,
    mut items: Vec<Value>,
    less: &mut dyn FnMut(&mut Evaluator, &Value, &Value) -> EvalResult<bool>,
) -> EvalResult<Vec<Value>> {
    let n = items.len();
    if n < 2 {
        return Ok(items);
    }
    // Insertion-sort small runs, then merge runs bottom-up.
    const RUN: usize = 16;
    for start in (0..n).step_by(RUN) {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(ev, &items[j], &items[j - 1])? {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut buf: Vec<Value> = Vec::with_capacity(n);
    let mut width = RUN;
    while width < n {
        buf.clear();
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                if less(ev, &items[j], &items[i])? {
                    buf.push(items[j].clone());
                    j += 1;
                } else {
                    buf.push(items[i].clone());
                    i += 1;
                }
            }
            buf.extend_from_slice(&items[i..mid]);
            buf.extend_from_slice(&items[j..end]);
        }
        std::mem::swap(&mut items, &mut buf);
        width *= 2;
    }
    Ok(items)
}

fn partition(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for x in &l.0 {
        if predicate(ev, &f, x, s)? {
            right.push(x.clone());
        } else {
            wrong.push(x.clone());
        }
    }
    let mut attrs = Attrs::with_capacity(2);
    attrs.insert(ev.sym.right, Value::list(right), Span::NONE);
    attrs.insert(ev.sym.wrong, Value::list(wrong), Span::NONE);
    Ok(Value::attrs(attrs))
}

fn group_by(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let f = arg_function(ev, &a[0], s)?;
    let l = arg_list(ev, &a[1], s)?;
    let mut groups: FxHashMap<Symbol, Vec<Value>> = FxHashMap::default();
    for x in &l.0 {
        let k = ev.call(f.clone(), x.clone(), s)?;
        let k = ev.expect_string_no_ctx(&k, s)?;
        groups
            .entry(Symbol::intern(&k))
            .or_default()
            .push(x.clone());
    }
    let entries = groups
        .into_iter()
        .map(|(name, items)| crate::eval::value::Attr {
            name,
            value: Value::list(items),
            pos: crate::eval::value::Attr::NO_POS,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// A comparable form of `genericClosure` keys.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Int(i64),
    Float(u64),
    Str(String),
    Path(String),
    List(Vec<Key>),
}

fn closure_key(ev: &mut Evaluator, v: &Value, s: Span) -> EvalResult<Key> {
    Ok(match ev.force(v)? {
        Value::Int(i) => Key::Int(i),
        Value::Float(f) => Key::Float(f.to_bits()),
        Value::String(st) => Key::Str(st.text.clone()),
        Value::Path(p) => Key::Path(p.to_string()),
        Value::List(l) => {
            let mut keys = Vec::with_capacity(l.0.len());
            for x in &l.0 {
                keys.push(ev.nested(s, |ev| closure_key(ev, x, s))?);
            }
            Key::List(keys)
        }
        other => {
            return Err(error(
                format!(
                    "cannot compare {} with {}",
                    other.type_description(),
                    other.type_description()
                ),
                s,
            ));
        }
    })
}

fn generic_closure(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let args = arg_attrs(ev, &a[0], s)?;
    let start = args
        .get(ev.sym.start_set)
        .cloned()
        .ok_or_else(|| error("attribute 'startSet' required", s))?;
    let operator = args
        .get(ev.sym.operator)
        .cloned()
        .ok_or_else(|| error("attribute 'operator' required", s))?;
    let operator = arg_function(ev, &operator, s)?;
    let mut queue: std::collections::VecDeque<Value> =
        arg_list(ev, &start, s)?.0.iter().cloned().collect();
    let mut seen: FxHashSet<Key> = FxHashSet::default();
    let mut out = Vec::new();
    while let Some(item) = queue.pop_front() {
        let attrs = arg_attrs(ev, &item, s)?;
        let key = attrs
            .get(ev.sym.key)
            .cloned()
            .ok_or_else(|| error("attribute 'key' required", s))?;
        let key = closure_key(ev, &key, s)?;
        if !seen.insert(key) {
            continue;
        }
        let item = Value::Attrs(attrs);
        let next = ev.call(operator.clone(), item.clone(), s)?;
        queue.extend(arg_list(ev, &next, s)?.0.iter().cloned());
        out.push(item);
    }
    Ok(Value::list(out))
}
