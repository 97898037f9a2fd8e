//! String context builtins: `hasContext`, `getContext`, `appendContext`,
//! `unsafeDiscardStringContext`, `unsafeDiscardOutputDependency` and
//! `addDrvOutputDependencies`.
//!
//! Context elements use Nix's encoding: `/nix/store/…` (a plain store path),
//! `=/nix/store/….drv` (a derivation with all its outputs), `!out!/nix/store/….drv`
//! (one output of a derivation).

use super::{arg_attrs, arg_bool, arg_coerce, arg_list, arg_string, arg_string_no_ctx, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, Context, NixString, PrimOp, Value};
use crate::store::path::StoreDir;
use std::collections::BTreeMap;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    op("hasContext", 1, has_context),
    op("getContext", 1, get_context),
    op("appendContext", 2, append_context),
    op("unsafeDiscardStringContext", 1, discard_context),
    op(
        "unsafeDiscardOutputDependency",
        1,
        discard_output_dependency,
    ),
    op("addDrvOutputDependencies", 1, add_drv_output_dependencies),
];

/// A context element, decoded.
enum Elem<'a> {
    /// A plain store path.
    Opaque(&'a str),
    /// A derivation and all its outputs (`=`).
    AllOutputs(&'a str),
    /// One output of a derivation (`!output!drv`): `(drv, output)`.
    Built(&'a str, &'a str),
}

fn decode(elem: &str) -> Elem<'_> {
    if let Some(drv) = elem.strip_prefix('=') {
        return Elem::AllOutputs(drv);
    }
    if let Some(rest) = elem.strip_prefix('!')
        && let Some((output, drv)) = rest.split_once('!')
    {
        return Elem::Built(drv, output);
    }
    Elem::Opaque(elem)
}

/// Whether a store path names a derivation (Nix only looks at the extension).
fn is_derivation(path: &str) -> bool {
    path.ends_with(".drv")
}

fn string_value(text: String, context: Context) -> Value {
    Value::String(Rc::new(NixString::with_context(text, context)))
}

fn has_context(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    Ok(Value::Bool(!arg_string(ev, &a[0], s)?.context.is_empty()))
}

/// What `getContext` reports about one store path.
#[derive(Default)]
struct Info {
    path: bool,
    all_outputs: bool,
    outputs: Vec<Value>,
}

