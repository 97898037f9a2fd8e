//! Lowering: from rnix's syntax tree to the evaluator's IR (`ir.rs`).
//!
//! This is where variables are resolved (to an environment depth and slot, or to a `with`
//! lookup, or to a builtin), attribute paths are merged into nested sets, relative paths are
//! made absolute, and syntax errors are collected. After lowering, evaluation never looks at
//! the syntax tree again.

use super::ir::{
    AttrKey, AttrsDef, BinOp, DynamicAttr, ExprKind, ExprRef, Formal, LambdaDef, Param, StaticAttr,
    Var, alloc,
};
use super::path::canonicalise;
use super::source::{FileId, Span};
use super::symbol::Symbol;
use super::value::{NixString, Value};
use rnix::ast::{self, AstToken, HasEntry, InterpolPart};
use rowan::ast::AstNode;
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
    Lexical(FxHashMap<Symbol, u32>),
    With,
}

/// Lowers one parsed file or expression.
pub struct Lowerer<'g> {
    file: FileId,
    /// Directory that relative paths are resolved against.
    base_dir: String,
    home: Option<String>,
    globals: &'g FxHashMap<Symbol, Value>,
    scopes: Vec<Scope>,
}

/// An attribute being assembled from `a.b.c = …` definitions before it is lowered.
enum PendingValue {
    Expr(ast::Expr),
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
    index: FxHashMap<Symbol, usize>,
    dynamics: Vec<(ast::Attr, PendingAttr)>,
    inherit_sources: Vec<ast::Expr>,
}

