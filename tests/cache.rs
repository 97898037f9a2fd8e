//! Binary caches through the binary, with Nix 2.8 as the oracle: a cache written by
//! `nix copy --to file://…` is substituted by sysrebuild, a signed cache written by
//! sysrebuild is accepted by Nix, broken caches give clear errors, and `sysrebuild build`
//! substitutes from an HTTP cache on 127.0.0.1 (or builds when the cache fails).
//!
//! Every store is relocated into a temporary directory; Nix gets its state and
//! configuration there too (`nix-bin`, installed by `scripts/deps.sh`).

#[path = "support/http_server.rs"]
mod http_server;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use http_server::Server;

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");
const NIX_FEATURES: &[&str] = &["--extra-experimental-features", "nix-command"];

/// A derivation whose `.drv` refers to two `toFile` sources, one referring to the other:
/// instantiating it gives a three-path closure with references.
const DRV_EXPR: &str = r#"derivation {
  name = "cached";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ (builtins.toFile "script.sh" "echo ${builtins.toFile "data" "payload"} > $out") ];
}"#;

/// A temporary directory with Nix's state, configuration and home inside it.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let found = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|d| d.join("nix-store").is_file())
        });
        assert!(
            found,
            "nix-store is not on PATH: the cache tests need Nix 2.8 (apt-get install nix-bin)"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("home")).expect("home");
        Env { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn url(&self, name: &str) -> String {
        format!("file://{}", self.path(name).display())
    }

    /// Runs a Nix program against the relocated store `store`.
    fn nix(&self, program: &str, store: &str, args: &[&str]) -> Output {
        let home = self.path("home");
        Command::new(program)
            .arg("--store")
            .arg(self.path(store))
            .args(args)
            .env("NIX_REMOTE", self.path(store))
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NIX_CONF_DIR", &home)
            .env("NIX_STATE_DIR", home.join("state"))
            .env("NIX_LOG_DIR", home.join("log"))
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// Runs `sysrebuild ARGS` in the directory, with no settings from the environment.
    fn ours(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env_remove("SYSREBUILD_STORE")
            .env_remove("SYSREBUILD_CONFIG")
            .current_dir(self.dir.path())
            .output()
            .expect("run sysrebuild")
    }

    /// `sysrebuild store --store DIR ARGS`.
    fn store(&self, store: &str, args: &[&str]) -> Output {
        let dir = self.path(store);
        let mut all = vec!["store", "--store", dir.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        self.ours(&all)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "command failed: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn fails(o: Output) -> String {
    assert!(
        !o.status.success(),
        "command succeeded: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stderr)
}

fn lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// Runs `nix ARGS` (with the experimental features Nix 2.8 needs) on store `store`.
fn nix_cmd(env: &Env, store: &str, args: &[&str]) -> Output {
    let mut all = NIX_FEATURES.to_vec();
    all.extend_from_slice(args);
    env.nix("nix", store, &all)
}

/// Nix's store `nix` gets the closure of [`DRV_EXPR`] (content-addressed paths) and the
/// built output `out` of a sysrebuild cache (an input-addressed path), and writes both
/// into `file://nixcache`, signed with a key Nix generated; returns the `.drv` path and
/// Nix's public key.
fn nix_signed_cache(env: &Env, out: &str) -> (String, String) {
    fs::write(env.path("drv.nix"), DRV_EXPR).expect("write");
    let drv = ok(env.nix("nix-instantiate", "nix", &["drv.nix"]));
    let drv = drv.trim().to_owned();
    ok(nix_cmd(
        env,
        "nix",
        &["copy", "--from", &env.url("cache"), "--no-check-sigs", out],
    ));
    let sk = env.path("nix-sk");
    let pk = env.path("nix-pk");
    ok(env.nix(
        "nix-store",
        "nix",
        &[
            "--generate-binary-cache-key",
            "nix-test-1",
            sk.to_str().unwrap(),
            pk.to_str().unwrap(),
        ],
    ));
    let to = format!("{}?secret-key={}", env.url("nixcache"), sk.display());
    ok(nix_cmd(
        env,
        "nix",
        &["copy", "--derivation", "--to", &to, &drv],
    ));
    ok(nix_cmd(env, "nix", &["copy", "--to", &to, out]));
    (drv, fs::read_to_string(pk).expect("public key"))
}

#[test]
fn a_cache_written_by_nix_is_substituted_with_references_and_signatures() {
    let env = Env::new();
    let (out, _) = built_cache(&env);
    let (drv, pk) = nix_signed_cache(&env, &out);
    let cache = env.url("nixcache");

    // Without Nix's key, the input-addressed output is not trusted.
    let err = fails(env.store("ours", &["copy", "--from", &cache, &out]));
    assert!(
        err.contains(&format!("cannot add path '{out}'"))
            && err.contains("lacks a signature by a trusted key"),
        "{err}"
    );
    assert!(!env.path("ours").join(out.trim_start_matches('/')).exists());

    ok(env.store(
        "ours",
        &["copy", "--from", &cache, "--trusted-public-keys", &pk, &out],
    ));
    let real = env.path("ours").join(out.trim_start_matches('/'));
    assert_eq!(fs::read_to_string(real).unwrap(), "app-tool\n");
    // Content-addressed paths need no signature (as in Nix): their contents are checked
    // against their content address.
    ok(env.store("ours", &["copy", "--from", &cache, &drv]));
    let ours = ok(env.store("ours", &["query", "--requisites", &drv]));
    let nix = ok(env.nix("nix-store", "nix", &["--query", "--requisites", &drv]));
    assert_eq!(lines(&ours), lines(&nix));
    assert_eq!(lines(&ours).len(), 3);
    // References, deriver and signatures are registered as Nix registered them.
    for path in [&drv, &out] {
        for query in ["--references", "--deriver"] {
            let got = ok(env.nix("nix-store", "ours", &["--query", query, path]));
            let want = ok(env.nix("nix-store", "nix", &["--query", query, path]));
            assert_eq!(got, want, "{query} {path}");
        }
    }
    let info = ok(nix_cmd(&env, "ours", &["path-info", "--json", &out]));
    assert!(info.contains("\"nix-test-1:"), "{info}");
    // What was unpacked is intact to Nix.
    ok(env.nix("nix-store", "ours", &["--verify", "--check-contents"]));

    // --no-check-sigs accepts it without the key, into another store.
    ok(env.store(
        "other",
        &["copy", "--from", &cache, "--no-check-sigs", &out],
    ));
    ok(env.store("other", &["verify", "--check-contents"]));
}

#[test]
fn a_signed_cache_written_by_sysrebuild_is_accepted_by_nix() {
    let env = Env::new();
    // An input-addressed output, signed: Nix needs the key.
    let (out, pk) = built_cache(&env);
    let err = text(
        &nix_cmd(
            &env,
            "nix-none",
            &["copy", "--from", &env.url("cache"), &out],
        )
        .stderr,
    );
    assert!(
        err.contains("signature"),
        "Nix accepted an unsigned path: {err}"
    );
    ok(nix_cmd(
        &env,
        "nix-signed",
        &[
            "copy",
            "--from",
            &env.url("cache"),
            "--trusted-public-keys",
            &pk,
            &out,
        ],
    ));
    ok(env.nix("nix-store", "nix-signed", &["--verify", "--check-contents"]));
    let got = ok(env.nix("nix-store", "nix-signed", &["--query", "--deriver", &out]));
    let want = ok(env.store("a", &["query", "--deriver", &out]));
    assert_eq!(got.trim(), want.trim());

    // Nix refuses it under a key of the same name it does not trust.
    ok(env.store("a", &["generate-key", "a-1", "sk2", "pk2"]));
    let wrong = fs::read_to_string(env.path("pk2")).expect("pk2");
    let err = text(
        &nix_cmd(
            &env,
            "nix-wrong",
            &[
                "copy",
                "--from",
                &env.url("cache"),
                "--trusted-public-keys",
                wrong.trim(),
                &out,
            ],
        )
        .stderr,
    );
    assert!(
        err.contains("signature"),
        "Nix accepted an untrusted path: {err}"
    );

    // Content-addressed paths with references, in every compression.
    fs::write(env.path("drv.nix"), DRV_EXPR).expect("write");
    let store = env.path("ours");
    let drv = ok(env.ours(&["instantiate", "--store", store.to_str().unwrap(), "drv.nix"]));
    let drv = drv.trim();
    let requisites = lines(&ok(env.store("ours", &["query", "--requisites", drv])));
    for method in ["xz", "zstd", "bzip2", "none"] {
        let url = env.url(&format!("cache-{method}"));
        ok(env.store(
            "ours",
            &[
                "copy",
                "--to",
                &url,
                "--sign-key",
                "sk",
                "--compression",
                method,
                drv,
            ],
        ));
        let nix_store = format!("nix-{method}");
        ok(nix_cmd(
            &env,
            &nix_store,
            &[
                "copy",
                "--derivation",
                "--from",
                &url,
                "--trusted-public-keys",
                &pk,
                drv,
            ],
        ));
        let got = ok(env.nix("nix-store", &nix_store, &["--query", "--requisites", drv]));
        assert_eq!(lines(&got), requisites, "{method}");
        ok(env.nix("nix-store", &nix_store, &["--verify", "--check-contents"]));
    }
}

/// A sysrebuild store `ours` with [`DRV_EXPR`] instantiated, copied unsigned into
/// `file://cache` with `method`; returns the `.drv` path.
fn our_cache(env: &Env, method: &str) -> String {
    fs::write(env.path("drv.nix"), DRV_EXPR).expect("write");
    let store = env.path("ours");
    let drv = ok(env.ours(&["instantiate", "--store", store.to_str().unwrap(), "drv.nix"]));
    let drv = drv.trim().to_owned();
    let url = env.url("cache");
    ok(env.store(
        "ours",
        &["copy", "--to", &url, "--compression", method, &drv],
    ));
    drv
}

fn narinfo(env: &Env, path: &str) -> PathBuf {
    let base = path.trim_start_matches("/nix/store/");
    env.path("cache").join(format!("{}.narinfo", &base[..32]))
}

fn edit(file: &Path, f: impl FnOnce(String) -> String) {
    let old = fs::read_to_string(file).expect("read");
    fs::write(file, f(old)).expect("write");
}

/// The copy from the cache into a fresh store fails with a message containing `want`,
/// and leaves `path` invalid and absent.
fn copy_fails(env: &Env, drv: &str, extra: &[&str], want: &str, path: &str) {
    let url = env.url("cache");
    let mut args = vec!["copy", "--from", &url];
    args.extend_from_slice(extra);
    args.push(drv);
    let err = fails(env.store("fresh", &args));
    assert!(err.contains(want), "expected '{want}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let real = env.path("fresh").join(path.trim_start_matches('/'));
    assert!(!real.exists(), "{} was left behind", real.display());
    let valid = env.store("fresh", &["path-info", path]);
    assert!(!valid.status.success(), "{path} is valid after: {err}");
}

fn script_path(env: &Env, drv: &str) -> String {
    let refs = ok(env.store("ours", &["query", "--references", drv]));
    refs.lines()
        .find(|l| l.ends_with("-script.sh"))
        .expect("script reference")
        .to_owned()
}

#[test]
fn a_bad_signature_is_refused() {
    let env = Env::new();
    let (out, pk) = built_cache(&env);
    edit(&narinfo(&env, &out), |t| {
        let i = t.find("Sig: a-1:").expect("signed") + "Sig: a-1:".len();
        let mut b = t.into_bytes();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    });
    copy_fails(
        &env,
        &out,
        &["--trusted-public-keys", &pk],
        &format!(
            "cannot add path '{out}' from '{}' because it lacks a signature",
            env.url("cache")
        ),
        &out,
    );
}

#[test]
fn a_wrong_nar_hash_is_refused_and_nothing_is_left() {
    let env = Env::new();
    let drv = our_cache(&env, "zstd");
    let script = script_path(&env, &drv);
    edit(&narinfo(&env, &script), |t| {
        let line = t.lines().find(|l| l.starts_with("NarHash: ")).unwrap();
        t.replace(
            line,
            "NarHash: sha256:1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h",
        )
    });
    copy_fails(
        &env,
        &drv,
        &["--no-check-sigs"],
        "does not match its .narinfo: NAR hash is sha256-",
        &script,
    );
}

#[test]
fn a_truncated_nar_is_refused() {
    for method in ["none", "xz"] {
        let env = Env::new();
        let drv = our_cache(&env, method);
        let info = fs::read_to_string(narinfo(&env, &drv)).unwrap();
        let url = info.lines().find_map(|l| l.strip_prefix("URL: ")).unwrap();
        let nar = env.path("cache").join(url);
        let bytes = fs::read(&nar).unwrap();
        fs::write(&nar, &bytes[..bytes.len() / 2]).unwrap();
        let want = if method == "none" {
            "NAR archive is truncated".to_owned()
        } else {
            format!("cannot unpack the NAR of '{drv}'")
        };
        copy_fails(&env, &drv, &["--no-check-sigs"], &want, &drv);
    }
}

#[test]
fn a_missing_narinfo_names_the_path_and_cache() {
    let env = Env::new();
    let drv = our_cache(&env, "bzip2");
    let script = script_path(&env, &drv);
    fs::remove_file(narinfo(&env, &script)).unwrap();
    copy_fails(
        &env,
        &drv,
        &["--no-check-sigs"],
        &format!(
            "path '{script}' is not in the binary cache '{}'",
            env.url("cache")
        ),
        &drv,
    );
    // A directory that is no cache at all.
    let err = fails(env.store(
        "fresh",
        &[
            "copy",
            "--from",
            &env.url("nowhere"),
            "--no-check-sigs",
            &drv,
        ],
    ));
    assert!(err.contains("is not a binary cache"), "{err}");
}

// --- substitution in the builder ---------------------------------------------------

const BUILD_LIB: &str = r#"
rec {
  mk = name: script: extra: derivation ({
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/bin:/usr/bin";
  } // extra);
  tool = mk "tool" "echo tool > $out" {};
  # Uses tool at build time only: its output does not refer to it.
  app = mk "app" "read x < $tool; echo app-$x > $out" { inherit tool; };
}
"#;

/// Options that make the builder work on this machine (see tests/build.rs).
fn sandbox_args() -> &'static [&'static str] {
    static ARGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ARGS.get_or_init(|| {
        let env = Env::new();
        fs::write(env.path("lib.nix"), BUILD_LIB).unwrap();
        let store = env.path("probe");
        let out = env.ours(&[
            "build",
            "--no-out-link",
            "--store",
            store.to_str().unwrap(),
            "--sandbox-path",
            "/bin/sh=/bin/busybox",
            "-E",
            "(import ./lib.nix).tool",
        ]);
        if out.status.success() {
            vec!["--sandbox-path", "/bin/sh=/bin/busybox"]
        } else if text(&out.stderr).contains("--no-sandbox") {
            vec!["--no-sandbox"]
        } else {
            panic!("probe build failed: {}", text(&out.stderr));
        }
    })
}

fn build(env: &Env, store: &str, extra: &[&str]) -> Output {
    let dir = env.path(store);
    let mut args = vec!["build", "--no-out-link", "--store", dir.to_str().unwrap()];
    args.extend_from_slice(sandbox_args());
    args.extend_from_slice(extra);
    args.extend(["-E", "(import ./lib.nix).app"]);
    env.ours(&args)
}

/// Builds `app` in store `a` and writes its closure, signed, into the cache directory
/// `cache`; returns the output path and the public key.
fn built_cache(env: &Env) -> (String, String) {
    fs::write(env.path("lib.nix"), BUILD_LIB).unwrap();
    let out = ok(build(env, "a", &[]));
    let out = out.trim().to_owned();
    ok(env.store("a", &["generate-key", "a-1", "sk", "pk"]));
    let pk = fs::read_to_string(env.path("pk")).unwrap();
    ok(env.store(
        "a",
        &["copy", "--to", &env.url("cache"), "--sign-key", "sk", &out],
    ));
    (out, pk.trim().to_owned())
}

#[test]
fn build_substitutes_from_an_http_cache_instead_of_building() {
    let env = Env::new();
    let (out, pk) = built_cache(&env);
    let server = Server::start(env.path("cache"));
    let subs = ["--substituters", &server.base, "--trusted-public-keys", &pk];

    let dry = build(&env, "b", &[&subs[..], &["--dry-run"]].concat());
    let err = ok_stderr(dry);
    assert!(
        err.contains("these 1 paths will be fetched (0.00 MiB download, 0.00 MiB unpacked):"),
        "{err}"
    );
    assert!(err.contains(&format!("  {out}")), "{err}");
    // tool is needed only to build app, which is fetched: nothing is built.
    assert!(!err.contains("will be built"), "{err}");

    let o = build(&env, "b", &subs);
    let stderr = text(&o.stderr);
    assert_eq!(ok(o).trim(), out);
    assert!(
        stderr.contains(&format!("copying path '{out}' from '{}'", server.base)),
        "{stderr}"
    );
    // The download is reported (as plain lines: stderr is not a terminal here).
    assert!(
        stderr.contains(&format!("downloaded '{}/nar/", server.base)),
        "{stderr}"
    );
    let hash = &out["/nix/store/".len()..][..32];
    assert_eq!(server.hits(&format!("/{hash}.narinfo")), 2);
    let real = env.path("b").join(out.trim_start_matches('/'));
    assert_eq!(fs::read_to_string(real).unwrap(), "app-tool\n");
    // Not built here: no build log, and the build-time-only tool was never realised.
    assert!(!env.store("b", &["log", &out]).status.success());
    let names: Vec<String> = fs::read_dir(env.path("b/nix/store"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with("-tool")), "{names:?}");

    // The same settings through $SYSREBUILD_CONFIG, as Nix names them.
    let store = env.path("c");
    let o = Command::new(BIN)
        .args(["build", "--no-out-link", "--store", store.to_str().unwrap()])
        .args(sandbox_args())
        .args(["-E", "(import ./lib.nix).app"])
        .env(
            "SYSREBUILD_CONFIG",
            format!(
                "substituters = {}\ntrusted-public-keys = {pk}\n",
                server.base
            ),
        )
        .env_remove("SYSREBUILD_STORE")
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert!(
        text(&o.stderr).contains("copying path"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(ok(o).trim(), out);
}

fn ok_stderr(o: Output) -> String {
    let err = text(&o.stderr);
    ok(o);
    err
}

#[test]
fn build_falls_back_to_building_when_the_cache_is_missing_or_broken() {
    let env = Env::new();
    let (out, pk) = built_cache(&env);

    // Unreachable cache.
    let o = build(
        &env,
        "b",
        &[
            "--substituters",
            "http://127.0.0.1:9",
            "--trusted-public-keys",
            &pk,
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(ok(o).trim(), out);
    assert!(
        err.contains("warning: ignoring the binary cache 'http://127.0.0.1:9'"),
        "{err}"
    );

    // A cache whose NAR does not match its .narinfo.
    let info = narinfo(&env, &out);
    edit(&info, |t| {
        let line = t.lines().find(|l| l.starts_with("NarSize: ")).unwrap();
        t.replace(line, "NarSize: 7")
    });
    let o = build(
        &env,
        "c",
        &["--substituters", &env.url("cache"), "--no-check-sigs"],
    );
    let err = text(&o.stderr);
    assert_eq!(ok(o).trim(), out);
    assert!(err.contains("NAR size is"), "{err}");
    assert!(err.contains("building it instead"), "{err}");
    // Built here: the build log exists.
    ok(env.store("c", &["log", &out]));

    // A path signed by a key nobody trusts is built, not fetched.
    let o = build(&env, "d", &["--substituters", &env.url("cache")]);
    let err = text(&o.stderr);
    assert_eq!(ok(o).trim(), out);
    assert!(err.contains("lacks a signature by a trusted key"), "{err}");
}
