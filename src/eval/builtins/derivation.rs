//! `derivationStrict`: turns a set of attributes into a store derivation, computes its
//! output paths and `.drv` path (writing the `.drv` file when the store is writable), and
//! returns `{ drvPath; <output> = path; … }` with the matching string context.
//!
//! Semantics follow Nix 2.8: attributes are processed in name order; all but a few
//! special ones go into the builder's environment as strings.

use super::store_state::{DrvLoadError, StoreState, store_of};
use super::{arg_attrs, error};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, Context, NixString, PrimOp, Value};
use crate::store::derivation::{Derivation, DerivationOutput};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::path::{FileIngestionMethod, StorePath, check_name};
use crate::store::writer::StoreWriter;
use std::collections::BTreeSet;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[super::op("derivationStrict", 1, derivation_strict)];

/// What the special attributes say, gathered while building the environment.
#[derive(Default)]
struct Special {
    output_hash: Option<String>,
    output_hash_algo: String,
    ingestion: Option<FileIngestionMethod>,
    outputs: Option<Vec<String>>,
}

fn derivation_strict(ev: &mut Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = arg_attrs(ev, &args[0], span)?;
    let Some(name_attr) = attrs.get_attr(ev.sym.name).cloned() else {
        return Err(error("required attribute 'name' missing", span));
    };
    let name_span = name_attr.span();
    let drv_name = string_no_context(ev, &name_attr.value, span).map_err(|e| {
        e.with_frame(
            name_span,
            "while evaluating the derivation attribute 'name'",
        )
    })?;
    let mut drv = Derivation {
        name: drv_name.clone(),
        ..Default::default()
    };
    let mut context = Context::default();
    let special = collect_attrs(ev, &attrs, &mut drv, &mut context, name_span)?;
    let store = store_of(ev, span)?;
    let at_name = |e: Box<EvalError>| {
        e.with_frame(
            name_span,
            format!("while instantiating the derivation '{drv_name}'"),
        )
    };
    add_inputs(ev, &store, &context, &mut drv, name_span).map_err(at_name)?;
    if drv.builder.is_empty() {
        return Err(error("required attribute 'builder' missing", name_span));
    }
    if drv.system.is_empty() {
        return Err(error("required attribute 'system' missing", name_span));
    }
    if drv_name.ends_with(".drv") {
        return Err(error(
            "derivation names are not allowed to end in '.drv'",
            name_span,
        ));
    }
    check_name(&drv_name)
        .and_then(|()| check_name(&format!("{drv_name}.drv")))
        .map_err(|e| {
            error(
                format!("invalid derivation name '{drv_name}': {e}"),
                name_span,
            )
        })?;
    set_outputs(&mut drv, special, name_span)?;
    let state = &mut ev.builtin_state.store;
    state
        .fill_output_paths(&store, &mut drv)
        .map_err(|e| load_error(e, name_span))?;
    let drv_path = drv
        .store_path(store.store_dir())
        .map_err(|e| error(format!("derivation '{drv_name}': {e}"), name_span))?;
    let outputs: Vec<(String, Option<StorePath>)> = drv
        .outputs
        .iter()
        .map(|(n, o)| (n.clone(), o.path.clone()))
        .collect();
    state
        .record(&store, drv_path.clone(), drv)
        .map_err(|e| load_error(e, name_span))?;
    if ev.settings.write_store {
        ev.builtin_state
            .store
            .write_derivation(&store, &drv_path)
            .map_err(|e| {
                error(
                    format!("cannot write derivation '{drv_name}': {e}"),
                    name_span,
                )
            })?;
    }
    Ok(result_attrs(&store, &drv_path, &outputs))
}

/// Processes every attribute (in name order) into `drv`'s environment, arguments,
/// builder and system, collecting string context.
fn collect_attrs(
    ev: &mut Evaluator,
    attrs: &Attrs,
    drv: &mut Derivation,
    context: &mut Context,
    name_span: Span,
) -> EvalResult<Special> {
    let structured = match attrs.get(ev.sym.structured_attrs).cloned() {
        Some(v) => super::arg_bool(ev, &v, name_span)?,
        None => false,
    };
    let ignore_nulls = match attrs.get(ev.sym.ignore_nulls).cloned() {
        Some(v) => super::arg_bool(ev, &v, name_span)?,
        None => false,
    };
    let mut special = Special::default();
    let mut json = String::from("{");
    let drv_name = drv.name.clone();
    for attr in attrs.sorted_by_name() {
        if attr.name == ev.sym.ignore_nulls {
            continue;
        }
        let key = attr.name.as_str();
        let frame = |e: Box<EvalError>| {
            e.with_frame(
                name_span,
                format!("while evaluating the attribute '{key}' of the derivation '{drv_name}'"),
            )
        };
        let r = collect_one(
            ev,
            attr,
            structured,
            ignore_nulls,
            drv,
            context,
            &mut special,
            &mut json,
        );
        r.map_err(frame)?;
    }
    if structured {
        json.push('}');
        drv.env.insert("__json".to_owned(), json);
    }
    Ok(special)
}

