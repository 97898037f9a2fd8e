//! Lowering: from the syntax tree (`parse/ast.rs`) to the evaluator's IR (`ir.rs`).
//!
//! This is where variables are resolved (to an environment depth and slot, or to a `with`
//! lookup, or to a builtin), attribute paths are merged into nested sets, relative paths are
//! made absolute, and scoping errors are reported. After lowering, evaluation never looks at
//! the syntax tree again.

use super::ir::{
    AttrKey, AttrsDef, DynamicAttr, ExprKind, ExprRef, Formal, LambdaDef, Param, SelectOr,
    StaticAttr, Var, alloc,
};
use super::literals::StringLiterals;
use super::parse::ast::{
    Attr, AttrKind, Entry, Lambda, LambdaParam, Literal, Node, NodeKind, PathFlavour, StrPart,
};
use super::path::canonicalise;
use super::source::{FileId, Span};
use super::symbol::Symbol;
use super::value::Value;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// A syntax or scoping error found while lowering.
#[derive(Clone, Debug)]
pub struct LowerError {
    pub message: String,
    pub span: Span,
    /// Where the conflicting earlier definition is, for "already defined" errors.
    pub previous: Option<Span>,
}

type LResult<T> = Result<T, LowerError>;

enum Scope {
    Lexical(Names),
    With,
}

/// Lowers one parsed file or expression.
pub struct Lowerer<'g> {
    file: FileId,
    /// String literals lowered so far (by this evaluator), shared by equal literals.
    strings: &'g mut StringLiterals,
    /// Directory that relative paths are resolved against.
    base_dir: String,
    home: Option<String>,
    globals: &'g FxHashMap<Symbol, Value>,
    scopes: Vec<Scope>,
}

/// An attribute being assembled from `a.b.c = …` definitions before it is lowered.
enum PendingValue {
    Expr(Node),
    /// `inherit x;` — from the enclosing scope.
    Inherit(Symbol),
    /// `inherit (e) x;` — index into the set's inherit sources.
    InheritFrom(usize, Symbol),
    Nested(PendingAttrs),
}

struct PendingAttr {
    value: PendingValue,
    span: Span,
}

#[derive(Default)]
struct PendingAttrs {
    recursive: bool,
    statics: Vec<(Symbol, PendingAttr)>,
    /// Position of each name in `statics`, built once there are more than
    /// [`INDEX_THRESHOLD`] (smaller sets, nearly all of them, are searched directly).
    index: FxHashMap<Symbol, usize>,
    dynamics: Vec<(Attr, PendingAttr)>,
    inherit_sources: Vec<Node>,
}

/// Sets and scopes with at most this many names are searched without a hash index.
const INDEX_THRESHOLD: usize = 8;

/// The names of a lexical scope; a name's slot is its position (the last one, should a
/// name repeat).
struct Names {
    list: Vec<Symbol>,
    /// Built only for scopes with more than [`INDEX_THRESHOLD`] names.
    index: FxHashMap<Symbol, u32>,
}

impl Names {
    fn new(list: Vec<Symbol>) -> Self {
        let index = if list.len() > INDEX_THRESHOLD {
            list.iter()
                .enumerate()
                .map(|(i, s)| (*s, i as u32))
                .collect()
        } else {
            FxHashMap::default()
        };
        Names { list, index }
    }

    fn slot(&self, name: Symbol) -> Option<u32> {
        if self.list.len() > INDEX_THRESHOLD {
            self.index.get(&name).copied()
        } else {
            self.list.iter().rposition(|s| *s == name).map(|i| i as u32)
        }
    }
}

impl PendingAttrs {
    /// Where `name` is in `statics`.
    fn find(&self, name: Symbol) -> Option<usize> {
        if self.statics.len() > INDEX_THRESHOLD {
            self.index.get(&name).copied()
        } else {
            self.statics.iter().position(|(n, _)| *n == name)
        }
    }

    fn push(&mut self, name: Symbol, attr: PendingAttr) {
        self.statics.push((name, attr));
        let len = self.statics.len();
        if len == INDEX_THRESHOLD + 1 {
            self.index.reserve(self.statics.capacity());
            self.index
                .extend(self.statics.iter().enumerate().map(|(i, (n, _))| (*n, i)));
        } else if len > INDEX_THRESHOLD + 1 {
            self.index.insert(name, len - 1);
        }
    }
}

