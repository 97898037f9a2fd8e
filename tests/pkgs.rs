//! The package universe through the CLI: `sysrebuild pkgs update/search/show`, the lock
//! file, and `pkgs.<name>` evaluated and instantiated from the locked index.
//!
//! Resolution cases use the hand-written index in `tests/pkgs/lists/` (laid out like apt's
//! lists, with an `InRelease` listing its hash); one test uses this machine's real apt
//! lists for the core of a bootable system.

#[path = "support/http_server.rs"]
mod http_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE_LISTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pkgs/lists");

fn sysrebuild(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .current_dir(dir)
        .env_remove("SYSREBUILD_STORE")
        .env_remove("SYSREBUILD_LOCK")
        .args(args)
        .output()
        .expect("runs sysrebuild")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "failed:\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// A temporary directory with `store/` and a lock of the fixture index imported into it.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_owned();
    ok(sysrebuild(
        &dir,
        &[
            "pkgs",
            "update",
            "--store",
            "store",
            "--apt-lists",
            FIXTURE_LISTS,
            "--suite",
            "testing",
            "--arch",
            "amd64",
        ],
    ));
    (tmp, dir)
}

/// Evaluates `EXPR` with `pkgs` bound to the fixture's package set (strict, JSON).
fn eval(dir: &Path, expr: &str) -> Output {
    let full =
        format!("let pkgs = import <sysrebuild/pkgs> {{ lock = ./sysrebuild.lock; }}; in {expr}");
    sysrebuild(
        dir,
        &[
            "eval", "--store", "store", "--strict", "--json", "-E", &full,
        ],
    )
}

fn eval_json(dir: &Path, expr: &str) -> serde_json::Value {
    serde_json::from_str(&ok(eval(dir, expr))).expect("JSON output")
}

