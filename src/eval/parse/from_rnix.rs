//! The slow front end: rnix's syntax tree turned into the shared syntax tree.
//!
//! rnix parses every input the fast parser gives up on. When it reports errors those
//! are shown as they are; when it accepts the input, this conversion makes the tree
//! lowering consumes, so both front ends share one lowering.

use super::ast::{
    Attr, AttrKind, Entry, Lambda, LambdaParam, Literal, Node, NodeKind, PatEntry, PathFlavour,
    StrPart,
};
use crate::eval::ir::BinOp;
use crate::eval::symbol::Symbol;
use rnix::ast::{self, AstToken, HasEntry, InterpolPart};
use rowan::ast::AstNode;

/// A node rnix accepted without an error but left incomplete: the message and span.
#[derive(Debug)]
pub struct Incomplete {
    pub message: &'static str,
    pub start: u32,
    pub end: u32,
}

type CResult<T> = Result<T, Incomplete>;

fn range(node: &impl AstNode) -> (u32, u32) {
    let r = node.syntax().text_range();
    (r.start().into(), r.end().into())
}

fn incomplete<T>(message: &'static str, (start, end): (u32, u32)) -> CResult<T> {
    Err(Incomplete {
        message,
        start,
        end,
    })
}

/// Converts an expression (the root's, or any other).
pub fn convert(expr: ast::Expr) -> CResult<Node> {
    stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || convert_inner(expr))
}

fn convert_opt(expr: Option<ast::Expr>, parent: (u32, u32)) -> CResult<Box<Node>> {
    match expr {
        Some(e) => Ok(Box::new(convert(e)?)),
        None => incomplete("syntax error: missing expression", parent),
    }
}

fn convert_inner(expr: ast::Expr) -> CResult<Node> {
    let span = range(&expr);
    let kind = match expr {
        ast::Expr::Apply(a) => NodeKind::Apply(
            convert_opt(a.lambda(), span)?,
            convert_opt(a.argument(), span)?,
        ),
        ast::Expr::Assert(a) => NodeKind::Assert(
            convert_opt(a.condition(), span)?,
            convert_opt(a.body(), span)?,
        ),
        ast::Expr::Error(_) => return incomplete("syntax error", span),
        ast::Expr::IfElse(e) => NodeKind::If(
            convert_opt(e.condition(), span)?,
            convert_opt(e.body(), span)?,
            convert_opt(e.else_body(), span)?,
        ),
        ast::Expr::Select(s) => NodeKind::Select {
            subject: convert_opt(s.expr(), span)?,
            path: attrpath(s.attrpath(), span)?,
            default: s.default_expr().map(convert).transpose()?.map(Box::new),
        },
        ast::Expr::HasAttr(h) => NodeKind::HasAttr {
            subject: convert_opt(h.expr(), span)?,
            path: attrpath(h.attrpath(), span)?,
        },
        ast::Expr::Str(s) => NodeKind::Str(string_parts(&s, span)?),
        ast::Expr::PathAbs(p) => path(p.parts(), span, PathFlavour::Abs)?,
        ast::Expr::PathRel(p) => path(p.parts(), span, PathFlavour::Rel)?,
        ast::Expr::PathHome(p) => path(p.parts(), span, PathFlavour::Home)?,
        ast::Expr::PathSearch(p) => {
            let text = p.content().map(|c| c.text().to_owned()).unwrap_or_default();
            NodeKind::SearchPath(
                text.trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned(),
            )
        }
        ast::Expr::Literal(l) => NodeKind::Literal(literal(&l)),
        ast::Expr::Lambda(l) => NodeKind::Lambda(Box::new(lambda(&l, span)?)),
        ast::Expr::LegacyLet(l) => NodeKind::LegacyLet(entries(l.entries())?),
        ast::Expr::LetIn(l) => {
            let e = entries(l.entries())?;
            NodeKind::LetIn(e, convert_opt(l.body(), span)?)
        }
        ast::Expr::List(l) => NodeKind::List(l.items().map(convert).collect::<CResult<_>>()?),
        ast::Expr::BinOp(b) => {
            let lhs = convert_opt(b.lhs(), span)?;
            let rhs = convert_opt(b.rhs(), span)?;
            let Some(op) = b.operator() else {
                return incomplete("syntax error: unknown operator", span);
            };
            NodeKind::Binary(binop(op), lhs, rhs)
        }
        ast::Expr::Paren(p) => NodeKind::Paren(convert_opt(p.expr(), span)?),
        ast::Expr::Root(r) => return convert_opt(r.expr(), span).map(|b| *b),
        ast::Expr::AttrSet(a) => NodeKind::AttrSet {
            recursive: a.rec_token().is_some(),
            entries: entries(a.entries())?,
        },
        ast::Expr::UnaryOp(u) => {
            let operand = convert_opt(u.expr(), span)?;
            match u.operator() {
                Some(ast::UnaryOpKind::Invert) => NodeKind::Not(operand),
                Some(ast::UnaryOpKind::Negate) => NodeKind::Negate(operand),
                None => return incomplete("syntax error: unknown operator", span),
            }
        }
        ast::Expr::Ident(i) => NodeKind::Ident(ident_symbol(&i)),
        ast::Expr::With(w) => NodeKind::With(
            convert_opt(w.namespace(), span)?,
            convert_opt(w.body(), span)?,
        ),
        ast::Expr::CurPos(_) => NodeKind::CurPos,
    };
    Ok(Node {
        kind,
        start: span.0,
        end: span.1,
    })
}

