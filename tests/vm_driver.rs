//! The VM test driver end to end, with a minimal real guest under TCG (Debian's kernel and
//! a busybox initramfs, see `support/test_guest.rs`).

#[path = "support/test_guest.rs"]
mod test_guest;

use std::process::Command;
use std::time::{Duration, Instant};

use sysrebuild::vmtest::{Machine, VmError};
use test_guest::test_guest;

const T: Duration = Duration::from_secs(60);

fn machine(name: &str, dir: &std::path::Path) -> Machine {
    let guest = test_guest();
    let mut m = Machine::from_kernel(name, &guest.kernel, &guest.initrd, "quiet", dir);
    m.set_deadline(Instant::now() + Duration::from_secs(400));
    m
}

#[test]
fn one_node_commands_files_console_screen_reboot_and_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = machine("alpha", dir.path());
    let t0 = Instant::now();
    m.start().unwrap();
    eprintln!("boot under TCG: {:?}", t0.elapsed());

    assert_eq!(m.succeed("echo hi; echo err >&2").unwrap(), "hi\nerr\n");
    let err = m.succeed("echo partial; exit 3").unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, VmError::CommandFailed { status: 3, .. }),
        "{text}"
    );
    assert!(
        text.contains("echo partial; exit 3") && text.contains("partial"),
        "{text}"
    );
    assert!(m.fail("false").is_ok());
    assert!(m.fail("true").is_err());
    assert_eq!(m.execute("exit 7").unwrap().status, 7);

    // Waiting for things that appear later.
    m.succeed("(sleep 2; touch /tmp/later) >/dev/null 2>&1 &")
        .unwrap();
    m.wait_for_file("/tmp/later", T).unwrap();
    m.wait_for_console_text("test guest: init don[e]", T)
        .unwrap();
    m.succeed("mkdir -p /srv && (httpd -p 8080 -h /srv) >/dev/null 2>&1")
        .unwrap();
    m.wait_for_open_port(8080, T).unwrap();
    let err = m
        .wait_for_open_port(8081, Duration::from_secs(2))
        .unwrap_err();
    assert!(err.to_string().contains("port 8081"), "{err}");
    let err = m
        .wait_until_succeeds("echo not yet; false", Duration::from_secs(2))
        .unwrap_err();
    assert!(matches!(err, VmError::WaitTimeout { .. }), "{err}");
    assert!(err.to_string().contains("not yet"), "{err}");

    // systemctl/journalctl are stand-ins reading /run/units in this guest.
    m.succeed("mkdir -p /run/units; echo active > /run/units/a.service")
        .unwrap();
    m.wait_for_unit("a.service", T).unwrap();
    m.succeed("echo failed > /run/units/b.service").unwrap();
    let err = m.wait_for_unit("b.service", T).unwrap_err();
    assert!(err.to_string().contains("journal of b.service"), "{err}");

    // Files both ways, binary and larger than a terminal line.
    let data: Vec<u8> = (0..20000u32).map(|i| (i * 7 % 256) as u8).collect();
    let host_in = dir.path().join("in.bin");
    std::fs::write(&host_in, &data).unwrap();
    m.copy_to_vm(&host_in, "/tmp/copied.bin").unwrap();
    assert_eq!(
        m.succeed("wc -c < /tmp/copied.bin").unwrap().trim(),
        "20000"
    );
    let host_out = dir.path().join("out.bin");
    m.copy_from_vm("/tmp/copied.bin", &host_out).unwrap();
    assert_eq!(std::fs::read(&host_out).unwrap(), data);

    let png_path = dir.path().join("screen.png");
    m.screenshot(&png_path).unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let info = decoder.read_info().unwrap().info().clone();
    assert!(
        info.width >= 320 && info.height >= 200,
        "{}x{}",
        info.width,
        info.height
    );
    m.send_keys("shift-a ret").unwrap();

    let t1 = Instant::now();
    m.reboot().unwrap();
    eprintln!("reboot under TCG: {:?}", t1.elapsed());
    m.fail("test -e /tmp/later").unwrap();

    m.crash().unwrap();
    assert!(!m.is_running());
    assert!(
        std::fs::read_to_string(m.serial_log_path())
            .unwrap()
            .contains("test guest: init done")
    );
}

fn write_test(dir: &std::path::Path, nodes: &[&str], script: &str) -> std::path::PathBuf {
    let guest = test_guest();
    let node_defs: String = nodes
        .iter()
        .map(|n| {
            format!(
                "{n}.vm = {{ kernel = \"{}\"; initrd = \"{}\"; cmdline = \"quiet\"; }};\n",
                guest.kernel.display(),
                guest.initrd.display()
            )
        })
        .collect();
    let file = dir.join("t.nix");
    std::fs::write(
        &file,
        format!("{{\n  name = \"t\";\n  nodes = {{\n{node_defs}  }};\n  testScript = ''\n{script}  '';\n}}\n"),
    )
    .unwrap();
    file
}

fn vm_test(dir: &std::path::Path, file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sysrebuild"))
        .arg("vm-test")
        .arg(file)
        .arg("--out")
        .arg(dir.join("out"))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn two_nodes_reach_each_other_by_name_and_block_cuts_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let script = "    start_all
    a: succeed grep -w b /etc/hosts
    a: wait_until_succeeds --timeout 60 ping -c 1 -W 1 b
    b: succeed ping -c 1 -W 1 a
    a: block
    a: fail ping -c 1 -W 2 b
    a: unblock
    a: wait_until_succeeds --timeout 60 ping -c 1 -W 1 b
";
    let file = write_test(dir.path(), &["a", "b"], script);
    let t0 = Instant::now();
    let out = vm_test(dir.path(), &file, &["--timeout", "400"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("two-node test: {:?}\n{stderr}", t0.elapsed());
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("passed"), "{stderr}");
}

#[test]
fn a_failing_step_shows_command_output_and_serial_tail() {
    let dir = tempfile::tempdir().unwrap();
    let script = "    a: start\n    a: wait_until_succeeds --timeout 3 echo still-broken; false\n    a: succeed true\n";
    let file = write_test(dir.path(), &["a"], script);
    let out = vm_test(dir.path(), &file, &["--timeout", "400"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("t.nix:2: step `a: wait_until_succeeds"),
        "{stderr}"
    );
    assert!(stderr.contains("timed out after 3s"), "{stderr}");
    assert!(stderr.contains("still-broken"), "{stderr}");
    assert!(
        stderr.contains("last lines of a's serial console"),
        "{stderr}"
    );
    assert!(stderr.contains("init done on a"), "{stderr}");

    // A bad line is reported with its location before anything boots.
    let file = write_test(dir.path(), &["a"], "    a: start\n    a: frobnicate\n");
    let out = vm_test(dir.path(), &file, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("t.nix:2: unknown command \"frobnicate\""),
        "{stderr}"
    );
}
