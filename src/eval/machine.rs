//! The evaluator: runs lowered expressions lazily.
//!
//! `eval` computes an expression to weak head normal form. Tail positions (`if`, `let`,
//! `with`, `assert`, calls of lambdas) loop instead of recursing, and the native stack grows
//! on demand (`stacker`), so deep but finite programs run; a depth limit turns runaway
//! recursion into an error instead of exhausting memory.

use super::error::{ErrorKind, EvalError, EvalResult};
use super::ir::{AttrKey, AttrsDef, BinOp, ExprKind, ExprRef, Param, StaticAttr, Var};
use super::literals::StringLiterals;
use super::lower::Lowerer;
use super::settings::Settings;
use super::source::{Origin, SourceMap, Span};
use super::symbol::{KnownSymbols, Symbol};
use super::value::{Attr, Attrs, Closure, Env, NixString, PrimOpApp, Thunk, ThunkState, Value};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::rc::Rc;

/// Evaluation frames deeper than this are reported as a stack overflow.
const MAX_DEPTH: usize = 1_000_000;
/// How deeply nested set and list literals are built eagerly by `delay` (deeper ones get a
/// thunk, so that generated deeply nested input cannot exhaust the native stack).
const MAX_EAGER_LITERAL_DEPTH: usize = 16;

thread_local! {
    /// The value of every `{ }` literal: values are immutable, so one is shared.
    static EMPTY_SET: Value = Value::attrs(Attrs::new());
    /// The value of every `[ ]` literal.
    static EMPTY_LIST: Value = Value::list(Vec::new());
}
/// The native stack is checked (and grown) every this many evaluation levels.
const STACK_CHECK_INTERVAL: usize = 8;
/// Stack that must remain at a check: enough for the frames until the next check.
const STACK_RED_ZONE: usize = 512 * 1024;
/// Size of each new stack segment.
const STACK_SEGMENT: usize = 16 * 1024 * 1024;

/// Evaluates Nix expressions. One evaluator owns its caches (imported files, parsed
/// sources) and its builtins.
pub struct Evaluator {
    pub sources: SourceMap,
    pub settings: Settings,
    pub sym: KnownSymbols,
    pub(crate) globals: FxHashMap<Symbol, Value>,
    pub(crate) import_cache: FxHashMap<String, Value>,
    /// Literal strings of every source lowered, shared by equal literals.
    string_literals: StringLiterals,
    /// State owned by builtins (regex cache, derivation hashes, …).
    pub(crate) builtin_state: super::builtins::BuiltinState,
    depth: usize,
    /// How many set or list literals `delay` is building eagerly right now (nested).
    eager_literals: usize,
    empty_env: Rc<Env>,
}

impl Evaluator {
    /// A new evaluator with the builtins installed.
    pub fn new(settings: Settings) -> Self {
        let mut ev = Evaluator {
            sources: SourceMap::default(),
            settings,
            sym: KnownSymbols::new(),
            globals: FxHashMap::default(),
            import_cache: FxHashMap::default(),
            string_literals: StringLiterals::default(),
            builtin_state: Default::default(),
            depth: 0,
            eager_literals: 0,
            empty_env: Rc::new(Env::new(None, 0)),
        };
        super::builtins::install(&mut ev);
        ev
    }

    /// Parses and lowers `text`. All syntax errors are reported together.
    pub fn parse(
        &mut self,
        text: &str,
        origin: Origin,
        base_dir: &str,
        prefix: Option<&[Symbol]>,
    ) -> EvalResult<ExprRef> {
        let file = self.sources.add(origin, text);
        let tree = match super::parse::parser::parse(text) {
            Some(tree) => tree,
            None => parse_with_rnix(text, file)?,
        };
        let mut lowerer = Lowerer::new(
            file,
            base_dir.to_owned(),
            &self.globals,
            &mut self.string_literals,
            prefix,
        );
        lowerer.lower_root(tree).map_err(|e| {
            let mut message = e.message;
            if let Some(loc) = e.previous.and_then(|p| self.sources.locate(p)) {
                message.push_str(&format!(
                    " at {}:{}:{}",
                    loc.file_name(),
                    loc.line,
                    loc.column
                ));
            }
            EvalError::new(ErrorKind::Parse, message, e.span)
        })
    }

    /// Parses and evaluates an expression given as text, resolving relative paths against
    /// `base_dir`.
    pub fn eval_string(&mut self, text: &str, base_dir: &str) -> EvalResult<Value> {
        let expr = self.parse(text, Origin::String, base_dir, None)?;
        let env = self.empty_env.clone();
        self.eval(expr, &env)
    }

    /// Evaluates the file at `path` (a directory means its `default.nix`), like `import`.
    pub fn eval_file(&mut self, path: &str) -> EvalResult<Value> {
        self.import_path(path, Span::NONE)
    }

    /// The environment with no variables, for top-level expressions.
    pub fn empty_env(&self) -> Rc<Env> {
        self.empty_env.clone()
    }

