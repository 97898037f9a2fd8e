//! Reliability of the store and the builder under concurrency, crashes and a full disk,
//! through the binary on relocated stores in temporary directories: per-output locks
//! between processes (and against `nix-build`), garbage collection while builds run,
//! SIGKILL during a build and during registration, corrupted files, a full file system.
//!
//! Precise moments come from the hidden `SYSREBUILD_TEST_PAUSE=POINT:MILLIS` variable
//! (see `src/testhook.rs`): the process prints `sysrebuild: paused at POINT` and sleeps.
//! Consistency is checked by `sysrebuild store verify --check-contents` and, where Nix
//! 2.8 is installed, by `nix-store --verify --check-contents` on the same store.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

const LIB: &str = r#"
rec {
  mk = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
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

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn store(&self) -> PathBuf {
        self.path().join("store")
    }

    fn real(&self, logical: &str) -> PathBuf {
        self.store().join(logical.trim_start_matches('/'))
    }

    fn build_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("build")
            .arg("--store")
            .arg(self.store())
            .args(args)
            .current_dir(self.path())
            .env_remove("SYSREBUILD_STORE")
            .env_remove("SYSREBUILD_TEST_PAUSE");
        cmd
    }

    /// `sysrebuild build` with the sandbox arguments.
    fn build(&self, args: &[&str]) -> Output {
        let mut cmd = self.build_cmd(sandbox_args());
        cmd.args(args).output().expect("run sysrebuild build")
    }

    fn store_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("store")
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env_remove("SYSREBUILD_STORE")
            .env_remove("SYSREBUILD_TEST_PAUSE");
        cmd
    }

    fn sr_store(&self, args: &[&str]) -> Output {
        self.store_cmd(args).output().expect("run sysrebuild store")
    }

    fn is_valid(&self, path: &str) -> bool {
        self.sr_store(&["path-info", path]).status.success()
    }

    /// Checks the store with sysrebuild and, if installed, with Nix.
    fn assert_consistent(&self) {
        let v = self.sr_store(&["verify", "--check-contents"]);
        assert!(v.status.success(), "store verify: {}", stderr(&v));
        if let Some(o) = self.nix("nix-store", &["--verify", "--check-contents"]) {
            assert!(o.status.success(), "nix-store --verify: {}", stderr(&o));
            assert!(
                !stderr(&o).contains("error"),
                "nix-store --verify: {}",
                stderr(&o)
            );
        }
    }

    /// Runs a Nix 2.8 program on the same store; `None` when Nix is not installed.
    fn nix(&self, program: &str, args: &[&str]) -> Option<Output> {
        let home = self.path().join("nix-home");
        fs::create_dir_all(&home).expect("nix home");
        Command::new(program)
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NIX_CONF_DIR", &home)
            .env("NIX_STATE_DIR", self.store().join("nix/var/nix"))
            .current_dir(self.path())
            .output()
            .ok()
    }
}

