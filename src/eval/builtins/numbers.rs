//! Arithmetic and comparison builtins: `add`, `sub`, `lessThan`, `bitAnd`, `ceil`, …

use super::{arg_int, error, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::ir::BinOp;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{PrimOp, Value};

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("add", 2, add),
    strict_op("sub", 2, sub),
    strict_op("mul", 2, mul),
    strict_op("div", 2, div),
    strict_op("lessThan", 2, less_than),
    strict_op("bitAnd", 2, bit_and),
    strict_op("bitOr", 2, bit_or),
    strict_op("bitXor", 2, bit_xor),
    strict_op("ceil", 1, ceil),
    strict_op("floor", 1, floor),
];

fn arith(ev: &mut Evaluator, op: BinOp, args: &[Value], span: Span) -> EvalResult<Value> {
    let a = ev.force(&args[0])?;
    let b = ev.force(&args[1])?;
    ev.arith(op, a, b, span)
}

fn add(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    arith(ev, BinOp::Add, a, s)
}
fn sub(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    arith(ev, BinOp::Sub, a, s)
}
fn mul(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    arith(ev, BinOp::Mul, a, s)
}
fn div(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    arith(ev, BinOp::Div, a, s)
}

fn less_than(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::Bool(ev.less_than(&a[0], &a[1], s)?))
}

fn bits(ev: &mut Evaluator, a: &[Value], s: Span, f: fn(i64, i64) -> i64) -> EvalResult<Value> {
    let x = arg_int(ev, &a[0], s)?;
    let y = arg_int(ev, &a[1], s)?;
    Ok(Value::Int(f(x, y)))
}
fn bit_and(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    bits(ev, a, s, |x, y| x & y)
}
fn bit_or(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    bits(ev, a, s, |x, y| x | y)
}
fn bit_xor(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    bits(ev, a, s, |x, y| x ^ y)
}

fn round(ev: &mut Evaluator, v: &Value, s: Span, f: fn(f64) -> f64) -> EvalResult<Value> {
    match ev.force(v)? {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Float(x) => {
            let r = f(x);
            if !r.is_finite() || r < i64::MIN as f64 || r >= i64::MAX as f64 {
                return Err(error(
                    format!("cannot convert {x} to an integer: out of range"),
                    s,
                ));
            }
            Ok(Value::Int(r as i64))
        }
        other => Err(ev.type_error("a float", &other, s)),
    }
}
fn ceil(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    round(ev, &a[0], s, f64::ceil)
}
fn floor(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    round(ev, &a[0], s, f64::floor)
}
