//! `sysrebuild build` through the binary, on relocated stores in temporary directories.
//!
//! Builders are `/bin/sh`, which inside the sandbox is the host's static
//! `/bin/busybox` (`--sandbox-path /bin/sh=/bin/busybox`; `scripts/deps.sh` installs
//! `busybox-static`). Where the machine cannot create namespaces, the tests say so and
//! build with `--no-sandbox` instead, with `/bin/sh` the host's shell.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

const LIB: &str = r#"
rec {
  mk = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    # Inside the sandbox /bin/sh is busybox, which runs its applets without a PATH; an
    # unsandboxed build (where namespaces are unavailable) uses the host's tools.
    PATH = "/bin:/usr/bin";
  };
}
"#;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(nix: &str) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("lib.nix"), LIB).expect("write lib.nix");
        fs::write(dir.path().join("default.nix"), nix).expect("write default.nix");
        Env { dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn real(&self, logical: &str) -> PathBuf {
        self.store().join(logical.trim_start_matches('/'))
    }

    fn build(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("build")
            .arg("--store")
            .arg(self.store())
            .args(sandbox_args())
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SYSREBUILD_STORE");
        cmd.output().expect("run sysrebuild")
    }
}

/// Whether the sandbox works here (probed once), and the options to use.
fn sandbox_args() -> &'static [&'static str] {
    static ARGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ARGS.get_or_init(|| {
        let env = Env::new(r#"(import ./lib.nix).mk "probe" "echo ok > $out""#);
        let out = Command::new(BIN)
            .args(["build", "--no-out-link", "--store"])
            .arg(env.store())
            .args(["--sandbox-path", "/bin/sh=/bin/busybox"])
            .current_dir(env.dir.path())
            .output()
            .expect("run sysrebuild");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            vec!["--sandbox-path", "/bin/sh=/bin/busybox"]
        } else if stderr.contains("--no-sandbox") {
            eprintln!(
                "NOTE: namespaces are unavailable on this machine ({stderr}); the build tests \
                 check --no-sandbox instead"
            );
            vec!["--no-sandbox"]
        } else {
            panic!("probe build failed: {stderr}");
        }
    })
}