/// Whether the sandbox works here (probed once), and the options to use.
fn sandbox_args() -> &'static [&'static str] {
    static ARGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ARGS.get_or_init(|| {
        let env = Env::new(r#"(import ./lib.nix).mk "probe" "echo ok > $out""#);
        let out = env
            .build_cmd(&["--no-out-link", "--sandbox-path", "/bin/sh=/bin/busybox"])
            .output()
            .expect("run sysrebuild");
        if out.status.success() {
            vec!["--sandbox-path", "/bin/sh=/bin/busybox"]
        } else if stderr(&out).contains("--no-sandbox") {
            eprintln!("NOTE: namespaces are unavailable here; building with --no-sandbox");
            vec!["--no-sandbox"]
        } else {
            panic!("probe build failed: {}", stderr(&out));
        }
    })
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> Vec<String> {
    assert!(o.status.success(), "failed: {}", stderr(o));
    stdout(o).lines().map(str::to_owned).collect()
}

/// A child whose stderr is read on a thread, line by line.
struct Watched {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watched {
    fn spawn(mut cmd: Command) -> Watched {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let (tx, lines) = mpsc::channel();
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watched {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most 60 s) for a stderr line containing `needle`.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!(
            "never saw {needle:?}; stderr so far:\n{}",
            self.seen.join("\n")
        );
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// Waits for the end; returns success, stdout and all of stderr.
    fn finish(mut self) -> (bool, String, String) {
        let status = self.child.wait().expect("wait");
        let mut out = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut o, &mut out);
        }
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        (status.success(), out, self.seen.join("\n"))
    }
}

/// Whether any process's command line contains `marker`.
fn process_running(marker: &str) -> bool {
    let Ok(entries) = fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|e| {
        fs::read(e.path().join("cmdline"))
            .map(|c| {
                String::from_utf8_lossy(&c)
                    .replace('\0', " ")
                    .contains(marker)
            })
            .unwrap_or(false)
    })
}

fn wait_until_gone(marker: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !process_running(marker) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The output path `sysrebuild build --dry-run` would build (instantiating the
/// derivations on the way), and whether it is to be built.
fn instantiate(env: &Env) -> bool {
    let dry = env.build(&["--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    stderr(&dry).contains("will be built")
}

#[test]
fn two_processes_build_one_output_once() {
    let env = Env::new("");
    let count = env.path().join("count");
    fs::write(
        env.path().join("default.nix"),
        format!(
            r#"(import ./lib.nix).mk "shared" "echo run >> {}; sleep 1; echo done > $out""#,
            count.display()
        ),
    )
    .expect("write");
    // Unsandboxed, so that the builder can count its runs in a file outside the store.
    let spawn = || {
        env.build_cmd(&["--no-sandbox", "--no-out-link"])
            .output()
            .expect("run")
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        std::thread::sleep(Duration::from_millis(300));
        let b = s.spawn(spawn);
        (a.join().expect("a"), b.join().expect("b"))
    });
    assert_eq!(ok(&a), ok(&b));
    assert_eq!(
        fs::read_to_string(&count).expect("count"),
        "run\n",
        "built more than once"
    );
    assert!(
        stderr(&b).contains("waiting for lock on") || stderr(&a).contains("waiting for lock on"),
        "a: {}\nb: {}",
        stderr(&a),
        stderr(&b)
    );
    env.assert_consistent();
}

/// Whether `nix-build` can build in a relocated store here (probed once).
fn nix_build_works() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let env = Env::new(r#"(import ./lib.nix).mk "nixprobe" "echo ok > $out""#);
        let o = env.nix("nix-build", &nix_build_args());
        match o {
            Some(o) if o.status.success() => true,
            Some(o) => {
                eprintln!("NOTE: nix-build does not work here: {}", stderr(&o));
                false
            }
            None => {
                eprintln!("NOTE: nix-build is not installed");
                false
            }
        }
    })
}

fn nix_build_args() -> Vec<&'static str> {
    vec![
        "--no-out-link",
        "--option",
        "substituters",
        "",
        "--option",
        "sandbox-paths",
        "/bin/sh=/bin/busybox",
        "default.nix",
    ]
}

/// The build log files Nix 2.8 (`nix/var/log/nix/drvs`) and sysrebuild
/// (`nix/var/nix/log/drvs`) wrote in `env`'s store.
fn logs_of(env: &Env) -> (usize, usize) {
    let count = |dir: PathBuf| {
        fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|sub| fs::read_dir(sub.path()).map(|f| f.count()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0)
    };
    (
        count(env.store().join("nix/var/log/nix/drvs")),
        count(env.store().join("nix/var/nix/log/drvs")),
    )
}

#[test]
fn sysrebuild_and_nix_build_wait_for_each_other() {
    if !nix_build_works() || sandbox_args()[0] == "--no-sandbox" {
        return;
    }
    // sysrebuild first: nix-build waits for the output lock, then finds the output valid.
    let env = Env::new(
        r#"(import ./lib.nix).mk "contended" "echo building-now; sleep 2; echo done > $out""#,
    );
    let mut ours = Watched::spawn(env.build_cmd(&[
        "--no-out-link",
        "-L",
        "--sandbox-path",
        "/bin/sh=/bin/busybox",
    ]));
    ours.wait_for("building-now");
    let theirs = env.nix("nix-build", &nix_build_args()).expect("nix-build");
    let (ok_ours, out_ours, err_ours) = ours.finish();
    assert!(ok_ours, "{err_ours}");
    assert!(theirs.status.success(), "{}", stderr(&theirs));
    assert_eq!(out_ours.trim(), stdout(&theirs).trim());
    assert_eq!(logs_of(&env), (0, 1), "nix-build built it again");
    env.assert_consistent();

    // nix-build first: sysrebuild waits, then finds the output valid.
    let env = Env::new(
        r#"(import ./lib.nix).mk "contended2" "echo building-now >&2; sleep 2; echo done > $out""#,
    );
    let mut nix = Watched::spawn({
        let home = env.path().join("nix-home");
        fs::create_dir_all(&home).expect("home");
        let mut c = Command::new("nix-build");
        c.arg("--store")
            .arg(env.store())
            .args(nix_build_args())
            .env("HOME", &home)
            .env("NIX_CONF_DIR", &home)
            .env("NIX_STATE_DIR", env.store().join("nix/var/nix"))
            .current_dir(env.path());
        c
    });
    nix.wait_for("building-now");
    let o = env.build(&["--no-out-link"]);
    let (ok_nix, out_nix, err_nix) = nix.finish();
    assert!(ok_nix, "{err_nix}");
    assert_eq!(ok(&o), vec![out_nix.trim().to_owned()]);
    assert!(stderr(&o).contains("waiting for lock on"), "{}", stderr(&o));
    assert_eq!(logs_of(&env), (1, 0), "sysrebuild built it again");
    env.assert_consistent();
}

const DEP_AND_TOP: &str = r#"with import ./lib.nix;
rec {
  dep = mk "dep" "echo dep-contents > $out";
  top = mk "top" "echo building-now; cat ${dep} > $out; sleep 2";
}"#;

/// Builds `dep` (left unrooted) and adds an unrooted junk file; returns their paths.
fn dead_dep_and_junk(env: &Env) -> (String, String) {
    let dep = ok(&env.build(&["--no-out-link", "-A", "dep"])).remove(0);
    let junk_src = env.path().join("junk.txt");
    fs::write(&junk_src, "junk").expect("junk");
    let junk = ok(&env.sr_store(&["add", junk_src.to_str().expect("utf-8")])).remove(0);
    (dep, junk)
}

#[test]
fn gc_while_a_build_runs_keeps_its_inputs_and_outputs() {
    gc_while_building(false);
}

#[test]
fn nix_gc_while_a_build_runs_keeps_its_inputs_and_outputs() {
    if env_has_nix() {
        gc_while_building(true);
    }
}

fn env_has_nix() -> bool {
    let found = Command::new("nix-store").arg("--version").output().is_ok();
    if !found {
        eprintln!("NOTE: nix-store is not installed; skipped");
    }
    found
}

/// Collects garbage (with `nix-store --gc` when `nix`) while a build runs.
fn gc_while_building(nix: bool) {
    let env = Env::new(DEP_AND_TOP);
    let (dep, junk) = dead_dep_and_junk(&env);
    let mut build = Watched::spawn({
        let mut c = env.build_cmd(sandbox_args());
        c.args(["--no-out-link", "-L", "-A", "top"]);
        c
    });
    build.wait_for("building-now");
    let gc = if nix {
        env.nix("nix-store", &["--gc"]).expect("nix-store")
    } else {
        env.sr_store(&["gc"])
    };
    assert!(gc.status.success(), "{}", stderr(&gc));
    assert!(!env.is_valid(&junk), "the junk was not collected");
    assert!(env.is_valid(&dep), "the build's input was collected");
    let (built, out, err) = build.finish();
    assert!(built, "{err}");
    let top = out.trim();
    assert!(env.is_valid(top));
    assert_eq!(
        fs::read_to_string(env.real(top)).expect("top"),
        "dep-contents\n"
    );
    env.assert_consistent();
}

#[test]
fn build_started_during_gc_announces_its_roots_through_the_socket() {
    let env = Env::new(DEP_AND_TOP);
    let (dep, junk) = dead_dep_and_junk(&env);
    let mut gc = Watched::spawn({
        let mut c = env.store_cmd(&["gc"]);
        c.env("SYSREBUILD_TEST_PAUSE", "gc-before-delete:4000");
        c
    });
    // The collector has read the roots and chosen `dep` and `junk` as dead.
    gc.wait_for("paused at gc-before-delete");
    let started = Instant::now();
    let top = ok(&env.build(&["--no-out-link", "-A", "top"])).remove(0);
    assert!(
        started.elapsed() < Duration::from_millis(3500),
        "the build waited for the collection to end instead of announcing its roots"
    );
    let (gc_ok, _, gc_err) = gc.finish();
    assert!(gc_ok, "{gc_err}");
    assert!(gc_err.contains(&format!("deleting '{junk}'")), "{gc_err}");
    assert!(env.is_valid(&dep), "the build's input was collected");
    assert!(env.is_valid(&top));
    assert_eq!(
        fs::read_to_string(env.real(&top)).expect("top"),
        "dep-contents\n"
    );
    env.assert_consistent();
}

#[test]
fn sigkill_during_a_build_kills_the_builder_and_the_next_run_builds_again() {
    for extra in [sandbox_args(), &["--no-sandbox"][..]] {
        let env = Env::new(
            r#"(import ./lib.nix).mk "interrupted" "echo partial > $out; echo building-now; sleep 7.4321; echo done >> $out""#,
        );
        let mut build = Watched::spawn({
            let mut c = env.build_cmd(extra);
            c.args(["--no-out-link", "-L"]);
            c
        });
        build.wait_for("building-now");
        assert!(process_running("sleep 7.4321"));
        build.kill();
        assert!(
            wait_until_gone("sleep 7.4321"),
            "the builder outlived sysrebuild ({extra:?})"
        );
        assert!(instantiate(&env), "the output became valid");
        env.assert_consistent();
        let out = ok(&env.build(&["--no-out-link"])).remove(0);
        assert_eq!(
            fs::read_to_string(env.real(&out)).expect("out"),
            "partial\ndone\n"
        );
        env.assert_consistent();
    }
}

#[test]
fn sigkill_during_registration_leaves_nothing_valid() {
    for point in ["build-output-written", "register"] {
        let env = Env::new(r#"(import ./lib.nix).mk "registered" "echo contents > $out""#);
        // The derivation is registered first, so that the only registration of the build
        // is the output's.
        assert!(instantiate(&env));
        let mut build = Watched::spawn({
            let mut c = env.build_cmd(sandbox_args());
            c.arg("--no-out-link")
                .env("SYSREBUILD_TEST_PAUSE", format!("{point}:30000"));
            c
        });
        build.wait_for(&format!("paused at {point}"));
        build.kill();
        assert!(
            instantiate(&env),
            "the output is valid after a kill at {point}"
        );
        env.assert_consistent();
        let out = ok(&env.build(&["--no-out-link"])).remove(0);
        assert_eq!(
            fs::read_to_string(env.real(&out)).expect("out"),
            "contents\n"
        );
        assert!(env.is_valid(&out));
        env.assert_consistent();
    }
}

#[test]
fn verify_finds_and_repairs_a_corrupted_build_output() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new(r#"(import ./lib.nix).mk "corruptible" "echo good > $out""#);
    let out = ok(&env.build(&["--no-out-link"])).remove(0);
    let real = env.real(&out);
    fs::set_permissions(&real, fs::Permissions::from_mode(0o644)).expect("chmod");
    fs::write(&real, "evil\n").expect("corrupt");
    let v = env.sr_store(&["verify", "--check-contents"]);
    assert!(!v.status.success());
    assert!(
        stderr(&v).contains(&format!(
            "path '{out}' was modified! expected hash 'sha256:"
        )),
        "{}",
        stderr(&v)
    );
    // An input-addressed output cannot be repaired from its contents, but its deriver
    // is known: --repair builds it again (in the sandbox, with the build's options) and
    // the store is whole again, for sysrebuild and for Nix.
    let mut args = vec!["verify", "--check-contents", "--repair"];
    args.extend(sandbox_args());
    let r = env.sr_store(&args);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains(&format!("path '{out}' repaired by rebuilding '/nix/store/")),
        "{}",
        stderr(&r)
    );
    assert_eq!(fs::read_to_string(&real).expect("repaired"), "good\n");
    env.assert_consistent();
}

/// Runs `script` (sh) in a private mount namespace where `dir` is a tmpfs of `size`;
/// `None` if this machine cannot do that (not root, no `unshare`).
fn with_small_tmpfs(dir: &Path, size: &str, script: &str) -> Option<Output> {
    fs::create_dir_all(dir).expect("mount point");
    let full = format!(
        "mount -t tmpfs -o size={size} tmpfs '{}' || exit 99\n{script}",
        dir.display()
    );
    let o = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &full])
        .env_remove("SYSREBUILD_STORE")
        .env_remove("SYSREBUILD_TEST_PAUSE")
        .output()
        .ok()?;
    if o.status.code() == Some(99) || (!o.status.success() && stderr(&o).contains("unshare")) {
        eprintln!(
            "NOTE: cannot mount a tmpfs in a private namespace here: {}",
            stderr(&o)
        );
        return None;
    }
    Some(o)
}

