//! Collecting modules: loading paths, calling module functions, following `imports`,
//! deduplicating by key, dropping `disabledModules`, then recording declarations and
//! definitions in the option tree.

use super::{Def, ModEval, Phase, Syms, error, index_arg, state, tree, view};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::ir::Param;
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attr, Attrs, PrimOp, PrimOpApp, Thunk, Value};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Keys a module may have besides configuration in the shorthand form.
const SPECIAL: &[&str] = &[
    "_class",
    "_file",
    "key",
    "disabledModules",
    "imports",
    "freeformType",
];
/// Keys allowed next to `config`/`options`.
const ALLOWED: &[&str] = &[
    "_class",
    "_file",
    "key",
    "disabledModules",
    "imports",
    "options",
    "config",
    "meta",
    "freeformType",
];

/// One module after loading and normalising.
struct Loaded {
    key: String,
    file: Rc<str>,
    span: Span,
    options: Option<Value>,
    config: Option<Value>,
    meta: Option<Value>,
    freeform: Option<Value>,
    imports: Vec<usize>,
    disabled: Vec<String>,
}

/// Collects the modules of evaluation `id` unless done already.
pub(crate) fn ensure_ready(ev: &mut Evaluator, id: usize) -> EvalResult<()> {
    let st = state(ev, id);
    let (phase, span) = {
        let s = st.borrow();
        (s.phase, s.span)
    };
    match phase {
        Phase::Ready => return Ok(()),
        Phase::Collecting => {
            return Err(EvalError::new(
                ErrorKind::InfiniteRecursion,
                "infinite recursion encountered while collecting modules: the list of modules \
                 (`imports') or a module's structure depends on `config' or `options'",
                span,
            ));
        }
        Phase::Fresh => {}
    }
    st.borrow_mut().phase = Phase::Collecting;
    match collect(ev, &st) {
        Ok(()) => {
            let mut s = st.borrow_mut();
            s.phase = Phase::Ready;
            // Collected for good: the module list, and what only it reaches (module sets
            // already split into declarations and definitions), can go.
            s.modules = Value::Null;
            Ok(())
        }
        Err(e) => {
            let mut s = st.borrow_mut();
            s.phase = Phase::Fresh;
            s.nodes.truncate(1);
            s.nodes[0].children.clear();
            s.nodes[0].defs = Box::default();
            s.unmatched.clear();
            Err(e)
        }
    }
}

fn collect(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>) -> EvalResult<()> {
    let (modules, span, syms) = {
        let s = st.borrow();
        (s.modules.clone(), s.span, Syms::get())
    };
    let list = crate::eval::builtins::arg_list(ev, &modules, span)?;
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
    let mut queue: VecDeque<(Value, Rc<str>, String, Option<usize>)> = VecDeque::new();
    let unknown: Rc<str> = Rc::from("<unknown-file>");
    for (i, m) in list.0.iter().enumerate() {
        queue.push_back((m.clone(), unknown.clone(), format!(":anon-{}", i + 1), None));
    }
    let mut roots = Vec::new();
    while let Some((value, parent_file, hint, parent)) = queue.pop_front() {
        let m = load(ev, st, syms, &value, &parent_file, &hint, span)?;
        let idx = match by_key.get(&m.0.key) {
            Some(i) => *i,
            None => {
                let (module, imports) = m;
                let i = loaded.len();
                by_key.insert(module.key.clone(), i);
                for (n, imp) in imports.into_iter().enumerate() {
                    let fallback_key = format!("{}:anon-{}", module.key, n + 1);
                    queue.push_back((imp, module.file.clone(), fallback_key, Some(i)));
                }
                loaded.push(module);
                i
            }
        };
        match parent {
            Some(p) => loaded[p].imports.push(idx),
            None => roots.push(idx),
        }
    }
    let disabled: FxHashSet<&str> = loaded
        .iter()
        .flat_map(|m| m.disabled.iter().map(|s| s.as_str()))
        .collect();
    // Keep the modules reachable without passing through a disabled one, in the order a
    // breadth-first walk meets them.
    let mut order = Vec::new();
    let mut seen = vec![false; loaded.len()];
    let mut queue: VecDeque<usize> = roots.into_iter().collect();
    while let Some(i) = queue.pop_front() {
        if seen[i] || disabled.contains(loaded[i].key.as_str()) {
            continue;
        }
        seen[i] = true;
        order.push(i);
        queue.extend(loaded[i].imports.iter().copied());
    }
    for &i in &order {
        if let Some(opts) = &loaded[i].options {
            tree::declare(ev, st, 0, opts, &loaded[i].file, loaded[i].span)?;
        }
    }
    let mut s = st.borrow_mut();
    // Every declaration is in: the tree only grows again for freeform definitions.
    s.nodes.shrink_to_fit();
    let mut root_defs = Vec::new();
    for &i in &order {
        let m = &loaded[i];
        let def = |value: Value| Def {
            file: m.file.clone(),
            value,
            props: None,
            span: m.span,
        };
        if let Some(c) = &m.config {
            root_defs.push(def(c.clone()));
        }
        if let Some(meta) = &m.meta {
            root_defs.push(def(single(syms.meta, meta.clone())));
        }
        if let Some(ft) = &m.freeform {
            let inner = single(syms.freeform_type, ft.clone());
            root_defs.push(def(single(syms.module_, inner)));
        }
    }
    s.nodes[0].add_defs(root_defs.into_iter());
    define_special_args(&mut s, syms);
    Ok(())
}

