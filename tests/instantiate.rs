//! `sysrebuild instantiate` against `nix-instantiate --store <tmp>` (Nix 2.8): the printed
//! paths and every object written to the store (`.drv` files, sources, `toFile` texts)
//! must be identical. Both use relocated stores in a temporary directory, so the host's
//! `/nix` is never touched.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const A_NIX: &str = r#"
let
  sys = "x86_64-linux";
  dep = derivation { name = "dep"; builder = "/bin/sh"; system = sys; args = [ "-c" "echo" 1 true null 2.5 ]; };
  multi = derivation { name = "multi"; builder = "/bin/sh"; system = sys; outputs = [ "out" "dev" "lib" ]; inherit dep; devdep = dep; };
  fo = derivation { name = "fo"; builder = "/bin/sh"; system = sys; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "recursive"; };
  fo2 = derivation { name = "fo2"; builder = "/bin/sh"; system = sys; outputHashAlgo = "sha1"; outputHash = "0000000000000000000000000000000000000000"; };
  text = builtins.toFile "hello.txt" "hi ${./src/a.txt}";
in {
  inherit dep multi fo fo2;
  useFo = derivation { name = "usefo"; builder = "/bin/sh"; system = sys; inherit fo fo2; src = ./src; x = [ [] "a" [ 1 [] ] ]; drvp = multi.drvPath; dev = multi.dev; };
  sa = derivation { name = "sa"; builder = "/bin/sh"; system = sys; __structuredAttrs = true; a = [ 1 2.5 "x" ./src/a.txt ]; b = { c = null; d = dep; }; outputs = [ "out" "bin" ]; };
  nulls = derivation { name = "nulls"; builder = "/bin/sh"; system = sys; __ignoreNulls = true; a = null; b = "x"; passAsFile = [ "b" ]; };
  files = derivation {
    name = "files"; builder = "/bin/sh"; system = sys; f = text;
    filtered = builtins.path { path = ./src; name = "filt"; filter = p: t: t != "symlink" && p != toString ./src/sub; };
    flat = builtins.path { path = ./src/a.txt; recursive = false; };
    fs = builtins.filterSource (p: t: true) ./src;
  };
  notADrv = 42;
}
"#;

const B_NIX: &str = r#"
{ greeting, name ? "b" }:
let
  mk = n: outputs: derivation { name = n; builder = "/bin/sh"; system = "x86_64-linux"; inherit greeting outputs; };
  two = mk name [ "out" "dev" ];
in {
  list = [ two two.dev (mk "c" [ "out" ]) ];
  nested = { recurseForDerivations = true; inner = mk "inner" [ "out" ]; ignored = { x = mk "hidden" [ "out" ]; }; };
}
"#;

fn write_sources(dir: &Path) {
    fs::create_dir_all(dir.join("src/sub")).expect("mkdir");
    fs::write(dir.join("src/a.txt"), "hello\n").expect("write");
    fs::write(dir.join("src/sub/b"), "b\n").expect("write");
    fs::write(dir.join("src/run.sh"), "#!/bin/sh\n").expect("write");
    fs::set_permissions(dir.join("src/run.sh"), fs::Permissions::from_mode(0o755)).expect("chmod");
    std::os::unix::fs::symlink("a.txt", dir.join("src/link")).expect("symlink");
    fs::write(dir.join("a.nix"), A_NIX).expect("write");
    fs::write(dir.join("b.nix"), B_NIX).expect("write");
}

/// Every object under `root` (relative path → kind, mode and contents), skipping Nix's
/// `.links` directory.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(p) = stack.pop() {
        let rel = p.strip_prefix(root).expect("prefix").display().to_string();
        if rel.starts_with(".links") {
            continue;
        }
        let meta = fs::symlink_metadata(&p).expect("stat");
        let mode = meta.permissions().mode() & 0o777;
        let desc = if meta.file_type().is_symlink() {
            format!(
                "symlink -> {}",
                fs::read_link(&p).expect("readlink").display()
            )
        } else if meta.is_dir() {
            for e in fs::read_dir(&p).expect("readdir") {
                stack.push(e.expect("entry").path());
            }
            format!("dir {mode:o}")
        } else {
            format!(
                "file {mode:o} {:?}",
                String::from_utf8_lossy(&fs::read(&p).expect("read"))
            )
        };
        if !rel.is_empty() {
            out.insert(rel, desc);
        }
    }
    out
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn nix_instantiate_available() -> bool {
    Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn compare(dir: &Path, args: &[&str]) {
    assert!(
        nix_instantiate_available(),
        "nix-instantiate is not on PATH; this test needs Nix 2.8 (Debian's nix-bin) as the oracle"
    );
    let nix_root = dir.join("nix-root");
    let ours_root = dir.join("ours-root");
    let expected = run(
        Command::new("nix-instantiate")
            .current_dir(dir)
            .env("NIX_STATE_DIR", dir.join("nix-state"))
            .arg("--store")
            .arg(&nix_root)
            .args(args),
        "nix-instantiate",
    );
    let got = run(
        Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
            .current_dir(dir)
            .env_remove("SYSREBUILD_STORE")
            .arg("instantiate")
            .arg("--store")
            .arg(&ours_root)
            .args(args),
        "sysrebuild instantiate",
    );
    assert_eq!(got, expected, "printed paths differ for {args:?}");
    let want = snapshot(&nix_root.join("nix/store"));
    let have = snapshot(&ours_root.join("nix/store"));
    for (path, desc) in &want {
        assert_eq!(
            have.get(path),
            Some(desc),
            "store object {path} differs for {args:?}"
        );
    }
    for path in have.keys() {
        assert!(
            want.contains_key(path),
            "sysrebuild wrote an extra object {path} for {args:?}"
        );
    }
}

#[test]
fn instantiate_matches_nix_for_a_set_of_derivations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_sources(tmp.path());
    compare(tmp.path(), &["a.nix"]);
}

#[test]
fn instantiate_matches_nix_with_attrs_and_args() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_sources(tmp.path());
    compare(
        tmp.path(),
        &[
            "b.nix", "--argstr", "greeting", "hi", "-A", "list", "-A", "nested",
        ],
    );
    compare(tmp.path(), &["a.nix", "-A", "useFo", "-A", "multi"]);
}

#[test]
fn instantiate_rejects_values_that_are_not_derivations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_sources(tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .current_dir(tmp.path())
        .env("SYSREBUILD_STORE", tmp.path().join("ours"))
        .args(["instantiate", "a.nix", "-A", "notADrv"])
        .output()
        .expect("run sysrebuild");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expression does not evaluate to a derivation"),
        "{err}"
    );
}

/// SQLite folds the write-ahead log into the database when the last connection closes,
/// as it does after Nix. The evaluator's connection must close too, or the log keeps
/// growing across runs and every later process re-reads all of it when it opens the store.
#[test]
fn instantiate_leaves_the_database_checkpointed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_sources(tmp.path());
    let printed = run(
        Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
            .current_dir(tmp.path())
            .env("SYSREBUILD_STORE", tmp.path().join("ours"))
            .args(["instantiate", "a.nix", "-A", "dep"]),
        "sysrebuild instantiate",
    );
    assert!(printed.trim().ends_with("-dep.drv"), "{printed}");
    let db = tmp.path().join("ours/nix/var/nix/db");
    assert!(db.join("db.sqlite").is_file());
    assert!(
        !db.join("db.sqlite-wal").exists(),
        "the write-ahead log was left behind: {:?}",
        fs::read_dir(&db).map(|d| d.count())
    );
}
