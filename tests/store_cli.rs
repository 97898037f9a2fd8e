//! `sysrebuild store …` through the binary, with Nix 2.8 (`nix-store`) as the oracle:
//! paths registered by either are valid to the other. Every store is relocated into a
//! temporary directory (`--store DIR`); the host's `/nix` is never touched.
//!
//! Requires Nix on PATH (CI installs Debian's `nix-bin`).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// A temporary directory with a relocated store under `root`.
struct Fixture {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("store");
        Fixture { tmp, root }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    fn real(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    fn state(&self) -> PathBuf {
        self.root.join("nix/var/nix")
    }

    /// Runs `sysrebuild store --store ROOT args…`.
    fn sr(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("store")
            .arg("--store")
            .arg(&self.root)
            .args(args)
            .env_remove("SYSREBUILD_STORE")
            .output()
            .expect("run sysrebuild")
    }

    /// Runs sysrebuild and expects success; returns stdout.
    fn sr_ok(&self, args: &[&str]) -> String {
        let out = self.sr(args);
        assert!(
            out.status.success(),
            "sysrebuild store {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs sysrebuild and expects failure; returns stderr.
    fn sr_err(&self, args: &[&str]) -> String {
        let out = self.sr(args);
        assert!(
            !out.status.success(),
            "sysrebuild store {args:?} should have failed"
        );
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("internal error"), "panicked: {err}");
        err
    }

    /// Runs a Nix program on this store (and only on it) and returns stdout.
    fn nix(&self, program: &str, args: &[&str]) -> String {
        self.nix_on(&self.root, program, args)
    }

    fn nix_on(&self, root: &Path, program: &str, args: &[&str]) -> String {
        let home = self.dir().join("home");
        fs::create_dir_all(&home).expect("home");
        let out = Command::new(program)
            .arg("--store")
            .arg(root)
            .args(args)
            .env("NIX_REMOTE", root)
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NIX_CONF_DIR", &home)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {program}: {e}; these tests need Nix 2.8 (apt-get install nix-bin)"
                )
            });
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let p = self.dir().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, contents).expect("write");
        p
    }

    /// Instantiates `expr` (a file's contents) with sysrebuild into this store.
    fn instantiate(&self, expr: &str) -> String {
        let file = self.write("expr.nix", expr);
        let out = Command::new(BIN)
            .arg("instantiate")
            .arg(&file)
            .arg("--store")
            .arg(&self.root)
            .output()
            .expect("run sysrebuild");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }
}

fn require_nix() {
    let found = Command::new("nix-store")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "nix-store is not on PATH: these tests use Nix 2.8 as the oracle (apt-get install nix-bin)"
    );
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).collect()
}

const DRVS: &str = r#"
let dep = derivation { name = "dep"; builder = "/bin/sh"; system = "x86_64-linux"; src = ./data; };
    t1 = builtins.toFile "t1" "one";
in derivation { name = "top"; builder = "/bin/sh"; system = "x86_64-linux"; inherit dep;
                t = builtins.toFile "t" "uses ${t1}"; }
"#;

