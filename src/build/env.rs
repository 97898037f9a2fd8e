//! The environment a builder runs in: the derivation's variables plus Nix's standard
//! ones, and the files of `passAsFile` attributes.

use std::collections::BTreeMap;

use crate::store::derivation::Derivation;
use crate::store::hash::{Hash, HashAlgo};

/// Where things are as the builder sees them.
#[derive(Debug, Clone)]
pub struct EnvLayout {
    /// The build directory (`/build` in the sandbox).
    pub build_top: String,
    /// The store directory (`/nix/store` in the sandbox).
    pub store_dir: String,
    /// `NIX_BUILD_CORES`.
    pub cores: usize,
}

/// A file to write into the build directory before the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFile {
    /// File name inside the build directory.
    pub name: String,
    /// Contents.
    pub contents: Vec<u8>,
}

/// The file name Nix uses for a `passAsFile` attribute: `.attr-<nix32 sha256 of name>`.
pub fn pass_as_file_name(attr: &str) -> String {
    format!(".attr-{}", Hash::digest(HashAlgo::Sha256, attr).to_nix32())
}

/// The builder's environment and the files to create in the build directory.
pub fn build_env(
    drv: &Derivation,
    layout: &EnvLayout,
) -> (BTreeMap<String, String>, Vec<BuildFile>) {
    let mut env = BTreeMap::new();
    let mut files = Vec::new();
    env.insert("PATH".to_owned(), "/path-not-set".to_owned());
    env.insert("HOME".to_owned(), "/homeless-shelter".to_owned());
    env.insert("NIX_STORE".to_owned(), layout.store_dir.clone());
    env.insert("NIX_BUILD_CORES".to_owned(), layout.cores.to_string());

    let pass_as_file: Vec<&str> = drv
        .env
        .get("passAsFile")
        .map(|s| s.split_whitespace().collect())
        .unwrap_or_default();
    for (k, v) in &drv.env {
        if pass_as_file.contains(&k.as_str()) {
            let name = pass_as_file_name(k);
            env.insert(format!("{k}Path"), format!("{}/{name}", layout.build_top));
            files.push(BuildFile {
                name,
                contents: v.clone().into_bytes(),
            });
        } else {
            env.insert(k.clone(), v.clone());
        }
    }

    if drv.is_fixed_output()
        && let Some(impure) = drv.env.get("impureEnvVars")
    {
        for name in impure.split_whitespace() {
            if let Ok(v) = std::env::var(name) {
                env.insert(name.to_owned(), v);
            }
        }
    }

    for k in ["NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"] {
        env.insert(k.to_owned(), layout.build_top.clone());
    }
    env.insert("NIX_LOG_FD".to_owned(), "2".to_owned());
    env.insert("TERM".to_owned(), "xterm-256color".to_owned());
    (env, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_variables_and_pass_as_file() {
        let mut drv = Derivation::default();
        drv.env.insert("out".into(), "/nix/store/x-out".into());
        drv.env.insert("text".into(), "hello".into());
        drv.env.insert("passAsFile".into(), "text".into());
        drv.env.insert("HOME".into(), "/custom".into());
        let layout = EnvLayout {
            build_top: "/build".into(),
            store_dir: "/nix/store".into(),
            cores: 3,
        };
        let (env, files) = build_env(&drv, &layout);
        assert_eq!(env["PATH"], "/path-not-set");
        assert_eq!(env["HOME"], "/custom");
        assert_eq!(env["NIX_BUILD_CORES"], "3");
        assert_eq!(env["TMPDIR"], "/build");
        assert_eq!(env["NIX_LOG_FD"], "2");
        assert!(!env.contains_key("text"));
        assert_eq!(files.len(), 1);
        assert_eq!(env["textPath"], format!("/build/{}", files[0].name));
        assert_eq!(files[0].contents, b"hello");
        assert!(files[0].name.starts_with(".attr-") && files[0].name.len() == 6 + 52);
    }
}
