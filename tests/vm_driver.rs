//! The VM test driver against a real guest under TCG: Debian's kernel and a busybox
//! initramfs running the backdoor (see `support/vm_guest.rs`).
//!
//! Two boots cover the driver: one node driven through the library (commands, timeouts,
//! waits, console text, copies, screenshot, reboot, crash) and a two-node test run through
//! `sysrebuild vm-test` (start_all, names on the private network, block/unblock, the
//! failure report). They run in parallel.

#[path = "support/vm_guest.rs"]
mod vm_guest;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sysrebuild::vmtest::Machine;
use vm_guest::{RC_DONE, guest};

const BIN: &str = env!("CARGO_BIN_EXE_sysrebuild");

/// The value of `result`, or a panic showing the error and the guest's console.
macro_rules! check {
    ($m:ident, $what:expr, $result:expr $(,)?) => {
        match $result {
            Ok(value) => value,
            Err(e) => panic!("{}: {e}\n--- serial ---\n{}", $what, $m.serial_tail(40)),
        }
    };
}

fn is_png(path: &Path) -> (u32, u32) {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        data.starts_with(b"\x89PNG\r\n\x1a\n") && &data[12..16] == b"IHDR",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    (be(16), be(20))
}

#[test]
fn one_node_commands_waits_files_screen_reboot_and_crash() {
    let guest = guest();
    let dir = tempfile::tempdir().unwrap();
    let mut m = Machine::from_kernel("solo", &guest.kernel, &guest.initrd, "quiet", dir.path());
    m.set_deadline(Instant::now() + Duration::from_secs(900));
    let booted = Instant::now();
    check!(m, "start", m.start());
    eprintln!("boot to backdoor: {:.1}s", booted.elapsed().as_secs_f64());

    // succeed: stdout and stderr merged in order; fail; execute with any status.
    let out = check!(m, "succeed", m.succeed("echo hello; echo to-stderr >&2"));
    assert_eq!(out, "hello\nto-stderr\n");
    let err = m
        .succeed("echo why-it-failed; exit 3")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`echo why-it-failed; exit 3`")
            && err.contains("status 3")
            && err.contains("why-it-failed"),
        "{err}"
    );
    check!(m, "fail", m.fail("false"));
    assert!(m.fail("true").is_err());
    let out = check!(m, "execute", m.execute("printf 'a\\000b\\377'; exit 7"));
    assert_eq!((out.status, out.output), (7, b"a\0b\xff".to_vec()));
    // A multi-line command, quotes, and a command reading stdin (which is /dev/null).
    let out = check!(
        m,
        "multi-line",
        m.succeed("for w in 'one two' \"three\"; do\n  echo \"[$w]\"\ndone; cat; echo end"),
    );
    assert_eq!(out, "[one two]\n[three]\nend\n");

    // A command that outlives its time limit; the shell still answers afterwards.
    let err = m
        .execute_within("sleep 8", Duration::from_secs(1))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`sleep 8` did not finish within 1s"), "{err}");
    let out = check!(m, "after a timeout", m.succeed("echo still-here"));
    assert_eq!(out, "still-here\n");

    // Waits: one that succeeds later, ones that time out with a clear message.
    check!(
        m,
        "background",
        m.succeed("(sleep 2; touch /tmp/flag) >/dev/null 2>&1 &"),
    );
    check!(
        m,
        "wait_for_file",
        m.wait_for_file("/tmp/flag", Duration::from_secs(60)),
    );
    let err = m
        .wait_until_succeeds("test -e /nonexistent", Duration::from_secs(2))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("solo: timed out after 2s waiting for `test -e /nonexistent` succeeds")
            && err.contains("exit status 1"),
        "{err}"
    );
    // An attempt still running when the wait's time is up.
    let err = m
        .wait_until_succeeds("sleep 4", Duration::from_secs(2))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("solo: timed out after 2s waiting for `sleep 4` succeeds")
            && err.contains("the last attempt was still running"),
        "{err}"
    );
    let err = m
        .wait_for_open_port(4444, Duration::from_secs(2))
        .unwrap_err()
        .to_string();
    assert!(err.contains("waiting for port 4444 to be open"), "{err}");
    check!(
        m,
        "httpd",
        m.succeed("mkdir -p /srv && echo served > /srv/index.html && httpd -p 4444 -h /srv"),
    );
    check!(
        m,
        "wait_for_open_port",
        m.wait_for_open_port(4444, Duration::from_secs(60)),
    );
    let out = check!(m, "wget", m.succeed("wget -q -O - http://127.0.0.1:4444/"),);
    assert_eq!(out, "served\n");

    // The serial console, as the guest wrote it.
    check!(
        m,
        "console text",
        m.wait_for_console_text(&regex_escape(RC_DONE), Duration::from_secs(10)),
    );
    check!(
        m,
        "to console",
        m.succeed("echo marker-1234 > /dev/console")
    );
    check!(
        m,
        "console marker",
        m.wait_for_console_text("marker-[0-9]{4}", Duration::from_secs(30)),
    );
    let err = m
        .wait_for_console_text("never-printed", Duration::from_secs(1))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("console text matching \"never-printed\""),
        "{err}"
    );

    // Files both ways, binary and larger than one protocol line.
    let blob: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let host_in = dir.path().join("blob.in");
    let host_out = dir.path().join("blob.out");
    std::fs::write(&host_in, &blob).unwrap();
    check!(m, "copy_to_vm", m.copy_to_vm(&host_in, "/tmp/blob"));
    let size = check!(m, "size", m.succeed("wc -c < /tmp/blob"));
    assert_eq!(size.trim(), "50000");
    check!(m, "copy_from_vm", m.copy_from_vm("/tmp/blob", &host_out));
    assert!(
        std::fs::read(&host_out).unwrap() == blob,
        "copy changed the data"
    );
    let err = m
        .copy_from_vm("/no/such/file", &host_out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("/no/such/file"), "{err}");

    // The screen.
    let png = dir.path().join("screen.png");
    check!(m, "screenshot", m.screenshot(&png));
    let (w, h) = is_png(&png);
    assert!(w >= 320 && h >= 200, "screenshot {w}x{h}");

    // Reboot: a new boot (the initramfs's /tmp is gone), the backdoor answers again.
    check!(m, "mark", m.succeed("touch /tmp/before-reboot"));
    check!(m, "reboot", m.reboot());
    check!(m, "after reboot", m.succeed("test ! -e /tmp/before-reboot"));

    // Crash: QEMU stops at once.
    check!(m, "crash", m.crash());
    assert!(!m.is_running());
}