/// Defines `_module.specialArgs` (declared by the internal module) as the evaluation's
/// `specialArgs`, as the internal module of NixOS does. Given natively, so that the
/// internal module is one set shared by every evaluation rather than a function called
/// by each.
fn define_special_args(s: &mut ModEval, syms: Syms) {
    let Some(module) = s.nodes[0].children.get(&syms.module_).copied() else {
        return;
    };
    let Some(node) = s.nodes[module as usize]
        .children
        .get(&syms.special_args)
        .copied()
    else {
        return;
    };
    let Some(file) = s.nodes[node as usize].decls.first().map(|d| d.file.clone()) else {
        return;
    };
    let def = Def {
        file,
        value: Value::Attrs(s.special_args.clone()),
        props: None,
        span: Span::NONE,
    };
    s.nodes[node as usize].add_defs(std::iter::once(def));
}

/// `{ name = value; }`.
pub(crate) fn single(name: Symbol, value: Value) -> Value {
    let mut a = Attrs::with_capacity(1);
    a.insert(name, value, Span::NONE);
    Value::attrs(a)
}

fn to_str(ev: &mut Evaluator, v: &Value, span: Span) -> EvalResult<String> {
    Ok(ev
        .coerce_to_string(
            v,
            span,
            CoerceOpts {
                coerce_more: false,
                copy_to_store: false,
            },
        )?
        .text
        .clone())
}