fn sandboxed() -> bool {
    sandbox_args()[0] != "--no-sandbox"
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> Vec<String> {
    assert!(o.status.success(), "build failed: {}", stderr(o));
    stdout(o).lines().map(str::to_owned).collect()
}

#[test]
fn builds_a_shell_derivation_with_link_and_gc_root() {
    let env = Env::new(r#"(import ./lib.nix).mk "hello" "echo hello > $out""#);
    let out = ok(&env.build(&[]));
    assert_eq!(out.len(), 1);
    assert!(out[0].starts_with("/nix/store/") && out[0].ends_with("-hello"));
    let real = env.real(&out[0]);
    assert_eq!(fs::read_to_string(&real).expect("output"), "hello\n");
    let link = env.dir.path().join("result");
    assert_eq!(fs::read_link(&link).expect("result link"), real);
    let roots: Vec<PathBuf> = fs::read_dir(env.store().join("nix/var/nix/gcroots/auto"))
        .expect("gcroots")
        .map(|e| fs::read_link(e.expect("entry").path()).expect("root link"))
        .collect();
    assert_eq!(roots, vec![link]);
    // Canonical metadata.
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(&real).expect("meta");
    assert_eq!(meta.mode() & 0o7777, 0o444);
    assert_eq!(meta.mtime(), 1);
    // The log.
    let logs = env.store().join("nix/var/nix/log/drvs");
    assert!(logs.is_dir());
}

#[test]
fn out_link_names_and_outputs() {
    let env = Env::new(
        r#"derivation { name = "two"; system = builtins.currentSystem; builder = "/bin/sh";
             outputs = [ "out" "dev" ]; args = [ "-c" "echo o > $out; echo d > $dev" ]; }"#,
    );
    let out = ok(&env.build(&["-o", "mylink", "-A", "dev"]));
    assert!(out[0].ends_with("-two-dev"), "{out:?}");
    let link = env.dir.path().join("mylink-dev");
    assert_eq!(fs::read_to_string(link).expect("link"), "d\n");
    let auto = env.store().join("nix/var/nix/gcroots/auto");
    assert_eq!(fs::read_dir(auto).expect("gcroots").count(), 1);
}

#[test]
fn chain_of_three_with_references() {
    let env = Env::new(
        r#"with import ./lib.nix;
        let a = mk "a" "echo a > $out";
            b = mk "b" "cat ${a} > $out; echo ${a} >> $out";
            c = mk "c" "mkdir $out; cat ${b} > $out/text; ln -s ${b} $out/link";
        in c"#,
    );
    let out = ok(&env.build(&[]));
    let real = env.real(&out[0]);
    let text = fs::read_to_string(real.join("text")).expect("text");
    assert!(text.starts_with("a\n/nix/store/") && text.trim_end().ends_with("-a"));
    let b_path = fs::read_link(real.join("link")).expect("link");
    let query = |path: &str| -> String {
        let o = Command::new(BIN)
            .args(["store", "query", "--references", "--store"])
            .arg(env.store())
            .arg(path)
            .output()
            .expect("query");
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let b_logical = format!(
        "/nix/store/{}",
        b_path.file_name().expect("b").to_string_lossy()
    );
    // c copies b's text (which names a) and links to b.
    let c_refs = query(&out[0]);
    assert!(c_refs.lines().any(|l| l == b_logical), "{c_refs}");
    assert!(
        c_refs.lines().any(|l| l.ends_with("-a")) && c_refs.lines().count() == 2,
        "{c_refs}"
    );
    let b_refs = query(&b_logical);
    assert!(
        b_refs.trim().ends_with("-a") && b_refs.lines().count() == 1,
        "{b_refs}"
    );
    // Nix reads the same registration.
    if let Ok(o) = Command::new("nix-store")
        .arg("--store")
        .arg(env.store())
        .args(["-q", "--references"])
        .arg(&out[0])
        .output()
        && o.status.success()
    {
        assert_eq!(stdout(&o), c_refs);
    }
    // The registered NAR hashes are right.
    let verify = Command::new(BIN)
        .args(["store", "verify", "--check-contents", "--store"])
        .arg(env.store())
        .output()
        .expect("verify");
    assert!(verify.status.success(), "{}", stderr(&verify));
    // An already-built graph is a no-op.
    let again = env.build(&[]);
    assert_eq!(ok(&again), out);
    assert!(!stderr(&again).contains("building"), "{}", stderr(&again));
    let dry = env.build(&["--dry-run"]);
    assert!(
        stderr(&dry).contains("valid outputs already"),
        "{}",
        stderr(&dry)
    );
}

#[test]
fn fan_out_builds_in_parallel() {
    let env = Env::new(
        r#"with import ./lib.nix;
        let leaf = n: mk "leaf${toString n}" "sleep 1; echo ${toString n} > $out";
        in mk "top" "cat ${leaf 1} ${leaf 2} ${leaf 3} ${leaf 4} > $out""#,
    );
    let dry = env.build(&["--dry-run"]);
    assert!(
        stderr(&dry).contains("these 5 derivations will be built"),
        "{}",
        stderr(&dry)
    );
    let start = Instant::now();
    let out = ok(&env.build(&["--max-jobs", "4"]));
    let took = start.elapsed();
    assert_eq!(
        fs::read_to_string(env.real(&out[0])).expect("out"),
        "1\n2\n3\n4\n"
    );
    assert!(took < Duration::from_millis(3500), "took {took:?}");
}

#[test]
fn failing_build_shows_log_tail() {
    let env = Env::new(
        r#"(import ./lib.nix).mk "broken" "for i in $(seq 1 15); do echo line$i; done; echo bad >&2; exit 3""#,
    );
    let o = env.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("-broken.drv' failed with exit code 3"),
        "{err}"
    );
    assert!(err.contains("> line7") && err.contains("> bad"), "{err}");
    assert!(!err.contains("> line6\n"), "{err}");
    assert!(!env.dir.path().join("result").exists());
    // No valid or leftover output, no build directory.
    let builds = env.store().join("nix/var/nix/builds");
    assert_eq!(fs::read_dir(builds).expect("builds").count(), 0);
}

#[test]
fn keep_failed_keeps_the_build_directory() {
    let env = Env::new(r#"(import ./lib.nix).mk "broken" "echo x > file; exit 1""#);
    let o = env.build(&["--keep-failed"]);
    let err = stderr(&o);
    let dir = err
        .split("keeping build directory '")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("no note: {err}"));
    let kept = Path::new(dir).join("file");
    assert_eq!(fs::read_to_string(&kept).expect("kept"), "x\n");
    if sandboxed() && nix::unistd::geteuid().is_root() {
        // As root, builders run as the unprivileged build user.
        use std::os::unix::fs::MetadataExt;
        assert_eq!(fs::metadata(&kept).expect("meta").uid(), 30001);
    }
}

#[test]
fn keep_going_builds_other_branches() {
    let env = Env::new(
        r#"with import ./lib.nix;
        let bad = mk "bad" "exit 1";
            good = mk "good" "sleep 1; echo good > $out";
            after = mk "after" "cat ${bad} > $out";
        in [ after good ]"#,
    );
    let o = env.build(&["--keep-going", "--max-jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("-bad.drv' failed"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("-after.drv': a dependency failed"),
        "{}",
        stderr(&o)
    );
    let dry = env.build(&["--dry-run"]);
    let err = stderr(&dry);
    assert!(
        err.contains("-good.drv") && err.contains("valid outputs already"),
        "{err}"
    );
}

#[test]
fn fixed_output_hash_mismatch() {
    let env = Env::new(
        r#"derivation { name = "fixed"; system = builtins.currentSystem; builder = "/bin/sh";
             args = [ "-c" "echo -n hello > $out" ];
             outputHashMode = "flat"; outputHashAlgo = "sha256";
             outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; }"#,
    );
    let o = env.build(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("hash mismatch in fixed-output derivation '/nix/store/")
            && err.contains("\n  specified: sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= (sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73)\n")
            && err.contains("\n  got:       sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
        "{err}"
    );
    let dry = env.build(&["--dry-run"]);
    assert!(
        stderr(&dry).contains("these 1 derivations will be built"),
        "{}",
        stderr(&dry)
    );
}

#[test]
fn fixed_output_with_right_hash_builds() {
    let env = Env::new(
        r#"derivation { name = "fixed"; system = builtins.currentSystem; builder = "/bin/sh";
             args = [ "-c" "echo -n hello > $out" ];
             outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }"#,
    );
    let out = ok(&env.build(&[]));
    assert_eq!(fs::read_to_string(env.real(&out[0])).expect("out"), "hello");
}

#[test]
fn sandbox_hides_the_host() {
    if !sandboxed() {
        eprintln!("NOTE: namespaces unavailable; sandbox isolation not checked");
        return;
    }
    let env = Env::new(
        r#"(import ./lib.nix).mk "peek" "cat /etc/passwd > $out; echo --- >> $out; cat /proc/net/dev >> $out; echo --- >> $out; hostname >> $out; id -u >> $out; ls / >> $out; ls /nix/store >> $out; echo $NIX_BUILD_TOP $TMPDIR $HOME $PWD >> $out""#,
    );
    let out = ok(&env.build(&[]));
    let text = fs::read_to_string(env.real(&out[0])).expect("out");
    let host_passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    for line in host_passwd
        .lines()
        .filter(|l| !l.starts_with("root:") && !l.starts_with("nobody:"))
    {
        assert!(
            !text.contains(line),
            "host passwd line {line} visible:\n{text}"
        );
    }
    let net = text.split("---").nth(1).expect("net section");
    let ifaces: Vec<&str> = net
        .lines()
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.trim()))
        .filter(|n| !n.is_empty() && !n.contains('|'))
        .collect();
    assert_eq!(ifaces, vec!["lo"], "{text}");
    let rest = text.split("---").nth(2).expect("rest");
    assert!(rest.contains("\nlocalhost\n1000\n"), "{text}");
    assert!(
        !rest.contains("\nusr\n") && !rest.contains("\nhome\n"),
        "{text}"
    );
    assert!(
        rest.contains("/build /build /homeless-shelter /build"),
        "{text}"
    );
    // Only the output itself in /nix/store.
    let store_list: Vec<&str> = rest
        .lines()
        .filter(|l| l.len() > 33 && l.as_bytes()[32] == b'-')
        .collect();
    assert_eq!(store_list.len(), 1, "{text}");
}

