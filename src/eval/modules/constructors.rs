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

/// Positions of the names in [`TYPE_ARGS`].
mod arg {
    pub const NAME: usize = 0;
    pub const DESCRIPTION: usize = 1;
    pub const DESCRIPTION_CLASS: usize = 2;
    pub const CHECK: usize = 3;
    pub const MERGE: usize = 4;
    pub const EMPTY_VALUE: usize = 5;
    pub const GET_SUB_OPTIONS: usize = 6;
    pub const GET_SUB_MODULES: usize = 7;
    pub const SUBST_SUB_MODULES: usize = 8;
    pub const TYPE_MERGE: usize = 9;
    pub const FUNCTOR: usize = 10;
    pub const DEPRECATION_MESSAGE: usize = 11;
    pub const NESTED_TYPES: usize = 12;
}

/// Positions of the names in [`HELPERS`].
mod helper {
    pub const MERGE_DEFAULT_OPTION: usize = 0;
    pub const DEFAULT_FUNCTOR: usize = 1;
    pub const DEFAULT_TYPE_MERGE: usize = 2;
    pub const ALWAYS_TRUE: usize = 3;
    pub const NO_SUB_OPTIONS: usize = 4;
    pub const NO_SUB_MODULES: usize = 5;
}

/// The Nix-written defaults `mkOptionType` is given (its first argument).
const HELPERS: &[&str] = &[
    "mergeDefaultOption",
    "defaultFunctor",
    "defaultTypeMerge",
    "alwaysTrue",
    "noSubOptions",
    "noSubModules",
];

/// The names above, interned once per thread.
struct Names {
    option_args: Vec<Symbol>,
    type_args: Rc<[Symbol]>,
    helpers: Rc<[Symbol]>,
}

thread_local! {
    static NAMES: Names = Names {
        option_args: OPTION_ARGS.iter().map(|n| Symbol::intern(n)).collect(),
        type_args: TYPE_ARGS.iter().map(|n| Symbol::intern(n)).collect(),
        helpers: HELPERS.iter().map(|n| Symbol::intern(n)).collect(),
    };
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
    allowed: &[Symbol],
    span: Span,
) -> EvalResult<Rc<Attrs>> {
    let v = ev.force(arg)?;
    let Value::Attrs(attrs) = v else {
        return Err(ev.type_error("a set", &v, span));
    };
    let allowed_name = |a: &&Attr| allowed.contains(&a.name);
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
    let attrs = NAMES.with(|n| arguments(ev, "mkOption", &a[0], &n.option_args, span))?;
    let mut out = Attrs::with_capacity(attrs.len() + 1);
    for attr in attrs.entries() {
        out.insert(attr.name, attr.value.clone(), attr.span());
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
    let attrs = NAMES.with(|n| arguments(ev, "mkOptionType", &a[1], &n.type_args, span))?;
    let (args, helper_names) = NAMES.with(|n| (n.type_args.clone(), n.helpers.clone()));
    let get_helper = |i: usize| -> EvalResult<Value> {
        helpers
            .get(helper_names[i])
            .cloned()
            .ok_or_else(|| error(format!("mkOptionType: no helper `{}'", HELPERS[i]), span))
    };
    // The given attribute at position `i` of TYPE_ARGS (see `arg`).
    let given = |i: usize| attrs.get(args[i]).cloned();
    let or_helper = |i: usize, h: usize| given(i).map_or_else(|| get_helper(h), Ok);
    let empty = || EMPTY_SET.with(Value::clone);
    let Some(name) = given(arg::NAME) else {
        return Err(EvalError::new(
            ErrorKind::Other,
            "function 'mkOptionType' called without required argument 'name'",
            span,
        ));
    };
    let description = match given(arg::DESCRIPTION) {
        None => name.clone(),
        Some(d) => Thunk::apply(
            Value::PrimOpApp(Rc::new(PrimOpApp {
                op: &DESCRIPTION_OR_NAME,
                args: vec![name.clone()],
            })),
            d,
        ),
    };
    let functor = match given(arg::FUNCTOR) {
        Some(f) => f,
        None => Thunk::apply(get_helper(helper::DEFAULT_FUNCTOR)?, name.clone()),
    };
    let type_merge = match given(arg::TYPE_MERGE) {
        Some(t) => t,
        None => Thunk::apply(get_helper(helper::DEFAULT_TYPE_MERGE)?, functor.clone()),
    };
    // In TYPE_ARGS order.
    let values = [
        name,
        description,
        given(arg::DESCRIPTION_CLASS).unwrap_or(Value::Null),
        or_helper(arg::CHECK, helper::ALWAYS_TRUE)?,
        or_helper(arg::MERGE, helper::MERGE_DEFAULT_OPTION)?,
        given(arg::EMPTY_VALUE).unwrap_or_else(empty),
        or_helper(arg::GET_SUB_OPTIONS, helper::NO_SUB_OPTIONS)?,
        given(arg::GET_SUB_MODULES).unwrap_or(Value::Null),
        or_helper(arg::SUBST_SUB_MODULES, helper::NO_SUB_MODULES)?,
        type_merge,
        functor,
        given(arg::DEPRECATION_MESSAGE).unwrap_or(Value::Null),
        given(arg::NESTED_TYPES).unwrap_or_else(empty),
    ];
    // Exactly as large as needed: the type's set keeps this vector.
    let mut entries: Vec<Attr> = Vec::with_capacity(values.len() + 1);
    entries.extend(args.iter().zip(values).map(|(name, value)| Attr {
        name: *name,
        value,
        pos: Attr::NO_POS,
    }));
    entries.push(Attr {
        name: Syms::get().type_,
        value: OPTION_TYPE_TAG.with(Value::clone),
        pos: Attr::NO_POS,
    });
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