/// Loads one module: imports a path, calls a function, and normalises the set.
fn load(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    syms: Syms,
    value: &Value,
    parent_file: &Rc<str>,
    hint: &str,
    span: Span,
) -> EvalResult<(Loaded, Vec<Value>)> {
    // `hint` is the key the module gets unless it is a path or has a `key`.
    let mut v = ev.force(value)?;
    let mut file = parent_file.clone();
    let mut key: Option<String> = None;
    let path = match &v {
        Value::Path(p) => Some(p.to_string()),
        Value::String(s) if s.text.starts_with('/') => Some(s.text.clone()),
        _ => None,
    };
    if let Some(p) = path {
        v = ev.import_path(&p, span)?;
        v = ev.force(&v)?;
        file = Rc::from(p.as_str());
        key = Some(p);
    }
    let is_functor = matches!(&v, Value::Attrs(a) if a.get(ev.sym.functor).is_some());
    if v.is_function() || is_functor {
        let args = module_args(ev, st, syms, &v, &file)?;
        v = ev.call(v, args, span)?;
        v = ev.force(&v)?;
    }
    let Value::Attrs(m) = v else {
        return Err(error(
            format!(
                "A module in `{file}' is not an attribute set, a function or a path, but {}",
                v.type_description()
            ),
            span,
        ));
    };
    if let Some(f) = m.get(syms.file_) {
        file = Rc::from(to_str(ev, f, span)?.as_str());
    }
    if let Some(k) = m.get(syms.key) {
        key = Some(to_str(ev, k, span)?);
    }
    let key = key.unwrap_or_else(|| hint.to_owned());
    if let Some(c) = m.get(syms.class_) {
        let mclass = to_str(ev, c, span)?;
        let class = st.borrow().class.clone();
        if let Some(class) = class
            && class != mclass
        {
            return Err(error(
                format!("The module `{file}' was imported into `{class}' instead of `{mclass}'."),
                span,
            ));
        }
    }
    let mut imports = Vec::new();
    if let Some(i) = m.get(syms.imports) {
        let list = crate::eval::builtins::arg_list(ev, i, span).map_err(|e| {
            e.with_frame(
                span,
                format!("while evaluating the `imports' of module `{file}'"),
            )
        })?;
        imports.extend(list.0.iter().cloned());
    }
    let mut disabled = Vec::new();
    if let Some(d) = m.get(syms.disabled) {
        let list = crate::eval::builtins::arg_list(ev, d, span)?;
        for item in &list.0 {
            let item = ev.force(item)?;
            match &item {
                Value::Attrs(a) => {
                    if let Some(k) = a.get(syms.key) {
                        disabled.push(to_str(ev, k, span)?);
                    }
                }
                Value::Path(p) => disabled.push(p.to_string()),
                other => {
                    let s = to_str(ev, other, span)?;
                    if !s.starts_with('/')
                        && let Some(mp) =
                            st.borrow().special_args.get(Symbol::intern("modulesPath"))
                        && let Value::Path(mp) = mp
                    {
                        disabled.push(format!("{mp}/{s}"));
                    }
                    disabled.push(s);
                }
            }
        }
    }
    let freeform = m.get(syms.freeform).cloned();
    let span = m
        .entries()
        .first()
        .map(|a| a.span())
        .filter(|s| s.is_known())
        .unwrap_or(span);
    let explicit = m.get(syms.config).is_some() || m.get(syms.options).is_some();
    let (options, config, meta) = if explicit {
        // Checked in symbol order (cheap); names are sorted only for the message.
        if let Some(attr) = m
            .entries()
            .iter()
            .filter(|a| !ALLOWED.contains(&a.name.as_str()))
            .min_by_key(|a| a.name.as_str())
        {
            let n = attr.name.as_str();
            let bad: Vec<&str> = m
                .sorted_by_name()
                .iter()
                .map(|a| a.name.as_str())
                .filter(|n| !ALLOWED.contains(n))
                .collect();
            return Err(error(
                format!(
                    "Module `{file}' has an unsupported attribute `{n}'. This is caused by \
                     introducing a top-level `config' or `options' attribute. Add \
                     configuration attributes immediately on the top-level instead, or move \
                     all of them (namely: {}) into the explicit `config' attribute.",
                    bad.join(" ")
                ),
                attr.span(),
            ));
        }
        (
            m.get(syms.options).cloned(),
            m.get(syms.config).cloned(),
            m.get(syms.meta).cloned(),
        )
    } else {
        let rest: Vec<Attr> = m
            .entries()
            .iter()
            .filter(|a| !SPECIAL.contains(&a.name.as_str()))
            .cloned()
            .collect();
        (None, Some(Value::attrs(Attrs::from_sorted(rest))), None)
    };
    Ok((
        Loaded {
            key,
            file,
            span,
            options,
            config,
            meta,
            freeform,
            imports: Vec::new(),
            disabled,
        },
        imports,
    ))
}

