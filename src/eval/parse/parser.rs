//! The fast front end's recursive-descent parser.
//!
//! It follows rnix's grammar rule for rule (operator precedence and associativity, the
//! pattern lookahead after `{`, `or` as an identifier, the nesting limit) and records
//! the same spans, but it only accepts: at the first thing it does not expect it gives
//! up with `None`, and the caller re-parses with rnix to report the error.

use super::ast::{
    Attr, AttrKind, Entry, Lambda, LambdaParam, Literal, Node, NodeKind, PatEntry, PathFlavour,
};
use super::lexer::{Tok, Token, tokenize};
use super::strings::{RawPart, normalize};
use crate::eval::ir::BinOp;
use crate::eval::symbol::Symbol;

/// rnix refuses expressions nested deeper than this (an error we leave to it).
const MAX_EXPR_DEPTH: u32 = 512;

/// Parses a whole file or expression; `None` if rnix would report any error.
pub fn parse(text: &str) -> Option<Node> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens: &tokens,
        pos: 0,
        last_end: 0,
        depth: 0,
    };
    let root = parser.expr()?;
    (parser.pos == tokens.len()).then_some(root)
}

/// Gives up (the input is left to rnix).
type Accept<T> = Option<T>;

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// End of the last consumed token: where a node being finished ends.
    last_end: u32,
    depth: u32,
}