#[test]
fn sandbox_sees_only_the_input_closure() {
    if !sandboxed() {
        return;
    }
    let env = Env::new(
        r#"with import ./lib.nix;
        let a = mk "a" "echo a > $out";
            unrelated = mk "unrelated" "echo u > $out";
            b = mk "b" "echo ${a} > $out";
            c = mk "c" "ls /nix/store > $out; cat ${b} >> $out";
        in [ unrelated c ]"#,
    );
    let out = ok(&env.build(&[]));
    let text = fs::read_to_string(env.real(&out[1])).expect("out");
    assert!(text.contains("-b\n") && text.contains("-c\n"), "{text}");
    // a is in b's references, so it is in the closure too.
    assert!(text.lines().any(|l| l.ends_with("-a")), "{text}");
    assert!(!text.contains("unrelated"), "{text}");
}

#[test]
fn missing_output_and_timeout() {
    let env = Env::new(
        r#"with import ./lib.nix; { none = mk "none" "echo nothing"; slow = mk "slow" "sleep 30; echo > $out"; }"#,
    );
    let o = env.build(&["-A", "none"]);
    assert!(
        stderr(&o).contains("failed to produce output path for output 'out'"),
        "{}",
        stderr(&o)
    );
    let start = Instant::now();
    let o = env.build(&["-A", "slow", "--timeout", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("timed out after 1 seconds"),
        "{}",
        stderr(&o)
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn pass_as_file_and_print_build_logs() {
    let env = Env::new(
        r#"derivation { name = "paf"; system = builtins.currentSystem; builder = "/bin/sh";
             text = "file contents"; passAsFile = [ "text" ];
             args = [ "-c" "echo visible-log-line; cat $textPath > $out" ]; }"#,
    );
    let o = env.build(&["-L"]);
    let out = ok(&o);
    assert_eq!(
        fs::read_to_string(env.real(&out[0])).expect("out"),
        "file contents"
    );
    assert!(
        stderr(&o).contains("paf> visible-log-line"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn concurrent_processes_build_once() {
    let env = Env::new(r#"(import ./lib.nix).mk "shared" "sleep 1; echo done > $out""#);
    let spawn = || {
        Command::new(BIN)
            .args(["build", "--no-out-link", "--store"])
            .arg(env.store())
            .args(sandbox_args())
            .current_dir(env.dir.path())
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join(), b.join())
    });
    let (a, b) = (a.expect("a").expect("a"), b.expect("b").expect("b"));
    assert_eq!(ok(&a), ok(&b));
}

#[test]
fn same_output_path_as_nix_build() {
    if Command::new("nix-build").arg("--version").output().is_err() {
        eprintln!("NOTE: nix-build not installed; comparison skipped");
        return;
    }
    let env = Env::new(r#"(import ./lib.nix).mk "cmp" "echo cmp > $out""#);
    let ours = ok(&env.build(&["--no-out-link"]));
    let nix_store = env.dir.path().join("nixstore");
    let o = Command::new("nix-build")
        .arg("--store")
        .arg(&nix_store)
        .args([
            "--no-out-link",
            "--option",
            "substituters",
            "",
            "--option",
            "sandbox-paths",
            "/bin/sh=/bin/busybox",
        ])
        .arg("default.nix")
        .current_dir(env.dir.path())
        .output()
        .expect("nix-build");
    if !o.status.success() {
        eprintln!(
            "NOTE: nix-build failed here, comparison skipped: {}",
            stderr(&o)
        );
        return;
    }
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), ours);
}

#[test]
fn no_sandbox_builds_directly() {
    let env = Env::new(
        r#"with import ./lib.nix;
        let a = mk "a" "echo a > $out";
        in mk "b" "cat ${a} > $out; echo $NIX_BUILD_TOP >> $out""#,
    );
    let o = Command::new(BIN)
        .args(["build", "--no-sandbox", "--store"])
        .arg(env.store())
        .current_dir(env.dir.path())
        .output()
        .expect("run");
    let out = ok(&o);
    let text = fs::read_to_string(env.real(&out[0])).expect("out");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("a"));
    let top = lines.next().expect("build top");
    assert!(
        top.starts_with(&env.store().display().to_string()),
        "{text}"
    );
    assert!(!Path::new(top).exists(), "build dir left behind: {top}");
}

#[test]
fn killed_build_leaves_no_valid_output_and_is_redone() {
    let env = Env::new(
        r#"(import ./lib.nix).mk "interrupted" "echo partial > $out; sleep 3; echo done >> $out""#,
    );
    let mut child = Command::new(BIN)
        .args(["build", "--no-out-link", "--store"])
        .arg(env.store())
        .args(sandbox_args())
        .current_dir(env.dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1000));
    child.kill().expect("kill");
    child.wait().expect("wait");
    std::thread::sleep(Duration::from_millis(200));
    let dry = env.build(&["--dry-run"]);
    assert!(
        stderr(&dry).contains("these 1 derivations will be built"),
        "{}",
        stderr(&dry)
    );
    let out = ok(&env.build(&["--no-out-link"]));
    assert_eq!(
        fs::read_to_string(env.real(&out[0])).expect("out"),
        "partial\ndone\n"
    );
}

#[test]
fn builtin_builders_and_other_systems_are_refused_clearly() {
    let env = Env::new(
        r#"{ builtin = derivation { name = "bi"; system = "builtin"; builder = "builtin:no-such-builder"; };
             other = derivation { name = "arm"; system = "aarch64-darwin"; builder = "/bin/sh"; }; }"#,
    );
    let o = env.build(&["-A", "builtin"]);
    assert!(
        stderr(&o).contains("-bi.drv' uses the builtin builder 'builtin:no-such-builder'"),
        "{}",
        stderr(&o)
    );
    let o = env.build(&["-A", "other"]);
    assert!(
        stderr(&o).contains("a 'aarch64-darwin' system is required to build '/nix/store/"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn inputs_are_read_only_in_the_sandbox() {
    if !sandboxed() {
        return;
    }
    let env = Env::new(
        r#"with import ./lib.nix;
        let a = mk "a" "echo a > $out";
        in mk "b" "if echo x > ${a}; then echo writable > $out; else echo read-only > $out; fi""#,
    );
    let out = ok(&env.build(&[]));
    assert_eq!(
        fs::read_to_string(env.real(&out[0])).expect("out"),
        "read-only\n"
    );
}
