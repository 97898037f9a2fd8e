//! Gives the binary an identity of the sources it was built from: `SYSREBUILD_SOURCE_ID`,
//! a SHA-256 over `src/`, `Cargo.toml` and `Cargo.lock`. `pkgs.sysrebuild` puts it in its
//! derivation, so a different sysrebuild gets a different store path instead of reusing a
//! path that holds another binary.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, files),
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = vec![root.join("Cargo.toml"), root.join("Cargo.lock")];
    collect(&root.join("src"), &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        let Ok(contents) = fs::read(file) else {
            continue;
        };
        let name = file.strip_prefix(&root).unwrap_or(file).to_string_lossy();
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((contents.len() as u64).to_le_bytes());
        hasher.update(&contents);
    }
    let id: String = hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=SYSREBUILD_SOURCE_ID={id}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
