//! Control and evaluation builtins: `throw`, `abort`, `tryEval`, `seq`, `trace`, `import`,
//! `toString`, `functionArgs`, `getEnv`, …

use super::{arg_attrs, arg_path, arg_string, error, op, strict_op};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::ir::Param;
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::print::print_value;
use crate::eval::source::{Origin, Span};
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Env, PrimOp, Value};
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    op("throw", 1, throw),
    op("abort", 1, abort),
    op("tryEval", 1, try_eval),
    op("seq", 2, seq),
    op("deepSeq", 2, deep_seq),
    op("trace", 2, trace),
    op("traceVerbose", 2, trace_verbose),
    op("warn", 2, warn),
    op("addErrorContext", 2, add_error_context),
    op("break", 1, break_),
    op("import", 1, import),
    op("scopedImport", 2, scoped_import),
    strict_op("toString", 1, to_string),
    op("functionArgs", 1, function_args),
    op("getEnv", 1, get_env),
];

fn message(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<String> {
    Ok(ev
        .coerce_to_string(v, span, CoerceOpts::to_string())?
        .text
        .clone())
}

fn throw(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let msg = message(ev, &a[0], s)?;
    Err(EvalError::new(ErrorKind::Thrown, msg, s))
}

fn abort(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let msg = message(ev, &a[0], s)?;
    Err(EvalError::new(
        ErrorKind::Abort,
        format!("evaluation aborted with the following error message: '{msg}'"),
        s,
    ))
}

fn try_eval(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    let (success, value) = match ev.force(&a[0]) {
        Ok(v) => (true, v),
        Err(e) if e.is_catchable() => (false, Value::Bool(false)),
        Err(e) => return Err(e),
    };
    let mut attrs = Attrs::with_capacity(2);
    attrs.insert(ev.sym.success, Value::Bool(success), Span::NONE);
    attrs.insert(ev.sym.value, value, Span::NONE);
    Ok(Value::attrs(attrs))
}

fn seq(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    ev.force(&a[0])?;
    ev.force(&a[1])
}

fn deep_seq(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    ev.force_deep(&a[0])?;
    ev.force(&a[1])
}

fn trace_text(ev: &mut Evaluator, v: &Value) -> EvalResult<String> {
    let v = ev.force(v)?;
    Ok(match &v {
        Value::String(s) => s.text.clone(),
        other => print_value(other),
    })
}

fn trace(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    let text = trace_text(ev, &a[0])?;
    eprintln!("trace: {text}");
    ev.force(&a[1])
}

fn trace_verbose(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    ev.force(&a[1])
}

fn warn(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let msg = match ev.force(&a[0])? {
        Value::String(m) => m.text.clone(),
        other => return Err(ev.type_error("a string", &other, s)),
    };
    eprintln!("evaluation warning: {msg}");
    ev.force(&a[1])
}

fn add_error_context(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    match ev.force(&a[1]) {
        Ok(v) => Ok(v),
        Err(e) => {
            let ctx = message(ev, &a[0], s).unwrap_or_default();
            Err(e.with_frame(s, ctx))
        }
    }
}

fn break_(ev: &mut Evaluator, a: &[Value], _: Span) -> EvalResult<Value> {
    ev.force(&a[0])
}

fn import(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let path = arg_path(ev, &a[0], s)?;
    ev.import_path(&path, s)
}

fn scoped_import(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let scope = arg_attrs(ev, &a[0], s)?;
    let mut path = arg_path(ev, &a[1], s)?;
    if std::fs::metadata(&path)
        .map(|m| m.is_dir())
        .unwrap_or(false)
    {
        path = format!("{}/default.nix", path.trim_end_matches('/'));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        error(
            format!("cannot read '{path}': {}", super::io_error_text(&e)),
            s,
        )
    })?;
    let names: Vec<Symbol> = scope.entries().iter().map(|a| a.name).collect();
    let values: Vec<Value> = scope.entries().iter().map(|a| a.value.clone()).collect();
    let dir = crate::eval::path::dir_of(&path);
    let expr = ev.parse(&text, Origin::File(path.clone()), &dir, Some(&names))?;
    let env = Rc::new(Env::with_values(None, values));
    ev.eval(expr, &env)
}

fn to_string(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::String(ev.coerce_to_string(
        &a[0],
        s,
        CoerceOpts::to_string(),
    )?))
}

fn function_args(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    match ev.force(&a[0])? {
        Value::Lambda(c) => {
            let mut attrs = Attrs::new();
            if let Param::Pattern { formals, .. } = &c.def.param {
                for f in formals.iter() {
                    attrs.insert(f.name, Value::Bool(f.default.is_some()), f.span);
                }
            }
            Ok(Value::attrs(attrs))
        }
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::attrs(Attrs::new())),
        other => Err(ev.type_error("a function", &other, s)),
    }
}

fn get_env(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let name = arg_string(ev, &a[0], s)?;
    Ok(Value::string(std::env::var(&name.text).unwrap_or_default()))
}
