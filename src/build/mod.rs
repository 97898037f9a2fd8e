//! The builder: realising store derivations.
//!
//! - [`store`]: what the builder needs from a store ([`store::BuildStore`]) and a
//!   database-free [`store::MarkerStore`] (unit tests); [`db_store`] is the real one, over
//!   the store database.
//! - [`graph`]: loading the derivation graph and ordering it.
//! - [`substitute`]: fetching from binary caches what need not be built.
//! - [`scheduler`]: building a graph with several builds at once.
//! - [`realise`]: building one derivation, from locking its outputs to registering them.
//! - [`run`]: starting a builder (sandboxed through [`sandbox`], or unsandboxed under
//!   [`guard`] so that it dies with sysrebuild), its log and timeout.
//! - [`env`]: the builder's environment.
//! - [`builtins`]: builders that run inside sysrebuild (`builtin:NAME`).
//! - [`canon`] / [`refs`]: canonicalising outputs and scanning them for references.
//! - [`lock`]: per-output locks shared between processes.
//! - [`log`]: build log files.
//! - [`progress`]: reporting progress on the terminal.

pub mod builtins;
pub mod canon;
pub mod db_store;
pub mod env;
pub mod error;
pub mod graph;
pub mod guard;
pub mod lock;
pub mod log;
pub mod progress;
pub mod realise;
pub mod refs;
pub mod repair;
pub mod run;
pub mod sandbox;
pub mod scheduler;
pub mod store;
pub mod substitute;

pub use error::{BuildError, BuildResult};
