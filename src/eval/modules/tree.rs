//! The option tree: recording declarations, and pushing definitions down one level at a
//! time (with `mkMerge` flattened and `mkIf`/`mkOverride`/`mkOrder` carried along).

use super::{Decl, Def, Expansion, ModEval, Prop, PropKind, Syms, error, show};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{Attrs, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The `_type` of a set, if it has one that is a string.
pub(crate) fn type_tag(ev: &mut Evaluator, syms: Syms, a: &Attrs) -> EvalResult<Option<Rc<str>>> {
    match a.get(syms.type_) {
        Some(t) => match ev.force(t)? {
            Value::String(s) => Ok(Some(Rc::from(s.text.as_str()))),
            _ => Ok(None),
        },
        None => Ok(None),
    }
}

/// Records the declarations in `value` (a module's `options`, or part of it) at `node`.
pub(crate) fn declare(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    node: u32,
    value: &Value,
    file: &Rc<str>,
    span: Span,
) -> EvalResult<()> {
    let syms = Syms::get();
    let v = ev.force(value)?;
    let Value::Attrs(a) = v else {
        let path = show::option_path(&st.borrow().path(node));
        return Err(error(
            format!(
                "The option declaration `{path}' in `{file}' is not an attribute set or an \
                 option, but {}",
                v.type_description()
            ),
            span,
        ));
    };
    match type_tag(ev, syms, &a)?.as_deref() {
        Some("option") => {
            let mut s = st.borrow_mut();
            if let Some(prefix_file) = s.nodes[node as usize]
                .children
                .values()
                .next()
                .and_then(|c| first_decl_file(&s, *c))
            {
                let path = show::option_path(&s.path(node));
                return Err(error(
                    format!(
                        "The option `{path}' in `{file}' is a prefix of options in \
                         `{prefix_file}'."
                    ),
                    span,
                ));
            }
            s.nodes[node as usize].add_decl(Decl {
                file: file.clone(),
                attrs: a,
                span,
            });
            return Ok(());
        }
        Some("merge") => {
            if let Some(c) = a.get(syms.contents) {
                let list = crate::eval::builtins::arg_list(ev, c, span)?;
                for item in &list.0 {
                    declare(ev, st, node, item, file, span)?;
                }
            }
            return Ok(());
        }
        _ => {}
    }
    if let Some(d) = st.borrow().nodes[node as usize].decls.first() {
        let path = show::option_path(&st.borrow().path(node));
        return Err(error(
            format!(
                "The option `{path}' in `{}' is a prefix of options in `{file}'.",
                d.file
            ),
            span,
        ));
    }
    for attr in a.entries() {
        let child = st.borrow_mut().child(node, attr.name);
        declare(ev, st, child, &attr.value, file, attr.span())?;
    }
    Ok(())
}

fn first_decl_file(s: &ModEval, node: u32) -> Option<Rc<str>> {
    let n = &s.nodes[node as usize];
    if let Some(d) = n.decls.first() {
        return Some(d.file.clone());
    }
    n.children.values().find_map(|c| first_decl_file(s, *c))
}

/// Pushes the definitions of namespace `node` down to its children (once).
pub(crate) fn expand(ev: &mut Evaluator, st: &Rc<RefCell<ModEval>>, node: u32) -> EvalResult<()> {
    let (parent, state, syms) = {
        let s = st.borrow();
        let n = &s.nodes[node as usize];
        (n.parent(), n.expanded, Syms::get())
    };
    match state {
        Expansion::Done => return Ok(()),
        Expansion::Running => {
            let path = show::option_path(&st.borrow().path(node));
            return Err(EvalError::new(
                ErrorKind::InfiniteRecursion,
                format!(
                    "infinite recursion encountered: the attribute names defined under `{path}' \
                     depend on their own values"
                ),
                st.borrow().span,
            ));
        }
        Expansion::No => {}
    }
    if let Some(p) = parent {
        expand(ev, st, p)?;
    }
    let defs = {
        let mut s = st.borrow_mut();
        s.nodes[node as usize].expanded = Expansion::Running;
        s.nodes[node as usize].defs.clone()
    };
    let mut out = Vec::new();
    for d in &defs {
        if let Err(e) = push_down(ev, st, syms, node, &d.value, d.props.clone(), d, &mut out) {
            st.borrow_mut().nodes[node as usize].expanded = Expansion::No;
            return Err(e);
        }
    }
    let mut s = st.borrow_mut();
    // Grouped by child (a stable sort keeps each option's definitions in order), so that
    // every child's list is allocated once at its exact size: these lists live as long as
    // the evaluation. Definitions of undeclared names keep their order (the first one is
    // the one reported).
    let mut matched: Vec<(u32, Def)> = Vec::with_capacity(out.len());
    for (name, def) in out {
        match s.nodes[node as usize].children.get(&name).copied() {
            Some(c) => matched.push((c, def)),
            None => s.unmatched.entry(node).or_default().push((name, def)),
        }
    }
    matched.sort_by_key(|(c, _)| *c);
    let mut groups: Vec<(u32, usize)> = Vec::new();
    for (c, _) in &matched {
        match groups.last_mut() {
            Some((last, len)) if last == c => *len += 1,
            _ => groups.push((*c, 1)),
        }
    }
    let mut defs = matched.into_iter().map(|(_, d)| d);
    for (c, len) in groups {
        s.nodes[c as usize].add_defs(defs.by_ref().take(len));
    }
    let n = &mut s.nodes[node as usize];
    n.expanded = Expansion::Done;
    // The children have them now: this level's copies are never read again.
    n.defs = Box::default();
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn push_down(
    ev: &mut Evaluator,
    st: &Rc<RefCell<ModEval>>,
    syms: Syms,
    node: u32,
    value: &Value,
    props: Option<Rc<Prop>>,
    def: &Def,
    out: &mut Vec<(Symbol, Def)>,
) -> EvalResult<()> {
    let v = ev.force(value)?;
    let Value::Attrs(a) = &v else {
        let path = show::option_path(&st.borrow().path(node));
        let defs = show::show_defs(ev, &[(def.file.clone(), v.clone())]);
        return Err(error(
            format!(
                "A definition for option namespace `{path}' is not an attribute set (the \
                 options under `{path}' must be set as attributes).{defs}"
            ),
            def.span,
        ));
    };
    if let Some(tag) = type_tag(ev, syms, a)? {
        let kind = match &*tag {
            "merge" => {
                if let Some(c) = a.get(syms.contents) {
                    let list = crate::eval::builtins::arg_list(ev, c, def.span)?;
                    for item in &list.0 {
                        push_down(ev, st, syms, node, item, props.clone(), def, out)?;
                    }
                }
                return Ok(());
            }
            "if" => Some((PropKind::If, syms.condition)),
            "override" => Some((PropKind::Override, syms.priority)),
            "order" => Some((PropKind::Order, syms.priority)),
            _ => None,
        };
        if let Some((kind, arg_name)) = kind {
            let arg = a.get(arg_name).cloned().unwrap_or(Value::Null);
            let content = a.get(syms.content).cloned().unwrap_or(Value::Null);
            let props = Some(Rc::new(Prop {
                kind,
                arg,
                next: props,
            }));
            return push_down(ev, st, syms, node, &content, props, def, out);
        }
    }
    for attr in a.entries() {
        out.push((
            attr.name,
            Def {
                file: def.file.clone(),
                value: attr.value.clone(),
                props: props.clone(),
                span: if attr.span().is_known() {
                    attr.span()
                } else {
                    def.span
                },
            },
        ));
    }
    Ok(())
}

/// A definition's value with its pushed-down properties wrapped back around it.
pub(crate) fn rewrap(syms: Syms, def: &Def) -> Value {
    let mut v = def.value.clone();
    let mut p = def.props.as_ref();
    while let Some(prop) = p {
        let (tag, arg_name) = match prop.kind {
            PropKind::If => ("if", syms.condition),
            PropKind::Override => ("override", syms.priority),
            PropKind::Order => ("order", syms.priority),
        };
        let mut a = Attrs::with_capacity(3);
        a.insert(syms.type_, Value::string(tag), Span::NONE);
        a.insert(arg_name, prop.arg.clone(), Span::NONE);
        a.insert(syms.content, v, Span::NONE);
        v = Value::attrs(a);
        p = prop.next.as_ref();
    }
    v
}
