//! Builtins about names: versions (`splitVersion`, `compareVersions`, `parseDrvName`) and
//! path names (`baseNameOf`, `dirOf`, `toPath`).

use super::strings::string_from_bytes;
use super::{arg_string_no_ctx, error, op, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::machine::{CoerceOpts, Evaluator};
use crate::eval::path::{base_name, canonicalise, dir_of};
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::text::versions::{compare_versions, parse_drv_name, split_version};
use crate::eval::value::{Attrs, Context, NixString, PrimOp, Value};
use std::cmp::Ordering;
use std::rc::Rc;

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("splitVersion", 1, split_version_op),
    strict_op("compareVersions", 2, compare_versions_op),
    strict_op("parseDrvName", 1, parse_drv_name_op),
    strict_op("baseNameOf", 1, base_name_of),
    strict_op("dirOf", 1, dir_of_op),
    op("toPath", 1, to_path),
];

fn split_version_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let v = arg_string_no_ctx(ev, &a[0], s)?;
    let parts = split_version(v.text.as_bytes());
    Ok(Value::list(
        parts
            .into_iter()
            .map(|p| string_from_bytes(p, Context::default()))
            .collect(),
    ))
}

fn compare_versions_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let v1 = arg_string_no_ctx(ev, &a[0], s)?;
    let v2 = arg_string_no_ctx(ev, &a[1], s)?;
    Ok(Value::Int(
        match compare_versions(v1.text.as_bytes(), v2.text.as_bytes()) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        },
    ))
}

fn parse_drv_name_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let full = arg_string_no_ctx(ev, &a[0], s)?;
    let (name, version) = parse_drv_name(full.text.as_bytes());
    let mut attrs = Attrs::with_capacity(2);
    attrs.insert(
        ev.sym.name,
        string_from_bytes(name, Context::default()),
        Span::NONE,
    );
    attrs.insert(
        Symbol::intern("version"),
        string_from_bytes(version, Context::default()),
        Span::NONE,
    );
    Ok(Value::attrs(attrs))
}

/// Coerces without copying paths to the store, keeping the context (Nix's
/// `coerceToString(…, coerceMore = false, copyToStore = false)`).
fn coerce_no_copy(ev: &mut Evaluator, v: &Value, s: Span) -> EvalResult<Rc<NixString>> {
    ev.coerce_to_string(
        v,
        s,
        CoerceOpts {
            coerce_more: false,
            copy_to_store: false,
        },
    )
}

fn base_name_of(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = coerce_no_copy(ev, &a[0], s)?;
    let base = base_name(&text.text).to_owned();
    Ok(Value::String(Rc::new(NixString::with_context(
        base,
        text.context.clone(),
    ))))
}

fn dir_of_op(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let arg = ev.force(&a[0])?;
    let text = coerce_no_copy(ev, &arg, s)?;
    let dir = dir_of(&text.text);
    if matches!(arg, Value::Path(_)) {
        return Ok(Value::Path(Rc::from(dir)));
    }
    Ok(Value::String(Rc::new(NixString::with_context(
        dir,
        text.context.clone(),
    ))))
}

/// `toPath`: canonicalises an absolute path string; the result is a string.
fn to_path(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let text = coerce_no_copy(ev, &a[0], s)?;
    if !text.text.starts_with('/') {
        return Err(error(
            format!("string '{}' doesn't represent an absolute path", text.text),
            s,
        ));
    }
    let canon = canonicalise(&text.text);
    Ok(Value::String(Rc::new(NixString::with_context(
        canon,
        text.context.clone(),
    ))))
}

#[cfg(test)]
mod tests {
    //! Expected outputs come from Nix 2.8 (`nix-instantiate --eval --strict`).
    use super::super::check_cases as check;

    #[test]
    fn versions() {
        check(&[
            (
                r#"builtins.parseDrvName "hello-2.1.1-x""#,
                r#"{ name = "hello"; version = "2.1.1-x"; }"#,
            ),
            (
                r#"builtins.parseDrvName "a-b-c""#,
                r#"{ name = "a-b-c"; version = ""; }"#,
            ),
            (
                r#"builtins.splitVersion "1.2.3pre4""#,
                r#"[ "1" "2" "3" "pre" "4" ]"#,
            ),
            (r#"builtins.compareVersions "1.2" "1.10""#, "-1"),
            (r#"builtins.compareVersions "2.3" "2.3pre1""#, "1"),
        ]);
    }

    #[test]
    fn path_names() {
        check(&[
            (r#"builtins.baseNameOf ./foo/bar"#, r#""bar""#),
            (r#"builtins.baseNameOf "/foo/bar/""#, r#""bar""#),
            (
                r#"builtins.baseNameOf 1"#,
                "error: cannot coerce an integer to a string",
            ),
            (r#"builtins.dirOf ./foo/bar"#, "/foo"),
            (r#"builtins.dirOf "foo""#, r#"".""#),
            (r#"builtins.dirOf "//foo""#, r#""/""#),
            (r#"builtins.toPath "/a/../b//c/""#, r#""/b/c""#),
            (
                r#"builtins.toPath "a""#,
                "error: string 'a' doesn't represent an absolute path",
            ),
        ]);
    }

    #[test]
    fn path_names_keep_context() {
        let ctx = r#"(builtins.appendContext "/a/b/" { "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo" = { path = true; }; })"#;
        for f in ["baseNameOf", "dirOf"] {
            check(&[(&format!("builtins.hasContext (builtins.{f} {ctx})"), "true")]);
        }
    }
}