#[allow(clippy::too_many_arguments)]
fn collect_one(
    ev: &mut Evaluator,
    attr: &Attr,
    structured: bool,
    ignore_nulls: bool,
    drv: &mut Derivation,
    context: &mut Context,
    special: &mut Special,
    json: &mut String,
) -> EvalResult<()> {
    let key = attr.name.as_str();
    let span = attr.span();
    if ignore_nulls && matches!(ev.force(&attr.value)?, Value::Null) {
        return Ok(());
    }
    match key {
        "__contentAddressed" | "__impure" => {
            if super::arg_bool(ev, &attr.value, span)? {
                return Err(error(
                    "experimental Nix feature 'ca-derivations' is disabled; use '--extra-experimental-features ca-derivations' to override",
                    span,
                ));
            }
            return Ok(());
        }
        "args" => {
            let list = super::arg_list(ev, &attr.value, span)?;
            for item in &list.0 {
                let s = ev.coerce_to_string(
                    item,
                    span,
                    CoerceOpts {
                        coerce_more: true,
                        copy_to_store: true,
                    },
                )?;
                context.extend(&s.context);
                drv.args.push(s.text.clone());
            }
            return Ok(());
        }
        _ => {}
    }
    if structured {
        if attr.name == ev.sym.structured_attrs {
            return Ok(());
        }
        if json.len() > 1 {
            json.push(',');
        }
        crate::eval::print::write_json_string(json, key);
        json.push(':');
        let value = ev.force_deep(&attr.value)?;
        json.push_str(&crate::eval::print::to_json(ev, &value, span, context)?);
        match key {
            "builder" => {
                let s = super::arg_string(ev, &attr.value, span)?;
                context.extend(&s.context);
                drv.builder = s.text.clone();
            }
            "system" => drv.system = string_no_context(ev, &attr.value, span)?,
            "outputHash" => special.output_hash = Some(string_no_context(ev, &attr.value, span)?),
            "outputHashAlgo" => {
                special.output_hash_algo = string_no_context(ev, &attr.value, span)?
            }
            "outputHashMode" => {
                special.ingestion =
                    Some(hash_mode(&string_no_context(ev, &attr.value, span)?, span)?)
            }
            "outputs" => {
                let list = super::arg_list(ev, &attr.value, span)?;
                let mut names = Vec::new();
                for item in &list.0 {
                    names.push(string_no_context(ev, item, span)?);
                }
                special.outputs = Some(names);
            }
            _ => {}
        }
        return Ok(());
    }
    let s = ev.coerce_to_string(
        &attr.value,
        span,
        CoerceOpts {
            coerce_more: true,
            copy_to_store: true,
        },
    )?;
    context.extend(&s.context);
    match key {
        "builder" => drv.builder = s.text.clone(),
        "system" => drv.system = s.text.clone(),
        "outputHash" => special.output_hash = Some(s.text.clone()),
        "outputHashAlgo" => special.output_hash_algo = s.text.clone(),
        "outputHashMode" => special.ingestion = Some(hash_mode(&s.text, span)?),
        "outputs" => {
            special.outputs = Some(
                s.text
                    .split([' ', '\t', '\n', '\r'])
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        }
        _ => {}
    }
    drv.env.insert(key.to_owned(), s.text.clone());
    Ok(())
}

fn hash_mode(s: &str, span: Span) -> EvalResult<FileIngestionMethod> {
    match s {
        "recursive" => Ok(FileIngestionMethod::Recursive),
        "flat" => Ok(FileIngestionMethod::Flat),
        _ => Err(error(
            format!("invalid value '{s}' for 'outputHashMode' attribute"),
            span,
        )),
    }
}

/// Turns the collected string context into `inputSrcs` and `inputDrvs`.
fn add_inputs(
    ev: &mut Evaluator,
    store: &StoreWriter,
    context: &Context,
    drv: &mut Derivation,
    span: Span,
) -> EvalResult<()> {
    let dir = store.store_dir().clone();
    let parse = |p: &str| {
        dir.parse_path(p).map_err(|e| {
            error(
                format!("invalid store path '{p}' in string context: {e}"),
                span,
            )
        })
    };
    let state: &StoreState = &ev.builtin_state.store;
    for elem in context.iter() {
        if let Some(p) = elem.strip_prefix('=') {
            let closure = state
                .closure(store, &parse(p)?)
                .map_err(|e| load_error(e, span))?;
            for path in closure {
                if path.is_derivation() {
                    let input = state
                        .derivation(store, &path)
                        .map_err(|e| load_error(e, span))?;
                    drv.input_drvs
                        .insert(path.clone(), input.outputs.keys().cloned().collect());
                }
                drv.input_srcs.insert(path);
            }
        } else if let Some(rest) = elem.strip_prefix('!') {
            let Some((output, p)) = rest.split_once('!') else {
                return Err(error(
                    format!("invalid string context element '{elem}'"),
                    span,
                ));
            };
            drv.input_drvs
                .entry(parse(p)?)
                .or_default()
                .insert(output.to_owned());
        } else {
            drv.input_srcs.insert(parse(elem)?);
        }
    }
    Ok(())
}

/// Sets `drv`'s outputs: one fixed output, or the input-addressed outputs (paths are
/// filled in later).
fn set_outputs(drv: &mut Derivation, special: Special, span: Span) -> EvalResult<()> {
    let names = match special.outputs {
        None => vec!["out".to_owned()],
        Some(names) => names,
    };
    let mut seen = BTreeSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            return Err(error(format!("duplicate derivation output '{n}'"), span));
        }
        if n == "drv" {
            return Err(error("invalid derivation output name 'drv'", span));
        }
    }
    if names.is_empty() {
        return Err(error(
            "derivation cannot have an empty set of outputs",
            span,
        ));
    }
    let Some(hash_text) = special.output_hash else {
        for n in names {
            drv.outputs
                .insert(n, DerivationOutput::input_addressed(None));
        }
        return Ok(());
    };
    if names.len() != 1 || names[0] != "out" {
        return Err(error(
            "multiple outputs are not supported in fixed-output derivations",
            span,
        ));
    }
    let algo: Option<HashAlgo> = special.output_hash_algo.parse().ok();
    let hash = if hash_text.is_empty() {
        let algo = algo.ok_or_else(|| error("empty hash requires explicit hash type", span))?;
        let zero = Hash::from_bytes(algo, &vec![0; algo.size()])
            .map_err(|e| error(e.to_string(), span))?;
        eprintln!("warning: found empty hash, assuming '{}'", zero.to_sri());
        zero
    } else {
        Hash::parse(&hash_text, algo).map_err(|e| error(e.to_string(), span))?
    };
    let method = special.ingestion.unwrap_or(FileIngestionMethod::Flat);
    drv.outputs.insert(
        "out".to_owned(),
        DerivationOutput::fixed(method, &hash, None),
    );
    Ok(())
}