fn node(kind: NodeKind, start: u32, end: u32) -> Node {
    Node { kind, start, end }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Tok> {
        self.tokens.get(self.pos).map(|t| t.kind)
    }
    fn peek_ahead(&self, n: usize) -> Option<Tok> {
        self.tokens.get(self.pos + n).map(|t| t.kind)
    }
    fn start(&self) -> u32 {
        self.tokens
            .get(self.pos)
            .map_or(self.text.len() as u32, |t| t.start)
    }
    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos];
        self.pos += 1;
        self.last_end = t.end;
        t
    }
    fn expect(&mut self, kind: Tok) -> Accept<Token> {
        (self.peek() == Some(kind)).then(|| self.bump())
    }
    fn token_text(&self, t: Token) -> &'a str {
        &self.text[t.start as usize..t.end as usize]
    }

    /// `expr`: `let`, `with`, `if`, `assert`, or an operator expression.
    fn expr(&mut self) -> Accept<Node> {
        if self.depth >= MAX_EXPR_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.expr_inner());
        self.depth -= 1;
        out
    }

    fn expr_inner(&mut self) -> Accept<Node> {
        let start = self.start();
        match self.peek()? {
            Tok::Let => {
                self.bump();
                if self.peek() == Some(Tok::LBrace) {
                    self.bump();
                    let entries = self.entries(Tok::RBrace)?;
                    Some(node(NodeKind::LegacyLet(entries), start, self.last_end))
                } else {
                    let entries = self.entries(Tok::In)?;
                    let body = self.expr()?;
                    let end = body.end;
                    Some(node(NodeKind::LetIn(entries, Box::new(body)), start, end))
                }
            }
            Tok::With => {
                self.bump();
                let namespace = self.expr()?;
                self.expect(Tok::Semicolon)?;
                let body = self.expr()?;
                let end = body.end;
                Some(node(
                    NodeKind::With(Box::new(namespace), Box::new(body)),
                    start,
                    end,
                ))
            }
            Tok::If => {
                self.bump();
                let cond = self.expr()?;
                self.expect(Tok::Then)?;
                let then = self.expr()?;
                self.expect(Tok::Else)?;
                let else_ = self.expr()?;
                let end = else_.end;
                Some(node(
                    NodeKind::If(Box::new(cond), Box::new(then), Box::new(else_)),
                    start,
                    end,
                ))
            }
            Tok::Assert => {
                self.bump();
                let cond = self.expr()?;
                self.expect(Tok::Semicolon)?;
                let body = self.expr()?;
                let end = body.end;
                Some(node(
                    NodeKind::Assert(Box::new(cond), Box::new(body)),
                    start,
                    end,
                ))
            }
            _ => self.operators(),
        }
    }

    /// An operator expression. Most operands are followed by no operator at all: then
    /// the operand is the expression, without a descent through every level.
    fn operators(&mut self) -> Accept<Node> {
        if self.peek() == Some(Tok::Invert) {
            return self.binary(Level::PipeLeft);
        }
        let mut lhs = self.has_attr()?;
        if self.peek().is_none_or(|t| !t.is_binary_operator()) {
            return Some(lhs);
        }
        // Exactly what the descent would do with this first operand: finish each level
        // from the tightest up (`!` is not in front, so its level adds nothing).
        for level in [Level::Concat, Level::Mul, Level::Add] {
            lhs = self.finish_level(level, lhs)?;
        }
        for level in [
            Level::Update,
            Level::Compare,
            Level::Equal,
            Level::And,
            Level::Or,
            Level::Implication,
            Level::PipeRight,
            Level::PipeLeft,
        ] {
            lhs = self.finish_level(level, lhs)?;
        }
        Some(lhs)
    }

    /// One level of the operator table (loosest first).
    fn binary(&mut self, level: Level) -> Accept<Node> {
        match level {
            Level::Invert => return self.invert(),
            Level::HasAttr => return self.has_attr(),
            _ => {}
        }
        let lhs = self.binary(level.tighter())?;
        self.finish_level(level, lhs)
    }

    /// The operators of one level after its first operand `lhs`.
    fn finish_level(&mut self, level: Level, lhs: Node) -> Accept<Node> {
        let next = level.tighter();
        match level.assoc() {
            Assoc::Left => {
                let mut lhs = lhs;
                while let Some(op) = self.peek().and_then(|t| level.op(t)) {
                    self.bump();
                    let rhs = self.binary(next)?;
                    lhs = binary_node(op, lhs, rhs);
                }
                Some(lhs)
            }
            Assoc::None => match self.peek().and_then(|t| level.op(t)) {
                Some(op) => {
                    self.bump();
                    let rhs = self.binary(next)?;
                    Some(binary_node(op, lhs, rhs))
                }
                None => Some(lhs),
            },
            Assoc::Right => match self.peek().and_then(|t| level.op(t)) {
                Some(op) => {
                    self.bump();
                    let rhs =
                        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.binary(level))?;
                    Some(binary_node(op, lhs, rhs))
                }
                None => Some(lhs),
            },
        }
    }

    /// `!e` binds looser than arithmetic.
    fn invert(&mut self) -> Accept<Node> {
        if self.peek() != Some(Tok::Invert) {
            return self.binary(Level::Add);
        }
        let start = self.bump().start;
        let operand = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.invert())?;
        let end = operand.end;
        Some(node(NodeKind::Not(Box::new(operand)), start, end))
    }

    /// `e ? a.b`, repeatable.
    fn has_attr(&mut self) -> Accept<Node> {
        let mut subject = self.negate()?;
        while self.peek() == Some(Tok::Question) {
            self.bump();
            let path = self.attrpath()?;
            let start = subject.start;
            subject = node(
                NodeKind::HasAttr {
                    subject: Box::new(subject),
                    path,
                },
                start,
                self.last_end,
            );
        }
        Some(subject)
    }

    /// `-e` binds tighter than everything but application.
    fn negate(&mut self) -> Accept<Node> {
        if self.peek() != Some(Tok::Sub) {
            return self.application();
        }
        let start = self.bump().start;
        let operand = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.negate())?;
        let end = operand.end;
        Some(node(NodeKind::Negate(Box::new(operand)), start, end))
    }

    /// `f a b`: applications nest to the left.
    fn application(&mut self) -> Accept<Node> {
        let mut func = self.simple()?;
        while self.peek().is_some_and(Tok::starts_argument) {
            let arg = self.simple()?;
            let (start, end) = (func.start, arg.end);
            func = node(NodeKind::Apply(Box::new(func), Box::new(arg)), start, end);
        }
        Some(func)
    }

    /// A primary expression with its selections (`.a.b or d`).
    fn simple(&mut self) -> Accept<Node> {
        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.simple_inner())
    }

    fn simple_inner(&mut self) -> Accept<Node> {
        let start = self.start();
        let primary = match self.peek()? {
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(Tok::RParen)?;
                node(NodeKind::Paren(Box::new(inner)), start, self.last_end)
            }
            Tok::Rec => {
                self.bump();
                self.expect(Tok::LBrace)?;
                let entries = self.entries(Tok::RBrace)?;
                node(
                    NodeKind::AttrSet {
                        recursive: true,
                        entries,
                    },
                    start,
                    self.last_end,
                )
            }
            Tok::LBrace => {
                let looks_like_pattern = matches!(
                    (self.peek_ahead(1), self.peek_ahead(2)),
                    (
                        Some(Tok::Ident),
                        Some(Tok::Comma | Tok::Question | Tok::RBrace)
                    ) | (Some(Tok::Ellipsis), Some(Tok::RBrace))
                        | (Some(Tok::RBrace), Some(Tok::Colon | Tok::At))
                );
                self.bump();
                if looks_like_pattern {
                    let (entries, ellipsis) = self.pattern()?;
                    let bind = if self.peek() == Some(Tok::At) {
                        self.bump();
                        Some(self.ident()?)
                    } else {
                        None
                    };
                    self.lambda_body(
                        LambdaParam::Pattern {
                            entries,
                            ellipsis,
                            bind,
                        },
                        start,
                    )?
                } else {
                    let entries = self.entries(Tok::RBrace)?;
                    node(
                        NodeKind::AttrSet {
                            recursive: false,
                            entries,
                        },
                        start,
                        self.last_end,
                    )
                }
            }
            Tok::LBrack => {
                self.bump();
                let mut items = Vec::new();
                while self.peek()? != Tok::RBrack {
                    items.push(self.simple()?);
                }
                self.bump();
                node(NodeKind::List(items), start, self.last_end)
            }
            Tok::StrStart => {
                let parts = self.string()?;
                node(NodeKind::Str(parts), start, self.last_end)
            }
            Tok::PathSearch => {
                let t = self.bump();
                let text = self.token_text(t);
                node(
                    NodeKind::SearchPath(text[1..text.len() - 1].to_owned()),
                    start,
                    t.end,
                )
            }
            kind @ (Tok::PathAbs | Tok::PathRel | Tok::PathHome) => {
                let flavour = match kind {
                    Tok::PathAbs => PathFlavour::Abs,
                    Tok::PathRel => PathFlavour::Rel,
                    _ => PathFlavour::Home,
                };
                let parts = self.path_parts()?;
                node(NodeKind::Path { flavour, parts }, start, self.last_end)
            }
            Tok::Integer => {
                let t = self.bump();
                let text = self.token_text(t);
                let lit = match text.parse() {
                    Ok(n) => Literal::Int(n),
                    Err(_) => Literal::BadInt(text.to_owned()),
                };
                node(NodeKind::Literal(lit), start, t.end)
            }
            Tok::Float => {
                let t = self.bump();
                let text = self.token_text(t);
                let lit = match text.parse() {
                    Ok(x) => Literal::Float(x),
                    Err(_) => Literal::BadFloat(text.to_owned()),
                };
                node(NodeKind::Literal(lit), start, t.end)
            }
            Tok::Uri => {
                let t = self.bump();
                let text = self.token_text(t).to_owned();
                node(NodeKind::Literal(Literal::Uri(text)), start, t.end)
            }
            Tok::Ident => match self.peek_ahead(1) {
                Some(Tok::Colon) => {
                    let name = self.ident()?;
                    self.lambda_body(LambdaParam::Ident(name), start)?
                }
                Some(Tok::At) => {
                    let bind = self.ident()?;
                    self.bump();
                    self.expect(Tok::LBrace)?;
                    let (entries, ellipsis) = self.pattern()?;
                    if self.peek() == Some(Tok::At) {
                        return None;
                    }
                    self.lambda_body(
                        LambdaParam::Pattern {
                            entries,
                            ellipsis,
                            bind: Some(bind),
                        },
                        start,
                    )?
                }
                _ => {
                    let t = self.bump();
                    let text = self.token_text(t);
                    let kind = if text == "__curPos" {
                        NodeKind::CurPos
                    } else {
                        NodeKind::Ident(Symbol::intern(text))
                    };
                    node(kind, start, t.end)
                }
            },
            _ => return None,
        };
        match self.peek() {
            Some(Tok::Dot) => {
                self.bump();
                let path = self.attrpath()?;
                let default = if self.peek() == Some(Tok::Or) {
                    self.bump();
                    Some(Box::new(self.simple()?))
                } else {
                    None
                };
                Some(node(
                    NodeKind::Select {
                        subject: Box::new(primary),
                        path,
                        default,
                    },
                    start,
                    self.last_end,
                ))
            }
            Some(Tok::Or) => {
                // `f or` applies `f` to a variable named `or`, as Nix does.
                let t = self.bump();
                let arg = node(NodeKind::Ident(Symbol::intern("or")), t.start, t.end);
                Some(node(
                    NodeKind::Apply(Box::new(primary), Box::new(arg)),
                    start,
                    t.end,
                ))
            }
            _ => Some(primary),
        }
    }

    /// `: body` after a parameter; the lambda spans from `start`.
    fn lambda_body(&mut self, param: LambdaParam, start: u32) -> Accept<Node> {
        self.expect(Tok::Colon)?;
        let body = self.expr()?;
        let end = body.end;
        Some(node(
            NodeKind::Lambda(Box::new(Lambda { param, body })),
            start,
            end,
        ))
    }

    fn ident(&mut self) -> Accept<Symbol> {
        let t = self.expect(Tok::Ident)?;
        Some(Symbol::intern(self.token_text(t)))
    }

    /// A pattern's formals after its `{`, through its `}`; and whether it has `...`.
    fn pattern(&mut self) -> Accept<(Vec<PatEntry>, bool)> {
        let mut entries = Vec::new();
        if self.peek()? == Tok::RBrace {
            self.bump();
            return Some((entries, false));
        }
        loop {
            match self.peek()? {
                Tok::RBrace => {
                    self.bump();
                    return Some((entries, false));
                }
                Tok::Ellipsis => {
                    self.bump();
                    self.expect(Tok::RBrace)?;
                    return Some((entries, true));
                }
                Tok::Ident => {
                    let start = self.start();
                    let name = self.ident()?;
                    let default = if self.peek() == Some(Tok::Question) {
                        self.bump();
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    entries.push(PatEntry {
                        name,
                        default,
                        start,
                        end: self.last_end,
                    });
                    if self.peek() == Some(Tok::Comma) {
                        self.bump();
                    } else {
                        self.expect(Tok::RBrace)?;
                        return Some((entries, false));
                    }
                }
                _ => return None,
            }
        }
    }

    /// A set's (or `let`'s) entries through the closing `until` token.
    fn entries(&mut self, until: Tok) -> Accept<Vec<Entry>> {
        let mut entries = Vec::new();
        loop {
            match self.peek()? {
                t if t == until => {
                    self.bump();
                    return Some(entries);
                }
                Tok::Inherit => {
                    self.bump();
                    let from = if self.peek() == Some(Tok::LParen) {
                        self.bump();
                        let e = self.expr()?;
                        self.expect(Tok::RParen)?;
                        Some(e)
                    } else {
                        None
                    };
                    let mut attrs = Vec::new();
                    while self.peek()? != Tok::Semicolon {
                        attrs.push(self.attr()?);
                    }
                    self.bump();
                    entries.push(Entry::Inherit { from, attrs });
                }
                _ => {
                    let start = self.start();
                    let path = self.attrpath()?;
                    self.expect(Tok::Assign)?;
                    let value = self.expr()?;
                    self.expect(Tok::Semicolon)?;
                    entries.push(Entry::Value {
                        path,
                        value,
                        start,
                        end: self.last_end,
                    });
                }
            }
        }
    }

    fn attrpath(&mut self) -> Accept<Vec<Attr>> {
        let mut path = vec![self.attr()?];
        while self.peek() == Some(Tok::Dot) {
            self.bump();
            path.push(self.attr()?);
        }
        Some(path)
    }

    fn attr(&mut self) -> Accept<Attr> {
        let start = self.start();
        let kind = match self.peek()? {
            Tok::InterpolStart => {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::InterpolEnd)?;
                AttrKind::Dynamic(Box::new(e))
            }
            Tok::StrStart => AttrKind::Str(self.string()?),
            Tok::Ident | Tok::Or => {
                let t = self.bump();
                AttrKind::Ident(Symbol::intern(self.token_text(t)))
            }
            _ => return None,
        };
        Some(Attr {
            kind,
            start,
            end: self.last_end,
        })
    }

    /// A string from its opening quote through its closing one.
    fn string(&mut self) -> Accept<Vec<super::ast::StrPart>> {
        let open = self.expect(Tok::StrStart)?;
        let indented = self.token_text(open) == "''";
        let mut parts = Vec::new();
        loop {
            match self.peek()? {
                Tok::StrContent => {
                    let t = self.bump();
                    parts.push(RawPart::Literal(self.token_text(t)));
                }
                Tok::InterpolStart => {
                    self.bump();
                    let e = self.expr()?;
                    self.expect(Tok::InterpolEnd)?;
                    parts.push(RawPart::Interpolation(e));
                }
                Tok::StrEnd => {
                    self.bump();
                    return Some(normalize(parts, indented));
                }
                _ => return None,
            }
        }
    }

    /// A path's segments and interpolations (they touch: no trivia between them).
    fn path_parts(&mut self) -> Accept<Vec<super::ast::StrPart>> {
        let first = self.bump();
        let mut parts = vec![super::ast::StrPart::Literal(
            self.token_text(first).to_owned(),
        )];
        // Only a path followed at once by `${` continues; after an interpolation, path
        // segments and further interpolations that touch it belong to it.
        let continues = self
            .tokens
            .get(self.pos)
            .is_some_and(|t| t.kind == Tok::InterpolStart && t.start == first.end);
        if !continues {
            return Some(parts);
        }
        while let Some(&t) = self.tokens.get(self.pos) {
            if t.start != self.last_end {
                break;
            }
            match t.kind {
                Tok::PathAbs | Tok::PathRel | Tok::PathHome => {
                    self.bump();
                    parts.push(super::ast::StrPart::Literal(self.token_text(t).to_owned()));
                }
                Tok::InterpolStart => {
                    self.bump();
                    let e = self.expr()?;
                    self.expect(Tok::InterpolEnd)?;
                    parts.push(super::ast::StrPart::Interpolation(e));
                }
                _ => break,
            }
        }
        Some(parts)
    }
}