#[test]
fn a_full_file_system_fails_cleanly() {
    let env = Env::new(
        r#"with import ./lib.nix; {
          small = mk "small" "echo small > $out";
          big = mk "big" "head -c 3000000 /dev/zero > $out";
        }"#,
    );
    let big_file = env.path().join("big.bin");
    fs::write(&big_file, vec![7u8; 3_000_000]).expect("big file");
    let report = env.path().join("report");
    let sandbox = sandbox_args().join(" ");
    let script = format!(
        r#"
S='{store}'; B='{bin}'; R='{report}'
cd '{dir}'
"$B" build --store "$S" {sandbox} --no-out-link -A small > "$R.small" 2>&1; echo $? >> "$R.small"
"$B" build --store "$S" {sandbox} --no-out-link -A big > "$R.big" 2>&1; echo $? >> "$R.big"
"$B" store --store "$S" add '{big_file}' > "$R.add" 2>&1; echo $? >> "$R.add"
"$B" store --store "$S" verify --check-contents > "$R.verify" 2>&1; echo $? >> "$R.verify"
ls -a "$S/nix/store" > "$R.ls"
ls -a "$S/nix/var/nix/builds" > "$R.builds" 2>&1
"#,
        store = env.store().display(),
        bin = BIN,
        report = report.display(),
        dir = env.path().display(),
        big_file = big_file.display(),
    );
    let Some(o) = with_small_tmpfs(&env.store(), "2m", &script) else {
        return;
    };
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |ext: &str| fs::read_to_string(format!("{}.{ext}", report.display())).expect(ext);
    let last_line = |s: &str| s.lines().last().unwrap_or("").to_owned();

    let small = read("small");
    assert_eq!(last_line(&small), "0", "{small}");

    let big = read("big");
    assert_eq!(last_line(&big), "1", "{big}");
    assert!(
        big.contains("error: builder for '/nix/store/")
            && big.contains("No space left on device in '"),
        "{big}"
    );
    assert!(!big.contains("panicked"), "{big}");

    let add = read("add");
    assert_eq!(last_line(&add), "1", "{add}");
    assert!(add.contains("No space left on device"), "{add}");
    assert!(add.contains("/nix/store/"), "{add}");
    assert!(!add.contains("panicked"), "{add}");

    let verify = read("verify");
    assert_eq!(last_line(&verify), "0", "{verify}");
    // No partial output, no temporary file, no leftover build directory.
    let ls = read("ls");
    assert!(!ls.lines().any(|l| l.ends_with("-big")), "{ls}");
    assert!(!ls.contains("big.bin"), "{ls}");
    assert_eq!(
        ls.lines().filter(|l| !l.starts_with('.')).count(),
        3,
        "small, its .drv and big's .drv: {ls}"
    );
    let builds = read("builds");
    assert!(
        builds.lines().all(|l| l == "." || l == ".."),
        "build directories left: {builds}"
    );
}
