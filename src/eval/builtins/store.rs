//! Builtins that touch the store. Filled in once the store primitives land.

use crate::eval::error::EvalResult;
use crate::eval::machine::Evaluator;
use crate::eval::source::Span;
use crate::eval::value::PrimOp;

pub(crate) const PRIMOPS: &[PrimOp] = &[super::op("derivationStrict", 1, derivation_strict)];

fn derivation_strict(_ev: &mut Evaluator, _a: &[crate::eval::value::Value], s: Span) -> EvalResult<crate::eval::value::Value> {
    Err(super::error("derivations are not supported yet", s))
}

/// Copies `path` into the store (or, in read-only mode, computes where it would go) and
/// returns the store path.
pub fn copy_path_to_store(_ev: &mut Evaluator, path: &str, span: Span) -> EvalResult<String> {
    Err(super::error(format!("copying '{path}' to the store is not supported yet"), span))
}
