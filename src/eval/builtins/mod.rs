//! The builtins: `builtins.*` and the global names Nix exposes without the prefix.
//!
//! Each group of builtins lives in its own module and exports a `PRIMOPS` table; `install`
//! puts them all into the evaluator's global scope.

mod add_path;
mod attrs;
mod context;
mod control;
pub(crate) mod debian;
mod derivation;
mod fetch;
mod fs;
mod hashes;
mod json;
mod lists;
mod names;
mod numbers;
mod serialise;
pub(crate) mod store;
pub(crate) mod store_state;
mod strings;
mod types;
mod xml;

use super::error::{ErrorKind, EvalError, EvalResult};
use super::machine::{CoerceOpts, Evaluator};
use super::settings::{LANG_VERSION, NIX_VERSION};
use super::source::{Origin, Span};
use super::symbol::Symbol;
use super::value::{Attrs, List, NixString, PrimOp, Thunk, ThunkState, Value};
use std::rc::Rc;

/// State that builtins keep between calls.
#[derive(Default)]
pub struct BuiltinState {
    /// Derivations, added sources and references known to the store builtins.
    pub(crate) store: store_state::StoreState,
    /// Compiled regular expressions of `match` and `split`, by pattern.
    pub regexes: super::text::regex::RegexCache,
    /// The module system's evaluations.
    pub(crate) modules: super::modules::Registry,
    /// The Debian package indices loaded by `__sysrebuild.debian*`.
    pub(crate) debian: debian::DebianState,
    /// What `fetchurl` and `fetchTarball` fetched in this evaluation.
    pub(crate) fetches: fetch::FetchCache,
}

/// Names that are global without the `builtins.` prefix (all others get a `__` alias).
const GLOBAL_NAMES: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "derivation",
    "derivationStrict",
    "dirOf",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

/// Every builtin function table.
fn tables() -> [&'static [PrimOp]; 16] {
    [
        types::PRIMOPS,
        control::PRIMOPS,
        numbers::PRIMOPS,
        lists::PRIMOPS,
        attrs::PRIMOPS,
        store::PRIMOPS,
        derivation::PRIMOPS,
        fs::PRIMOPS,
        strings::PRIMOPS,
        names::PRIMOPS,
        hashes::PRIMOPS,
        context::PRIMOPS,
        serialise::PRIMOPS,
        xml::PRIMOPS,
        json::PRIMOPS,
        fetch::PRIMOPS,
    ]
}

/// The `derivation` wrapper, written in Nix on top of `derivationStrict`, as in Nix.
const DERIVATION_NIX: &str = include_str!("derivation.nix");

