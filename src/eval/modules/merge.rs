//! Merging an option's definitions: discharging properties (`mkMerge`, `mkIf`,
//! `mkOverride`, `mkOrder`), keeping the highest priority, ordering, then checking and
//! merging with the option's type (natively for the plain types).

use super::{Def, ModEval, PropKind, Syms, error, show, tree};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::{Attrs, PrimOp, PrimOpApp, Thunk, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The priority of a plain definition (`mkOverride 100`).
pub(crate) const DEFAULT_PRIO: i64 = 100;
/// The priority of an option's `default` (`mkOptionDefault`).
pub(crate) const OPTION_DEFAULT_PRIO: i64 = 1500;
/// The order of a list definition without `mkOrder`.
const DEFAULT_ORDER: i64 = 1000;

/// An option's declarations merged into one.
/// Where each declaration was written is not copied here: the node's `decls` have it.
/// Cheap to clone (reference counts only).
#[derive(Clone)]
pub(crate) struct OptDecl {
    pub ty: Value,
    /// The `default`, and the index in the node's `decls` of the declaration giving it.
    pub default: Option<(Value, u32)>,
    pub apply: Option<Value>,
    pub read_only: bool,
    /// The merged `mkOption` attributes, as given (without a `type` when none was).
    pub attrs: Rc<Attrs>,
}

/// A definition after discharging properties.
#[derive(Clone)]
pub(crate) struct FinalDef {
    pub file: Rc<str>,
    pub value: Value,
    pub span: Span,
}

/// An option's definitions after discharging, priority filtering and ordering.
/// Kept per option for as long as the evaluation: exactly as large as needed.
pub(crate) struct Merged {
    pub defs: Box<[FinalDef]>,
    pub highest_prio: i64,
    /// Definitions from modules (not the default) that survived `mkIf`, before priorities.
    pub defined_count: u32,
}

/// The merged declaration of option `node`.
///
/// Nearly every option has one declaration: its merged declaration is read straight from
/// that `mkOption` set on every call (a few lookups) rather than kept, which would cost
/// a record per option and per option of every submodule value. Options declared in
/// several modules are merged once (type merging calls Nix code) and memoised.
pub(crate) fn opt_decl(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    node: u32,
) -> EvalResult<OptDecl> {
    let single = {
        let s = st.borrow();
        if let Some(d) = s.merged_decls.get(&node) {
            return Ok(d.clone());
        }
        match &s.nodes[node as usize].decls[..] {
            [only] => Some(only.attrs.clone()),
            _ => None,
        }
    };
    let syms = Syms::get();
    if let Some(attrs) = single {
        let ty = match attrs.get(syms.type_attr) {
            Some(t) => t.clone(),
            None => unspecified(ev, st)?,
        };
        return finish(
            ev,
            syms,
            ty,
            attrs.get(syms.default).map(|v| (v.clone(), 0)),
            attrs,
        );
    }
    let decls = st.borrow().nodes[node as usize].decls.clone();
    // The option's path is only needed for an error message: built then.
    let path = || st.borrow().path(node);
    let mut ty: Option<(Value, Rc<str>)> = None;
    let mut default: Option<(Value, u32)> = None;
    let mut attrs = Rc::new(Attrs::new());
    for (i, d) in decls.iter().enumerate() {
        if let Some(t) = d.attrs.get(syms.type_attr) {
            ty = Some(match ty {
                None => (t.clone(), d.file.clone()),
                Some((prev, prev_file)) => {
                    let merged = type_merge(ev, syms, &prev, t, d.span)?;
                    match merged {
                        Some(m) => (m, prev_file),
                        None => return Err(already_declared(&path(), &d.file, &prev_file, d.span)),
                    }
                }
            });
        }
        if let Some(v) = d.attrs.get(syms.default) {
            if let Some((_, prev)) = &default {
                let prev_file = &decls[*prev as usize].file;
                return Err(already_declared(&path(), &d.file, prev_file, d.span));
            }
            default = Some((v.clone(), i as u32));
        }
        attrs = Rc::new(attrs.update(&d.attrs));
    }
    let ty = match ty {
        Some((t, _)) => t,
        None => unspecified(ev, st)?,
    };
    let decl = finish(ev, syms, ty, default, attrs)?;
    st.borrow_mut().merged_decls.insert(node, decl.clone());
    Ok(decl)
}

/// `lib.types.unspecified`: the type of an option declared without one.
fn unspecified(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>) -> EvalResult<Value> {
    let lib = st.borrow().lib.clone();
    let types = ev.select_attr(
        &lib,
        crate::eval::symbol::Symbol::intern("types"),
        Span::NONE,
    )?;
    ev.select_attr(
        &types,
        crate::eval::symbol::Symbol::intern("unspecified"),
        Span::NONE,
    )
}

/// The rest of a merged declaration: `apply` and `readOnly` from the merged attributes.
fn finish(
    ev: &mut Evaluator,
    syms: Syms,
    ty: Value,
    default: Option<(Value, u32)>,
    attrs: Rc<Attrs>,
) -> EvalResult<OptDecl> {
    let read_only = match attrs.get(syms.read_only) {
        Some(v) => matches!(ev.force(v)?, Value::Bool(true)),
        None => false,
    };
    Ok(OptDecl {
        ty,
        default,
        apply: attrs.get(syms.apply).cloned(),
        read_only,
        attrs,
    })
}

impl OptDecl {
    /// The declaration as `options` shows it: with its (merged or default) type.
    pub(crate) fn shown(&self) -> Rc<Attrs> {
        let syms = Syms::get();
        if self
            .attrs
            .get(syms.type_attr)
            .is_some_and(|t| same_object(t, &self.ty))
        {
            return self.attrs.clone();
        }
        let mut a = (*self.attrs).clone();
        a.insert(syms.type_attr, self.ty.clone(), Span::NONE);
        Rc::new(a)
    }
}

/// Whether two values are the very same thunk or set (not merely equal).
fn same_object(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Thunk(x), Value::Thunk(y)) => Rc::ptr_eq(x, y),
        (Value::Attrs(x), Value::Attrs(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

fn already_declared(
    path: &[Rc<str>],
    file: &str,
    prev: &str,
    span: Span,
) -> Box<crate::eval::error::EvalError> {
    error(
        format!(
            "The option `{}' in `{file}' is already declared in `{prev}'.",
            show::option_path(path)
        ),
        span,
    )
}

/// `a.typeMerge b.functor`, or `None` when the types cannot be merged.
fn type_merge(
    ev: &mut Evaluator,
    syms: Syms,
    a: &Value,
    b: &Value,
    span: Span,
) -> EvalResult<Option<Value>> {
    let a_attrs = crate::eval::builtins::arg_attrs(ev, a, span)?;
    let b_attrs = crate::eval::builtins::arg_attrs(ev, b, span)?;
    let (Some(tm), Some(functor)) = (a_attrs.get(syms.type_merge), b_attrs.get(syms.functor))
    else {
        return Ok(None);
    };
    let r = ev.call(tm.clone(), functor.clone(), span)?;
    match ev.force(&r)? {
        Value::Null => Ok(None),
        v => Ok(Some(v)),
    }
}

/// Forces a priority argument.
fn prio(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<i64> {
    crate::eval::builtins::arg_int(ev, v, span)
}

/// Discharges the properties of one definition into `out` as (definition, priority, order).
pub(crate) fn discharge(
    ev: &mut Evaluator,
    syms: Syms,
    loc: &dyn Fn() -> String,
    def: &Def,
    default_prio: i64,
    out: &mut Vec<(FinalDef, i64, i64)>,
) -> EvalResult<()> {
    let mut stack = Vec::new();
    let mut p = def.props.as_ref();
    while let Some(prop) = p {
        stack.push(prop);
        p = prop.next.as_ref();
    }
    let mut pr = None;
    let mut order = None;
    for prop in stack.iter().rev() {
        match prop.kind {
            PropKind::If => {
                if !condition(ev, &prop.arg, loc, def)? {
                    return Ok(());
                }
            }
            PropKind::Override => {
                if pr.is_none() {
                    pr = Some(prio(ev, &prop.arg, def.span)?);
                }
            }
            PropKind::Order => {
                if order.is_none() {
                    order = Some(prio(ev, &prop.arg, def.span)?);
                }
            }
        }
    }
    discharge_value(ev, syms, loc, &def.value, def, pr, order, default_prio, out)
}

fn condition(
    ev: &mut Evaluator,
    v: &Value,
    loc: &dyn Fn() -> String,
    def: &Def,
) -> EvalResult<bool> {
    match ev.force(v)? {
        Value::Bool(b) => Ok(b),
        other => Err(error(
            format!(
                "mkIf called with a non-Boolean condition ({}) in a definition of `{}' in `{}'",
                other.type_description(),
                loc(),
                def.file
            ),
            def.span,
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn discharge_value(
    ev: &mut Evaluator,
    syms: Syms,
    loc: &dyn Fn() -> String,
    value: &Value,
    def: &Def,
    pr: Option<i64>,
    order: Option<i64>,
    default_prio: i64,
    out: &mut Vec<(FinalDef, i64, i64)>,
) -> EvalResult<()> {
    let v = ev.force(value)?;
    if let Value::Attrs(a) = &v
        && a.get(syms.type_).is_some()
    {
        match tree::type_tag(ev, syms, a)?.as_deref() {
            Some("merge") => {
                if let Some(c) = a.get(syms.contents) {
                    let list = crate::eval::builtins::arg_list(ev, c, def.span)?;
                    for item in &list.0 {
                        discharge_value(ev, syms, loc, item, def, pr, order, default_prio, out)?;
                    }
                }
                return Ok(());
            }
            Some("if") => {
                let c = a.get(syms.condition).cloned().unwrap_or(Value::Null);
                if !condition(ev, &c, loc, def)? {
                    return Ok(());
                }
                let content = a.get(syms.content).cloned().unwrap_or(Value::Null);
                return discharge_value(ev, syms, loc, &content, def, pr, order, default_prio, out);
            }
            Some(tag @ ("override" | "order")) => {
                // A property of the same kind already in effect (an outer one) is kept;
                // otherwise this one's number applies.
                let is_override = tag == "override";
                let current = if is_override { pr } else { order };
                let n = match current {
                    Some(n) => n,
                    None => prio(ev, a.get(syms.priority).unwrap_or(&Value::Null), def.span)?,
                };
                let (pr, order) = if is_override {
                    (Some(n), order)
                } else {
                    (pr, Some(n))
                };
                let content = a.get(syms.content).cloned().unwrap_or(Value::Null);
                return discharge_value(ev, syms, loc, &content, def, pr, order, default_prio, out);
            }
            _ => {}
        }
    }
    out.push((
        FinalDef {
            file: def.file.clone(),
            value: v,
            span: def.span,
        },
        pr.unwrap_or(default_prio),
        order.unwrap_or(DEFAULT_ORDER),
    ));
    Ok(())
}

/// Discharges, filters by priority and orders `defs` (plus the default, if any).
pub(crate) fn finalise(
    ev: &mut Evaluator,
    syms: Syms,
    loc: &dyn Fn() -> String,
    defs: &[Def],
    default: Option<&Def>,
) -> EvalResult<Merged> {
    let mut all = Vec::with_capacity(defs.len() + 1);
    for d in defs {
        discharge(ev, syms, loc, d, DEFAULT_PRIO, &mut all)?;
    }
    let defined_count = u32::try_from(all.len()).unwrap_or(u32::MAX);
    if let Some(d) = default {
        discharge(ev, syms, loc, d, OPTION_DEFAULT_PRIO, &mut all)?;
    }
    let highest = all.iter().map(|d| d.1).min().unwrap_or(OPTION_DEFAULT_PRIO);
    all.retain(|d| d.1 == highest);
    if all.iter().any(|d| d.2 != DEFAULT_ORDER) {
        all.sort_by_key(|d| d.2);
    }
    // Collected into a new buffer of the exact size: collecting in place would keep the
    // larger buffer of `all` (allocators shrink blocks in place).
    let mut kept = Vec::with_capacity(all.len());
    kept.extend(all.into_iter().map(|d| d.0));
    let kept = kept.into_boxed_slice();
    Ok(Merged {
        defs: kept,
        highest_prio: highest,
        defined_count,
    })
}

/// Which native check a type uses, if its `check` is a plain type-test builtin and its
/// `merge` is the native `mergeEqualOption`.
pub(crate) fn fast_check(
    ev: &mut Evaluator,
    syms: Syms,
    ty: &Attrs,
) -> EvalResult<Option<&'static str>> {
    let (Some(check), Some(merge)) = (ty.get(syms.check), ty.get(syms.merge)) else {
        return Ok(None);
    };
    let (Value::PrimOp(c), Value::PrimOp(m)) = (ev.force(check)?, ev.force(merge)?) else {
        return Ok(None);
    };
    if m.name != "mergeEqualOption" {
        return Ok(None);
    }
    Ok(match c.name {
        "isBool" => Some("bool"),
        "isInt" => Some("int"),
        "isString" => Some("string"),
        "isFloat" => Some("float"),
        _ => None,
    })
}

pub(crate) fn fast_ok(kind: &str, v: &Value) -> bool {
    matches!(
        (kind, v),
        ("bool", Value::Bool(_))
            | ("int", Value::Int(_))
            | ("string", Value::String(_))
            | ("float", Value::Float(_))
    )
}

/// Checks every definition against `ty` and merges them (`defs` is not empty).
pub(crate) fn check_and_merge(
    ev: &mut Evaluator,
    syms: Syms,
    loc: &Value,
    ty: &Value,
    defs: &[FinalDef],
    span: Span,
) -> EvalResult<Value> {
    let ty_attrs = crate::eval::builtins::arg_attrs(ev, ty, span)?;
    if let Some(kind) = fast_check(ev, syms, &ty_attrs)? {
        if defs.iter().all(|d| fast_ok(kind, &d.value)) {
            return merge_equal(ev, loc, defs, span);
        }
        return Err(not_of_type(
            ev,
            syms,
            loc,
            &ty_attrs,
            defs,
            |d| !fast_ok(kind, &d.value),
            span,
        )?);
    }
    let check = ty_attrs.get(syms.check).cloned();
    let mut bad = Vec::new();
    if let Some(check) = &check {
        for (i, d) in defs.iter().enumerate() {
            let ok = ev.call(check.clone(), d.value.clone(), span)?;
            if !matches!(ev.force(&ok)?, Value::Bool(true)) {
                bad.push(i);
            }
        }
    }
    if !bad.is_empty() {
        return Err(not_of_type(
            ev,
            syms,
            loc,
            &ty_attrs,
            defs,
            |d| bad.iter().any(|i| std::ptr::eq(&defs[*i], d)),
            span,
        )?);
    }
    let merge = ty_attrs
        .get(syms.merge)
        .cloned()
        .ok_or_else(|| error("option type has no `merge' function", span))?;
    let list = defs_list(syms, defs);
    let v = ev.call2(&merge, loc.clone(), list, span)?;
    ev.force(&v)
}

fn not_of_type(
    ev: &mut Evaluator,
    syms: Syms,
    loc: &Value,
    ty: &Attrs,
    defs: &[FinalDef],
    bad: impl Fn(&FinalDef) -> bool,
    span: Span,
) -> EvalResult<Box<crate::eval::error::EvalError>> {
    let desc = match ty.get(syms.description) {
        Some(d) => ev
            .coerce_to_string(d, span, crate::eval::machine::CoerceOpts::to_string())?
            .text
            .clone(),
        None => "unknown".to_owned(),
    };
    let path = show::loc_string(ev, loc)?;
    let bad: Vec<(Rc<str>, Value)> = defs
        .iter()
        .filter(|d| bad(d))
        .map(|d| (d.file.clone(), d.value.clone()))
        .collect();
    let span = defs
        .iter()
        .find(|d| d.span.is_known())
        .map(|d| d.span)
        .unwrap_or(span);
    Ok(error(
        format!(
            "A definition for option `{path}' is not of type `{desc}'.{}",
            show::show_defs(ev, &bad)
        ),
        span,
    ))
}

/// The Nix list `[ { file, value } … ]` of final definitions.
pub(crate) fn defs_list(syms: Syms, defs: &[FinalDef]) -> Value {
    Value::list(
        defs.iter()
            .map(|d| {
                let mut a = Attrs::with_capacity(2);
                a.insert(syms.file, Value::string(d.file.to_string()), d.span);
                a.insert(syms.value, d.value.clone(), d.span);
                Value::attrs(a)
            })
            .collect(),
    )
}

/// `mergeEqualOption`: all definitions must be equal.
fn merge_equal(
    ev: &mut Evaluator,
    loc: &Value,
    defs: &[FinalDef],
    span: Span,
) -> EvalResult<Value> {
    let first = &defs[0];
    for d in &defs[1..] {
        if !ev.values_equal(&first.value, &d.value, span)? {
            let path = show::loc_string(ev, loc)?;
            let shown = show::def_lines(
                ev,
                &[
                    (first.file.clone(), first.value.clone()),
                    (d.file.clone(), d.value.clone()),
                ],
            );
            return Err(error(
                format!(
                    "The option `{path}' has conflicting definition values:{shown}\nUse \
                     `lib.mkForce value` or `lib.mkDefault value` to change the priority on any \
                     of these definitions."
                ),
                d.span,
            ));
        }
    }
    ev.force(&first.value)
}

/// Reads a Nix list of `{ file, value }` sets into definitions.
pub(crate) fn read_defs(
    ev: &mut Evaluator,
    syms: Syms,
    v: &Value,
    span: Span,
) -> EvalResult<Vec<Def>> {
    let list = crate::eval::builtins::arg_list(ev, v, span)?;
    let mut out = Vec::with_capacity(list.0.len());
    for item in &list.0 {
        let a = crate::eval::builtins::arg_attrs(ev, item, span)?;
        let file = match a.get(syms.file) {
            Some(f) => Rc::from(
                ev.coerce_to_string(f, span, crate::eval::machine::CoerceOpts::to_string())?
                    .text
                    .as_str(),
            ),
            None => Rc::from("<unknown-file>"),
        };
        let attr = a.get_attr(syms.value);
        out.push(Def {
            file,
            value: attr.map(|a| a.value.clone()).unwrap_or(Value::Null),
            props: None,
            span: attr.map(|a| a.span()).unwrap_or(span),
        });
    }
    Ok(out)
}

/// `mergeEqualOption loc defs` (native).
pub(crate) fn merge_equal_option_primop(
    ev: &mut Evaluator,
    a: &[Value],
    span: Span,
) -> EvalResult<Value> {
    merge_equal_option(ev, &a[0], &a[1], span)
}

/// `mergeEqualOption loc defs`.
pub(crate) fn merge_equal_option(
    ev: &mut Evaluator,
    loc: &Value,
    defs: &Value,
    span: Span,
) -> EvalResult<Value> {
    let syms = Syms::get();
    let defs = read_defs(ev, syms, defs, span)?;
    if defs.is_empty() {
        let path = show::loc_string(ev, loc)?;
        return Err(error(
            format!("The option `{path}' has no definitions to merge."),
            span,
        ));
    }
    let finals: Vec<FinalDef> = defs
        .into_iter()
        .map(|d| FinalDef {
            file: d.file,
            value: d.value,
            span: d.span,
        })
        .collect();
    merge_equal(ev, loc, &finals, span)
}

/// `mergeDefinitions loc type defs`: `{ defsFinal, isDefined, mergedValue, optionalValue,
/// highestPrio }`, as NixOS's function of that name.
pub(crate) fn merge_definitions_primop(
    ev: &mut Evaluator,
    a: &[Value],
    span: Span,
) -> EvalResult<Value> {
    let syms = Syms::get();
    let defs = read_defs(ev, syms, &a[2], span)?;
    let loc = a[0].clone();
    let loc_text = || String::new();
    let merged = finalise(ev, syms, &loc_text, &defs, None)?;
    let list = defs_list(syms, &merged.defs);
    let value = lazy_check_merge(loc, a[1].clone(), list.clone());
    let defined = !merged.defs.is_empty();
    let mut out = Attrs::with_capacity(5);
    let s = crate::eval::symbol::Symbol::intern;
    out.insert(s("defsFinal"), list, span);
    out.insert(s("isDefined"), Value::Bool(defined), span);
    out.insert(s("mergedValue"), value.clone(), span);
    out.insert(s("highestPrio"), Value::Int(merged.highest_prio), span);
    let mut opt = Attrs::new();
    if defined {
        opt.insert(syms.value, value, span);
    }
    out.insert(s("optionalValue"), Value::attrs(opt), span);
    Ok(Value::attrs(out))
}

/// A thunk checking and merging `defs` (a Nix list of `{ file, value }`) with `ty`.
pub(crate) fn lazy_check_merge(loc: Value, ty: Value, defs: Value) -> Value {
    let app = PrimOpApp {
        op: &CHECK_MERGE,
        args: vec![loc, ty],
    };
    Thunk::apply(Value::PrimOpApp(Rc::new(app)), defs)
}

static CHECK_MERGE: PrimOp = PrimOp {
    name: "checkAndMerge",
    arity: 3,
    func: check_merge_primop,
    strict: false,
};

/// `checkAndMerge loc type defsFinal`: the merged value, or the "used but not defined"
/// error when there are no definitions.
fn check_merge_primop(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let syms = Syms::get();
    let defs = read_defs(ev, syms, &a[2], span)?;
    if defs.is_empty() {
        let path = show::loc_string(ev, &a[0])?;
        return Err(show::not_defined(&path, span));
    }
    let finals: Vec<FinalDef> = defs
        .into_iter()
        .map(|d| FinalDef {
            file: d.file,
            value: d.value,
            span: d.span,
        })
        .collect();
    check_and_merge(ev, syms, &a[0], &a[1], &finals, span)
}