#[test]
fn add_gives_nix_paths_that_nix_sees_as_valid() {
    require_nix();
    let f = Fixture::new();
    let file = f.write("in/hello.txt", "hello\n");
    let dir = f.dir().join("in");
    f.write("in/sub/x", "x");
    fs::set_permissions(f.dir().join("in/sub/x"), fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let ours = lines(&f.sr_ok(&[
        "add",
        file.to_str().expect("utf-8"),
        dir.to_str().expect("utf-8"),
    ]));
    let nix_root = f.dir().join("nixstore");
    let theirs = lines(&f.nix_on(
        &nix_root,
        "nix-store",
        &[
            "--add",
            file.to_str().expect("utf-8"),
            dir.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(ours, theirs);
    for p in &ours {
        f.nix("nix-store", &["--verify-path", p]);
        assert_eq!(f.nix("nix-store", &["--query", "--references", p]), "");
    }
    f.nix("nix-store", &["--verify", "--check-contents"]);
    // Same rows as Nix writes (except the registration time).
    let q = |root: &Path| {
        let c = rusqlite::Connection::open(root.join("nix/var/nix/db/db.sqlite")).expect("db");
        let mut s = c
            .prepare("select path, hash, narSize, deriver, ultimate, sigs, ca from ValidPaths order by path")
            .expect("prepare");
        let rows: Vec<String> = s
            .query_map([], |r| {
                Ok(format!(
                    "{:?}",
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?
                    )
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows
    };
    assert_eq!(q(&f.root), q(&nix_root));
}

#[test]
fn schema_is_the_one_nix_creates() {
    require_nix();
    let f = Fixture::new();
    let file = f.write("a", "a");
    f.sr_ok(&["add", file.to_str().expect("utf-8")]);
    let nix_root = f.dir().join("nixstore");
    f.nix_on(
        &nix_root,
        "nix-store",
        &["--add", file.to_str().expect("utf-8")],
    );
    let schema = |root: &Path| {
        let c = rusqlite::Connection::open(root.join("nix/var/nix/db/db.sqlite")).expect("db");
        let mut s = c
            .prepare("select type, name, tbl_name, sql from sqlite_master order by name")
            .expect("prepare");
        let rows: Vec<(String, String, String, Option<String>)> = s
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let mode: String = c
            .query_row("pragma journal_mode", [], |r| r.get(0))
            .expect("mode");
        (rows, mode)
    };
    assert_eq!(schema(&f.root), schema(&nix_root));
    assert_eq!(
        fs::read_to_string(f.state().join("db/schema")).expect("schema"),
        "10"
    );
}

#[test]
fn paths_nix_registered_are_seen_by_sysrebuild() {
    require_nix();
    let f = Fixture::new();
    let file = f.write("data.txt", "some data\n");
    let p = f.nix("nix-store", &["--add", file.to_str().expect("utf-8")]);
    let p = p.trim();
    let json = f.sr_ok(&["path-info", "--json", "-S", p]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let item = &v[0];
    assert_eq!(item["path"], p);
    let nar = f.nix("nix-store", &["--query", "--hash", p]);
    let nar_hash = nar.trim();
    // Nix prints sha256:<nix32>; we print SRI as `nix path-info --json` does.
    assert!(nar_hash.starts_with("sha256:"), "{nar_hash}");
    assert_eq!(
        item["narSize"],
        f.nix("nix-store", &["--query", "--size", p])
            .trim()
            .parse::<u64>()
            .expect("size")
    );
    assert!(
        item["ca"]
            .as_str()
            .expect("ca")
            .starts_with("fixed:r:sha256:")
    );
    assert_eq!(item["closureSize"], item["narSize"]);
    // And a derivation instantiated by Nix, with its references and outputs.
    f.write("data", "d");
    let expr = f.write("expr.nix", DRVS);
    let drv = f.nix("nix-instantiate", &[expr.to_str().expect("utf-8")]);
    let drv = drv.trim();
    let ours = f.sr_ok(&["query", "--tree", drv]);
    let theirs = f.nix("nix-store", &["--query", "--tree", drv]);
    assert_eq!(ours, theirs);
    f.sr_ok(&["verify", "--check-contents"]);
}

#[test]
fn instantiated_derivations_are_registered_like_nix_does() {
    require_nix();
    let f = Fixture::new();
    f.write("data", "d");
    let drv = f.instantiate(DRVS);
    f.nix("nix-store", &["--verify-path", &drv]);
    for q in ["--references", "--requisites", "--tree"] {
        assert_eq!(
            f.sr_ok(&["query", q, &drv]),
            f.nix("nix-store", &["--query", q, &drv]),
            "query {q}"
        );
    }
    let outputs = f.nix("nix-store", &["--query", "--outputs", &drv]);
    assert!(outputs.trim().ends_with("-top"), "{outputs}");
    let referrers = f.nix("nix-store", &["--query", "--referrers", outputs.trim()]);
    assert_eq!(referrers, "", "outputs are not valid");
    f.nix("nix-store", &["--verify", "--check-contents"]);
    // Nix instantiating the same expression finds everything valid already.
    assert_eq!(
        f.nix(
            "nix-instantiate",
            &[f.dir().join("expr.nix").to_str().expect("utf-8")]
        )
        .trim(),
        drv
    );
}

#[test]
fn gc_deletes_exactly_the_dead_paths_and_keeps_roots() {
    require_nix();
    let f = Fixture::new();
    let add = |name: &str| {
        let p = f.write(&format!("src/{name}"), name);
        f.sr_ok(&["add", p.to_str().expect("utf-8")])
            .trim()
            .to_owned()
    };
    let direct = add("direct");
    let indirect = add("indirect");
    let profile = add("profile");
    let dead1 = add("dead1");
    let dead2 = add("dead2");
    f.write("data", "d");
    let drv = f.instantiate(DRVS);
    let gcroots = f.state().join("gcroots");
    symlink(&direct, gcroots.join("direct")).expect("link");
    // An indirect root: gcroots/auto/x -> <tmp>/result -> store path.
    let result = f.dir().join("result");
    symlink(&indirect, &result).expect("link");
    fs::create_dir_all(gcroots.join("auto")).expect("mkdir");
    symlink(&result, gcroots.join("auto/abc")).expect("link");
    // A stale indirect root is removed.
    symlink(f.dir().join("gone"), gcroots.join("auto/stale")).expect("link");
    // A profile generation.
    let profiles = f.state().join("profiles");
    symlink(&profile, profiles.join("system-1-link")).expect("link");
    symlink("system-1-link", profiles.join("system")).expect("link");
    // The drv closure rooted too.
    symlink(&drv, gcroots.join("drv")).expect("link");

    let roots = f.sr_ok(&["gc", "--print-roots"]);
    for p in [&direct, &indirect, &profile, &drv] {
        assert!(
            roots.contains(&format!(" -> {p}")),
            "{p} missing in {roots}"
        );
    }
    let mut dead = lines(&f.sr_ok(&["gc", "--print-dead"]));
    dead.sort();
    let mut want = vec![dead1.clone(), dead2.clone()];
    want.sort();
    assert_eq!(dead, want);
    let nix_dead: BTreeSet<String> = f
        .nix("nix-store", &["--gc", "--print-dead"])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(nix_dead, want.iter().cloned().collect());

    let err = f.sr_err(&["delete", &indirect]);
    assert!(err.contains(&indirect) && err.contains("result"), "{err}");
    let t1 = lines(&f.sr_ok(&["query", "--requisites", &drv]))
        .into_iter()
        .find(|l| l.ends_with("-t1"))
        .expect("t1 in closure");
    let err = f.sr_err(&["delete", &t1]);
    assert!(err.contains("gcroots/drv") && err.contains(&drv), "{err}");

    let summary = f.sr_ok(&["gc"]);
    assert!(summary.starts_with("2 store paths deleted"), "{summary}");
    for p in [&dead1, &dead2] {
        assert!(!f.real(p).exists(), "{p} still on disk");
    }
    for p in [&direct, &indirect, &profile, &drv, &t1] {
        assert!(f.real(p).exists(), "{p} was deleted");
        f.nix("nix-store", &["--verify-path", p]);
    }
    assert!(!gcroots.join("auto/stale").exists());
    f.nix("nix-store", &["--verify", "--check-contents"]);

    // Once unrooted, a path can be deleted by name.
    fs::remove_file(gcroots.join("direct")).expect("unroot");
    f.sr_ok(&["delete", &direct]);
    assert!(!f.real(&direct).exists());
    assert!(f.sr_err(&["path-info", &direct]).contains("is not valid"));
}

#[test]
fn verify_names_a_corrupted_path_with_both_hashes() {
    let f = Fixture::new();
    let src = f.write("dir/file", "good");
    let p = f.sr_ok(&["add", src.parent().expect("dir").to_str().expect("utf-8")]);
    let p = p.trim();
    f.sr_ok(&["verify", "--check-contents"]);
    let real = f.real(p);
    fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(real.join("file"), fs::Permissions::from_mode(0o644)).expect("chmod");
    fs::write(real.join("file"), "evil").expect("corrupt");
    let err = f.sr_err(&["verify", "--check-contents"]);
    assert!(
        err.contains(&format!("path '{p}' was modified! expected hash 'sha256:")),
        "{err}"
    );
    assert!(err.contains("got 'sha256:"), "{err}");
    // Without --check-contents only existence is checked.
    f.sr_ok(&["verify"]);
}

#[test]
fn optimise_links_identical_files_and_keeps_the_store_valid() {
    require_nix();
    let f = Fixture::new();
    let content = "x".repeat(20000);
    let a = f.write("a/big", &content);
    let b = f.write("b/big", &content);
    f.sr_ok(&["add", a.parent().expect("a").to_str().expect("utf-8")]);
    f.sr_ok(&["add", b.parent().expect("b").to_str().expect("utf-8")]);
    let out = f.sr_ok(&["optimise"]);
    assert!(out.contains("hard-linking 1 files"), "{out}");
    f.sr_ok(&["verify", "--check-contents"]);
    f.nix("nix-store", &["--verify", "--check-contents"]);
    let again = f.sr_ok(&["optimise"]);
    assert!(again.contains("hard-linking 0 files"), "{again}");
}

#[test]
fn dump_and_restore_match_nix() {
    require_nix();
    let f = Fixture::new();
    f.write("t/x", "x");
    let p = f.sr_ok(&["add", f.dir().join("t").to_str().expect("utf-8")]);
    let p = p.trim();
    let ours = f.sr(&["dump", p]).stdout;
    let home = f.dir().join("home");
    fs::create_dir_all(&home).expect("home");
    // `nix-store --dump` reads the file system directly, so give it the real location.
    let real = f.real(p);
    let theirs = Command::new("nix-store")
        .args(["--store", f.root.to_str().expect("utf-8"), "--dump"])
        .arg(&real)
        .env("NIX_REMOTE", &f.root)
        .env("HOME", &home)
        .output()
        .expect("nix-store")
        .stdout;
    assert_eq!(ours, theirs);
    let dest = f.dir().join("restored");
    let mut child = Command::new(BIN)
        .args(["store", "restore", dest.to_str().expect("utf-8")])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &ours).expect("feed");
    assert!(child.wait().expect("wait").success());
    assert_eq!(fs::read_to_string(dest.join("x")).expect("restored"), "x");
}

#[test]
fn why_depends_log_and_errors() {
    let f = Fixture::new();
    f.write("data", "d");
    let drv = f.instantiate(DRVS);
    let t1 = lines(&f.sr_ok(&["query", "--requisites", &drv]))
        .into_iter()
        .find(|l| l.ends_with("-t1"))
        .expect("t1");
    let why = f.sr_ok(&["why-depends", &drv, &t1]);
    assert!(why.starts_with(&drv) && why.contains(&t1), "{why}");
    let err = f.sr_err(&["why-depends", &t1, &drv]);
    assert!(err.contains("does not depend on"), "{err}");

    let base = Path::new(&drv)
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let log_dir = f.root.join("nix/var/log/nix/drvs").join(&base[..2]);
    fs::create_dir_all(&log_dir).expect("mkdir");
    fs::write(log_dir.join(&base[2..]), "build output\n").expect("log");
    assert_eq!(f.sr_ok(&["log", &drv]), "build output\n");
    assert!(f.sr_err(&["log", &t1]).contains("not available"));

    assert!(
        f.sr_err(&["path-info", "/etc/passwd"])
            .contains("'/etc/passwd'")
    );
    assert!(
        f.sr_err(&[
            "path-info",
            "/nix/store/00000000000000000000000000000000-none"
        ])
        .contains("is not valid")
    );
    assert!(
        f.sr_err(&["add", "/nonexistent/file"])
            .contains("/nonexistent/file")
    );
}

#[test]
fn max_freed_stops_early_and_query_roots_names_the_link() {
    let f = Fixture::new();
    let mut dead = Vec::new();
    for name in ["d1", "d2", "d3"] {
        let p = f.write(&format!("src/{name}"), name);
        dead.push(
            f.sr_ok(&["add", p.to_str().expect("utf-8")])
                .trim()
                .to_owned(),
        );
    }
    let kept = f.write("src/kept", "kept");
    let kept = f.sr_ok(&["add", kept.to_str().expect("utf-8")]);
    let kept = kept.trim();
    symlink(kept, f.state().join("gcroots/kept")).expect("link");
    let roots = f.sr_ok(&["query", "--roots", kept]);
    assert_eq!(
        roots.trim(),
        format!("{} -> {kept}", f.state().join("gcroots/kept").display())
    );
    let out = f.sr_ok(&["gc", "--max-freed", "1"]);
    assert!(out.starts_with("1 store paths deleted"), "{out}");
    let left: Vec<&String> = dead.iter().filter(|p| f.real(p).exists()).collect();
    assert_eq!(left.len(), 2);
    // The store can also be chosen through SYSREBUILD_STORE.
    let out = Command::new(BIN)
        .args(["store", "gc", "--print-dead"])
        .env("SYSREBUILD_STORE", &f.root)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}