impl<'g> Lowerer<'g> {
    /// A lowerer for `file`, resolving relative paths against `base_dir`. `prefix` names are
    /// an outermost lexical scope (used by `scopedImport`); its environment is supplied by
    /// the caller at run time.
    pub fn new(
        file: FileId,
        base_dir: String,
        globals: &'g FxHashMap<Symbol, Value>,
        strings: &'g mut StringLiterals,
        prefix: Option<&[Symbol]>,
    ) -> Self {
        let mut scopes = Vec::new();
        if let Some(names) = prefix {
            scopes.push(Scope::Lexical(Names::new(names.to_vec())));
        }
        Lowerer {
            file,
            strings,
            base_dir,
            home: std::env::var("HOME").ok(),
            globals,
            scopes,
        }
    }

    fn span(&self, start: u32, end: u32) -> Span {
        Span::new(self.file, start, end)
    }

    fn error<T>(&self, span: Span, message: impl Into<String>) -> LResult<T> {
        Err(LowerError {
            message: message.into(),
            span,
            previous: None,
        })
    }

    /// Lowers a whole expression.
    pub fn lower_root(&mut self, expr: Node) -> LResult<ExprRef> {
        self.lower(expr)
    }

    fn lower(&mut self, expr: Node) -> LResult<ExprRef> {
        // Deeply nested input must not overflow the native stack.
        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.lower_inner(expr))
    }

    fn lower_inner(&mut self, expr: Node) -> LResult<ExprRef> {
        let span = self.span(expr.start, expr.end);
        let kind = match expr.kind {
            NodeKind::Apply(func, arg) => {
                // `f a b` parses as `(f a) b`: collect the arguments of the whole chain.
                let mut args_rev = vec![*arg];
                let mut head = *func;
                loop {
                    match head.kind {
                        NodeKind::Apply(f, a) => {
                            args_rev.push(*a);
                            head = *f;
                        }
                        kind => {
                            head = Node {
                                kind,
                                start: head.start,
                                end: head.end,
                            };
                            break;
                        }
                    }
                }
                let func = self.lower(head)?;
                let mut args = Vec::with_capacity(args_rev.len());
                for arg in args_rev.into_iter().rev() {
                    args.push(self.lower(arg)?);
                }
                match args.as_slice() {
                    [arg] => ExprKind::Apply1 { func, arg },
                    _ => ExprKind::Apply {
                        func,
                        args: args.into_boxed_slice(),
                    },
                }
            }
            NodeKind::Assert(cond, body) => {
                let cond = self.lower(*cond)?;
                let body = self.lower(*body)?;
                ExprKind::Assert { cond, body }
            }
            NodeKind::If(cond, then, else_) => {
                let cond = self.lower(*cond)?;
                let then = self.lower(*then)?;
                let else_ = self.lower(*else_)?;
                ExprKind::If { cond, then, else_ }
            }
            NodeKind::Select {
                subject,
                path,
                default: None,
            } if let NodeKind::Ident(name) = subject.kind
                && subject.start == expr.start
                && let Some((depth, slot)) = self.local(name, 0) =>
            {
                let name_len = subject.end - subject.start;
                match path.as_slice() {
                    [attr] if let Some(name) = static_attr_name(attr) => {
                        ExprKind::SelectLocalName {
                            depth,
                            slot,
                            name_len,
                            name,
                        }
                    }
                    [first, second]
                        if let (Some(first), Some(second)) =
                            (static_attr_name(first), static_attr_name(second)) =>
                    {
                        ExprKind::SelectLocalName2 {
                            depth,
                            slot,
                            name_len,
                            names: [first, second],
                        }
                    }
                    _ => ExprKind::SelectLocal {
                        depth,
                        slot,
                        name_len,
                        path: self.lower_attrpath(path)?,
                    },
                }
            }
            NodeKind::Select {
                subject,
                path,
                default,
            } => {
                let subject = self.lower(*subject)?;
                let path = self.lower_attrpath(path)?;
                if let Some(v) = fold_constant_select(subject, &path) {
                    return Ok(alloc(ExprKind::Literal(v), span));
                }
                let default = match default {
                    Some(d) => Some(self.lower(*d)?),
                    None => None,
                };
                match default {
                    Some(default) => ExprKind::SelectOr(Box::leak(Box::new(SelectOr {
                        subject,
                        path,
                        default,
                    }))),
                    None => ExprKind::Select { subject, path },
                }
            }
            NodeKind::HasAttr { subject, path } => {
                let subject = self.lower(*subject)?;
                let path = self.lower_attrpath(path)?;
                ExprKind::HasAttr { subject, path }
            }
            NodeKind::Str(parts) => return self.lower_string(parts, span),
            NodeKind::Path { flavour, parts } => return self.lower_path(parts, span, flavour),
            NodeKind::SearchPath(inner) => ExprKind::SearchPath(inner),
            NodeKind::Literal(l) => ExprKind::Literal(self.lower_literal(l, span)?),
            NodeKind::Lambda(l) => ExprKind::Lambda(self.lower_lambda(*l, span, None)?),
            NodeKind::LegacyLet(entries) => {
                // `let { …; body = e; }` is `rec { …; body = e; }.body`.
                let mut pending = PendingAttrs {
                    recursive: true,
                    ..Default::default()
                };
                self.collect_entries(&mut pending, entries, false)?;
                let set = self.lower_pending_attrs(pending, span)?;
                ExprKind::Select {
                    subject: set,
                    path: Box::new([AttrKey::Static(Symbol::intern("body"))]),
                }
            }
            NodeKind::LetIn(entries, body) => return self.lower_let(entries, *body, span),
            NodeKind::List(items) => {
                let mut lowered = Vec::with_capacity(items.len());
                for item in items {
                    lowered.push(self.lower(item)?);
                }
                let items = lowered;
                ExprKind::List(items.into_boxed_slice())
            }
            NodeKind::Binary(op, lhs, rhs) => {
                let lhs = self.lower(*lhs)?;
                let rhs = self.lower(*rhs)?;
                ExprKind::Binary { op, lhs, rhs }
            }
            NodeKind::Paren(inner) => return self.lower(*inner),
            NodeKind::AttrSet { recursive, entries } => {
                let mut pending = PendingAttrs {
                    recursive,
                    ..Default::default()
                };
                self.collect_entries(&mut pending, entries, true)?;
                return self.lower_pending_attrs(pending, span);
            }
            NodeKind::Not(operand) => ExprKind::Not(self.lower(*operand)?),
            NodeKind::Negate(operand) => ExprKind::Negate(self.lower(*operand)?),
            NodeKind::Ident(name) => return self.resolve(name, span, 0),
            NodeKind::With(namespace, body) => {
                let namespace = self.lower(*namespace)?;
                self.scopes.push(Scope::With);
                let body = self.lower(*body);
                self.scopes.pop();
                ExprKind::With {
                    namespace,
                    body: body?,
                }
            }
            NodeKind::CurPos => ExprKind::CurPos,
        };
        Ok(alloc(kind, span))
    }

    /// The environment depth and slot of `name` if a lexical scope binds it, skipping the
    /// `skip` innermost scopes (`with` scopes never shadow a lexical binding).
    fn local(&self, name: Symbol, skip: usize) -> Option<(u32, u32)> {
        for (depth, scope) in (skip as u32..).zip(self.scopes.iter().rev().skip(skip)) {
            if let Scope::Lexical(names) = scope
                && let Some(slot) = names.slot(name)
            {
                return Some((depth, slot));
            }
        }
        None
    }

    /// Resolves a variable, skipping the `skip` innermost scopes (for `inherit`).
    fn resolve(&self, name: Symbol, span: Span, skip: usize) -> LResult<ExprRef> {
        if let Some((depth, slot)) = self.local(name, skip) {
            return Ok(alloc(ExprKind::Var(Var::Local { depth, slot }), span));
        }
        let withs: Vec<u32> = (skip as u32..)
            .zip(self.scopes.iter().rev().skip(skip))
            .filter(|(_, scope)| matches!(scope, Scope::With))
            .map(|(depth, _)| depth)
            .collect();
        if let Some(v) = self.globals.get(&name) {
            return Ok(alloc(ExprKind::Literal(v.clone()), span));
        }
        if withs.is_empty() {
            return self.error(span, format!("undefined variable '{name}'"));
        }
        Ok(alloc(
            ExprKind::Var(Var::With {
                name,
                withs: withs.into_boxed_slice(),
            }),
            span,
        ))
    }

    fn lower_literal(&self, l: Literal, span: Span) -> LResult<Value> {
        Ok(match l {
            Literal::Int(n) => Value::Int(n),
            Literal::Float(x) => Value::Float(x),
            Literal::Uri(text) => Value::string(text),
            Literal::BadInt(text) => return self.error(span, format!("invalid integer '{text}'")),
            Literal::BadFloat(text) => return self.error(span, format!("invalid float '{text}'")),
        })
    }

    fn lower_string(&mut self, parts: Vec<StrPart>, span: Span) -> LResult<ExprRef> {
        // A string without interpolations (nearly all of them) is one literal: no
        // expression per part.
        if parts.iter().all(|p| matches!(p, StrPart::Literal(_))) {
            let mut parts = parts.into_iter().filter_map(|p| match p {
                StrPart::Literal(text) => Some(text),
                StrPart::Interpolation(_) => None,
            });
            let text = match (parts.next(), parts.next()) {
                (None, _) => String::new(),
                (Some(only), None) => only,
                (Some(first), Some(second)) => {
                    let mut text = first + &second;
                    parts.for_each(|p| text.push_str(&p));
                    text
                }
            };
            return Ok(alloc(ExprKind::Literal(self.strings.value(text)), span));
        }
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                StrPart::Literal(text) => {
                    if !text.is_empty() {
                        out.push(alloc(ExprKind::Literal(self.strings.value(text)), span));
                    }
                }
                StrPart::Interpolation(e) => out.push(self.lower(e)?),
            }
        }
        // `"${"text"}"` is that text.
        let kind = match out.as_slice() {
            [only] if matches!(only.kind, ExprKind::Literal(Value::String(_))) => {
                let ExprKind::Literal(v) = &only.kind else {
                    unreachable!()
                };
                ExprKind::Literal(v.clone())
            }
            _ => ExprKind::Interpolate(out.into_boxed_slice()),
        };
        Ok(alloc(kind, span))
    }

    fn lower_path(
        &mut self,
        parts: Vec<StrPart>,
        span: Span,
        flavour: PathFlavour,
    ) -> LResult<ExprRef> {
        let mut lowered = Vec::with_capacity(parts.len());
        for (i, part) in parts.into_iter().enumerate() {
            match part {
                StrPart::Literal(text) => {
                    if i == 0 {
                        let resolved = self.resolve_path_literal(&text, flavour, span)?;
                        lowered.push(alloc(ExprKind::Literal(resolved), span));
                    } else {
                        lowered.push(alloc(ExprKind::Literal(self.strings.value(text)), span));
                    }
                }
                StrPart::Interpolation(e) => lowered.push(self.lower(e)?),
            }
        }
        if lowered.len() == 1 {
            return Ok(lowered.pop().unwrap_or_else(|| unreachable!()));
        }
        Ok(alloc(
            ExprKind::InterpolatePath(lowered.into_boxed_slice()),
            span,
        ))
    }

    fn resolve_path_literal(&self, text: &str, flavour: PathFlavour, span: Span) -> LResult<Value> {
        let absolute = match flavour {
            PathFlavour::Abs => text.to_owned(),
            PathFlavour::Rel => format!("{}/{}", self.base_dir, text),
            PathFlavour::Home => match &self.home {
                Some(home) => format!("{}/{}", home, text.trim_start_matches("~/")),
                None => {
                    return self.error(span, "cannot resolve '~/' paths: $HOME is not set");
                }
            },
        };
        let mut canonical = canonicalise(&absolute);
        // A literal followed by an interpolation keeps its trailing slash (`./a/${b}`).
        if text.ends_with('/') && canonical != "/" {
            canonical.push('/');
        }
        Ok(Value::Path(Rc::from(canonical)))
    }

    fn lower_attrpath(&mut self, path: Vec<Attr>) -> LResult<Box<[AttrKey]>> {
        let mut keys = Vec::with_capacity(path.len());
        for attr in path {
            keys.push(self.lower_attr_key(attr)?);
        }
        Ok(keys.into_boxed_slice())
    }

    fn lower_attr_key(&mut self, attr: Attr) -> LResult<AttrKey> {
        if let Some(sym) = static_attr_name(&attr) {
            return Ok(AttrKey::Static(sym));
        }
        let span = self.span(attr.start, attr.end);
        let expr = match attr.kind {
            AttrKind::Dynamic(e) => self.lower(*e)?,
            AttrKind::Str(parts) => self.lower_string(parts, span)?,
            AttrKind::Ident(_) => unreachable!("identifiers are static"),
        };
        Ok(AttrKey::Dynamic(expr))
    }

    fn lower_lambda(
        &mut self,
        l: Lambda,
        span: Span,
        name: Option<Symbol>,
    ) -> LResult<&'static LambdaDef> {
        let Lambda { param, body } = l;
        let (param, names): (Option<PatternParts>, Vec<Symbol>) = match param {
            LambdaParam::Ident(sym) => (None, vec![sym]),
            LambdaParam::Pattern {
                entries: pattern,
                ellipsis,
                bind,
            } => {
                let mut names = Vec::with_capacity(pattern.len() + 1);
                let mut entries = Vec::with_capacity(pattern.len());
                for entry in pattern {
                    let espan = self.span(entry.start, entry.end);
                    if names.contains(&entry.name) {
                        return self.error(
                            espan,
                            format!("duplicate formal function argument '{}'", entry.name),
                        );
                    }
                    names.push(entry.name);
                    entries.push((entry.name, entry.default, espan));
                }
                if let Some(b) = bind {
                    if names.contains(&b) {
                        return self
                            .error(span, format!("duplicate formal function argument '{b}'"));
                    }
                    names.push(b);
                }
                (Some((entries, ellipsis, bind)), names)
            }
        };
        self.scopes.push(Scope::Lexical(Names::new(names.clone())));
        let result = (|| {
            let param = match param {
                None => Param::Ident(names[0]),
                Some((entries, ellipsis, bind)) => {
                    let mut formals = Vec::with_capacity(entries.len());
                    for (name, default, fspan) in entries {
                        let default = match default {
                            Some(d) => Some(self.lower(d)?),
                            None => None,
                        };
                        formals.push(Formal {
                            name,
                            default,
                            span: fspan,
                        });
                    }
                    Param::Pattern {
                        formals: formals.into_boxed_slice(),
                        ellipsis,
                        bind,
                    }
                }
            };
            let body = self.lower(body)?;
            Ok(&*Box::leak(Box::new(LambdaDef {
                name,
                param,
                body,
                span,
            })))
        })();
        self.scopes.pop();
        result
    }

    fn lower_let(&mut self, entries: Vec<Entry>, body: Node, span: Span) -> LResult<ExprRef> {
        let mut pending = PendingAttrs {
            recursive: true,
            ..Default::default()
        };
        self.collect_entries(&mut pending, entries, false)?;
        if let Some((_, attr)) = pending.dynamics.first() {
            return self.error(attr.span, "dynamic attributes not allowed in let");
        }
        self.scopes.push(Scope::Lexical(slot_map(&pending.statics)));
        let result = (|| {
            let sources = self.lower_inherit_sources(&mut pending)?;
            let mut bindings = Vec::with_capacity(pending.statics.len());
            for (name, attr) in std::mem::take(&mut pending.statics) {
                bindings.push(self.lower_pending_value(name, attr, &sources, true)?);
            }
            let body = self.lower(body)?;
            Ok(alloc(
                ExprKind::Let {
                    bindings: bindings.into_boxed_slice(),
                    body,
                },
                span,
            ))
        })();
        self.scopes.pop();
        result
    }

    fn lower_inherit_sources(&mut self, pending: &mut PendingAttrs) -> LResult<Vec<ExprRef>> {
        std::mem::take(&mut pending.inherit_sources)
            .into_iter()
            .map(|e| self.lower(e))
            .collect()
    }

    /// Gathers a set's (or a let's) entries, merging `a.b = …` paths into nested sets.
    fn collect_entries(
        &mut self,
        pending: &mut PendingAttrs,
        entries: Vec<Entry>,
        allow_dynamic: bool,
    ) -> LResult<()> {
        // Most entries define one name each: room for all of them, and for their index.
        pending.statics.reserve(entries.len());
        for entry in entries {
            match entry {
                Entry::Inherit { from, attrs } => {
                    let source = from.map(|e| {
                        pending.inherit_sources.push(e);
                        pending.inherit_sources.len() - 1
                    });
                    for attr in attrs {
                        let aspan = self.span(attr.start, attr.end);
                        let Some(name) = static_attr_name(&attr) else {
                            return self.error(aspan, "dynamic attributes not allowed in inherit");
                        };
                        let value = match source {
                            Some(i) => PendingValue::InheritFrom(i, name),
                            None => PendingValue::Inherit(name),
                        };
                        self.insert_static(pending, name, PendingAttr { value, span: aspan })?;
                    }
                }
                Entry::Value {
                    path,
                    value,
                    start,
                    end,
                } => {
                    let espan = self.span(start, end);
                    self.insert_path(pending, path, value, espan, allow_dynamic)?;
                }
            }
        }
        Ok(())
    }

    fn insert_path(
        &mut self,
        pending: &mut PendingAttrs,
        path: Vec<Attr>,
        value: Node,
        span: Span,
        allow_dynamic: bool,
    ) -> LResult<()> {
        let mut path = path.into_iter();
        let Some(first) = path.next() else {
            return self.error(span, "syntax error: empty attribute path");
        };
        let rest: Vec<Attr> = path.collect();
        let leaf = if rest.is_empty() {
            self.pending_from_expr(value)?
        } else {
            let mut nested = PendingAttrs::default();
            self.insert_path(&mut nested, rest, value, span, true)?;
            PendingValue::Nested(nested)
        };
        let attr = PendingAttr { value: leaf, span };
        match static_attr_name(&first) {
            Some(name) => self.insert_static(pending, name, attr),
            None if allow_dynamic => {
                pending.dynamics.push((first, attr));
                Ok(())
            }
            None => self.error(span, "dynamic attributes not allowed in let"),
        }
    }

    /// Attribute set literals are kept open so that later `a.b = …` entries merge into them.
    fn pending_from_expr(&mut self, value: Node) -> LResult<PendingValue> {
        let mut inner = &value;
        while let NodeKind::Paren(e) = &inner.kind {
            inner = e;
        }
        if !matches!(inner.kind, NodeKind::AttrSet { .. }) {
            return Ok(PendingValue::Expr(value));
        }
        let mut set = value;
        while let NodeKind::Paren(e) = set.kind {
            set = *e;
        }
        let NodeKind::AttrSet { recursive, entries } = set.kind else {
            unreachable!("checked above")
        };
        let mut nested = PendingAttrs {
            recursive,
            ..Default::default()
        };
        self.collect_entries(&mut nested, entries, true)?;
        Ok(PendingValue::Nested(nested))
    }

    fn insert_static(
        &mut self,
        pending: &mut PendingAttrs,
        name: Symbol,
        attr: PendingAttr,
    ) -> LResult<()> {
        match pending.find(name) {
            None => {
                pending.push(name, attr);
                Ok(())
            }
            Some(i) => {
                let existing = &mut pending.statics[i].1;
                let previous = Some(existing.span);
                match (&mut existing.value, attr.value) {
                    (PendingValue::Nested(into), PendingValue::Nested(from)) => {
                        merge_pending(into, from).map_err(|dup| LowerError {
                            message: format!("attribute '{name}.{dup}' already defined"),
                            span: attr.span,
                            previous: None,
                        })
                    }
                    _ => Err(LowerError {
                        message: format!("attribute '{name}' already defined"),
                        span: attr.span,
                        previous,
                    }),
                }
            }
        }
    }

    fn lower_pending_attrs(&mut self, mut pending: PendingAttrs, span: Span) -> LResult<ExprRef> {
        let recursive = pending.recursive;
        // Sets are stored sorted by symbol; sorting here makes building them at run time a
        // plain copy (and for `rec`, the slot order is the same order).
        pending.statics.sort_by_key(|(name, _)| *name);
        if recursive {
            self.scopes.push(Scope::Lexical(slot_map(&pending.statics)));
        }
        let result = (|| {
            let sources = self.lower_inherit_sources(&mut pending)?;
            let mut attrs = Vec::with_capacity(pending.statics.len());
            for (name, attr) in std::mem::take(&mut pending.statics) {
                let aspan = attr.span;
                let value = self.lower_pending_value(name, attr, &sources, recursive)?;
                attrs.push(StaticAttr {
                    name,
                    pos: aspan.start,
                    value,
                });
            }
            let mut dynamic = Vec::with_capacity(pending.dynamics.len());
            for (key, attr) in std::mem::take(&mut pending.dynamics) {
                let aspan = attr.span;
                let AttrKey::Dynamic(name) = self.lower_attr_key(key)? else {
                    unreachable!("static names are never queued as dynamic")
                };
                let value =
                    self.lower_pending_value(Symbol::intern(""), attr, &sources, recursive)?;
                dynamic.push(DynamicAttr {
                    name,
                    value,
                    span: aspan,
                });
            }
            let attrs = attrs.into_boxed_slice();
            let kind = match (dynamic.is_empty(), recursive) {
                (true, false) => ExprKind::Attrs(attrs),
                (true, true) => ExprKind::RecAttrs(attrs),
                (false, _) => ExprKind::DynamicAttrs(Box::leak(Box::new(AttrsDef {
                    recursive,
                    attrs,
                    dynamic: dynamic.into_boxed_slice(),
                }))),
            };
            Ok(alloc(kind, span))
        })();
        if recursive {
            self.scopes.pop();
        }
        result
    }

    /// Lowers one attribute's value. `own_scope` says whether the innermost scope is the
    /// set's own (rec/let), which plain `inherit` must skip.
    fn lower_pending_value(
        &mut self,
        name: Symbol,
        attr: PendingAttr,
        sources: &[ExprRef],
        own_scope: bool,
    ) -> LResult<ExprRef> {
        match attr.value {
            PendingValue::Expr(e) => match e.kind {
                // A function bound directly (not in parentheses) carries the name.
                NodeKind::Lambda(l) => {
                    let span = self.span(e.start, e.end);
                    Ok(alloc(
                        ExprKind::Lambda(self.lower_lambda(*l, span, Some(name))?),
                        span,
                    ))
                }
                kind => self.lower(Node {
                    kind,
                    start: e.start,
                    end: e.end,
                }),
            },
            PendingValue::Inherit(sym) => self.resolve(sym, attr.span, usize::from(own_scope)),
            PendingValue::InheritFrom(i, sym) => Ok(alloc(
                ExprKind::Select {
                    subject: sources[i],
                    path: Box::new([AttrKey::Static(sym)]),
                },
                attr.span,
            )),
            PendingValue::Nested(nested) => self.lower_pending_attrs(nested, attr.span),
        }
    }
}