    /// Evaluates `expr` in `env` to weak head normal form.
    pub fn eval(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        self.depth += 1;
        let result = if self.depth & (STACK_CHECK_INTERVAL - 1) != 0 {
            self.eval_loop(expr, env)
        } else if self.depth > MAX_DEPTH {
            Err(EvalError::new(
                ErrorKind::Other,
                "stack overflow (possible infinite recursion)",
                expr.span,
            ))
        } else {
            // Checking the native stack on every call costs time; every few levels is
            // enough because the red zone covers the frames in between.
            stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.eval_loop(expr, env))
        };
        self.depth -= 1;
        result
    }

    /// Runs `f` one level deeper, for code that recurses over values (equality, string
    /// coercion, serialisation) rather than through [`Evaluator::eval`]: the level counts
    /// towards the depth limit and the native stack grows on demand, so a cyclic value
    /// (`let x = [ x ]; in x == x`) ends in an error instead of overflowing the stack.
    pub fn nested<T>(
        &mut self,
        span: Span,
        f: impl FnOnce(&mut Self) -> EvalResult<T>,
    ) -> EvalResult<T> {
        self.depth += 1;
        let result = if self.depth > MAX_DEPTH {
            Err(EvalError::new(
                ErrorKind::Other,
                "stack overflow (possible infinite recursion)",
                span,
            ))
        } else {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || f(self))
        };
        self.depth -= 1;
        result
    }

    /// Evaluates leaves (literals, local variables) in place and everything else through
    /// [`Evaluator::eval`]; used where operands are usually leaves.
    #[inline(always)]
    fn eval_leaf(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        match &expr.kind {
            // An operation on two leaves (`n < 2`, `n - 1`) cannot recurse, so it needs no
            // trip through `eval`'s depth and stack checks.
            ExprKind::Binary { op, lhs, rhs } if is_leaf(lhs) && is_leaf(rhs) => {
                self.eval_binary(*op, lhs, rhs, env, expr.span)
            }
            _ => self.eval_operand(expr, env),
        }
    }

    /// A function argument: [`Evaluator::delay`], with its arithmetic shortcut inlined
    /// (`f (n - 1)` is the common case).
    #[inline(always)]
    fn delay_arg(&mut self, expr: ExprRef, env: &Rc<Env>) -> Value {
        if let Some(r) = known_arith(expr, env) {
            return Value::Int(r);
        }
        self.delay(expr, env)
    }

    /// An argument of a full call to a builtin. For builtins that force all their
    /// arguments it is evaluated now rather than put in a thunk. If that fails, a thunk is
    /// passed instead, so the error surfaces exactly where the builtin would have raised
    /// it (evaluation is pure, so a success gives the value forcing would have given).
    #[inline(always)]
    fn primop_arg(&mut self, strict: bool, expr: ExprRef, env: &Rc<Env>) -> Value {
        if !strict || matches!(expr.kind, ExprKind::Literal(_) | ExprKind::Var(_)) {
            return self.delay_arg(expr, env);
        }
        match self.eval(expr, env) {
            Ok(v) => v,
            Err(_) => Thunk::pending(expr, env.clone()),
        }
    }

    fn eval_loop(&mut self, mut expr: ExprRef, env0: &Rc<Env>) -> EvalResult<Value> {
        // The environment is only owned (and reference-counted) once a tail position
        // switches to a new one.
        let mut owned: Option<Rc<Env>> = None;
        // Calls in tail position loop here instead of nesting, so they count towards the
        // depth limit themselves: `let f = x: f x; in f 1` must end, like deep recursion.
        let mut tail_calls = 0usize;
        loop {
            let env = owned.as_ref().unwrap_or(env0);
            match &expr.kind {
                ExprKind::Literal(v) => return Ok(v.clone()),
                ExprKind::Var(var) => return self.eval_var(var, env, expr.span),
                ExprKind::If { cond, then, else_ } => {
                    let c = match known_comparison(cond, env) {
                        Some(c) => c,
                        None => match self.eval_leaf(cond, env)? {
                            Value::Bool(c) => c,
                            other => {
                                return Err(self.type_error("a Boolean", &other, cond.span));
                            }
                        },
                    };
                    expr = if c { then } else { else_ };
                }
                ExprKind::Let { bindings, body } => {
                    let new_env = Rc::new(Env::new(Some(env.clone()), bindings.len()));
                    for (i, b) in bindings.iter().enumerate() {
                        let v = self.delay(b, &new_env);
                        new_env.set(i, v);
                    }
                    owned = Some(new_env);
                    expr = body;
                }
                ExprKind::With { namespace, body } => {
                    let ns = self.delay(namespace, env);
                    owned = Some(Rc::new(Env::with_value(Some(env.clone()), ns)));
                    expr = body;
                }
                ExprKind::Assert { cond, body } => {
                    match self.eval(cond, env)? {
                        Value::Bool(true) => {}
                        Value::Bool(false) => {
                            return Err(EvalError::new(
                                ErrorKind::Assertion,
                                self.assertion_message(cond.span),
                                expr.span,
                            ));
                        }
                        other => return Err(self.type_error("a Boolean", &other, cond.span)),
                    }
                    expr = body;
                }
                ExprKind::Apply { .. } | ExprKind::Apply1 { .. } => {
                    let (func, args) = expr
                        .kind
                        .application()
                        .unwrap_or_else(|| unreachable!("an application"));
                    let mut f = self.eval_leaf(func, env)?;
                    if let Value::PrimOp(op) = f
                        && op.arity == args.len()
                    {
                        let span = expr.span;
                        let strict = op.strict;
                        return match args {
                            [a] => {
                                let a = self.primop_arg(strict, a, env);
                                (op.func)(self, &[a], span)
                            }
                            [a, b] => {
                                let a = self.primop_arg(strict, a, env);
                                let b = self.primop_arg(strict, b, env);
                                (op.func)(self, &[a, b], span)
                            }
                            [a, b, c] => {
                                let a = self.primop_arg(strict, a, env);
                                let b = self.primop_arg(strict, b, env);
                                let c = self.primop_arg(strict, c, env);
                                (op.func)(self, &[a, b, c], span)
                            }
                            _ => {
                                let values: SmallVec<[Value; 4]> = args
                                    .iter()
                                    .map(|a| self.primop_arg(strict, a, env))
                                    .collect();
                                (op.func)(self, &values, span)
                            }
                        };
                    }
                    let (last, init) = args
                        .split_last()
                        .unwrap_or_else(|| unreachable!("an application has arguments"));
                    for a in init {
                        let a = self.delay_arg(a, env);
                        f = self.call(f, a, expr.span)?;
                    }
                    let a = self.delay_arg(last, env);
                    match f {
                        Value::Lambda(closure) => {
                            tail_calls += 1;
                            if self.depth.saturating_add(tail_calls) > MAX_DEPTH {
                                return Err(EvalError::new(
                                    ErrorKind::Other,
                                    "stack overflow (possible infinite recursion)",
                                    expr.span,
                                ));
                            }
                            // A plain parameter cannot fail to bind: no call needed.
                            let new_env = if let Param::Ident(_) = closure.def.param {
                                Rc::new(Env::with_value(Some(closure.env.clone()), a))
                            } else {
                                self.bind_args(&closure, a, expr.span)
                                    .map_err(|e| self.call_frame(e, &closure, expr.span))?
                            };
                            owned = Some(new_env);
                            expr = closure.def.body;
                        }
                        other => return self.call(other, a, expr.span),
                    }
                }
                ExprKind::Binary { op, lhs, rhs } => {
                    return self.eval_binary(*op, lhs, rhs, env, expr.span);
                }
                _ => return self.eval_other(expr, env),
            }
        }
    }

    #[inline(never)]
    fn eval_other(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::SearchPath(p) => self.find_in_search_path(p, span),
            ExprKind::Select { subject, path } => self.eval_select(subject, path, None, env, span),
            ExprKind::SelectLocal {
                depth,
                slot,
                name_len,
                path,
            } => {
                let subject = self.local_subject(env, *depth, *slot, *name_len, span)?;
                self.select_path(subject, path, None, env, span)
            }
            ExprKind::SelectLocalName {
                depth,
                slot,
                name_len,
                name,
            } => {
                let subject = self.local_subject(env, *depth, *slot, *name_len, span)?;
                self.select_path(subject, &[AttrKey::Static(*name)], None, env, span)
            }
            ExprKind::SelectLocalName2 {
                depth,
                slot,
                name_len,
                names: [first, second],
            } => {
                let subject = self.local_subject(env, *depth, *slot, *name_len, span)?;
                let path = [AttrKey::Static(*first), AttrKey::Static(*second)];
                self.select_path(subject, &path, None, env, span)
            }
            ExprKind::SelectOr(s) => {
                self.eval_select(s.subject, &s.path, Some(s.default), env, span)
            }
            ExprKind::HasAttr { subject, path } => {
                let mut v = self.eval(subject, env)?;
                for (i, key) in path.iter().enumerate() {
                    let name = match self.attr_key(key, env)? {
                        Some(n) => n,
                        None => return Ok(Value::Bool(false)),
                    };
                    let Value::Attrs(attrs) = v else {
                        return Ok(Value::Bool(false));
                    };
                    match attrs.get(name) {
                        // Only the sets along the path are forced, not the final value.
                        Some(_) if i + 1 == path.len() => return Ok(Value::Bool(true)),
                        Some(inner) => v = self.force(inner)?,
                        None => return Ok(Value::Bool(false)),
                    }
                }
                Ok(Value::Bool(true))
            }
            ExprKind::Lambda(def) => Ok(Value::Lambda(Rc::new(Closure {
                def,
                env: env.clone(),
            }))),
            ExprKind::Attrs(_) | ExprKind::RecAttrs(_) | ExprKind::List(_) => {
                Ok(self.literal(expr, env))
            }
            ExprKind::DynamicAttrs(def) => self.eval_dynamic_attrs(def, env),
            ExprKind::Binary { op, lhs, rhs } => self.eval_binary(*op, lhs, rhs, env, span),
            ExprKind::Not(e) => match self.eval(e, env)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => Err(self.type_error("a Boolean", &other, e.span)),
            },
            ExprKind::Negate(e) => {
                let v = self.eval(e, env)?;
                self.arith(BinOp::Sub, Value::Int(0), v, span)
            }
            ExprKind::Interpolate(parts) => self.eval_interpolation(parts, env, span),
            ExprKind::InterpolatePath(parts) => {
                let mut out = String::new();
                for (i, part) in parts.iter().enumerate() {
                    let v = self.eval(part, env)?;
                    if i == 0
                        && let Value::Path(p) = &v
                    {
                        out.push_str(p);
                        continue;
                    }
                    let s = self.coerce_to_string(&v, part.span, CoerceOpts::interpolation())?;
                    if !s.context.is_empty() {
                        return Err(EvalError::new(
                            ErrorKind::Other,
                            "a string that refers to a store path cannot be appended to a path",
                            part.span,
                        ));
                    }
                    out.push_str(&s.text);
                }
                Ok(Value::Path(Rc::from(super::path::canonicalise(&out))))
            }
            ExprKind::CurPos => Ok(self.position_attrs(span)),
            ExprKind::Literal(_)
            | ExprKind::Var(_)
            | ExprKind::If { .. }
            | ExprKind::Let { .. }
            | ExprKind::With { .. }
            | ExprKind::Assert { .. }
            | ExprKind::Apply { .. }
            | ExprKind::Apply1 { .. } => self.eval_loop(expr, env),
        }
    }

    /// The value of a set or list literal without `${…}` names (`expr` is one): its
    /// attributes or items delayed. Cannot fail: nothing is evaluated.
    fn literal(&mut self, expr: ExprRef, env: &Rc<Env>) -> Value {
        match &expr.kind {
            ExprKind::Attrs(attrs) if attrs.is_empty() => EMPTY_SET.with(Value::clone),
            ExprKind::Attrs(attrs) => Value::attrs(self.static_attrs(attrs, false, 0, env)),
            ExprKind::RecAttrs(attrs) => {
                let venv = Self::rec_env(env, attrs.len());
                Value::attrs(self.static_attrs(attrs, true, 0, &venv))
            }
            ExprKind::List(items) if items.is_empty() => EMPTY_LIST.with(Value::clone),
            ExprKind::List(items) => {
                Value::list(items.iter().map(|e| self.delay(e, env)).collect())
            }
            _ => unreachable!("not a set or list literal"),
        }
    }

    /// A literal's static attributes, their values delayed in `venv` (for `recursive`
    /// sets, their own new environment, whose slots they fill), with room for `extra` more.
    fn static_attrs(
        &mut self,
        attrs: &'static [StaticAttr],
        recursive: bool,
        extra: usize,
        venv: &Rc<Env>,
    ) -> Attrs {
        let mut entries = Vec::with_capacity(attrs.len() + extra);
        for (i, a) in attrs.iter().enumerate() {
            let v = self.delay(a.value, venv);
            if recursive {
                venv.set(i, v.clone());
            }
            entries.push(Attr {
                name: a.name,
                value: v,
                pos: a.pos,
            });
        }
        Attrs::from_sorted(entries)
    }

    /// The environment of a `rec` set with `len` attributes.
    fn rec_env(env: &Rc<Env>, len: usize) -> Rc<Env> {
        Rc::new(Env::new(Some(env.clone()), len))
    }

    /// The set of a literal with `${name} = …` entries.
    fn eval_dynamic_attrs(&mut self, def: &'static AttrsDef, env: &Rc<Env>) -> EvalResult<Value> {
        let venv = if def.recursive {
            Self::rec_env(env, def.attrs.len())
        } else {
            env.clone()
        };
        let mut attrs = self.static_attrs(&def.attrs, def.recursive, def.dynamic.len(), &venv);
        for d in def.dynamic.iter() {
            let name = self.eval(d.name, &venv)?;
            let name = match name {
                Value::Null => continue,
                other => self.expect_string_no_ctx(&other, d.name.span)?,
            };
            let sym = Symbol::intern(&name);
            if attrs.get(sym).is_some() {
                return Err(EvalError::new(
                    ErrorKind::Other,
                    format!("dynamic attribute '{name}' already defined"),
                    d.span,
                ));
            }
            let v = self.delay(d.value, &venv);
            attrs.insert(sym, v, d.span);
        }
        Ok(Value::attrs(attrs))
    }

    #[inline(never)]
    fn eval_var(&mut self, var: &Var, env: &Rc<Env>, span: Span) -> EvalResult<Value> {
        match var {
            Var::Local { depth, slot } => {
                let target = env.ancestor(*depth);
                match target.get(*slot as usize) {
                    Some(Value::Thunk(t)) => self.force_thunk(t),
                    Some(v) => Ok(v.clone()),
                    None => Err(EvalError::new(
                        ErrorKind::InfiniteRecursion,
                        "infinite recursion encountered",
                        span,
                    )),
                }
            }
            Var::With { name, withs } => {
                for &depth in withs.iter() {
                    let wenv = env.ancestor(depth).clone();
                    let ns = wenv.get(0).cloned().unwrap_or(Value::Null);
                    let ns = self.force(&ns)?;
                    let Value::Attrs(attrs) = ns else {
                        return Err(self.type_error("a set", &ns, span));
                    };
                    if let Some(v) = attrs.get(*name) {
                        let v = v.clone();
                        return self.force(&v);
                    }
                }
                Err(EvalError::new(
                    ErrorKind::Other,
                    format!("undefined variable '{name}'"),
                    span,
                ))
            }
        }
    }

    /// Makes a value for `expr` without evaluating it: literals and variables are used
    /// directly (as Nix does), everything else becomes a thunk.
    pub fn delay(&mut self, expr: ExprRef, env: &Rc<Env>) -> Value {
        match &expr.kind {
            ExprKind::Literal(v) => v.clone(),
            ExprKind::Var(Var::Local { depth, slot }) => {
                match env.ancestor(*depth).get(*slot as usize) {
                    Some(v) => v.clone(),
                    None => Thunk::pending(expr, env.clone()),
                }
            }
            // A function is a value already: making it cannot fail or diverge, and
            // costs one allocation like the thunk it saves (every `lib.f` is one).
            ExprKind::Lambda(def) => Value::Lambda(Rc::new(Closure {
                def,
                env: env.clone(),
            })),
            // `lib.types.str`: when the subject and every set on the way are evaluated and
            // have the attributes, the selected value (evaluated or not) is shared rather
            // than wrapped in a new thunk. Nothing is forced, so this cannot fail.
            ExprKind::Select { subject, path } => match known_select(subject, path, env) {
                Some(v) => v,
                None => Thunk::pending(expr, env.clone()),
            },
            ExprKind::SelectLocal {
                depth, slot, path, ..
            } => match known_local_select(*depth, *slot, path, env) {
                Some(v) => v,
                None => Thunk::pending(expr, env.clone()),
            },
            ExprKind::SelectLocalName {
                depth, slot, name, ..
            } => match known_local_select(*depth, *slot, &[AttrKey::Static(*name)], env) {
                Some(v) => v,
                None => Thunk::pending(expr, env.clone()),
            },
            ExprKind::SelectLocalName2 {
                depth,
                slot,
                names: [first, second],
                ..
            } => {
                let path = [AttrKey::Static(*first), AttrKey::Static(*second)];
                match known_local_select(*depth, *slot, &path, env) {
                    Some(v) => v,
                    None => Thunk::pending(expr, env.clone()),
                }
            }
            // A set or list literal (without `${…}` names) is built at once: building it
            // cannot fail or diverge (its values are delayed in turn), it is nearly always
            // used, and the thunk it saves would stay in front of it for good. Nested
            // literals are built eagerly only a few levels deep (the native stack).
            ExprKind::Attrs(_) | ExprKind::RecAttrs(_) | ExprKind::List(_)
                if self.eager_literals < MAX_EAGER_LITERAL_DEPTH =>
            {
                self.eager_literals += 1;
                let value = self.literal(expr, env);
                self.eager_literals -= 1;
                value
            }
            // Integer arithmetic on values that are already known is done at once, saving
            // a thunk (checked, so it cannot fail or diverge; overflow stays lazy).
            ExprKind::Binary { .. } => match known_arith(expr, env) {
                Some(r) => Value::Int(r),
                None => Thunk::pending(expr, env.clone()),
            },
            _ => Thunk::pending(expr, env.clone()),
        }
    }

    /// Forces a value to weak head normal form.
    #[inline]
    pub fn force(&mut self, v: &Value) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => self.force_thunk(t),
            other => Ok(other.clone()),
        }
    }

    #[inline(never)]
    fn force_thunk(&mut self, t: &Rc<Thunk>) -> EvalResult<Value> {
        if let Some(v) = t.evaluated() {
            return Ok(v);
        }
        if let Some(span) = t.blackhole() {
            return Err(EvalError::new(
                ErrorKind::InfiniteRecursion,
                "infinite recursion encountered",
                span,
            ));
        }
        let span = match t.replace(ThunkState::Blackhole(Span::NONE)) {
            ThunkState::Pending(e, env) => {
                t.set(ThunkState::Blackhole(e.span));
                let result = self.eval(e, &env);
                return self.finish_thunk(t, result, ThunkState::Pending(e, env));
            }
            ThunkState::Apply(app) => {
                let (f, a) = &*app;
                let result = self
                    .force(f)
                    .and_then(|g| self.call(g, a.clone(), Span::NONE));
                return self.finish_thunk(t, result, ThunkState::Apply(app));
            }
            ThunkState::Native(op, x, y) => {
                let args = [Value::Int(x.into()), Value::Int(y.into())];
                let result = (op.func)(self, &args, Span::NONE);
                return self.finish_thunk(t, result, ThunkState::Native(op, x, y));
            }
            ThunkState::Select(sel) => {
                let result = self.select_attr(&sel.0, sel.1, Span::NONE);
                return self.finish_thunk(t, result, ThunkState::Select(sel));
            }
            ThunkState::Blackhole(span) => span,
            ThunkState::Evaluated(v) => {
                t.set(ThunkState::Evaluated(v.clone()));
                return Ok(v);
            }
        };
        Err(EvalError::new(
            ErrorKind::InfiniteRecursion,
            "infinite recursion encountered",
            span,
        ))
    }

    /// Stores a thunk's result; on an error the thunk gets its original state back, so
    /// forcing it again re-raises the error (and `tryEval` can retry).
    #[inline]
    fn finish_thunk(
        &mut self,
        t: &Rc<Thunk>,
        result: EvalResult<Value>,
        original: ThunkState,
    ) -> EvalResult<Value> {
        match result {
            Ok(v) => {
                t.set(ThunkState::Evaluated(v.clone()));
                Ok(v)
            }
            Err(e) => {
                t.set(original);
                Err(e)
            }
        }
    }

    /// Forces a value and everything inside it (`deepSeq`, `--strict`).
    pub fn force_deep(&mut self, v: &Value) -> EvalResult<Value> {
        let mut seen = rustc_hash::FxHashSet::default();
        let forced = self.force(v)?;
        self.force_deep_inner(&forced, &mut seen)?;
        Ok(forced)
    }

    fn force_deep_inner(
        &mut self,
        v: &Value,
        seen: &mut rustc_hash::FxHashSet<usize>,
    ) -> EvalResult<()> {
        match v {
            Value::Attrs(a) => {
                if !seen.insert(Rc::as_ptr(a) as usize) {
                    return Ok(());
                }
                for attr in a.entries() {
                    let inner = self.force(&attr.value).map_err(|e| {
                        e.with_frame(
                            attr.span(),
                            format!("while evaluating the attribute '{}'", attr.name),
                        )
                    })?;
                    stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
                        self.force_deep_inner(&inner, seen)
                    })
                    .map_err(|e| {
                        e.with_frame(
                            attr.span(),
                            format!("while evaluating the attribute '{}'", attr.name),
                        )
                    })?;
                }
                Ok(())
            }
            Value::List(l) => {
                if !seen.insert(Rc::as_ptr(l) as usize) {
                    return Ok(());
                }
                for item in &l.0 {
                    let inner = self.force(item)?;
                    stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
                        self.force_deep_inner(&inner, seen)
                    })?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Applies a function value to an argument.
    pub fn call(&mut self, f: Value, arg: Value, span: Span) -> EvalResult<Value> {
        match f {
            Value::Lambda(closure) => {
                let env = self
                    .bind_args(&closure, arg, span)
                    .map_err(|e| self.call_frame(e, &closure, span))?;
                self.eval(closure.def.body, &env)
                    .map_err(|e| self.call_frame(e, &closure, span))
            }
            Value::PrimOp(op) => {
                if op.arity == 1 {
                    (op.func)(self, &[arg], span)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp {
                        op,
                        args: vec![arg],
                    })))
                }
            }
            Value::PrimOpApp(app) => {
                let mut args = Vec::with_capacity(app.args.len() + 1);
                args.extend_from_slice(&app.args);
                args.push(arg);
                if args.len() == app.op.arity {
                    (app.op.func)(self, &args, span)
                } else {
                    Ok(Value::PrimOpApp(Rc::new(PrimOpApp { op: app.op, args })))
                }
            }
            Value::Attrs(ref attrs) if attrs.get(self.sym.functor).is_some() => {
                let functor = attrs.get(self.sym.functor).cloned().unwrap_or(Value::Null);
                let functor = self.force(&functor)?;
                let g = self.nested(span, |ev| ev.call(functor, f.clone(), span))?;
                let g = self.force(&g)?;
                self.nested(span, |ev| ev.call(g, arg, span))
            }
            Value::Thunk(_) => {
                let f = self.force(&f)?;
                self.nested(span, |ev| ev.call(f, arg, span))
            }
            other => Err(EvalError::new(
                ErrorKind::Other,
                format!(
                    "attempt to call something which is not a function but {}",
                    other.type_description()
                ),
                span,
            )),
        }
    }

    /// Calls `f` with two arguments.
    pub fn call2(&mut self, f: &Value, a: Value, b: Value, span: Span) -> EvalResult<Value> {
        let g = self.call(f.clone(), a, span)?;
        self.call(g, b, span)
    }

    #[cold]
    #[inline(never)]
    fn call_frame(&self, e: Box<EvalError>, closure: &Closure, span: Span) -> Box<EvalError> {
        if !span.is_known() {
            return e;
        }
        let what = match closure.def.name {
            Some(n) => format!("while calling '{n}'"),
            None => "while calling anonymous lambda".to_owned(),
        };
        e.with_frame(span, what)
    }

    #[inline(never)]
    fn bind_args(&mut self, closure: &Closure, arg: Value, span: Span) -> EvalResult<Rc<Env>> {
        let def = closure.def;
        match &def.param {
            Param::Ident(_) => Ok(Rc::new(Env::with_value(Some(closure.env.clone()), arg))),
            Param::Pattern {
                formals,
                ellipsis,
                bind,
            } => {
                let forced = self.force(&arg)?;
                let Value::Attrs(attrs) = &forced else {
                    return Err(self.type_error("a set", &forced, span));
                };
                let env = Rc::new(Env::new(Some(closure.env.clone()), def.slot_count()));
                let mut used = 0usize;
                for (i, formal) in formals.iter().enumerate() {
                    match attrs.get(formal.name) {
                        Some(v) => {
                            env.set(i, v.clone());
                            used += 1;
                        }
                        None => match formal.default {
                            Some(d) => {
                                let v = self.delay(d, &env);
                                env.set(i, v);
                            }
                            None => {
                                return Err(EvalError::new(
                                    ErrorKind::Other,
                                    format!(
                                        "{} called without required argument '{}'",
                                        function_name(closure),
                                        formal.name
                                    ),
                                    span,
                                ));
                            }
                        },
                    }
                }
                if !ellipsis
                    && used < attrs.len()
                    && let Some(extra) = attrs
                        .sorted_by_name()
                        .into_iter()
                        .find(|a| !formals.iter().any(|f| f.name == a.name))
                {
                    return Err(EvalError::new(
                        ErrorKind::Other,
                        format!(
                            "{} called with unexpected argument '{}'",
                            function_name(closure),
                            extra.name
                        ),
                        span,
                    ));
                }
                if bind.is_some() {
                    env.set(formals.len(), forced.clone());
                }
                Ok(env)
            }
        }
    }

    fn attr_key(&mut self, key: &AttrKey, env: &Rc<Env>) -> EvalResult<Option<Symbol>> {
        match key {
            AttrKey::Static(s) => Ok(Some(*s)),
            AttrKey::Dynamic(e) => {
                let v = self.eval(e, env)?;
                if let Value::Null = v {
                    return Ok(None);
                }
                let s = self.expect_string_no_ctx(&v, e.span)?;
                Ok(Some(Symbol::intern(&s)))
            }
        }
    }

    fn eval_select(
        &mut self,
        subject: ExprRef,
        path: &[AttrKey],
        default: Option<ExprRef>,
        env: &Rc<Env>,
        span: Span,
    ) -> EvalResult<Value> {
        let v = self.eval(subject, env)?;
        self.select_path(v, path, default, env, span)
    }

    /// The value of the local variable a [`ExprKind::SelectLocal`] selects from; the
    /// variable spans `name_len` bytes from the start of the selection's `span`.
    fn local_subject(
        &mut self,
        env: &Rc<Env>,
        depth: u32,
        slot: u32,
        name_len: u32,
        span: Span,
    ) -> EvalResult<Value> {
        match env.ancestor(depth).get(slot as usize) {
            Some(Value::Thunk(t)) => self.force_thunk(t),
            Some(v) => Ok(v.clone()),
            None => Err(EvalError::new(
                ErrorKind::InfiniteRecursion,
                "infinite recursion encountered",
                Span {
                    end: span.start + name_len,
                    ..span
                },
            )),
        }
    }

    /// Follows `path` from the value `v` (`default` if an attribute is missing).
    fn select_path(
        &mut self,
        mut v: Value,
        path: &[AttrKey],
        default: Option<ExprRef>,
        env: &Rc<Env>,
        span: Span,
    ) -> EvalResult<Value> {
        for key in path {
            let name = self.attr_key(key, env)?;
            let found = match (&v, name) {
                (Value::Attrs(attrs), Some(n)) => attrs.get(n).cloned(),
                _ => None,
            };
            match found {
                Some(inner) => v = self.force(&inner)?,
                None => {
                    if let Some(d) = default {
                        return self.eval(d, env);
                    }
                    let name = name.map(|n| n.as_str()).unwrap_or("null");
                    return Err(match &v {
                        Value::Attrs(attrs) => self.missing_attr_error(attrs, name, span),
                        other => EvalError::new(
                            ErrorKind::Other,
                            format!(
                                "value is {} while a set was expected",
                                other.type_description()
                            ),
                            span,
                        ),
                    });
                }
            }
        }
        Ok(v)
    }

    /// `attrs.name` for a value that must be a set.
    pub fn select_attr(&mut self, v: &Value, name: Symbol, span: Span) -> EvalResult<Value> {
        let v = self.force(v)?;
        let Value::Attrs(attrs) = &v else {
            return Err(self.type_error("a set", &v, span));
        };
        match attrs.get(name) {
            Some(inner) => {
                let inner = inner.clone();
                self.force(&inner)
            }
            None => Err(self.missing_attr_error(attrs, name.as_str(), span)),
        }
    }

    #[cold]
    #[inline(never)]
    fn missing_attr_error(&self, attrs: &Attrs, name: &str, span: Span) -> Box<EvalError> {
        let mut msg = format!("attribute '{name}' missing");
        let suggestions =
            super::suggest::similar(name, attrs.entries().iter().map(|a| a.name.as_str()));
        if !suggestions.is_empty() {
            let list: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
            msg.push_str(&format!("; did you mean {}?", list.join(" or ")));
        }
        EvalError::new(ErrorKind::Other, msg, span)
    }

    /// The error for a value of the wrong type.
    #[cold]
    #[inline(never)]
    pub fn type_error(&self, expected: &str, got: &Value, span: Span) -> Box<EvalError> {
        EvalError::new(
            ErrorKind::Other,
            format!(
                "value is {} while {} was expected",
                got.type_description(),
                expected
            ),
            span,
        )
    }

    /// The message of a failed assertion whose condition spans `span`: the condition's
    /// text, or none when its file has changed since it was parsed.
    #[cold]
    #[inline(never)]
    pub fn assertion_message(&self, span: Span) -> String {
        match self.sources.span_text(span) {
            Some(text) => format!("assertion '{text}' failed"),
            None => "assertion failed".to_owned(),
        }
    }

    /// `{ file, line, column }` for `span` (`__curPos`, `unsafeGetAttrPos`).
    pub fn position_attrs(&self, span: Span) -> Value {
        let Some(loc) = self.sources.locate(span) else {
            return Value::Null;
        };
        let mut attrs = Attrs::with_capacity(3);
        attrs.insert(self.sym.file, Value::string(loc.file_name()), Span::NONE);
        attrs.insert(self.sym.line, Value::Int(loc.line as i64), Span::NONE);
        attrs.insert(self.sym.column, Value::Int(loc.column as i64), Span::NONE);
        Value::attrs(attrs)
    }

    /// Binary operators. The strict ones evaluate both operands; integers are handled here
    /// with a small frame, everything else out of line.
    #[inline(never)]
    fn eval_binary(
        &mut self,
        op: BinOp,
        lhs: ExprRef,
        rhs: ExprRef,
        env: &Rc<Env>,
        span: Span,
    ) -> EvalResult<Value> {
        if matches!(
            op,
            BinOp::And | BinOp::Or | BinOp::Implies | BinOp::PipeRight | BinOp::PipeLeft
        ) {
            return self.eval_binary_lazy(op, lhs, rhs, env, span);
        }
        let l = self.eval_operand(lhs, env)?;
        let r = self.eval_operand(rhs, env)?;
        if let (Value::Int(a), Value::Int(b)) = (&l, &r)
            && let Some(v) = int_binary(op, *a, *b)
        {
            return Ok(v);
        }
        self.binary_values(op, l, r, lhs, rhs, span)
    }

    /// An operand: leaves in place, anything else through [`Evaluator::eval`].
    #[inline(always)]
    fn eval_operand(&mut self, expr: ExprRef, env: &Rc<Env>) -> EvalResult<Value> {
        match &expr.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Var(Var::Local { depth, slot }) => {
                match env.ancestor(*depth).get(*slot as usize) {
                    Some(Value::Thunk(t)) => self.force_thunk(t),
                    Some(v) => Ok(v.clone()),
                    None => self.eval(expr, env),
                }
            }
            _ => self.eval(expr, env),
        }
    }

    /// `&&`, `||`, `->` (short-circuiting) and the pipe operators.
    #[inline(never)]
    fn eval_binary_lazy(
        &mut self,
        op: BinOp,
        lhs: ExprRef,
        rhs: ExprRef,
        env: &Rc<Env>,
        span: Span,
    ) -> EvalResult<Value> {
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies => {
                let l = self.eval(lhs, env)?;
                let Value::Bool(l) = l else {
                    return Err(self.type_error("a Boolean", &l, lhs.span));
                };
                let short = match op {
                    BinOp::And => (!l).then_some(false),
                    BinOp::Or => l.then_some(true),
                    _ => (!l).then_some(true),
                };
                if let Some(b) = short {
                    return Ok(Value::Bool(b));
                }
                match self.eval(rhs, env)? {
                    Value::Bool(r) => Ok(Value::Bool(r)),
                    other => Err(self.type_error("a Boolean", &other, rhs.span)),
                }
            }
            BinOp::PipeRight | BinOp::PipeLeft => {
                let (f, a) = if op == BinOp::PipeRight {
                    (rhs, lhs)
                } else {
                    (lhs, rhs)
                };
                let f = self.eval(f, env)?;
                let a = self.delay(a, env);
                self.call(f, a, span)
            }
            _ => unreachable!("strict operators are handled by eval_binary"),
        }
    }

    /// Strict binary operators on evaluated operands, beyond the integer fast path.
    #[inline(never)]
    fn binary_values(
        &mut self,
        op: BinOp,
        l: Value,
        r: Value,
        lhs: ExprRef,
        rhs: ExprRef,
        span: Span,
    ) -> EvalResult<Value> {
        match op {
            BinOp::Eq => Ok(Value::Bool(self.values_equal(&l, &r, span)?)),
            BinOp::NotEq => Ok(Value::Bool(!self.values_equal(&l, &r, span)?)),
            BinOp::Less => Ok(Value::Bool(self.less_than(&l, &r, span)?)),
            BinOp::Greater => Ok(Value::Bool(self.less_than(&r, &l, span)?)),
            BinOp::LessEq => Ok(Value::Bool(!self.less_than(&r, &l, span)?)),
            BinOp::GreaterEq => Ok(Value::Bool(!self.less_than(&l, &r, span)?)),
            BinOp::Concat => {
                let Value::List(a) = &l else {
                    return Err(self.type_error("a list", &l, lhs.span));
                };
                let Value::List(b) = &r else {
                    return Err(self.type_error("a list", &r, rhs.span));
                };
                if b.0.is_empty() {
                    return Ok(l);
                }
                if a.0.is_empty() {
                    return Ok(r);
                }
                let mut v = Vec::with_capacity(a.0.len() + b.0.len());
                v.extend_from_slice(&a.0);
                v.extend_from_slice(&b.0);
                Ok(Value::list(v))
            }
            BinOp::Update => {
                let Value::Attrs(a) = &l else {
                    return Err(self.type_error("a set", &l, lhs.span));
                };
                let Value::Attrs(b) = &r else {
                    return Err(self.type_error("a set", &r, rhs.span));
                };
                if b.is_empty() {
                    return Ok(l);
                }
                if a.is_empty() {
                    return Ok(r);
                }
                Ok(Value::attrs(a.update(b)))
            }
            BinOp::Add => self.add(l, r, span),
            _ => self.arith(op, l, r, span),
        }
    }

    /// `+`: numbers, strings (with context) and paths.
    pub fn add(&mut self, l: Value, r: Value, span: Span) -> EvalResult<Value> {
        match (&l, &r) {
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                self.arith(BinOp::Add, l, r, span)
            }
            (Value::Path(p), _) => {
                let s = self.coerce_to_string(&r, span, CoerceOpts::interpolation())?;
                if !s.context.is_empty() {
                    return Err(EvalError::new(
                        ErrorKind::Other,
                        "a string that refers to a store path cannot be appended to a path",
                        span,
                    ));
                }
                let joined = format!("{p}{}", s.text);
                Ok(Value::Path(Rc::from(super::path::canonicalise(&joined))))
            }
            (Value::String(_), _) | (_, Value::String(_)) | (Value::Attrs(_), _) => {
                let a = self.coerce_to_string(&l, span, CoerceOpts::interpolation())?;
                let b = self.coerce_to_string(&r, span, CoerceOpts::interpolation())?;
                let mut text = String::with_capacity(a.text.len() + b.text.len());
                text.push_str(&a.text);
                text.push_str(&b.text);
                let mut ctx = a.context.clone();
                ctx.extend(&b.context);
                Ok(Value::String(Rc::new(NixString::with_context(text, ctx))))
            }
            _ => Err(EvalError::new(
                ErrorKind::Other,
                format!(
                    "cannot add {} to {}",
                    r.type_description(),
                    l.type_description()
                ),
                span,
            )),
        }
    }

    /// Integer and float arithmetic with overflow and division-by-zero checks.
    pub fn arith(&mut self, op: BinOp, l: Value, r: Value, span: Span) -> EvalResult<Value> {
        let overflow = |what: &str| {
            EvalError::new(
                ErrorKind::Other,
                format!("integer overflow in {what}"),
                span,
            )
        };
        match (&l, &r) {
            (Value::Int(a), Value::Int(b)) => {
                let (a, b) = (*a, *b);
                let v = match op {
                    BinOp::Add => a.checked_add(b).ok_or_else(|| overflow("adding"))?,
                    BinOp::Sub => a.checked_sub(b).ok_or_else(|| overflow("subtracting"))?,
                    BinOp::Mul => a.checked_mul(b).ok_or_else(|| overflow("multiplying"))?,
                    BinOp::Div => {
                        if b == 0 {
                            return Err(EvalError::new(ErrorKind::Other, "division by zero", span));
                        }
                        a.checked_div(b).ok_or_else(|| overflow("dividing"))?
                    }
                    _ => unreachable!("not an arithmetic operator"),
                };
                Ok(Value::Int(v))
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let a = as_float(&l);
                let b = as_float(&r);
                let v = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => {
                        if b == 0.0 {
                            return Err(EvalError::new(ErrorKind::Other, "division by zero", span));
                        }
                        a / b
                    }
                    _ => unreachable!("not an arithmetic operator"),
                };
                Ok(Value::Float(v))
            }
            (Value::Int(_) | Value::Float(_), other) | (other, _) => {
                Err(self.type_error("an integer", other, span))
            }
        }
    }

    /// Nix's `==`: deep, forcing both sides; functions are never equal (except the very
    /// same value inside a list or set).
    pub fn values_equal(&mut self, a: &Value, b: &Value, span: Span) -> EvalResult<bool> {
        let a = self.force(a)?;
        let b = self.force(b)?;
        Ok(match (&a, &b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                as_float(&a) == as_float(&b)
            }
            (Value::String(x), Value::String(y)) => x.text == y.text,
            (Value::Path(x), Value::Path(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                if x.0.len() != y.0.len() {
                    return Ok(false);
                }
                for (i, j) in x.0.iter().zip(y.0.iter()) {
                    if !self.nested(span, |ev| ev.elements_equal(i, j, span))? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                if let (Some(px), Some(py)) =
                    (self.derivation_out_path(x)?, self.derivation_out_path(y)?)
                {
                    return self.nested(span, |ev| ev.values_equal(&px, &py, span));
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (i, j) in x.entries().iter().zip(y.entries().iter()) {
                    if i.name != j.name
                        || !self.nested(span, |ev| ev.elements_equal(&i.value, &j.value, span))?
                    {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }

    /// Equality of two elements of lists or sets: the very same thunk or function is equal.
    fn elements_equal(&mut self, a: &Value, b: &Value, span: Span) -> EvalResult<bool> {
        let same = match (a, b) {
            (Value::Thunk(x), Value::Thunk(y)) => Rc::ptr_eq(x, y),
            (Value::Lambda(x), Value::Lambda(y)) => Rc::ptr_eq(x, y),
            (Value::PrimOp(x), Value::PrimOp(y)) => std::ptr::eq(*x, *y),
            (Value::PrimOpApp(x), Value::PrimOpApp(y)) => Rc::ptr_eq(x, y),
            _ => false,
        };
        if same {
            return Ok(true);
        }
        self.values_equal(a, b, span)
    }

    /// The `outPath` of a set whose `type` is `"derivation"`.
    fn derivation_out_path(&mut self, attrs: &Attrs) -> EvalResult<Option<Value>> {
        let Some(t) = attrs.get(self.sym.type_).cloned() else {
            return Ok(None);
        };
        let t = self.force(&t)?;
        match t {
            Value::String(s) if s.text == "derivation" => Ok(attrs.get(self.sym.out_path).cloned()),
            _ => Ok(None),
        }
    }

    /// Nix's `<`: numbers, strings, paths, and lists lexicographically.
    pub fn less_than(&mut self, a: &Value, b: &Value, span: Span) -> EvalResult<bool> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(x < y);
        }
        let a = self.force(a)?;
        let b = self.force(b)?;
        Ok(match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => x < y,
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                as_float(&a) < as_float(&b)
            }
            (Value::String(x), Value::String(y)) => x.text.as_bytes() < y.text.as_bytes(),
            (Value::Path(x), Value::Path(y)) => x.as_bytes() < y.as_bytes(),
            (Value::List(x), Value::List(y)) => {
                for (i, j) in x.0.iter().zip(y.0.iter()) {
                    if !self.nested(span, |ev| ev.values_equal(i, j, span))? {
                        return self.nested(span, |ev| ev.less_than(i, j, span));
                    }
                }
                x.0.len() < y.0.len()
            }
            _ => {
                return Err(EvalError::new(
                    ErrorKind::Other,
                    format!(
                        "cannot compare {} with {}",
                        a.type_description(),
                        b.type_description()
                    ),
                    span,
                ));
            }
        })
    }

    fn eval_interpolation(
        &mut self,
        parts: &[ExprRef],
        env: &Rc<Env>,
        span: Span,
    ) -> EvalResult<Value> {
        // Every part is coerced first, so the text is allocated once at its final size.
        let mut pieces: SmallVec<[Rc<NixString>; 8]> = SmallVec::with_capacity(parts.len());
        for part in parts {
            let v = self.eval_operand(part, env)?;
            pieces.push(self.coerce_to_string(&v, part.span, CoerceOpts::interpolation())?);
        }
        let mut text = String::with_capacity(pieces.iter().map(|s| s.text.len()).sum());
        let mut ctx = super::value::Context::default();
        for s in &pieces {
            text.push_str(&s.text);
            ctx.extend(&s.context);
        }
        let _ = span;
        Ok(Value::String(Rc::new(NixString::with_context(text, ctx))))
    }

    /// Converts a value to a string the way Nix's `coerceToString` does.
    pub fn coerce_to_string(
        &mut self,
        v: &Value,
        span: Span,
        opts: CoerceOpts,
    ) -> EvalResult<Rc<NixString>> {
        // The common case, without forcing (a call) or copying the value.
        if let Value::String(s) = v {
            return Ok(s.clone());
        }
        let v = self.force(v)?;
        match &v {
            Value::String(s) => Ok(s.clone()),
            Value::Path(p) => {
                if opts.copy_to_store {
                    let store_path = super::builtins::store::copy_path_to_store(self, p, span)?;
                    let mut ctx = super::value::Context::default();
                    ctx.insert(Rc::from(store_path.as_str()));
                    Ok(Rc::new(NixString::with_context(store_path, ctx)))
                } else {
                    Ok(Rc::new(NixString::plain(p.to_string())))
                }
            }
            Value::Attrs(attrs) => {
                if let Some(f) = attrs.get(self.sym.to_string).cloned() {
                    let f = self.force(&f)?;
                    let r = self.call(f, v.clone(), span)?;
                    return self.nested(span, |ev| ev.coerce_to_string(&r, span, opts));
                }
                if let Some(out) = attrs.get(self.sym.out_path).cloned() {
                    return self.nested(span, |ev| ev.coerce_to_string(&out, span, opts));
                }
                Err(self.coerce_error(&v, span))
            }
            Value::Int(i) if opts.coerce_more => Ok(Rc::new(NixString::plain(i.to_string()))),
            Value::Float(f) if opts.coerce_more => Ok(Rc::new(NixString::plain(
                super::text::float::format_float_to_string(*f),
            ))),
            Value::Bool(b) if opts.coerce_more => Ok(Rc::new(NixString::plain(
                if *b { "1" } else { "" }.to_owned(),
            ))),
            Value::Null if opts.coerce_more => Ok(Rc::new(NixString::plain(String::new()))),
            Value::List(items) if opts.coerce_more => {
                let mut out = NixString::default();
                let n = items.0.len();
                for (i, item) in items.0.iter().enumerate() {
                    let s = self.nested(span, |ev| ev.coerce_to_string(item, span, opts))?;
                    out.text.push_str(&s.text);
                    out.context.extend(&s.context);
                    // Nix adds no separator after an empty nested list.
                    let empty_list =
                        matches!(self.force(item)?, Value::List(ref l) if l.0.is_empty());
                    if i + 1 < n && !empty_list {
                        out.text.push(' ');
                    }
                }
                Ok(Rc::new(out))
            }
            _ => Err(self.coerce_error(&v, span)),
        }
    }

    #[cold]
    #[inline(never)]
    fn coerce_error(&self, v: &Value, span: Span) -> Box<EvalError> {
        EvalError::new(
            ErrorKind::Other,
            format!("cannot coerce {} to a string", v.type_description()),
            span,
        )
    }

    /// A string value without context (attribute names, regexes…).
    pub fn expect_string_no_ctx(&mut self, v: &Value, span: Span) -> EvalResult<String> {
        let v = self.force(v)?;
        match v {
            Value::String(s) => Ok(s.text.clone()),
            other => Err(self.type_error("a string", &other, span)),
        }
    }

    /// Looks `<path>` up in the search path (`-I`, `NIX_PATH`, `<sysrebuild>`).
    fn find_in_search_path(&mut self, path: &str, span: Span) -> EvalResult<Value> {
        match self.settings.resolve_search_path(path) {
            Some(p) => Ok(Value::Path(Rc::from(p))),
            None => Err(EvalError::new(
                ErrorKind::Other,
                format!(
                    "file '{path}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
                ),
                span,
            )),
        }
    }

    /// `import path`: evaluates a file once and caches its value.
    pub fn import_path(&mut self, path: &str, span: Span) -> EvalResult<Value> {
        let mut file = path.to_owned();
        if std::fs::metadata(&file)
            .map(|m| m.is_dir())
            .unwrap_or(false)
        {
            file = format!("{}/default.nix", file.trim_end_matches('/'));
        }
        if let Some(v) = self.import_cache.get(&file) {
            return Ok(v.clone());
        }
        let text = std::fs::read_to_string(&file).map_err(|e| {
            EvalError::new(
                ErrorKind::Other,
                format!(
                    "cannot read '{file}': {}",
                    super::builtins::io_error_text(&e)
                ),
                span,
            )
        })?;
        let dir = super::path::dir_of(&file);
        let expr = self.parse(&text, Origin::File(file.clone()), &dir, None)?;
        let env = self.empty_env.clone();
        let v = self.eval(expr, &env)?;
        self.import_cache.insert(file, v.clone());
        Ok(v)
    }
}

/// How strictly `coerce_to_string` converts.
#[derive(Clone, Copy)]
pub struct CoerceOpts {
    /// Also convert numbers, Booleans, null and lists (`toString`).
    pub coerce_more: bool,
    /// Paths become store paths (interpolation) rather than staying paths.
    pub copy_to_store: bool,
}

impl CoerceOpts {
    /// What `"${x}"` and `+` do.
    pub fn interpolation() -> Self {
        CoerceOpts {
            coerce_more: false,
            copy_to_store: true,
        }
    }
    /// What `builtins.toString` does.
    pub fn to_string() -> Self {
        CoerceOpts {
            coerce_more: true,
            copy_to_store: false,
        }
    }
}

/// Integer operations that cannot fail; `None` sends the caller down the general path
/// (overflow, division by zero, operators that are not arithmetic or comparisons).
#[inline(always)]
fn int_binary(op: BinOp, a: i64, b: i64) -> Option<Value> {
    Some(match op {
        BinOp::Add => Value::Int(a.checked_add(b)?),
        BinOp::Sub => Value::Int(a.checked_sub(b)?),
        BinOp::Mul => Value::Int(a.checked_mul(b)?),
        // Division by zero and `MIN / -1` go to the general path for their errors.
        BinOp::Div if b != 0 => Value::Int(a.checked_div(b)?),
        BinOp::Less => Value::Bool(a < b),
        BinOp::LessEq => Value::Bool(a <= b),
        BinOp::Greater => Value::Bool(a > b),
        BinOp::GreaterEq => Value::Bool(a >= b),
        BinOp::Eq => Value::Bool(a == b),
        BinOp::NotEq => Value::Bool(a != b),
        _ => return None,
    })
}

/// Whether `expr` is a literal or a local variable.
#[inline(always)]
fn is_leaf(expr: ExprRef) -> bool {
    matches!(
        expr.kind,
        ExprKind::Literal(_) | ExprKind::Var(Var::Local { .. })
    )
}

/// The integer a literal or an already evaluated local variable holds, without evaluating
/// (and without copying a `Value`, whose clone and drop are calls).
#[inline(always)]
fn known_int(expr: ExprRef, env: &Rc<Env>) -> Option<i64> {
    match &expr.kind {
        ExprKind::Literal(Value::Int(i)) => Some(*i),
        ExprKind::Var(Var::Local { depth, slot }) => {
            match env.ancestor(*depth).get(*slot as usize)? {
                Value::Int(i) => Some(*i),
                Value::Thunk(t) => t.evaluated_int(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of `subject.a.b` if it can be found without evaluating anything: the subject
/// is a variable, each set on the path is already evaluated and has the attribute. The
/// last attribute's value is returned as it is (possibly a thunk, which is then shared).
fn known_select(subject: ExprRef, path: &[AttrKey], env: &Rc<Env>) -> Option<Value> {
    let ExprKind::Var(Var::Local { depth, slot }) = &subject.kind else {
        return None;
    };
    known_local_select(*depth, *slot, path, env)
}

/// [`known_select`] from the local variable in slot `slot`, `depth` environments up.
fn known_local_select(depth: u32, slot: u32, path: &[AttrKey], env: &Rc<Env>) -> Option<Value> {
    let mut v = evaluated(env.ancestor(depth).get(slot as usize)?)?;
    let (last, init) = path.split_last()?;
    for key in init {
        let (AttrKey::Static(name), Value::Attrs(attrs)) = (key, &v) else {
            return None;
        };
        v = evaluated(attrs.get(*name)?)?;
    }
    let (AttrKey::Static(name), Value::Attrs(attrs)) = (last, &v) else {
        return None;
    };
    attrs.get(*name).cloned()
}

/// `v` itself, or its value if it is an evaluated thunk; `None` for a pending thunk.
fn evaluated(v: &Value) -> Option<Value> {
    match v {
        Value::Thunk(t) => t.evaluated(),
        other => Some(other.clone()),
    }
}

/// The result of integer `+`, `-` or `*` on operands that are already known, if it fits
/// (an overflow is left to the general path and its error).
#[inline(always)]
fn known_arith(expr: ExprRef, env: &Rc<Env>) -> Option<i64> {
    let ExprKind::Binary { op, lhs, rhs } = &expr.kind else {
        return None;
    };
    if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul) {
        return None;
    }
    let (a, b) = (known_int(lhs, env)?, known_int(rhs, env)?);
    match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        _ => a.checked_mul(b),
    }
}

/// The outcome of a comparison of two known integers (`n < 2`), decided without evaluating
/// anything or making a `Value`; `None` when the condition is anything else.
#[inline(always)]
fn known_comparison(cond: ExprRef, env: &Rc<Env>) -> Option<bool> {
    let ExprKind::Binary { op, lhs, rhs } = &cond.kind else {
        return None;
    };
    if !matches!(
        op,
        BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq | BinOp::Eq | BinOp::NotEq
    ) {
        return None;
    }
    let (a, b) = (known_int(lhs, env)?, known_int(rhs, env)?);
    Some(match op {
        BinOp::Less => a < b,
        BinOp::LessEq => a <= b,
        BinOp::Greater => a > b,
        BinOp::GreaterEq => a >= b,
        BinOp::Eq => a == b,
        _ => a != b,
    })
}

fn as_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn function_name(closure: &Closure) -> String {
    match closure.def.name {
        Some(n) => format!("function '{n}'"),
        None => "anonymous function".to_owned(),
    }
}

/// Brackets nested deeper than this are refused before parsing: the syntax tree library
/// slows down quadratically on deeper trees, and no real configuration comes close.
const MAX_NESTING: usize = 10_000;

fn check_nesting(text: &str, file: super::source::FileId) -> EvalResult<()> {
    use rnix::SyntaxKind as K;
    let mut depth = 0usize;
    let mut offset = 0u32;
    for (kind, tok) in rnix::tokenize(text) {
        match kind {
            K::TOKEN_L_PAREN | K::TOKEN_L_BRACK | K::TOKEN_L_BRACE | K::TOKEN_INTERPOL_START => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(EvalError::new(
                        ErrorKind::Parse,
                        format!(
                            "expression nested too deeply (more than {MAX_NESTING} levels of brackets)"
                        ),
                        Span::new(file, offset, offset + tok.len() as u32),
                    ));
                }
            }
            K::TOKEN_R_PAREN | K::TOKEN_R_BRACK | K::TOKEN_R_BRACE | K::TOKEN_INTERPOL_END => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        offset += tok.len() as u32;
    }
    Ok(())
}

/// The slow front end: rnix parses `text`; its errors are reported (all of them, each
/// with its location), and a tree it accepts is converted for lowering.
fn parse_with_rnix(text: &str, file: super::source::FileId) -> EvalResult<super::parse::ast::Node> {
    check_nesting(text, file)?;
    let parse = stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || rnix::Root::parse(text));
    let errors = parse.errors();
    if !errors.is_empty() {
        // The parser's follow-on errors at an already reported position are left out.
        let mut err: Option<Box<EvalError>> = None;
        let mut seen_starts = Vec::new();
        for e in errors {
            let (msg, range) = describe_parse_error(e, text.len());
            if seen_starts.contains(&range.0) {
                continue;
            }
            seen_starts.push(range.0);
            let span = Span::new(file, range.0, range.1);
            match &mut err {
                None => err = Some(EvalError::new(ErrorKind::Parse, msg, span)),
                Some(first) => first
                    .more
                    .push(*EvalError::new(ErrorKind::Parse, msg, span)),
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
    }
    let Some(expr) = parse.tree().expr() else {
        return Err(EvalError::new(
            ErrorKind::Parse,
            "syntax error, unexpected end of file",
            Span::new(file, 0, 0),
        ));
    };
    let converted = super::parse::from_rnix::convert(expr);
    // The rowan tree can be very deep; dropping it needs stack too.
    stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, move || drop(parse));
    converted
        .map_err(|e| EvalError::new(ErrorKind::Parse, e.message, Span::new(file, e.start, e.end)))
}

fn describe_parse_error(e: &rnix::ParseError, len: usize) -> (String, (u32, u32)) {
    use rnix::ParseError as P;
    let eof = (len as u32, len as u32);
    let r = |t: &rnix::TextRange| (u32::from(t.start()), u32::from(t.end()));
    match e {
        P::Unexpected(t) => ("syntax error, unexpected input".to_owned(), r(t)),
        P::UnexpectedExtra(t) => ("syntax error, unexpected extra input".to_owned(), r(t)),
        P::UnexpectedWanted(got, t, wanted) => (
            format!(
                "syntax error, unexpected {}, expecting {}",
                super::syntax_names::kind_name(*got),
                super::syntax_names::kinds_list(wanted)
            ),
            r(t),
        ),
        P::UnexpectedDoubleBind(t) => ("syntax error, pattern bound twice".to_owned(), r(t)),
        P::UnexpectedEOF => ("syntax error, unexpected end of file".to_owned(), eof),
        P::UnexpectedEOFWanted(wanted) => (
            format!(
                "syntax error, unexpected end of file, expecting {}",
                super::syntax_names::kinds_list(wanted)
            ),
            eof,
        ),
        P::DuplicatedArgs(t, name) => {
            (format!("duplicate formal function argument '{name}'"), r(t))
        }
        P::RecursionLimitExceeded => (
            "expression nested too deeply (the parser's recursion limit was reached)".to_owned(),
            (0, 0),
        ),
        _ => ("syntax error".to_owned(), (0, 0)),
    }
}
