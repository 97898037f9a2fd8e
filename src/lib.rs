//! sysrebuild: a NixOS-style declarative system builder.
//!
//! The library holds every layer; the `sysrebuild` binary (`src/main.rs`) is a thin CLI over it.
//! See `ARCHITECTURE.md` for the map.

pub mod activation;
pub mod alloc;
pub mod build;
pub mod cache;
pub mod cli;
pub mod compression;
pub mod debfile;
pub mod debian;
pub mod eval;
pub mod fetch;
pub mod net;
pub mod store;
pub mod testhook;
pub mod vmtest;
