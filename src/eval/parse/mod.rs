//! The front ends: source text to the syntax tree of `ast.rs`, which `lower.rs` turns
//! into the IR.
//!
//! The fast front end (`lexer.rs`, `parser.rs`) reads every input first. It accepts
//! exactly what rnix accepts without errors and builds the same tree with the same
//! spans, without a concrete syntax tree in between. Whatever it does not accept goes
//! to rnix (`from_rnix.rs`): its errors are reported as they always were, and input it
//! accepts after all is converted, so behaviour never depends on which front end ran.

pub mod ast;
pub mod extent;
pub mod from_rnix;
pub mod lexer;
pub mod parser;
pub mod strings;

#[cfg(test)]
mod tests;
