//! A whole system, built and booted: `sysrebuild build-vm -f examples/server.nix` against
//! the Debian archive pinned from this machine's apt lists (packages fetched with
//! `apt-get download`), in a relocated store, then `result/bin/run-web-vm` started headless
//! (KVM only if its probe shows it works, TCG otherwise). The VM's boot report
//! (`sysrebuild.boot-report` on the kernel command line, see
//! `modules/virtualisation/qemu-vm.nix`) must show no failed unit, no job left, and sshd
//! (port 2222) and nginx (port 80) listening.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// How long the VM may take from start to its boot report (TCG on 2 busy cores).
const BOOT_TIMEOUT: Duration = Duration::from_secs(420);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
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
    let dir = tempfile::tempdir().expect("temp dir");
    let update = Command::new(BIN)
        .args(["pkgs", "update", "--store", "store", "--suite", "bookworm"])
        .current_dir(dir.path())
        .output()
        .expect("run sysrebuild pkgs update");
    assert!(update.status.success(), "{}", stderr(&update));

    let config = repo().join("examples/server.nix");
    let build = Command::new(BIN)
        .args(["build-vm", "-j", "4", "--store", "store", "-f"])
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