/// The argument set a module function is called with: `lib`, `config`, `options`,
/// `specialArgs` and its attributes, and, for each other formal it names,
/// `config._module.args.<name>` (lazily).
fn module_args(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    syms: Syms,
    f: &Value,
    file: &Rc<str>,
) -> EvalResult<Value> {
    let (id, lib, special) = {
        let s = st.borrow();
        (s.id, s.lib.clone(), s.special_args.clone())
    };
    // Extra attributes of the argument set are only visible to a function that names the
    // whole set (`args@{ … }`, `args:`); the others see their formals alone, so `config`
    // and `options` are only built when asked for (a submodule's internal module is
    // called once per value and asks for neither).
    let (formals, whole_set) = match f {
        Value::Lambda(c) => match &c.def.param {
            Param::Pattern {
                formals,
                ellipsis,
                bind,
            } => (&formals[..], *ellipsis && bind.is_some()),
            Param::Ident(_) => (&[][..], true),
        },
        _ => (&[][..], true),
    };
    let wants = |name: Symbol| whole_set || formals.iter().any(|f| f.name == name);
    let config = if wants(syms.config) {
        view::root_config(ev, id)
    } else {
        Value::Null
    };
    let options = if wants(syms.options) {
        view::root_options(ev, id)
    } else {
        Value::Null
    };
    let lookup = |name: Symbol| -> Option<Value> {
        if let Some(v) = special.get(name) {
            return Some(v.clone());
        }
        if name == syms.lib {
            Some(lib.clone())
        } else if name == syms.config {
            Some(config.clone())
        } else if name == syms.options {
            Some(options.clone())
        } else if name == syms.special_args {
            Some(Value::Attrs(special.clone()))
        } else {
            None
        }
    };
    let base = |out: &mut Vec<Attr>| {
        for n in [syms.lib, syms.config, syms.options, syms.special_args] {
            if let Some(v) = lookup(n) {
                out.push(Attr {
                    name: n,
                    value: v,
                    pos: Attr::NO_POS,
                });
            }
        }
        out.extend(special.entries().iter().cloned());
    };
    let mut out = Vec::new();
    if whole_set {
        base(&mut out);
    }
    for formal in formals {
        let value = lookup(formal.name).unwrap_or_else(|| {
            let app = PrimOpApp {
                op: &MODULE_ARG,
                args: vec![Value::Int(id as i64), Value::string(file.to_string())],
            };
            Thunk::apply(Value::PrimOpApp(Rc::new(app)), formal.name.string_value())
        });
        out.push(Attr {
            name: formal.name,
            value,
            pos: formal.span.start,
        });
    }
    Ok(Value::attrs(Attrs::from_unsorted(out)))
}

static MODULE_ARG: PrimOp = PrimOp {
    name: "moduleArgument",
    arity: 3,
    func: module_arg,
    strict: false,
};

/// `config._module.args.<name>` for a module function's formal argument.
fn module_arg(ev: &mut Evaluator, a: &[Value], span: Span) -> EvalResult<Value> {
    let id = index_arg(ev, &a[0], span)?;
    let file = to_str(ev, &a[1], span)?;
    let name = to_str(ev, &a[2], span)?;
    let syms = Syms::get();
    let frame = format!("while evaluating the module argument `{name}' in \"{file}\"");
    let run = |ev: &mut Evaluator| -> EvalResult<Value> {
        let config = view::root_config(ev, id);
        let module = ev.select_attr(&config, syms.module_, span)?;
        let args = ev.select_attr(&module, syms.args, span)?;
        let args = crate::eval::builtins::arg_attrs(ev, &args, span)?;
        match args.get(Symbol::intern(&name)) {
            Some(v) => ev.force(v),
            None => Err(error(
                format!(
                    "The module `{file}' was called without required argument '{name}': it is \
                     provided neither by specialArgs nor by config._module.args. If you meant \
                     to pass it, set `_module.args.{name}' or add it to specialArgs."
                ),
                span,
            )),
        }
    };
    run(ev).map_err(|e| e.with_frame(span, frame))
}