/// Escapes the ERE metacharacters of `s`.
fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\^$.|?*+()[]{}".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn two_nodes_by_name_block_unblock_and_the_failure_report() {
    let guest = guest();
    let dir = tempfile::tempdir().unwrap();
    let test = dir.path().join("pair.nix");
    let node = format!(
        "{{ kernel = \"{}\"; initrd = \"{}\"; cmdline = \"quiet\"; }}",
        guest.kernel.display(),
        guest.initrd.display()
    );
    std::fs::write(
        &test,
        format!(
            r#"{{
  name = "pair";
  nodes.alpha.vm = {node};
  nodes.beta.vm = {node};
  testScript = ''
    start_all
    alpha: succeed test "$(hostname)" = alpha
    alpha: wait_until_succeeds --timeout 120 ping -c 1 -W 2 beta
    beta: succeed ping -c 1 -W 2 alpha
    alpha: block
    alpha: fail ping -c 1 -W 2 beta
    alpha: unblock
    alpha: wait_until_succeeds --timeout 120 ping -c 1 -W 2 beta
    beta: screenshot beta.png
    alpha: copy_from_vm /etc/hosts alpha-hosts
    beta: succeed echo this-output-is-shown; exit 4
    alpha: succeed echo never-reached
  '';
}}
"#
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let started = Instant::now();
    let out = Command::new(BIN)
        .arg("vm-test")
        .arg(&test)
        .args(["--accel", "tcg", "--timeout", "900", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    eprintln!("two-node run: {:.1}s", started.elapsed().as_secs_f64());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let file = test.display().to_string();
    // The failing step with its location, the command, its status and output, and both
    // consoles' tails; nothing after it ran.
    assert!(
        stderr.contains(&format!(
            "{file}:16: step `beta: succeed echo this-output-is-shown; exit 4` failed"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("exited with status 4") && stderr.contains("this-output-is-shown\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--- last lines of alpha's serial console")
            && stderr.contains("--- last lines of beta's serial console")
            && stderr.contains(RC_DONE),
        "{stderr}"
    );
    assert!(
        !stderr.contains("alpha: succeed echo never-reached"),
        "{stderr}"
    );
    is_png(&out_dir.join("beta.png"));
    let hosts = std::fs::read_to_string(out_dir.join("alpha-hosts")).unwrap();
    assert!(
        hosts.contains("192.168.1.1 alpha\n") && hosts.contains("192.168.1.2 beta\n"),
        "{hosts}"
    );
    assert!(out_dir.join("vm-state/alpha/serial.log").exists());
}

#[test]
fn a_guest_whose_kernel_panics_is_reported_at_once() {
    let guest = guest();
    let dir = tempfile::tempdir().unwrap();
    // No initramfs and no root disk: the kernel panics ("Unable to mount root fs").
    let empty = dir.path().join("empty.img");
    std::fs::write(&empty, b"").unwrap();
    let mut m = Machine::from_kernel("doomed", &guest.kernel, &empty, "", dir.path());
    let started = Instant::now();
    let err = m.start().unwrap_err().to_string();
    assert!(
        err.contains("doomed: the guest's kernel panicked before the backdoor was ready"),
        "{err}"
    );
    assert!(m.serial_tail(30).contains("Kernel panic - not syncing"));
    // Well before the boot timeout of 300 s.
    assert!(started.elapsed() < Duration::from_secs(200), "{err}");
}