/// `{ drvPath = …; <output> = …; }` with `=drv` and `!output!drv` contexts.
fn result_attrs(
    store: &StoreWriter,
    drv_path: &StorePath,
    outputs: &[(String, Option<StorePath>)],
) -> Value {
    let drv_s = store.store_dir().display(drv_path);
    let mut attrs = Attrs::with_capacity(outputs.len() + 1);
    let with_ctx = |text: String, elem: String| {
        let mut ctx = Context::default();
        ctx.insert(Rc::from(elem));
        Value::String(Rc::new(NixString::with_context(text, ctx)))
    };
    attrs.insert(
        Symbol::intern("drvPath"),
        with_ctx(drv_s.clone(), format!("={drv_s}")),
        Span::NONE,
    );
    for (name, path) in outputs {
        let text = path
            .as_ref()
            .map(|p| store.store_dir().display(p))
            .unwrap_or_default();
        attrs.insert(
            Symbol::intern(name),
            with_ctx(text, format!("!{name}!{drv_s}")),
            Span::NONE,
        );
    }
    Value::attrs(attrs)
}

/// Forces a string that must not refer to store paths.
pub(crate) fn string_no_context(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<String> {
    let s = super::arg_string(ev, v, span)?;
    if let Some(elem) = s.context.iter().next() {
        return Err(error(
            format!(
                "the string '{}' is not allowed to refer to a store path (such as '{elem}')",
                s.text
            ),
            span,
        ));
    }
    Ok(s.text.clone())
}

fn load_error(e: DrvLoadError, span: Span) -> Box<EvalError> {
    error(format!("cannot use an input derivation: {e}"), span)
}