#[test]
fn update_creates_the_lock_and_imports_the_index_as_a_fixed_output_path() {
    let (_tmp, dir) = fixture();
    let lock = std::fs::read_to_string(dir.join("sysrebuild.lock")).expect("lock written");
    assert!(lock.contains("suite = \"testing\""), "{lock}");
    assert!(lock.contains("verified = true"), "{lock}");
    assert!(
        lock.contains("mirror = \"http://example.org/debian\""),
        "{lock}"
    );
    let path = lock
        .lines()
        .find_map(|l| l.strip_prefix("path = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("path recorded")
        .to_owned();
    let sha256 = lock
        .lines()
        .find_map(|l| l.strip_prefix("sha256 = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("sha256 recorded");
    let real = dir.join("store").join(path.trim_start_matches('/'));
    let bytes = std::fs::read(&real).expect("index in the store");
    use sha2::Digest;
    let actual: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(actual, sha256);
    // The store form drops what resolution does not need.
    let text = String::from_utf8(bytes).expect("text");
    assert!(!text.contains("Maintainer:") && !text.contains("that is dropped"));
    // The path is the one Nix gives the same flat SHA-256 file, and Nix sees it as valid.
    let copy_dir = dir.join("copy");
    std::fs::create_dir_all(&copy_dir).expect("mkdir");
    // `/nix/store/` and the 32-character hash part and its dash come before the name.
    let name = path.get(44..).expect("a store path");
    std::fs::write(copy_dir.join(name), &text).expect("write copy");
    let nix = Command::new("nix-store")
        .env("NIX_STATE_DIR", dir.join("nix-state"))
        .env("NIX_CONF_DIR", dir.join("nix-conf"))
        .arg("--store")
        .arg(dir.join("nix-root"))
        .args(["--add-fixed", "sha256"])
        .arg(copy_dir.join(name))
        .output()
        .expect("nix-store runs (Debian's nix-bin is the oracle)");
    assert_eq!(stdout(&nix).trim(), path, "{}", stderr(&nix));
    let verify = Command::new("nix-store")
        .env("NIX_STATE_DIR", dir.join("nix-state"))
        .env("NIX_CONF_DIR", dir.join("nix-conf"))
        .arg("--store")
        .arg(dir.join("store"))
        .args(["--verify-path", &path])
        .output()
        .expect("nix-store runs");
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn update_keeps_comments_and_reports_changes() {
    let (_tmp, dir) = fixture();
    let lock_path = dir.join("sysrebuild.lock");
    let lock = std::fs::read_to_string(&lock_path).expect("lock");
    let commented = lock
        .replace("\n[[source]]\n", "\n# Our pinned archive.\n[[source]]\n")
        .replace(
            "suite = \"testing\"",
            "suite = \"testing\" # keep this suite",
        );
    std::fs::write(&lock_path, &commented).expect("write");
    // The upstream index changes: one package upgraded, one added, one removed.
    let lists = dir.join("lists");
    std::fs::create_dir_all(&lists).expect("mkdir");
    let packages = std::fs::read_to_string(format!(
        "{FIXTURE_LISTS}/example.org_debian_dists_testing_main_binary-amd64_Packages"
    ))
    .expect("fixture");
    let changed = packages
        .replace("Version: 2.10-3", "Version: 2.12-1")
        .replace("Package: app-missing", "Package: app-new");
    std::fs::write(
        lists.join("example.org_debian_dists_testing_main_binary-amd64_Packages"),
        &changed,
    )
    .expect("write");
    let out = ok(sysrebuild(
        &dir,
        &[
            "pkgs",
            "update",
            "--store",
            "store",
            "--apt-lists",
            lists.to_str().expect("utf-8"),
        ],
    ));
    assert!(
        out.contains("1 added, 1 removed, 1 upgraded, 0 downgraded"),
        "{out}"
    );
    assert!(out.contains("upgraded: hello 2.10-3 -> 2.12-1"), "{out}");
    assert!(out.contains("added: app-new 1.0"), "{out}");
    assert!(out.contains("removed: app-missing 1.0"), "{out}");
    let after = std::fs::read_to_string(&lock_path).expect("lock");
    assert!(
        after.contains("# Our pinned archive.\n[[source]]"),
        "{after}"
    );
    assert!(
        after.contains("suite = \"testing\" # keep this suite"),
        "{after}"
    );
    // Without InRelease the index is taken but marked unverified.
    assert!(after.contains("verified = false"), "{after}");
    assert_ne!(after, commented);
    // Nothing changed upstream: the update says so.
    let again = ok(sysrebuild(
        &dir,
        &[
            "pkgs",
            "update",
            "--store",
            "store",
            "--apt-lists",
            lists.to_str().expect("utf-8"),
        ],
    ));
    assert!(again.contains("unchanged"), "{again}");
}

#[test]
fn an_index_that_does_not_match_inrelease_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let lists = tmp.path().join("lists");
    std::fs::create_dir_all(&lists).expect("mkdir");
    for name in [
        "example.org_debian_dists_testing_InRelease",
        "example.org_debian_dists_testing_main_binary-amd64_Packages",
    ] {
        std::fs::copy(format!("{FIXTURE_LISTS}/{name}"), lists.join(name)).expect("copy");
    }
    let p = lists.join("example.org_debian_dists_testing_main_binary-amd64_Packages");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replace("Size: 1000", "Size: 1001")).expect("write");
    let o = sysrebuild(
        tmp.path(),
        &[
            "pkgs",
            "update",
            "--store",
            "store",
            "--apt-lists",
            lists.to_str().expect("utf-8"),
            "--suite",
            "testing",
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("SHA256 is") && err.contains("InRelease"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn search_and_show() {
    let (_tmp, dir) = fixture();
    let found = ok(sysrebuild(
        &dir,
        &["pkgs", "search", "--store", "store", "HELLO"],
    ));
    assert_eq!(
        found,
        "hello (2.10-3): example package based on GNU hello\n"
    );
    let shown = ok(sysrebuild(
        &dir,
        &["pkgs", "show", "--store", "store", "--closure", "hello"],
    ));
    assert!(shown.starts_with("hello 2.10-3\n"), "{shown}");
    assert!(shown.contains("size: 1000 bytes"), "{shown}");
    assert!(shown.contains("depends: libc (>= 2.34)"), "{shown}");
    assert!(
        shown.contains("description: example package based on GNU hello"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "closure (3 packages):\n  hello 2.10-3\n  libc 2.36-9\n  libgcc 1:12.2.0-14\n"
        ),
        "{shown}"
    );
    let missing = sysrebuild(&dir, &["pkgs", "show", "--store", "store", "ngnix"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("did you mean nginx?"),
        "{}",
        stderr(&missing)
    );
    let virt = sysrebuild(
        &dir,
        &["pkgs", "show", "--store", "store", "mail-transport-agent"],
    );
    assert!(
        stderr(&virt).contains("virtual package, provided by: postfix-ish, exim-ish"),
        "{}",
        stderr(&virt)
    );
}

#[test]
fn resolution_picks_alternatives_providers_and_versions() {
    let (_tmp, dir) = fixture();
    let v = eval_json(
        &dir,
        "builtins.mapAttrs (n: p: map (d: d.pname) p.depends) { inherit (pkgs) app-alt app-virt app-ver hello; }",
    );
    // The first alternative is missing; the second (with a `~` version) is taken.
    assert_eq!(v["app-alt"], serde_json::json!(["libb"]));
    // The standard-priority provider beats the optional one; only the versioned
    // provide satisfies `libapi (>= 2)`.
    assert_eq!(
        v["app-virt"],
        serde_json::json!(["exim-ish", "provider-new"])
    );
    // Pre-Depends first; `1.0~rc1 << 1.0`; `perl:any` is accepted.
    assert_eq!(v["app-ver"], serde_json::json!(["libold", "perl", "libc"]));
    assert_eq!(v["hello"], serde_json::json!(["libc"]));
}

#[test]
fn packages_have_derivations_in_the_agreed_shape() {
    let (_tmp, dir) = fixture();
    let v = eval_json(
        &dir,
        r#"let h = pkgs.hello; d = h.deb; in {
          inherit (h) name pname version system builder;
          desc = h.meta.description;
          deps = map (x: x.name) h.deps;
          srcs = map (x: x.name) h.srcs;
          src = h.src.name;
          deb = { inherit (d) name builder outputHash outputHashMode outputHashAlgo package version architecture filename mirrors; };
          gpp = pkgs."g++".name;
          gppDeb = pkgs."g++".deb.name;
          old = pkgs.tool.version;
        }"#,
    );
    assert_eq!(v["name"], "hello-2.10-3");
    assert_eq!(v["pname"], "hello");
    assert_eq!(v["system"], "builtin");
    assert_eq!(v["builder"], "builtin:unpack-deb");
    assert_eq!(v["desc"], "example package based on GNU hello");
    assert_eq!(v["deps"], serde_json::json!(["libc-2.36-9"]));
    assert_eq!(v["srcs"], serde_json::json!(["hello_2.10-3_amd64.deb"]));
    assert_eq!(v["src"], "hello_2.10-3_amd64.deb");
    assert_eq!(v["deb"]["builder"], "builtin:fetch-deb");
    assert_eq!(v["deb"]["outputHashMode"], "flat");
    assert_eq!(
        v["deb"]["filename"],
        "pool/main/h/hello/hello_2.10-3_amd64.deb"
    );
    assert_eq!(v["deb"]["mirrors"], "http://example.org/debian");
    // Epochs and tildes are sanitised in names, kept in attributes.
    assert_eq!(v["gpp"], "g++-4_12.2.0-3");
    assert_eq!(v["gppDeb"], "g++_4_12.2.0-3_amd64.deb");
    assert_eq!(v["old"], "2.0");
}

#[test]
fn dependency_cycles_become_one_unit() {
    let (_tmp, dir) = fixture();
    let v = eval_json(
        &dir,
        r#"{
          same = pkgs.cyc-a.drvPath == pkgs.cyc-c.drvPath && pkgs.cyc-b.outPath == pkgs.cyc-a.outPath;
          name = pkgs.cyc-b.name;
          pname = pkgs.cyc-b.pname;
          srcs = map (x: x.name) pkgs.cyc-b.srcs;
          deps = map (x: x.name) pkgs.cyc-b.deps;
          user = map (x: x.name) pkgs.uses-cyc.deps;
          libc = map (x: x.name) pkgs.libgcc.srcs;
        }"#,
    );
    assert_eq!(v["same"], true);
    assert_eq!(v["name"], "cyc-a-1");
    assert_eq!(v["pname"], "cyc-b");
    assert_eq!(
        v["srcs"],
        serde_json::json!([
            "cyc-a_1_amd64.deb",
            "cyc-b_1_amd64.deb",
            "cyc-c_1_amd64.deb"
        ])
    );
    assert_eq!(v["deps"], serde_json::json!(["libc-2.36-9"]));
    assert_eq!(v["user"], serde_json::json!(["cyc-a-1"]));
    assert_eq!(
        v["libc"],
        serde_json::json!(["libc_2.36-9_amd64.deb", "libgcc_1_12.2.0-14_amd64.deb"])
    );
}

#[test]
fn unsatisfiable_and_missing_packages_are_explained() {
    let (_tmp, dir) = fixture();
    let o = eval(&dir, "pkgs.app-broken.drvPath");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("app-broken -> mid-lib -> libfoo (>= 2): libfoo has version 1.0 only"),
        "{err}"
    );
    let o = eval(&dir, "pkgs.app-missing.drvPath");
    let err = stderr(&o);
    assert!(
        err.contains(
            "app-missing -> ngnix (>= 1): no package ngnix in the index (did you mean nginx?)"
        ),
        "{err}"
    );
    let o = eval(&dir, "pkgs.ngnix");
    let err = stderr(&o);
    assert!(err.contains("attribute 'ngnix' missing"), "{err}");
    assert!(err.contains("did you mean 'nginx'"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn overlays_extend_and_override_attrs() {
    let (_tmp, dir) = fixture();
    let expr = r#"let
        patched = pkgs.extend (final: prev: {
          libc = prev.libc.overrideAttrs (old: { patched = "yes"; });
          mine = final.hello;
        });
        viaArg = import <sysrebuild/pkgs> {
          lock = ./sysrebuild.lock;
          overlays = [ (final: prev: { hello = prev.perl; }) ];
        };
      in {
        patchedLibc = patched.libc.patched;
        differs = patched.libc.outPath != pkgs.libc.outPath;
        helloUsesIt = builtins.head (map (d: d.outPath) patched.hello.deps) == patched.libc.outPath;
        mine = patched.mine.name;
        replaced = viaArg.hello.name;
        alias = pkgs ? glibc;
        noDanglingAlias = pkgs ? openssh;
      }"#;
    let v = eval_json(&dir, expr);
    assert_eq!(v["patchedLibc"], "yes");
    assert_eq!(v["differs"], true);
    assert_eq!(v["helloUsesIt"], true);
    assert_eq!(v["mine"], "hello-2.10-3");
    assert_eq!(v["replaced"], "perl-5.36.0-7");
    // `glibc` is an alias for `libc6`, which this index lacks: no alias then.
    assert_eq!(v["alias"], false);
    assert_eq!(v["noDanglingAlias"], false);
}

#[test]
fn instantiate_writes_drv_files_nix_can_read() {
    let (_tmp, dir) = fixture();
    std::fs::write(
        dir.join("hello.nix"),
        "(import <sysrebuild/pkgs> { lock = ./sysrebuild.lock; }).hello\n",
    )
    .expect("write");
    let drv = ok(sysrebuild(
        &dir,
        &["instantiate", "--store", "store", "hello.nix"],
    ));
    let drv = drv.trim();
    assert!(drv.ends_with("-hello-2.10-3.drv"), "{drv}");
    let real = dir.join("store").join(drv.trim_start_matches('/'));
    let text = std::fs::read_to_string(real).expect("drv written");
    assert!(text.contains("\"builtin:unpack-deb\""), "{text}");
    let refs = Command::new("nix-store")
        .env("NIX_STATE_DIR", dir.join("nix-state"))
        .env("NIX_CONF_DIR", dir.join("nix-conf"))
        .arg("--store")
        .arg(dir.join("store"))
        .args(["--query", "--requisites", drv])
        .output()
        .expect("nix-store runs");
    let refs = stdout(&refs);
    assert!(refs.contains("-hello_2.10-3_amd64.deb.drv"), "{refs}");
    assert!(refs.contains("-libc-2.36-9.drv"), "{refs}");
}

#[test]
fn a_lock_naming_a_missing_index_says_how_to_fix_it() {
    let (_tmp, dir) = fixture();
    std::fs::remove_dir_all(dir.join("store")).expect("rm store");
    let o = eval(&dir, "pkgs.hello.name");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("is not in the store"), "{err}");
    assert!(err.contains("sysrebuild pkgs update"), "{err}");
}

/// The core of a bootable system resolves from this machine's real bookworm lists.
#[test]
fn the_core_set_resolves_from_the_real_apt_lists() {
    let lists = Path::new("/var/lib/apt/lists");
    let has_lists = std::fs::read_dir(lists).is_ok_and(|d| {
        d.flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .contains("_dists_bookworm_main_binary-amd64_Packages")
        })
    });
    assert!(
        has_lists,
        "no bookworm apt lists in /var/lib/apt/lists; scripts/deps.sh runs apt-get update"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ok(sysrebuild(
        dir,
        &[
            "pkgs", "update", "--store", "store", "--suite", "bookworm", "--arch", "amd64",
        ],
    ));
    let v = eval_json(
        dir,
        r#"let
          core = with pkgs; [ linux-image-amd64 systemd systemd-sysv dbus udev util-linux
            e2fsprogs bash coreutils kmod openssh-server nginx ];
          closure = builtins.genericClosure {
            startSet = map (p: { key = p.pname; pkg = p; }) core;
            operator = x: map (p: { key = p.pname; pkg = p; }) x.pkg.depends;
          };
        in {
          names = map (x: x.key) closure;
          drvs = map (p: p.drvPath) core;
          libcWithGcc = map (s: s.name) pkgs.libc6.srcs;
        }"#,
    );
    let names: Vec<&str> = v["names"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    for needed in &[
        "libc6",
        "systemd",
        "libsystemd0",
        "openssh-server",
        "nginx",
        "dbus",
    ] {
        assert!(names.contains(needed), "{needed} missing from {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("linux-image-6.")),
        "{names:?}"
    );
    assert!(names.len() > 100, "only {} packages", names.len());
    assert_eq!(v["drvs"].as_array().map(Vec::len), Some(12));
    let libc = v["libcWithGcc"].to_string();
    assert!(
        libc.contains("libc6_") && libc.contains("libgcc-s1_"),
        "{libc}"
    );
}

/// `pkgs.hello` from the real archive, through the lock: fetched (apt), unpacked with its
/// closure (the libc6/libgcc-s1 cycle as one path), merged by buildEnv, and it runs.
#[test]
fn hello_from_the_locked_archive_builds_and_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ok(sysrebuild(
        dir,
        &[
            "pkgs", "update", "--store", "store", "--suite", "bookworm", "--arch", "amd64",
        ],
    ));
    std::fs::write(
        dir.join("env.nix"),
        "let pkgs = import <sysrebuild/pkgs> { lock = ./sysrebuild.lock; }; in\n\
         { env = pkgs.buildEnv { name = \"env\"; paths = [ pkgs.hello ]; }; libc = pkgs.libc6; }\n",
    )
    .expect("write");
    let out = ok(sysrebuild(
        dir,
        &["build", "--store", "store", "env.nix", "--no-out-link"],
    ));
    let paths: Vec<&str> = out.lines().collect();
    assert_eq!(paths.len(), 2, "{out}");
    let real = |p: &str| dir.join("store").join(p.trim_start_matches('/'));
    let (env, libc) = if paths[0].ends_with("-env") {
        (real(paths[0]), real(paths[1]))
    } else {
        (real(paths[1]), real(paths[0]))
    };
    // The cycle libc6 <-> libgcc-s1 is one path holding both packages.
    assert!(libc.join("DEBIAN/members/libgcc-s1/control").is_file());
    assert!(libc.join("DEBIAN/members/libc6/control").is_file());
    // The environment links hello; run it with the unpacked libc's loader (the store is
    // relocated, so the links' /nix/store targets are followed by hand).
    let hello = follow_in_store(&dir.join("store"), &env.join("usr/bin/hello"));
    let lib_path = format!(
        "{}:{}",
        libc.join("lib/x86_64-linux-gnu").display(),
        libc.join("usr/lib/x86_64-linux-gnu").display()
    );
    let run = Command::new(libc.join("lib64/ld-linux-x86-64.so.2"))
        .args(["--library-path", &lib_path])
        .arg(&hello)
        .output()
        .expect("runs hello");
    assert_eq!(stdout(&run), "Hello, world!\n", "{}", stderr(&run));
}

/// `path` with every symlink to `/nix/store/…` on the way followed inside the relocated
/// store at `root`.
fn follow_in_store(root: &Path, path: &Path) -> PathBuf {
    let mut here = PathBuf::from("/");
    for part in path.components().skip(1) {
        here.push(part);
        for _ in 0..40 {
            let Ok(target) = std::fs::read_link(&here) else {
                break;
            };
            here = if target.is_absolute() {
                root.join(target.strip_prefix("/").expect("absolute"))
            } else {
                here.parent().expect("parent").join(target)
            };
        }
    }
    here
}

/// A mirror (here a server on 127.0.0.1) serves `dists/<suite>/InRelease` and the
/// `Packages.xz` it lists; the lock records the mirror.
#[test]
fn update_from_a_mirror() {
    use std::io::Write;
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("mirror");
    let dists = root.join("dists/testing");
    std::fs::create_dir_all(dists.join("main/binary-amd64")).expect("mkdir");
    std::fs::copy(
        format!("{FIXTURE_LISTS}/example.org_debian_dists_testing_InRelease"),
        dists.join("InRelease"),
    )
    .expect("copy");
    let text = std::fs::read(format!(
        "{FIXTURE_LISTS}/example.org_debian_dists_testing_main_binary-amd64_Packages"
    ))
    .expect("fixture");
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(&text).expect("xz");
    std::fs::write(
        dists.join("main/binary-amd64/Packages.xz"),
        xz.finish().expect("xz"),
    )
    .expect("write");
    let server = http_server::Server::start(root);
    let dir = tmp.path();
    let out = ok(sysrebuild(
        dir,
        &[
            "pkgs",
            "update",
            "--store",
            "store",
            "--from",
            &server.base,
            "--suite",
            "testing",
            "--arch",
            "amd64",
        ],
    ));
    assert!(out.contains("verified against InRelease"), "{out}");
    let lock = std::fs::read_to_string(dir.join("sysrebuild.lock")).expect("lock");
    assert!(
        lock.contains(&format!("from = \"{}\"", server.base)),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("mirror = \"{}\"", server.base)),
        "{lock}"
    );
    let v = eval_json(dir, "pkgs.hello.deb.mirrors");
    assert_eq!(v, serde_json::json!(server.base));
    assert_eq!(
        server.hits("/dists/testing/main/binary-amd64/Packages.xz"),
        1
    );
}
