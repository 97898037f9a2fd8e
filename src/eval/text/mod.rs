//! Pure text algorithms behind several Nix builtins.
//!
//! Nothing here depends on the evaluator's value types; the builtins convert
//! their arguments to plain strings and numbers, call into these modules and
//! convert the results back.
//!
//! - [`regex`]: POSIX extended regular expressions for `builtins.match` and
//!   `builtins.split`.
//! - [`versions`]: `builtins.splitVersion`, `builtins.compareVersions` and
//!   `builtins.parseDrvName`.
//! - [`float`]: the three ways Nix 2.8 renders a float (value printing,
//!   `toString`, `toJSON`).
//! - [`toml`]: `builtins.fromTOML` into a neutral tree.

pub mod float;
pub mod regex;
pub mod toml;
pub mod versions;