/// Installs every builtin into `ev`'s global scope.
pub fn install(ev: &mut Evaluator) {
    let mut builtins: Vec<(Symbol, Value)> = Vec::new();
    for table in tables() {
        for op in table {
            builtins.push((Symbol::intern(op.name), Value::PrimOp(op)));
        }
    }
    let store_dir = ev.settings.store_dir.clone();
    let nix_path: Vec<Value> = ev
        .settings
        .search_path
        .iter()
        .map(|e| {
            let mut a = Attrs::with_capacity(2);
            a.insert(ev.sym.path, Value::string(e.path.clone()), Span::NONE);
            a.insert(
                ev.sym.prefix,
                Value::string(e.prefix.clone().unwrap_or_default()),
                Span::NONE,
            );
            Value::attrs(a)
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let constants = [
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("null", Value::Null),
        ("currentSystem", Value::string(ev.settings.system.clone())),
        ("nixVersion", Value::string(NIX_VERSION)),
        ("langVersion", Value::Int(LANG_VERSION)),
        ("storeDir", Value::string(store_dir)),
        ("nixPath", Value::list(nix_path)),
        ("currentTime", Value::Int(now)),
        ("__sysrebuild", super::modules::native_set()),
    ];
    for (name, v) in constants {
        builtins.push((Symbol::intern(name), v));
    }
    // `derivation` is Nix code over `derivationStrict`. Its thunk goes into the builtins
    // first and gets its code once the globals (which it uses) exist.
    let deriv_thunk = Thunk::new(ThunkState::Evaluated(Value::Null));
    builtins.push((
        Symbol::intern("derivation"),
        Value::Thunk(deriv_thunk.clone()),
    ));
    // `builtins.builtins` is the set itself.
    let self_thunk = Thunk::new(ThunkState::Evaluated(Value::Null));
    builtins.push((Symbol::intern("builtins"), Value::Thunk(self_thunk.clone())));
    let builtins_attrs = Rc::new(Attrs::from_unsorted(
        builtins
            .iter()
            .map(|(n, v)| super::value::Attr {
                name: *n,
                value: v.clone(),
                pos: super::value::Attr::NO_POS,
            })
            .collect(),
    ));
    for (name, v) in &builtins {
        let n = name.as_str();
        if GLOBAL_NAMES.contains(&n) || matches!(n, "true" | "false" | "null") {
            ev.globals.insert(*name, v.clone());
        }
        if !matches!(n, "true" | "false" | "null" | "builtins") {
            ev.globals
                .insert(Symbol::intern(&format!("__{n}")), v.clone());
        }
    }
    self_thunk.set(ThunkState::Evaluated(Value::Attrs(builtins_attrs.clone())));
    ev.globals
        .insert(Symbol::intern("builtins"), Value::Attrs(builtins_attrs));
    match ev.parse(DERIVATION_NIX, Origin::String, "/", None) {
        Ok(expr) => deriv_thunk.set(ThunkState::Pending(expr, ev.empty_env())),
        Err(e) => panic!(
            "the built-in derivation wrapper does not parse: {}",
            e.message
        ),
    }
}

/// A primop table entry.
pub(crate) const fn op(name: &'static str, arity: usize, func: super::value::PrimOpFn) -> PrimOp {
    PrimOp {
        name,
        arity,
        func,
        strict: false,
    }
}

/// A primop table entry for a builtin that forces all its arguments.
pub(crate) const fn strict_op(
    name: &'static str,
    arity: usize,
    func: super::value::PrimOpFn,
) -> PrimOp {
    PrimOp {
        name,
        arity,
        func,
        strict: true,
    }
}

/// Forces an integer argument.
pub(crate) fn arg_int(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<i64> {
    if let Value::Int(s) = v {
        return Ok(*s);
    }
    match ev.force(v)? {
        Value::Int(i) => Ok(i),
        other => Err(ev.type_error("an integer", &other, span)),
    }
}

/// Forces a Boolean argument.
pub(crate) fn arg_bool(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<bool> {
    match ev.force(v)? {
        Value::Bool(b) => Ok(b),
        other => Err(ev.type_error("a Boolean", &other, span)),
    }
}

/// Forces a list argument.
pub(crate) fn arg_list(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Rc<List>> {
    if let Value::List(s) = v {
        return Ok(s.clone());
    }
    match ev.force(v)? {
        Value::List(l) => Ok(l),
        other => Err(ev.type_error("a list", &other, span)),
    }
}

/// Forces a set argument.
pub(crate) fn arg_attrs(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Rc<Attrs>> {
    match ev.force(v)? {
        Value::Attrs(a) => Ok(a),
        other => Err(ev.type_error("a set", &other, span)),
    }
}

/// Forces a string argument (no coercion), keeping its context.
pub(crate) fn arg_string(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Rc<NixString>> {
    if let Value::String(s) = v {
        return Ok(s.clone());
    }
    match ev.force(v)? {
        Value::String(s) => Ok(s),
        other => Err(ev.type_error("a string", &other, span)),
    }
}

/// Forces a string argument that must not refer to the store (Nix's `forceStringNoCtx`).
pub(crate) fn arg_string_no_ctx(
    ev: &mut Evaluator,
    v: &Value,
    span: Span,
) -> EvalResult<Rc<NixString>> {
    let s = arg_string(ev, v, span)?;
    if let Some(elem) = s.context.iter().next() {
        return Err(error(
            format!(
                "the string '{}' is not allowed to refer to a store path (such as '{elem}')",
                s.text
            ),
            span,
        ));
    }
    Ok(s)
}

/// Forces a function argument.
pub(crate) fn arg_function(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Value> {
    let f = ev.force(v)?;
    match &f {
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(f),
        Value::Attrs(a) if a.get(ev.sym.functor).is_some() => Ok(f),
        other => Err(ev.type_error("a function", other, span)),
    }
}

/// Coerces an argument to a string as interpolation does (paths are copied to the store).
pub(crate) fn arg_coerce(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<Rc<NixString>> {
    ev.coerce_to_string(v, span, CoerceOpts::interpolation())
}

/// Coerces an argument to a path string: a path, or a string that is an absolute path.
pub(crate) fn arg_path(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<String> {
    let forced = ev.force(v)?;
    let s = match &forced {
        Value::Path(p) => return Ok(p.to_string()),
        _ => ev.coerce_to_string(
            &forced,
            span,
            CoerceOpts {
                coerce_more: false,
                copy_to_store: false,
            },
        )?,
    };
    if !s.text.starts_with('/') {
        return Err(EvalError::new(
            ErrorKind::Other,
            format!("string '{}' doesn't represent an absolute path", s.text),
            span,
        ));
    }
    Ok(super::path::canonicalise(&s.text))
}

/// An error with a plain message.
pub(crate) fn error(message: impl Into<String>, span: Span) -> Box<EvalError> {
    EvalError::new(ErrorKind::Other, message, span)
}

/// A short, user-facing description of an I/O error (no Rust debug formatting).
pub fn io_error_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "No such file or directory".to_owned(),
        K::PermissionDenied => "Permission denied".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod store_tests;

/// Evaluates `src` deeply and prints the result as `nix-instantiate --eval --strict` does,
/// or `error: <message>`; for the builtins' unit tests.
#[cfg(test)]
pub(crate) fn eval_print(src: &str) -> String {
    let mut ev = Evaluator::new(super::settings::Settings::default());
    match ev.eval_string(src, "/").and_then(|v| ev.force_deep(&v)) {
        Ok(v) => super::print::print_value(&v),
        Err(e) => format!("error: {}", e.message),
    }
}

/// Asserts that each source evaluates (see [`eval_print`]) to its expected output.
#[cfg(test)]
pub(crate) fn check_cases(cases: &[(&str, &str)]) {
    for (src, expected) in cases {
        assert_eq!(eval_print(src), *expected, "{src}");
    }
}