fn binary_node(op: BinOp, lhs: Node, rhs: Node) -> Node {
    let (start, end) = (lhs.start, rhs.end);
    node(
        NodeKind::Binary(op, Box::new(lhs), Box::new(rhs)),
        start,
        end,
    )
}

/// The binary operator levels, loosest first.
#[derive(Clone, Copy)]
enum Level {
    PipeLeft,
    PipeRight,
    Implication,
    Or,
    And,
    Equal,
    Compare,
    Update,
    Invert,
    Add,
    Mul,
    Concat,
    HasAttr,
}

enum Assoc {
    Left,
    Right,
    None,
}

impl Level {
    fn tighter(self) -> Level {
        match self {
            Level::PipeLeft => Level::PipeRight,
            Level::PipeRight => Level::Implication,
            Level::Implication => Level::Or,
            Level::Or => Level::And,
            Level::And => Level::Equal,
            Level::Equal => Level::Compare,
            Level::Compare => Level::Update,
            Level::Update => Level::Invert,
            Level::Invert => Level::Add,
            Level::Add => Level::Mul,
            Level::Mul => Level::Concat,
            Level::Concat | Level::HasAttr => Level::HasAttr,
        }
    }

    fn assoc(self) -> Assoc {
        match self {
            Level::PipeLeft | Level::Implication | Level::Update | Level::Concat => Assoc::Right,
            Level::Equal | Level::Compare => Assoc::None,
            _ => Assoc::Left,
        }
    }

