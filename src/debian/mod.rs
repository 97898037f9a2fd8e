//! The package universe: Debian package indices, the lock file pinning them, and
//! dependency resolution.
//!
//! - [`control`] — the deb822 stanza syntax, without copying.
//! - [`version`] — Debian version ordering (`dpkg --compare-versions`) and store-name
//!   sanitising.
//! - [`relation`] — `Depends`-style fields.
//! - [`index`] — a parsed index, by name and by `Provides`; its compact store form.
//! - [`source`] — reading an index from apt's lists or a mirror, checked against `InRelease`.
//! - [`store`] — importing the index into the store and reading it back.
//! - [`lock`] — `sysrebuild.lock`.
//! - [`resolve`] — dependency closure, candidate choice, cycles cut into units.

pub mod control;
pub mod index;
pub mod lock;
pub mod relation;
pub mod resolve;
pub mod source;
pub mod store;
pub mod version;

/// Package names close to `wanted` (for "did you mean"): up to three, closest first.
pub fn suggest(index: &index::Index, wanted: &str) -> Vec<String> {
    crate::eval::suggest::similar(wanted, index.names())
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The Debian architecture of this machine (`amd64`, `arm64`…).
pub fn native_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "arm" => "armhf",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}
