//! Hash builtins: `hashString` and `convertHash`.

use super::{arg_attrs, arg_string, arg_string_no_ctx, error, op};
use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::symbol::Symbol;
use crate::eval::value::{PrimOp, Value};
use crate::store::hash::{Hash, HashAlgo, HashFormat};

pub(crate) const PRIMOPS: &[PrimOp] =
    &[op("hashString", 2, hash_string), op("convertHash", 1, convert_hash)];

/// Parses an algorithm name with Nix's error message.
fn parse_algo(name: &str, s: Span) -> EvalResult<HashAlgo> {
    name.parse().map_err(|_| error(format!("unknown hash algorithm '{name}'"), s))
}

/// `hashString algo s`: the base-16 digest of `s` (its context is ignored).
fn hash_string(ev: &mut Evaluator, a: &[Value], s: Span) -> EvalResult<Value> {
    let algo = arg_string_no_ctx(ev, &a[0], s)?;
    let algo = parse_algo(&algo.text, s)?;
    let text = arg_string(ev, &a[1], s)?;
    Ok(Value::string(Hash::digest(algo, text.text.as_bytes()).to_base16()))
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
