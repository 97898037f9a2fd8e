//! Options shared by every command that evaluates Nix: `--arg`, `--argstr`, `-I`, `-A`, and
//! Nix's automatic calling of functions with those arguments.

use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::ir::Param;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Value};
use crate::eval::{Evaluator, Settings};
use clap::Args;

/// Evaluation options.
#[derive(Args, Clone, Debug, Default)]
pub struct EvalArgs {
    /// Pass NAME=EXPR to the top-level function.
    #[arg(long = "arg", num_args = 2, value_names = ["NAME", "EXPR"], action = clap::ArgAction::Append)]
    pub arg: Vec<String>,
    /// Pass NAME="VALUE" (a string) to the top-level function.
    #[arg(long = "argstr", num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub argstr: Vec<String>,
    /// Add a search path entry ([NAME=]PATH) for `<NAME>` lookups, before $NIX_PATH.
    #[arg(short = 'I', long = "include", value_name = "[NAME=]PATH")]
    pub include: Vec<String>,
    /// Refuse `fetchurl`/`fetchTarball` without a hash (Nix's pure evaluation mode).
    #[arg(long = "pure-eval")]
    pub pure_eval: bool,
}

impl EvalArgs {
    /// Evaluator settings from these options and the environment.
    pub fn settings(&self) -> Settings {
        Settings {
            pure_eval: self.pure_eval,
            ..Settings::with_search_path(&self.include)
        }
    }

    /// The `--arg`/`--argstr` values as a set (`--arg` expressions evaluate lazily).
    pub fn auto_args(&self, ev: &mut Evaluator) -> EvalResult<Attrs> {
        let cwd = current_dir();
        let mut attrs = Attrs::new();
        for pair in self.arg.chunks(2) {
            let expr = ev.parse(&pair[1], crate::eval::source::Origin::String, &cwd, None)?;
            let v = crate::eval::value::Thunk::pending(expr, ev.empty_env());
            attrs.insert(Symbol::intern(&pair[0]), v, Span::NONE);
        }
        for pair in self.argstr.chunks(2) {
            attrs.insert(
                Symbol::intern(&pair[0]),
                Value::string(pair[1].clone()),
                Span::NONE,
            );
        }
        Ok(attrs)
    }
}

/// The current directory as a string (for resolving relative paths).
pub fn current_dir() -> String {
    std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "/".to_owned())
}

/// Nix's automatic function calling: a function taking a set of formals is called with
/// the matching `--arg`s (and its defaults); anything else is returned as it is.
pub fn auto_call(ev: &mut Evaluator, v: Value, args: &Attrs) -> EvalResult<Value> {
    let v = ev.force(&v)?;
    match &v {
        Value::Attrs(a) if a.get(ev.sym.functor).is_some() => {
            let functor = a.get(ev.sym.functor).cloned().unwrap_or(Value::Null);
            let f = ev.force(&functor)?;
            let g = ev.call(f, v.clone(), Span::NONE)?;
            auto_call(ev, g, args)
        }
        Value::Lambda(closure) => {
            let Param::Pattern {
                formals, ellipsis, ..
            } = &closure.def.param
            else {
                return Ok(v);
            };
            let mut call_args = Attrs::new();
            if *ellipsis {
                call_args = args.clone();
            } else {
                for f in formals.iter() {
                    if let Some(a) = args.get_attr(f.name) {
                        call_args.insert(f.name, a.value.clone(), a.span());
                    }
                }
            }
            for f in formals.iter() {
                if call_args.get(f.name).is_none() && f.default.is_none() {
                    return Err(EvalError::new(
                        ErrorKind::Other,
                        format!(
                            "cannot evaluate a function that has an argument without a value ('{}')",
                            f.name
                        ),
                        f.span,
                    ));
                }
            }
            let r = ev.call(v.clone(), Value::attrs(call_args), Span::NONE)?;
            ev.force(&r)
        }
        _ => Ok(v),
    }
}

/// Follows an attribute path such as `a.b."c.d".0` (numbers index lists), auto-calling
/// the functions it passes through like Nix does. The value reached is not called.
pub fn select_attr_path(
    ev: &mut Evaluator,
    mut v: Value,
    path: &str,
    args: &Attrs,
) -> EvalResult<Value> {
    for component in split_attr_path(path)? {
        v = auto_call(ev, v, args)?;
        v = match (&v, component.parse::<usize>()) {
            (Value::List(l), Ok(i)) => match l.0.get(i) {
                Some(item) => ev.force(item)?,
                None => {
                    return Err(user_error(format!(
                        "list index {i} in selection path '{path}' is out of range"
                    )));
                }
            },
            (Value::Attrs(a), _) => match a.get(Symbol::intern(&component)) {
                Some(item) => {
                    let item = item.clone();
                    ev.force(&item)?
                }
                None => {
                    return Err(user_error(format!(
                        "attribute '{component}' in selection path '{path}' not found"
                    )));
                }
            },
            (other, _) => {
                return Err(user_error(format!(
                    "the value at '{component}' in selection path '{path}' is {} and not a set",
                    other.type_description()
                )));
            }
        };
    }
    Ok(v)
}

fn split_attr_path(path: &str) -> EvalResult<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(std::mem::take(&mut cur)),
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => cur.push(c),
                    None => {
                        return Err(user_error(format!(
                            "missing closing quote in selection path '{path}'"
                        )));
                    }
                }
            },
            c => cur.push(c),
        }
    }
    if !path.is_empty() {
        out.push(cur);
    }
    if out.iter().any(|c| c.is_empty()) {
        return Err(user_error(format!(
            "empty attribute name in selection path '{path}'"
        )));
    }
    Ok(out)
}

fn user_error(msg: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Other, msg, Span::NONE)
}