/// `getContext s`: `{ "<path>" = { path? = true; allOutputs? = true; outputs? = [ … ]; }; }`.
fn get_context(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_string(ev, &a[0], s)?;
    // Context elements are sorted, so outputs of one derivation come out sorted too.
    let mut infos: BTreeMap<&str, Info> = BTreeMap::new();
    for elem in text.context.iter() {
        let decoded = decode(elem);
        let path = match decoded {
            Elem::Opaque(p) | Elem::AllOutputs(p) | Elem::Built(p, _) => p,
        };
        let info = infos.entry(path).or_default();
        match decoded {
            Elem::Opaque(_) => info.path = true,
            Elem::AllOutputs(_) => info.all_outputs = true,
            Elem::Built(_, output) => info.outputs.push(Value::string(output)),
        }
    }
    let mut entries = Vec::with_capacity(infos.len());
    for (path, info) in infos {
        let mut attrs = Attrs::with_capacity(3);
        if info.path {
            attrs.insert(ev.sym.path, Value::Bool(true), Span::NONE);
        }
        if info.all_outputs {
            attrs.insert(Symbol::intern("allOutputs"), Value::Bool(true), Span::NONE);
        }
        if !info.outputs.is_empty() {
            attrs.insert(ev.sym.outputs, Value::list(info.outputs), Span::NONE);
        }
        entries.push(Attr {
            name: Symbol::intern(path),
            value: Value::attrs(attrs),
            pos: Attr::NO_POS,
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(entries)))
}

/// `appendContext s ctx`: adds the context described by `ctx` (shaped like `getContext`'s
/// result) to `s`.
fn append_context(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_string(ev, &a[0], s)?;
    let spec = arg_attrs(ev, &a[1], s)?;
    let store_dir = StoreDir::new(&ev.settings.store_dir).map_err(|e| error(e.to_string(), s))?;
    let mut context = text.context.clone();
    let (sym_all, sym_outputs) = (Symbol::intern("allOutputs"), ev.sym.outputs);
    for attr in spec.entries() {
        let name = attr.name.as_str();
        let at = attr.span();
        if !store_dir.is_store_path(name) {
            return Err(error(
                format!("Context key '\"{name}\"' is not a store path"),
                at,
            ));
        }
        let info = arg_attrs(ev, &attr.value, at)?;
        if let Some(v) = info.get_attr(ev.sym.path).cloned()
            && arg_bool(ev, &v.value, v.span())?
        {
            context.insert(Rc::from(name));
        }
        if let Some(v) = info.get_attr(sym_all).cloned()
            && arg_bool(ev, &v.value, v.span())?
        {
            if !is_derivation(name) {
                return Err(error(
                    format!(
                        "Tried to add all-outputs context of \"{name}\", which is not a derivation, to a string"
                    ),
                    v.span(),
                ));
            }
            context.insert(Rc::from(format!("={name}")));
        }
        if let Some(v) = info.get_attr(sym_outputs).cloned() {
            let outputs = arg_list(ev, &v.value, v.span())?;
            if !outputs.0.is_empty() && !is_derivation(name) {
                return Err(error(
                    format!(
                        "Tried to add derivation output context of \"{name}\", which is not a derivation, to a string"
                    ),
                    v.span(),
                ));
            }
            for out in &outputs.0 {
                let out = arg_string_no_ctx(ev, out, v.span())?;
                context.insert(Rc::from(format!("!{}!{name}", out.text)));
            }
        }
    }
    Ok(string_value(text.text.clone(), context))
}

fn discard_context(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_coerce(ev, &a[0], s)?;
    Ok(Value::string(text.text.clone()))
}

/// `unsafeDiscardOutputDependency`: `=drv` elements become plain `drv` paths.
fn discard_output_dependency(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_coerce(ev, &a[0], s)?;
    let mut context = Context::default();
    for elem in text.context.iter() {
        match elem.strip_prefix('=') {
            Some(drv) => context.insert(Rc::from(drv)),
            None => context.insert(elem.clone()),
        }
    }
    Ok(string_value(text.text.clone(), context))
}

/// `addDrvOutputDependencies` (Nix ≥ 2.19): the inverse of `unsafeDiscardOutputDependency`
/// for a string whose context is exactly one derivation path.
fn add_drv_output_dependencies(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = arg_coerce(ev, &a[0], s)?;
    let elems: Vec<&Rc<str>> = text.context.iter().collect();
    let [elem] = elems.as_slice() else {
        return Err(error(
            format!(
                "context of string '{}' must have exactly one element, but has {}",
                text.text,
                elems.len()
            ),
            s,
        ));
    };
    let new_elem: Rc<str> = match decode(elem) {
        Elem::Opaque(p) if is_derivation(p) => Rc::from(format!("={p}")),
        Elem::Opaque(p) => return Err(error(format!("path '{p}' is not a derivation"), s)),
        Elem::AllOutputs(_) => (*elem).clone(),
        Elem::Built(_, output) => {
            return Err(error(
                format!(
                    "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}'"
                ),
                s,
            ));
        }
    };
    let mut context = Context::default();
    context.insert(new_elem);
    Ok(string_value(text.text.clone(), context))
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`addDrvOutputDependencies`: Nix >= 2.19's manual).
    use super::super::check_cases as check;

    const P: &str = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo";
    const D: &str = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-bar.drv";

    fn with(spec: &str) -> String {
        format!(r#"(builtins.appendContext "x" {{ {spec} }})"#)
    }

    #[test]
    fn get_context_shapes() {
        let all = with(&format!(
            r#""{D}" = {{ path = true; allOutputs = true; outputs = [ "out" "dev" ]; }};"#
        ));
        check(&[
            (
                &format!("builtins.getContext {all}"),
                &format!(
                    r#"{{ "{D}" = {{ allOutputs = true; outputs = [ "dev" "out" ]; path = true; }}; }}"#
                ),
            ),
            (
                &format!("builtins.getContext (builtins.unsafeDiscardOutputDependency {all})"),
                &format!(r#"{{ "{D}" = {{ outputs = [ "dev" "out" ]; path = true; }}; }}"#),
            ),
            (
                &format!("builtins.getContext (builtins.unsafeDiscardStringContext {all})"),
                "{ }",
            ),
            (&format!("builtins.hasContext {all}"), "true"),
            (r#"builtins.hasContext "x""#, "false"),
            (
                &format!(
                    "builtins.getContext {}",
                    with(&format!(r#""{P}" = {{ path = false; }};"#))
                ),
                "{ }",
            ),
        ]);
    }

    #[test]
    fn append_context_errors() {
        check(&[
            (
                &format!(
                    "builtins.getContext {}",
                    with(r#""/tmp/x" = { path = true; };"#)
                ),
                r#"error: Context key '"/tmp/x"' is not a store path"#,
            ),
            (
                &format!(
                    "builtins.getContext {}",
                    with(&format!(r#""{P}" = {{ allOutputs = true; }};"#))
                ),
                &format!(
                    r#"error: Tried to add all-outputs context of "{P}", which is not a derivation, to a string"#
                ),
            ),
            (
                &format!(
                    "builtins.getContext {}",
                    with(&format!(r#""{P}" = {{ outputs = [ "out" ]; }};"#))
                ),
                &format!(
                    r#"error: Tried to add derivation output context of "{P}", which is not a derivation, to a string"#
                ),
            ),
        ]);
    }

    #[test]
    fn add_drv_output_dependencies() {
        let plain = with(&format!(r#""{D}" = {{ path = true; }};"#));
        check(&[
            (
                &format!("builtins.getContext (builtins.addDrvOutputDependencies {plain})"),
                &format!(r#"{{ "{D}" = {{ allOutputs = true; }}; }}"#),
            ),
            (
                r#"builtins.addDrvOutputDependencies "x""#,
                "error: context of string 'x' must have exactly one element, but has 0",
            ),
            (
                &format!(
                    "builtins.addDrvOutputDependencies {}",
                    with(&format!(r#""{P}" = {{ path = true; }};"#))
                ),
                &format!("error: path '{P}' is not a derivation"),
            ),
        ]);
    }
}
