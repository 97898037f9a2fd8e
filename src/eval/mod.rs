//! The Nix language evaluator.
//!
//! Phases: parse (`parse/`: a fast parser, rnix for errors) → lower (`lower.rs`, to the IR in `ir.rs`) → evaluate lazily
//! (`machine.rs`) with builtins (`builtins/`). Values are in `value.rs`; printing in `print.rs`.

pub mod builtins;
pub mod error;
pub mod ir;
pub mod literals;
pub mod lower;
pub mod machine;
pub mod modules;
pub mod parse;
pub mod path;
pub mod print;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod symbol;
mod syntax_names;
pub mod text;
pub mod value;

#[cfg(test)]
mod tests;

pub use error::{ErrorKind, EvalError, EvalResult};
pub use machine::Evaluator;
pub use settings::Settings;
pub use value::Value;
