//! Hash builtins: `hashString` and `convertHash`.

use super::{arg_attrs, arg_string, arg_string_no_ctx, error, op, strict_op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{PrimOp, Value};
use crate::store::hash::{Hash, HashAlgo, HashFormat};

pub(crate) const PRIMOPS: &[PrimOp] = &[
    strict_op("hashString", 2, hash_string),
    op("convertHash", 1, convert_hash),
];

/// Parses an algorithm name with Nix's error message.
fn parse_algo(name: &str, s: Span) -> EvalResult<HashAlgo> {
    name.parse()
        .map_err(|_| error(format!("unknown hash algorithm '{name}'"), s))
}

/// `hashString algo s`: the base-16 digest of `s` (its context is ignored).
fn hash_string(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let algo = arg_string_no_ctx(ev, &a[0], s)?;
    let algo = parse_algo(&algo.text, s)?;
    let text = arg_string(ev, &a[1], s)?;
    Ok(Value::string(
        Hash::digest(algo, text.text.as_bytes()).to_base16(),
    ))
}

/// `convertHash { hash; hashAlgo ? null; toHashFormat; }` (Nix ≥ 2.19): re-encodes a hash.
/// The result has no algorithm prefix, except in SRI form.
fn convert_hash(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let args = arg_attrs(ev, &a[0], s)?;
    let hash = args
        .get(Symbol::intern("hash"))
        .cloned()
        .ok_or_else(|| error("attribute 'hash' missing", s))?;
    let hash = arg_string_no_ctx(ev, &hash, s)?;
    let algo = match args.get(Symbol::intern("hashAlgo")).cloned() {
        Some(v) => {
            let name = arg_string_no_ctx(ev, &v, s)?;
            Some(name.text.parse::<HashAlgo>().map_err(|_| {
                error(
                    format!(
                        "unknown hash algorithm '{}', expect 'md5', 'sha1', 'sha256', or 'sha512'",
                        name.text
                    ),
                    s,
                )
            })?)
        }
        None => None,
    };
    let format = args
        .get(Symbol::intern("toHashFormat"))
        .cloned()
        .ok_or_else(|| error("attribute 'toHashFormat' missing", s))?;
    let format = arg_string_no_ctx(ev, &format, s)?;
    let format: HashFormat = format.text.parse().map_err(|_| {
        error(
            format!(
                "unknown hash format '{}', expect 'base16', 'base32', 'base64', or 'sri'",
                format.text
            ),
            s,
        )
    })?;
    let parsed = Hash::parse(&hash.text, algo).map_err(|e| error(e.to_string(), s))?;
    Ok(Value::string(parsed.encode(format)))
}

#[cfg(test)]
mod tests {
    //! `hashString` outputs come from Nix 2.8; `convertHash` (Nix >= 2.19) from its manual.
    use super::super::check_cases as check;

    #[test]
    fn hash_string() {
        check(&[
            (
                r#"builtins.hashString "sha256" "abc""#,
                r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#,
            ),
            (
                r#"builtins.hashString "md5" """#,
                r#""d41d8cd98f00b204e9800998ecf8427e""#,
            ),
            (
                r#"builtins.hashString "sha3" "abc""#,
                "error: unknown hash algorithm 'sha3'",
            ),
        ]);
    }

    #[test]
    fn convert_hash() {
        check(&[
            (
                r#"builtins.convertHash { hash = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="; toHashFormat = "base16"; }"#,
                r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#,
            ),
            (
                r#"builtins.convertHash { hash = "800d59cfcd3c05e900cb4e214be48f6b886a08df"; hashAlgo = "sha1"; toHashFormat = "nix32"; }"#,
                r#""vw46m23bizj4n8afrc0fj19wrp7mj3c0""#,
            ),
            (
                r#"builtins.convertHash { hash = "800d59cfcd3c05e900cb4e214be48f6b886a08df"; hashAlgo = "sha1"; toHashFormat = "sri"; }"#,
                r#""sha1-gA1Zz808BekAy04hS+SPa4hqCN8=""#,
            ),
            (
                r#"builtins.convertHash { hash = "x"; }"#,
                "error: attribute 'toHashFormat' missing",
            ),
        ]);
    }
}