impl<'g> Lowerer<'g> {
    /// A lowerer for `file`, resolving relative paths against `base_dir`. `prefix` names are
    /// an outermost lexical scope (used by `scopedImport`); its environment is supplied by
    /// the caller at run time.
    pub fn new(
        file: FileId,
        base_dir: String,
        globals: &'g FxHashMap<Symbol, Value>,
        prefix: Option<&[Symbol]>,
    ) -> Self {
        let mut scopes = Vec::new();
        if let Some(names) = prefix {
            scopes.push(Scope::Lexical(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (*s, i as u32))
                    .collect(),
            ));
        }
        Lowerer {
            file,
            base_dir,
            home: std::env::var("HOME").ok(),
            globals,
            scopes,
        }
    }

    fn span(&self, node: &impl AstNode) -> Span {
        let r = node.syntax().text_range();
        Span {
            file: self.file,
            start: r.start().into(),
            end: r.end().into(),
        }
    }

    fn error<T>(&self, span: Span, message: impl Into<String>) -> LResult<T> {
        Err(LowerError {
            message: message.into(),
            span,
            previous: None,
        })
    }

    /// Lowers a whole expression.
    pub fn lower_root(&mut self, expr: ast::Expr) -> LResult<ExprRef> {
        self.lower(expr)
    }

    fn lower_opt(&mut self, expr: Option<ast::Expr>, parent_span: Span) -> LResult<ExprRef> {
        match expr {
            Some(e) => self.lower(e),
            None => self.error(parent_span, "syntax error: missing expression"),
        }
    }

    fn lower(&mut self, expr: ast::Expr) -> LResult<ExprRef> {
        // Deeply nested input must not overflow the native stack.
        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.lower_inner(expr))
    }

    fn lower_inner(&mut self, expr: ast::Expr) -> LResult<ExprRef> {
        let span = self.span(&expr);
        let kind = match expr {
            ast::Expr::Apply(a) => {
                // `f a b` parses as `(f a) b`: collect the arguments of the whole chain.
                let mut args_rev = vec![a.argument()];
                let mut head = a.lambda();
                while let Some(ast::Expr::Apply(inner)) = &head {
                    args_rev.push(inner.argument());
                    head = inner.lambda();
                }
                let func = self.lower_opt(head, span)?;
                let args = args_rev
                    .into_iter()
                    .rev()
                    .map(|arg| self.lower_opt(arg, span))
                    .collect::<LResult<Vec<_>>>()?;
                ExprKind::Apply {
                    func,
                    args: args.into_boxed_slice(),
                }
            }
            ast::Expr::Assert(a) => {
                let cond = self.lower_opt(a.condition(), span)?;
                let body = self.lower_opt(a.body(), span)?;
                ExprKind::Assert { cond, body }
            }
            ast::Expr::Error(_) => return self.error(span, "syntax error"),
            ast::Expr::IfElse(e) => {
                let cond = self.lower_opt(e.condition(), span)?;
                let then = self.lower_opt(e.body(), span)?;
                let else_ = self.lower_opt(e.else_body(), span)?;
                ExprKind::If { cond, then, else_ }
            }
            ast::Expr::Select(s) => {
                let subject = self.lower_opt(s.expr(), span)?;
                let path = self.lower_attrpath(s.attrpath(), span)?;
                if let Some(v) = fold_constant_select(subject, &path) {
                    return Ok(alloc(ExprKind::Literal(v), span));
                }
                let default = match s.default_expr() {
                    Some(d) => Some(self.lower(d)?),
                    None => None,
                };
                ExprKind::Select {
                    subject,
                    path,
                    default,
                }
            }
            ast::Expr::HasAttr(h) => {
                let subject = self.lower_opt(h.expr(), span)?;
                let path = self.lower_attrpath(h.attrpath(), span)?;
                ExprKind::HasAttr { subject, path }
            }
            ast::Expr::Str(s) => return self.lower_string(&s, span),
            ast::Expr::PathAbs(p) => return self.lower_path(p.parts(), span, PathFlavour::Abs),
            ast::Expr::PathRel(p) => return self.lower_path(p.parts(), span, PathFlavour::Rel),
            ast::Expr::PathHome(p) => return self.lower_path(p.parts(), span, PathFlavour::Home),
            ast::Expr::PathSearch(p) => {
                let text = p.content().map(|c| c.text().to_owned()).unwrap_or_default();
                let inner = text
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned();
                ExprKind::SearchPath(inner)
            }
            ast::Expr::Literal(l) => ExprKind::Literal(self.lower_literal(&l, span)?),
            ast::Expr::Lambda(l) => ExprKind::Lambda(self.lower_lambda(&l, None)?),
            ast::Expr::LegacyLet(l) => {
                // `let { …; body = e; }` is `rec { …; body = e; }.body`.
                let mut pending = PendingAttrs {
                    recursive: true,
                    ..Default::default()
                };
                self.collect_entries(&mut pending, l.entries(), false)?;
                let set = self.lower_pending_attrs(pending, span)?;
                ExprKind::Select {
                    subject: set,
                    path: Box::new([AttrKey::Static(Symbol::intern("body"))]),
                    default: None,
                }
            }
            ast::Expr::LetIn(l) => return self.lower_let(&l, span),
            ast::Expr::List(l) => {
                let items = l
                    .items()
                    .map(|i| self.lower(i))
                    .collect::<LResult<Vec<_>>>()?;
                ExprKind::List(items.into_boxed_slice())
            }
            ast::Expr::BinOp(b) => return self.lower_binop(&b, span),
            ast::Expr::Paren(p) => return self.lower_opt(p.expr(), span),
            ast::Expr::Root(r) => return self.lower_opt(r.expr(), span),
            ast::Expr::AttrSet(a) => {
                let mut pending = PendingAttrs {
                    recursive: a.rec_token().is_some(),
                    ..Default::default()
                };
                self.collect_entries(&mut pending, a.entries(), true)?;
                return self.lower_pending_attrs(pending, span);
            }
            ast::Expr::UnaryOp(u) => {
                let operand = self.lower_opt(u.expr(), span)?;
                match u.operator() {
                    Some(ast::UnaryOpKind::Invert) => ExprKind::Not(operand),
                    Some(ast::UnaryOpKind::Negate) => ExprKind::Negate(operand),
                    None => return self.error(span, "syntax error: unknown operator"),
                }
            }
            ast::Expr::Ident(i) => {
                return self.resolve(ident_symbol(&i), span, 0);
            }
            ast::Expr::With(w) => {
                let namespace = self.lower_opt(w.namespace(), span)?;
                self.scopes.push(Scope::With);
                let body = self.lower_opt(w.body(), span);
                self.scopes.pop();
                ExprKind::With {
                    namespace,
                    body: body?,
                }
            }
            ast::Expr::CurPos(_) => ExprKind::CurPos,
        };
        Ok(alloc(kind, span))
    }

    /// Resolves a variable, skipping the `skip` innermost scopes (for `inherit`).
    fn resolve(&self, name: Symbol, span: Span, skip: usize) -> LResult<ExprRef> {
        let mut withs = Vec::new();
        for (depth, scope) in (skip as u32..).zip(self.scopes.iter().rev().skip(skip)) {
            match scope {
                Scope::Lexical(names) => {
                    if let Some(&slot) = names.get(&name) {
                        return Ok(alloc(ExprKind::Var(Var::Local { depth, slot }), span));
                    }
                }
                Scope::With => withs.push(depth),
            }
        }
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

    fn lower_literal(&self, l: &ast::Literal, span: Span) -> LResult<Value> {
        Ok(match l.kind() {
            ast::LiteralKind::Integer(i) => match i.value() {
                Ok(n) => Value::Int(n),
                Err(_) => {
                    return self.error(span, format!("invalid integer '{}'", i.syntax().text()));
                }
            },
            ast::LiteralKind::Float(f) => match f.value() {
                Ok(x) => Value::Float(x),
                Err(_) => {
                    return self.error(span, format!("invalid float '{}'", f.syntax().text()));
                }
            },
            ast::LiteralKind::Uri(u) => Value::string(u.syntax().text().to_owned()),
        })
    }

    fn lower_string(&mut self, s: &ast::Str, span: Span) -> LResult<ExprRef> {
        let parts = s.normalized_parts();
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                InterpolPart::Literal(text) => {
                    if !text.is_empty() {
                        out.push(alloc(ExprKind::Literal(Value::string(text)), span));
                    }
                }
                InterpolPart::Interpolation(i) => {
                    out.push(self.lower_opt(i.expr(), span)?);
                }
            }
        }
        let kind = match out.len() {
            0 => ExprKind::Literal(Value::string("")),
            1 if matches!(out[0].kind, ExprKind::Literal(Value::String(_))) => {
                let ExprKind::Literal(v) = &out[0].kind else {
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
        parts: Vec<InterpolPart<ast::PathContent>>,
        span: Span,
        flavour: PathFlavour,
    ) -> LResult<ExprRef> {
        let mut lowered = Vec::with_capacity(parts.len());
        for (i, part) in parts.into_iter().enumerate() {
            match part {
                InterpolPart::Literal(content) => {
                    let text = content.text();
                    if i == 0 {
                        let resolved = self.resolve_path_literal(text, flavour, span)?;
                        lowered.push(alloc(ExprKind::Literal(resolved), span));
                    } else {
                        lowered.push(alloc(ExprKind::Literal(Value::string(text)), span));
                    }
                }
                InterpolPart::Interpolation(interp) => {
                    lowered.push(self.lower_opt(interp.expr(), span)?);
                }
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

    fn lower_attrpath(
        &mut self,
        path: Option<ast::Attrpath>,
        span: Span,
    ) -> LResult<Box<[AttrKey]>> {
        let Some(path) = path else {
            return self.error(span, "syntax error: missing attribute path");
        };
        path.attrs().map(|a| self.lower_attr_key(a, span)).collect()
    }

    fn lower_attr_key(&mut self, attr: ast::Attr, span: Span) -> LResult<AttrKey> {
        if let Some(sym) = static_attr_name(&attr) {
            return Ok(AttrKey::Static(sym));
        }
        let expr = match attr {
            ast::Attr::Dynamic(d) => self.lower_opt(d.expr(), span)?,
            ast::Attr::Str(s) => {
                let sp = self.span(&s);
                self.lower_string(&s, sp)?
            }
            ast::Attr::Ident(_) => unreachable!("identifiers are static"),
        };
        Ok(AttrKey::Dynamic(expr))
    }

    fn lower_binop(&mut self, b: &ast::BinOp, span: Span) -> LResult<ExprRef> {
        let lhs = self.lower_opt(b.lhs(), span)?;
        let rhs = self.lower_opt(b.rhs(), span)?;
        let Some(op) = b.operator() else {
            return self.error(span, "syntax error: unknown operator");
        };
        use ast::BinOpKind as K;
        let op = match op {
            K::Concat => BinOp::Concat,
            K::Update => BinOp::Update,
            K::Add => BinOp::Add,
            K::Sub => BinOp::Sub,
            K::Mul => BinOp::Mul,
            K::Div => BinOp::Div,
            K::And => BinOp::And,
            K::Equal => BinOp::Eq,
            K::Implication => BinOp::Implies,
            K::Less => BinOp::Less,
            K::LessOrEq => BinOp::LessEq,
            K::More => BinOp::Greater,
            K::MoreOrEq => BinOp::GreaterEq,
            K::NotEqual => BinOp::NotEq,
            K::Or => BinOp::Or,
            K::PipeRight => BinOp::PipeRight,
            K::PipeLeft => BinOp::PipeLeft,
        };
        Ok(alloc(ExprKind::Binary { op, lhs, rhs }, span))
    }

    fn lower_lambda(
        &mut self,
        l: &ast::Lambda,
        name: Option<Symbol>,
    ) -> LResult<&'static LambdaDef> {
        let span = self.span(l);
        let Some(param) = l.param() else {
            return self.error(span, "syntax error: missing function parameter");
        };
        let (param, names): (Option<PatternParts>, Vec<Symbol>) = match param {
            ast::Param::IdentParam(p) => {
                let sym = p
                    .ident()
                    .map(|i| ident_symbol(&i))
                    .ok_or_else(|| LowerError {
                        message: "syntax error".into(),
                        span,
                        previous: None,
                    })?;
                (None, vec![sym])
            }
            ast::Param::Pattern(p) => {
                let mut names = Vec::new();
                let mut entries = Vec::new();
                for entry in p.pat_entries() {
                    let Some(ident) = entry.ident() else {
                        return self.error(span, "syntax error in function arguments");
                    };
                    let sym = ident_symbol(&ident);
                    if names.contains(&sym) {
                        return self.error(
                            self.span(&entry),
                            format!("duplicate formal function argument '{sym}'"),
                        );
                    }
                    names.push(sym);
                    entries.push((sym, entry.default(), self.span(&entry)));
                }
                let bind = p
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .map(|i| ident_symbol(&i));
                if let Some(b) = bind {
                    if names.contains(&b) {
                        return self
                            .error(span, format!("duplicate formal function argument '{b}'"));
                    }
                    names.push(b);
                }
                (Some((entries, p.ellipsis_token().is_some(), bind)), names)
            }
        };
        self.scopes.push(Scope::Lexical(
            names
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, i as u32))
                .collect(),
        ));
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
            let body = self.lower_opt(l.body(), span)?;
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

    fn lower_let(&mut self, l: &ast::LetIn, span: Span) -> LResult<ExprRef> {
        let mut pending = PendingAttrs {
            recursive: true,
            ..Default::default()
        };
        self.collect_entries(&mut pending, l.entries(), false)?;
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
            let body = self.lower_opt(l.body(), span)?;
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
        entries: impl Iterator<Item = ast::Entry>,
        allow_dynamic: bool,
    ) -> LResult<()> {
        for entry in entries {
            match entry {
                ast::Entry::Inherit(inherit) => {
                    let source = inherit.from().and_then(|f| f.expr()).map(|e| {
                        pending.inherit_sources.push(e);
                        pending.inherit_sources.len() - 1
                    });
                    for attr in inherit.attrs() {
                        let aspan = self.span(&attr);
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
                ast::Entry::AttrpathValue(apv) => {
                    let espan = self.span(&apv);
                    let Some(path) = apv.attrpath() else {
                        return self.error(espan, "syntax error: missing attribute path");
                    };
                    let Some(value) = apv.value() else {
                        return self.error(espan, "syntax error: missing value");
                    };
                    let attrs: Vec<ast::Attr> = path.attrs().collect();
                    self.insert_path(pending, &attrs, value, espan, allow_dynamic)?;
                }
            }
        }
        Ok(())
    }

    fn insert_path(
        &mut self,
        pending: &mut PendingAttrs,
        path: &[ast::Attr],
        value: ast::Expr,
        span: Span,
        allow_dynamic: bool,
    ) -> LResult<()> {
        let Some((first, rest)) = path.split_first() else {
            return self.error(span, "syntax error: empty attribute path");
        };
        let leaf = if rest.is_empty() {
            self.pending_from_expr(value)?
        } else {
            let mut nested = PendingAttrs::default();
            self.insert_path(&mut nested, rest, value, span, true)?;
            PendingValue::Nested(nested)
        };
        let attr = PendingAttr { value: leaf, span };
        match static_attr_name(first) {
            Some(name) => self.insert_static(pending, name, attr),
            None if allow_dynamic => {
                pending.dynamics.push((first.clone(), attr));
                Ok(())
            }
            None => self.error(span, "dynamic attributes not allowed in let"),
        }
    }

    /// Attribute set literals are kept open so that later `a.b = …` entries merge into them.
    fn pending_from_expr(&mut self, value: ast::Expr) -> LResult<PendingValue> {
        let mut inner = value.clone();
        while let ast::Expr::Paren(p) = &inner {
            match p.expr() {
                Some(e) => inner = e,
                None => break,
            }
        }
        if let ast::Expr::AttrSet(set) = inner {
            let mut nested = PendingAttrs {
                recursive: set.rec_token().is_some(),
                ..Default::default()
            };
            self.collect_entries(&mut nested, set.entries(), true)?;
            return Ok(PendingValue::Nested(nested));
        }
        Ok(PendingValue::Expr(value))
    }

    fn insert_static(
        &mut self,
        pending: &mut PendingAttrs,
        name: Symbol,
        attr: PendingAttr,
    ) -> LResult<()> {
        match pending.index.get(&name) {
            None => {
                pending.index.insert(name, pending.statics.len());
                pending.statics.push((name, attr));
                Ok(())
            }
            Some(&i) => {
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
                    value,
                    span: aspan,
                });
            }
            let mut dynamic = Vec::with_capacity(pending.dynamics.len());
            for (key, attr) in std::mem::take(&mut pending.dynamics) {
                let aspan = attr.span;
                let AttrKey::Dynamic(name) = self.lower_attr_key(key, aspan)? else {
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
            let def = Box::leak(Box::new(AttrsDef {
                recursive,
                attrs: attrs.into_boxed_slice(),
                dynamic: dynamic.into_boxed_slice(),
            }));
            Ok(alloc(ExprKind::Attrs(def), span))
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
            PendingValue::Expr(e) => match e {
                ast::Expr::Lambda(l) => {
                    let span = self.span(&l);
                    Ok(alloc(
                        ExprKind::Lambda(self.lower_lambda(&l, Some(name))?),
                        span,
                    ))
                }
                other => self.lower(other),
            },
            PendingValue::Inherit(sym) => self.resolve(sym, attr.span, usize::from(own_scope)),
            PendingValue::InheritFrom(i, sym) => Ok(alloc(
                ExprKind::Select {
                    subject: sources[i],
                    path: Box::new([AttrKey::Static(sym)]),
                    default: None,
                },
                attr.span,
            )),
            PendingValue::Nested(nested) => self.lower_pending_attrs(nested, attr.span),
        }
    }
}

#[derive(Clone, Copy)]
enum PathFlavour {
    Abs,
    Rel,
    Home,
}

/// A pattern's formals (name, default, span), whether it has `...`, and its `@` name.
type PatternParts = (Vec<(Symbol, Option<ast::Expr>, Span)>, bool, Option<Symbol>);

fn merge_pending(into: &mut PendingAttrs, from: PendingAttrs) -> Result<(), Symbol> {
    let offset = into.inherit_sources.len();
    into.inherit_sources.extend(from.inherit_sources);
    for (name, mut attr) in from.statics {
        if let PendingValue::InheritFrom(i, s) = attr.value {
            attr.value = PendingValue::InheritFrom(i + offset, s);
        }
        match into.index.get(&name) {
            None => {
                into.index.insert(name, into.statics.len());
                into.statics.push((name, attr));
            }
            Some(&i) => match (&mut into.statics[i].1.value, attr.value) {
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
fn slot_map(statics: &[(Symbol, PendingAttr)]) -> FxHashMap<Symbol, u32> {
    statics
        .iter()
        .enumerate()
        .map(|(i, (s, _))| (*s, i as u32))
        .collect()
}

/// The interned name of an identifier node, read from its token without going through
/// rowan's `SyntaxText` (a token walk and a formatted copy for every identifier).
fn ident_symbol(i: &ast::Ident) -> Symbol {
    match i.ident_token() {
        Some(token) => Symbol::intern(token.text()),
        // `or` used as a name is a keyword token inside the identifier node.
        None => Symbol::intern(&i.syntax().text().to_string()),
    }
}

/// The name of an attribute if it is known without evaluation: identifiers, plain strings,
/// and `${"plain string"}`.
fn static_attr_name(attr: &ast::Attr) -> Option<Symbol> {
    match attr {
        ast::Attr::Ident(i) => Some(ident_symbol(i)),
        ast::Attr::Str(s) => plain_string(s).map(|t| Symbol::intern(&t)),
        ast::Attr::Dynamic(d) => match d.expr()? {
            ast::Expr::Str(s) => plain_string(&s).map(|t| Symbol::intern(&t)),
            _ => None,
        },
    }
}

fn plain_string(s: &ast::Str) -> Option<String> {
    let mut out = String::new();
    for part in s.normalized_parts() {
        match part {
            InterpolPart::Literal(t) => out.push_str(&t),
            InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out)
}

/// A string literal value for the IR.
pub fn string_literal(text: &str) -> Value {
    Value::String(Rc::new(NixString::plain(text.to_owned())))
}