/// A pattern's formals (name, default, span), whether it has `...`, and its `@` name.
type PatternParts = (Vec<(Symbol, Option<Node>, Span)>, bool, Option<Symbol>);

fn merge_pending(into: &mut PendingAttrs, from: PendingAttrs) -> Result<(), Symbol> {
    let offset = into.inherit_sources.len();
    into.inherit_sources.extend(from.inherit_sources);
    for (name, mut attr) in from.statics {
        if let PendingValue::InheritFrom(i, s) = attr.value {
            attr.value = PendingValue::InheritFrom(i + offset, s);
        }
        match into.find(name) {
            None => into.push(name, attr),
            Some(i) => match (&mut into.statics[i].1.value, attr.value) {
                (PendingValue::Nested(a), PendingValue::Nested(b)) => merge_pending(a, b)?,
                _ => return Err(name),
            },
        }
    }
    into.dynamics.extend(from.dynamics);
    Ok(())
}

/// `builtins.name` (and any selection from a set known at lowering time) resolves now when
/// the attribute exists and is already a value; otherwise the selection stays for run time,
/// where it reports the missing attribute or applies `or`.
fn fold_constant_select(subject: ExprRef, path: &[AttrKey]) -> Option<Value> {
    let ExprKind::Literal(Value::Attrs(attrs)) = &subject.kind else {
        return None;
    };
    let [AttrKey::Static(name)] = path else {
        return None;
    };
    match attrs.get(*name)? {
        Value::Thunk(_) => None,
        v => Some(v.clone()),
    }
}

/// The scope of a `let` or `rec` set: each binding's name and its slot.
fn slot_map(statics: &[(Symbol, PendingAttr)]) -> Names {
    Names::new(statics.iter().map(|(s, _)| *s).collect())
}

/// The name of an attribute if it is known without evaluation: identifiers, plain strings,
/// and `${"plain string"}`.
fn static_attr_name(attr: &Attr) -> Option<Symbol> {
    match &attr.kind {
        AttrKind::Ident(sym) => Some(*sym),
        AttrKind::Str(parts) => plain_string(parts),
        AttrKind::Dynamic(e) => match &e.kind {
            NodeKind::Str(parts) => plain_string(parts),
            _ => None,
        },
    }
}

fn plain_string(parts: &[StrPart]) -> Option<Symbol> {
    match parts {
        [] => Some(Symbol::intern("")),
        [StrPart::Literal(t)] => Some(Symbol::intern(t)),
        _ => {
            let mut out = String::new();
            for part in parts {
                match part {
                    StrPart::Literal(t) => out.push_str(t),
                    StrPart::Interpolation(_) => return None,
                }
            }
            Some(Symbol::intern(&out))
        }
    }
}
