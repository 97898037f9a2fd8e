//! Type predicates: `typeOf`, `isInt`, `isFunction`, …

use super::strict_op;
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{PrimOp, Value};

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("typeOf", 1, type_of),
    strict_op("isNull", 1, is_null),
    strict_op("isBool", 1, is_bool),
    strict_op("isInt", 1, is_int),
    strict_op("isFloat", 1, is_float),
    strict_op("isString", 1, is_string),
    strict_op("isPath", 1, is_path),
    strict_op("isAttrs", 1, is_attrs),
    strict_op("isList", 1, is_list),
    strict_op("isFunction", 1, is_function),
];

fn type_of(ev: &mut Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    Ok(Value::string(ev.force(&args[0])?.type_name()))
}

fn check(ev: &mut Evaluator, v: &Value, pred: fn(&Value) -> bool) -> EvalResult<Value> {
    Ok(Value::Bool(pred(&ev.force(v)?)))
}

fn is_null(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Null))
}
fn is_bool(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Bool(_)))
}
fn is_int(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Int(_)))
}
fn is_float(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Float(_)))
}
fn is_string(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::String(_)))
}
fn is_path(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Path(_)))
}
fn is_attrs(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::Attrs(_)))
}
fn is_list(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], |v| matches!(v, Value::List(_)))
}
fn is_function(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    check(ev, &a[0], Value::is_function)
}
