//! `__sysrebuild.memoOnArgument f x`: `f x`, computed once per identical argument.
//!
//! Option types are built by constructor functions (`types.listOf types.str`) that every
//! declaration calls again, and a type is a set of a dozen attributes and closures (about
//! 2 KB). The language is pure, so `f x` for the same `f` and the very same `x` (the same
//! set, list or function in memory) is the same value: this builtin hands back the first
//! result instead of building another. An argument that is not evaluated yet is never
//! forced (that would change what a recursive type like `attrsOf (either str t)` does),
//! and only arguments with an identity (sets, lists, functions) are remembered, so the
//! cache can only ever return what the call would have produced.

use super::error;
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::Value;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// Results of memoised calls, by the identities of the function and the argument.
#[derive(Default)]
pub(crate) struct MemoTable {
    entries: FxHashMap<(usize, usize), Entry>,
}

/// A remembered call. The function and the argument are kept alive so that their
/// addresses, which are the key, cannot be reused by other values.
struct Entry {
    _function: Value,
    _argument: Value,
    result: Value,
}

/// The address that identifies a value, if it has one and is evaluated.
fn identity(v: &Value) -> Option<(usize, Value)> {
    let v = match v {
        Value::Thunk(t) => t.evaluated()?,
        other => other.clone(),
    };
    let addr = match &v {
        Value::Attrs(a) => Rc::as_ptr(a) as usize,
        Value::List(l) => Rc::as_ptr(l) as usize,
        Value::Lambda(c) => Rc::as_ptr(c) as usize,
        Value::PrimOpApp(p) => Rc::as_ptr(p) as usize,
        Value::PrimOp(op) => *op as *const _ as usize,
        _ => return None,
    };
    Some((addr, v))
}

/// The builtin: `memoOnArgument f x`.
pub(crate) fn memo_on_argument(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let function = ev.force(&a[0])?;
    if !function.is_function() {
        return Err(error(
            format!(
                "memoOnArgument: the first argument is {} while a function was expected",
                function.type_description()
            ),
            span,
        ));
    }
    let Some((fn_addr, _)) = identity(&function) else {
        return ev.call(function, a[1].clone(), span);
    };
    let Some((arg_addr, argument)) = identity(&a[1]) else {
        return ev.call(function, a[1].clone(), span);
    };
    let key = (fn_addr, arg_addr);
    if let Some(e) = ev.builtin_state.modules.memo.entries.get(&key) {
        return Ok(e.result.clone());
    }
    let result = ev.call(function.clone(), argument.clone(), span)?;
    let result = ev.force(&result)?;
    ev.builtin_state.modules.memo.entries.insert(
        key,
        Entry {
            _function: function,
            _argument: argument,
            result: result.clone(),
        },
    );
    Ok(result)
}