fn binop(op: ast::BinOpKind) -> BinOp {
    use ast::BinOpKind as K;
    match op {
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
    }
}

fn literal(l: &ast::Literal) -> Literal {
    match l.kind() {
        ast::LiteralKind::Integer(i) => match i.value() {
            Ok(n) => Literal::Int(n),
            Err(_) => Literal::BadInt(i.syntax().text().to_owned()),
        },
        ast::LiteralKind::Float(f) => match f.value() {
            Ok(x) => Literal::Float(x),
            Err(_) => Literal::BadFloat(f.syntax().text().to_owned()),
        },
        ast::LiteralKind::Uri(u) => Literal::Uri(u.syntax().text().to_owned()),
    }
}

fn string_parts(s: &ast::Str, span: (u32, u32)) -> CResult<Vec<StrPart>> {
    s.normalized_parts()
        .into_iter()
        .map(|part| match part {
            InterpolPart::Literal(text) => Ok(StrPart::Literal(text)),
            InterpolPart::Interpolation(i) => {
                Ok(StrPart::Interpolation(*convert_opt(i.expr(), span)?))
            }
        })
        .collect()
}

fn path(
    parts: Vec<InterpolPart<ast::PathContent>>,
    span: (u32, u32),
    flavour: PathFlavour,
) -> CResult<NodeKind> {
    let parts = parts
        .into_iter()
        .map(|part| match part {
            InterpolPart::Literal(content) => Ok(StrPart::Literal(content.text().to_owned())),
            InterpolPart::Interpolation(i) => {
                Ok(StrPart::Interpolation(*convert_opt(i.expr(), span)?))
            }
        })
        .collect::<CResult<_>>()?;
    Ok(NodeKind::Path { flavour, parts })
}

fn attrpath(path: Option<ast::Attrpath>, span: (u32, u32)) -> CResult<Vec<Attr>> {
    let Some(path) = path else {
        return incomplete("syntax error: missing attribute path", span);
    };
    path.attrs().map(|a| attr(a, span)).collect()
}

fn attr(a: ast::Attr, span: (u32, u32)) -> CResult<Attr> {
    let (start, end) = range(&a);
    let kind = match a {
        ast::Attr::Ident(i) => AttrKind::Ident(ident_symbol(&i)),
        ast::Attr::Str(s) => AttrKind::Str(string_parts(&s, (start, end))?),
        ast::Attr::Dynamic(d) => AttrKind::Dynamic(convert_opt(d.expr(), span)?),
    };
    Ok(Attr { kind, start, end })
}

fn lambda(l: &ast::Lambda, span: (u32, u32)) -> CResult<Lambda> {
    let Some(param) = l.param() else {
        return incomplete("syntax error: missing function parameter", span);
    };
    let param = match param {
        ast::Param::IdentParam(p) => match p.ident() {
            Some(i) => LambdaParam::Ident(ident_symbol(&i)),
            None => return incomplete("syntax error", span),
        },
        ast::Param::Pattern(p) => {
            let mut entries = Vec::new();
            for entry in p.pat_entries() {
                let Some(ident) = entry.ident() else {
                    return incomplete("syntax error in function arguments", span);
                };
                let (start, end) = range(&entry);
                entries.push(PatEntry {
                    name: ident_symbol(&ident),
                    default: entry.default().map(convert).transpose()?,
                    start,
                    end,
                });
            }
            LambdaParam::Pattern {
                entries,
                ellipsis: p.ellipsis_token().is_some(),
                bind: p
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .map(|i| ident_symbol(&i)),
            }
        }
    };
    Ok(Lambda {
        param,
        body: *convert_opt(l.body(), span)?,
    })
}

fn entries(items: impl Iterator<Item = ast::Entry>) -> CResult<Vec<Entry>> {
    items
        .map(|entry| match entry {
            ast::Entry::Inherit(inherit) => {
                let from = inherit
                    .from()
                    .and_then(|f| f.expr())
                    .map(convert)
                    .transpose()?;
                let attrs = inherit
                    .attrs()
                    .map(|a| {
                        let r = range(&a);
                        attr(a, r)
                    })
                    .collect::<CResult<_>>()?;
                Ok(Entry::Inherit { from, attrs })
            }
            ast::Entry::AttrpathValue(apv) => {
                let span = range(&apv);
                let Some(path) = apv.attrpath() else {
                    return incomplete("syntax error: missing attribute path", span);
                };
                let Some(value) = apv.value() else {
                    return incomplete("syntax error: missing value", span);
                };
                Ok(Entry::Value {
                    path: path
                        .attrs()
                        .map(|a| attr(a, span))
                        .collect::<CResult<_>>()?,
                    value: convert(value)?,
                    start: span.0,
                    end: span.1,
                })
            }
        })
        .collect()
}

/// The interned name of an identifier node, read from its token (`or` used as a name
/// is a keyword token inside the node).
fn ident_symbol(i: &ast::Ident) -> Symbol {
    match i.ident_token() {
        Some(token) => Symbol::intern(token.text()),
        None => Symbol::intern(&i.syntax().text().to_string()),
    }
}
