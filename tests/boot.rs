//! Whole systems, built and booted, against the Debian archive pinned from this machine's
//! apt lists (packages fetched with `apt-get download`), in one relocated store shared by
//! the tests of this file (built once, then reused):
//!
//! - `sysrebuild build-vm -f examples/server.nix`, then `result/bin/run-web-vm` started
//!   headless (KVM only if its probe shows it works, TCG otherwise). The VM's boot report
//!   (`sysrebuild.boot-report` on the kernel command line, see
//!   `modules/virtualisation/qemu-vm.nix`) must show no failed unit, no job left, and sshd
//!   (port 2222) and nginx (port 80) listening.
//! - every test of `vm-tests/` with `sysrebuild vm-test`.
//!
//! The VMs run one at a time (a 2-core machine boots one guest under TCG in 15–40 s; two
//! at once only make both slower and the waits less predictable).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, mpsc};
use std::time::{Duration, Instant};

#[path = "support/pinned_archive.rs"]
mod pinned_archive;

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// How long the VM may take from start to its boot report (TCG on 2 busy cores).
const BOOT_TIMEOUT: Duration = Duration::from_secs(420);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The directory holding the shared store (`store/`) and its lock file
/// (`sysrebuild.lock`, written by `pkgs update`); made once per test process.
fn workdir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| pinned_archive::pinned_dir(BIN)).path()
}

/// Held while a test builds into the shared store and runs its VMs.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // A test that failed while holding the lock leaves nothing the next one depends on.
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `sysrebuild vm-test vm-tests/NAME.nix` in the shared store; fails with its report
/// (the failing step, its output, the serial consoles' tails) when the test fails.
fn vm_test(name: &str) {
    let _turn = one_at_a_time();
    let dir = workdir();
    let out = dir.join(format!("out-{name}"));
    let file = repo().join(format!("vm-tests/{name}.nix"));
    let start = Instant::now();
    let run = Command::new(BIN)
        .args(["vm-test", "--store", "store", "--timeout", "900", "--out"])
        .arg(&out)
        .arg(&file)
        .current_dir(dir)
        // The package set finds ./sysrebuild.lock through $PWD, as in a shell.
        .env("PWD", dir)
        .env_remove("SYSREBUILD_LOCK")
        .env_remove("SYSREBUILD_STORE")
        .output()
        .expect("run sysrebuild vm-test");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!(
        "vm-test {name}: {:?} in all (build and run)",
        start.elapsed()
    );
    assert!(
        run.status.success(),
        "vm-test {name} failed:\n{stdout}\n{}",
        stderr(&run)
    );
}

#[test]
fn vm_test_boot() {
    vm_test("boot");
}

#[test]
fn vm_test_server() {
    vm_test("server");
}

#[test]
fn vm_test_users() {
    vm_test("users");
}

#[test]
fn vm_test_services() {
    vm_test("services");
}

#[test]
fn vm_test_firewall() {
    vm_test("firewall");
}

/// Kills QEMU when the test ends, however it ends.
struct Vm(Child);

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What the guest's boot report said.
#[derive(Default, Debug)]
struct BootReport {
    failed: Vec<String>,
    pending: Vec<String>,
    listening: Vec<String>,
}

impl BootReport {
    fn listens_on(&self, port: u16) -> bool {
        let suffix = format!(":{port}");
        self.listening.iter().any(|l| l.ends_with(&suffix))
    }
}

/// Starts the VM script and reads its serial console until the boot report ends.
fn boot_and_report(script: &Path, dir: &Path) -> Result<BootReport, String> {
    let child = Command::new(script)
        .current_dir(dir)
        .env("QEMU_KERNEL_PARAMS", "sysrebuild.boot-report")
        .env("NIX_DISK_IMAGE", dir.join("web.qcow2"))
        .env("TMPDIR", dir)
        .env("USE_TMPDIR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", script.display()))?;
    let mut vm = Vm(child);
    let (tx, rx) = mpsc::channel();
    let stdout = vm.0.stdout.take().ok_or("no stdout")?;
    let stderr_pipe = vm.0.stderr.take().ok_or("no stderr")?;
    let tx_err = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr_pipe)
            .split(b'\n')
            .map_while(Result::ok)
        {
            let _ = tx_err.send(String::from_utf8_lossy(&line).into_owned());
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
            let _ = tx.send(String::from_utf8_lossy(&line).into_owned());
        }
    });

    let start = Instant::now();
    let mut console = Vec::new();
    let mut report: Option<BootReport> = None;
    loop {
        let left = BOOT_TIMEOUT.saturating_sub(start.elapsed());
        let line = match rx.recv_timeout(left) {
            Ok(line) => line,
            Err(_) => break,
        };
        let text = line.trim_end_matches('\r');
        if let Some(r) = report.as_mut() {
            if text.contains("sysrebuild-boot-report: end") {
                eprintln!("boot report after {:?}", start.elapsed());
                return Ok(report.unwrap_or_default());
            }
            if let Some(v) = text.strip_prefix("failed: ") {
                r.failed.push(v.to_owned());
            } else if let Some(v) = text.strip_prefix("pending: ") {
                r.pending.push(v.to_owned());
            } else if let Some(v) = text.strip_prefix("listening: ") {
                r.listening.push(v.trim().to_owned());
            }
        } else if text.contains("sysrebuild-boot-report: begin") {
            report = Some(BootReport::default());
        }
        console.push(text.to_owned());
    }
    let tail = console[console.len().saturating_sub(60)..].join("\n");
    Err(format!(
        "no boot report within {BOOT_TIMEOUT:?}; the console ended with:\n{tail}"
    ))
}

#[test]
fn server_example_boots_with_sshd_and_nginx_listening() {
    let _turn = one_at_a_time();
    let dir = tempfile::tempdir().expect("temp dir");
    // The shared store and lock, with this test's own result link and disk image.
    std::fs::copy(
        workdir().join("sysrebuild.lock"),
        dir.path().join("sysrebuild.lock"),
    )
    .expect("copy the lock file");
    let store = workdir().join("store");

    let config = repo().join("examples/server.nix");
    let build = Command::new(BIN)
        .args(["build-vm", "-j", "4", "--store"])
        .arg(&store)
        .arg("-f")
        .arg(&config)
        .current_dir(dir.path())
        // The package set finds ./sysrebuild.lock through $PWD, as in a shell.
        .env("PWD", dir.path())
        .env_remove("SYSREBUILD_LOCK")
        .output()
        .expect("run sysrebuild build-vm");
    assert!(build.status.success(), "{}", stderr(&build));
    let script = dir.path().join("result/bin/run-web-vm");
    assert!(script.exists(), "no {}", script.display());

    let report = boot_and_report(&script, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.failed.is_empty(),
        "failed units: {:?}",
        report.failed
    );
    assert!(report.pending.is_empty(), "jobs left: {:?}", report.pending);
    assert!(report.listens_on(2222), "sshd is not listening: {report:?}");
    assert!(report.listens_on(80), "nginx is not listening: {report:?}");
}
