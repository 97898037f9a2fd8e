//! `mkOption` and `mkOptionType`, natively.
//!
//! Both are called once per declared option and per option type, and written in Nix they
//! cost a call environment with a slot per formal argument (a dozen), kept alive by the
//! closures of their defaults. These build the same sets directly: the given attributes
//! (never forced) and shared defaults.

use super::{Syms, error};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, PrimOpApp, Thunk, Value};
use std::rc::Rc;

/// The arguments `mkOption` takes.
const OPTION_ARGS: &[&str] = &[
    "default",
    "defaultText",
    "example",
    "description",
    "relatedPackages",
    "type",
    "apply",
    "internal",
    "visible",
    "readOnly",
];

/// The arguments `mkOptionType` takes.
const TYPE_ARGS: &[&str] = &[
    "name",
    "description",
    "descriptionClass",
    "check",
    "merge",
    "emptyValue",
    "getSubOptions",
    "getSubModules",
    "substSubModules",
    "typeMerge",
    "functor",
    "deprecationMessage",
    "nestedTypes",
];

thread_local! {
    static OPTION_TAG: Value = Value::string("option");
    static OPTION_TYPE_TAG: Value = Value::string("option-type");
    static EMPTY_SET: Value = Value::attrs(Attrs::new());
}

/// The argument set of a constructor, checked against the names it accepts (the errors a
/// function with a `{ … }` pattern gives).
fn arguments(
    ev: &mut Evaluator,
    function: &str,
    arg: &Value,
    allowed: &[&str],
    span: Span,
) -> EvalResult<Rc<Attrs>> {
    let v = ev.force(arg)?;
    let Value::Attrs(attrs) = v else {
        return Err(ev.type_error("a set", &v, span));
    };
    let allowed_name = |a: &&Attr| allowed.contains(&a.name.as_str());
    if !attrs.entries().iter().all(|a| allowed_name(&a))
        && let Some(extra) = attrs
            .sorted_by_name()
            .into_iter()
            .find(|a| !allowed_name(a))
    {
        return Err(EvalError::new(
            ErrorKind::Other,
            format!(
                "function '{function}' called with unexpected argument '{}'",
                extra.name
            ),
            span,
        ));
    }
    Ok(attrs)
}

/// `mkOption { default, type, description, … }`: the declaration with `_type = "option"`.
pub(crate) fn mk_option(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = arguments(ev, "mkOption", &a[0], OPTION_ARGS, span)?;
    let mut out = Attrs::with_capacity(attrs.len() + 1);
    for attr in attrs.entries() {
        out.insert(attr.name, attr.value.clone(), attr.span);
    }
    out.insert(Syms::get().type_, OPTION_TAG.with(Value::clone), Span::NONE);
    Ok(Value::attrs(out))
}

/// `mkOptionType helpers { name, … }`: an option type, `_type = "option-type"`, with
/// every attribute the module system reads; missing ones take the defaults of NixOS's
/// `mkOptionType`. `helpers` gives the defaults written in Nix (`mergeDefaultOption`,
/// `defaultFunctor`, `defaultTypeMerge`, `alwaysTrue`, `noSubOptions`, `noSubModules`).
pub(crate) fn mk_option_type(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let helpers = crate::eval::builtins::arg_attrs(ev, &a[0], span)?;
    let attrs = arguments(ev, "mkOptionType", &a[1], TYPE_ARGS, span)?;
    let sym = Symbol::intern;
    let helper = |name: &str| -> EvalResult<Value> {
        helpers
            .get(sym(name))
            .cloned()
            .ok_or_else(|| error(format!("mkOptionType: no helper `{name}'"), span))
    };
    let given = |name: &str| attrs.get(sym(name)).cloned();
    let Some(name) = given("name") else {
        return Err(EvalError::new(
            ErrorKind::Other,
            "function 'mkOptionType' called without required argument 'name'",
            span,
        ));
    };
    let description = match given("description") {
        None => name.clone(),
        Some(d) => Thunk::apply(
            Value::PrimOpApp(Rc::new(PrimOpApp {
                op: &DESCRIPTION_OR_NAME,
                args: vec![name.clone()],
            })),
            d,
        ),
    };
    let functor = match given("functor") {
        Some(f) => f,
        None => Thunk::apply(helper("defaultFunctor")?, name.clone()),
    };
    let type_merge = match given("typeMerge") {
        Some(t) => t,
        None => Thunk::apply(helper("defaultTypeMerge")?, functor.clone()),
    };
    let empty = || EMPTY_SET.with(Value::clone);
    let entries = vec![
        ("_type", OPTION_TYPE_TAG.with(Value::clone)),
        ("name", name),
        ("description", description),
        (
            "descriptionClass",
            given("descriptionClass").unwrap_or(Value::Null),
        ),
        (
            "check",
            given("check").map_or_else(|| helper("alwaysTrue"), Ok)?,
        ),
        (
            "merge",
            given("merge").map_or_else(|| helper("mergeDefaultOption"), Ok)?,
        ),
        ("emptyValue", given("emptyValue").unwrap_or_else(empty)),
        (
            "getSubOptions",
            given("getSubOptions").map_or_else(|| helper("noSubOptions"), Ok)?,
        ),
        (
            "getSubModules",
            given("getSubModules").unwrap_or(Value::Null),
        ),
        (
            "substSubModules",
            given("substSubModules").map_or_else(|| helper("noSubModules"), Ok)?,
        ),
        ("typeMerge", type_merge),
        ("functor", functor),
        (
            "deprecationMessage",
            given("deprecationMessage").unwrap_or(Value::Null),
        ),
        ("nestedTypes", given("nestedTypes").unwrap_or_else(empty)),
    ];
    let entries = entries
        .into_iter()
        .map(|(n, value)| Attr {
            name: sym(n),
            value,
            span: Span::NONE,
        })
        .collect();
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// `description`, or the type's name when it is null.
static DESCRIPTION_OR_NAME: PrimOp = PrimOp {
    name: "mkOptionType description",
    arity: 2,
    func: description_or_name,
    strict: false,
};

fn description_or_name(ev: &mut Evaluator, a: &[Value], _span: Span) -> EvalResult<Value> {
    match ev.force(&a[1])? {
        Value::Null => ev.force(&a[0]),
        d => Ok(d),
    }
}