    fn op(self, t: Tok) -> Option<BinOp> {
        Some(match (self, t) {
            (Level::PipeLeft, Tok::PipeLeft) => BinOp::PipeLeft,
            (Level::PipeRight, Tok::PipeRight) => BinOp::PipeRight,
            (Level::Implication, Tok::Implication) => BinOp::Implies,
            (Level::Or, Tok::OrOr) => BinOp::Or,
            (Level::And, Tok::And) => BinOp::And,
            (Level::Equal, Tok::Equal) => BinOp::Eq,
            (Level::Equal, Tok::NotEqual) => BinOp::NotEq,
            (Level::Compare, Tok::Less) => BinOp::Less,
            (Level::Compare, Tok::LessOrEq) => BinOp::LessEq,
            (Level::Compare, Tok::More) => BinOp::Greater,
            (Level::Compare, Tok::MoreOrEq) => BinOp::GreaterEq,
            (Level::Update, Tok::Update) => BinOp::Update,
            (Level::Add, Tok::Add) => BinOp::Add,
            (Level::Add, Tok::Sub) => BinOp::Sub,
            (Level::Mul, Tok::Mul) => BinOp::Mul,
            (Level::Mul, Tok::Div) => BinOp::Div,
            (Level::Concat, Tok::Concat) => BinOp::Concat,
            _ => return None,
        })
    }
}
