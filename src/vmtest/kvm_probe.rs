//! The KVM probe: some hosts expose a `/dev/kvm` on which guests hang (nested
//! virtualisation that cannot run a guest's switch to protected mode). Before using KVM the
//! driver boots a tiny guest with it: a 64 KiB firmware image (assembled from
//! `kvm_probe.S`) that switches from real mode to protected mode and then to long mode,
//! writes `L` and a newline to the serial port and exits QEMU through `isa-debug-exit`.
//! KVM is used only when that line arrives within the time limit.
//!
//! The answer holds until the host reboots, so it is kept for the boot
//! ([`choose_accel_cached`]) in `$XDG_RUNTIME_DIR` (else the temporary directory), in
//! `sysrebuild-kvm-probe-<uid>`: the kernel's boot id, `kvm` or `tcg`, and the reason, one
//! per line. The VM scripts of `build-vm` read and write the same file.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::machine::Accel;

/// How long the probe guest may take under KVM (it needs milliseconds when KVM works).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The probe's code, placed at the start of the image (mapped at 0xF0000): real mode,
/// protected mode, long mode with the first 2 MiB identity-mapped, then `L\n` on COM1 and a
/// write to the debug-exit port. Assembled from `kvm_probe.S` (`as --32` and
/// `objcopy -O binary`).
const PROBE_CODE: &[u8] = &[
    0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xb8, 0x00, 0xf0, 0x8e, 0xd8, 0x66, 0x0f, 0x01, 0x16, 0xc0, 0x00,
    0x0f, 0x20, 0xc0, 0x66, 0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x22, 0x00, 0x0f, 0x00,
    0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, 0xbf, 0x00, 0x10, 0x00,
    0x00, 0x31, 0xc0, 0xb9, 0x00, 0x0c, 0x00, 0x00, 0xf3, 0xab, 0xc7, 0x05, 0x00, 0x10, 0x00, 0x00,
    0x03, 0x20, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x20, 0x00, 0x00, 0x03, 0x30, 0x00, 0x00, 0xc7, 0x05,
    0x00, 0x30, 0x00, 0x00, 0x83, 0x00, 0x00, 0x00, 0xb8, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x22, 0xd8,
    0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32,
    0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f,
    0x22, 0xc0, 0xea, 0x89, 0x00, 0x0f, 0x00, 0x18, 0x00, 0xb0, 0x4c, 0x66, 0xba, 0xf8, 0x03, 0xee,
    0xb0, 0x0a, 0xee, 0xb0, 0x00, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd, 0x8d, 0xb4, 0x00, 0x00, 0x66, 0x90,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xaf, 0x00,
    0x1f, 0x00, 0xa0, 0x00, 0x0f,
];

/// The reset vector (0xFFFF0, the image's last 16 bytes): `ljmp $0xf000, $0`.
const RESET_JUMP: &[u8] = &[0xea, 0x00, 0x00, 0x00, 0xf0];

/// The size of the firmware image.
const IMAGE_SIZE: usize = 0x10000;

/// The probe's firmware image.
pub fn probe_image() -> Vec<u8> {
    let mut image = vec![0u8; IMAGE_SIZE];
    image[..PROBE_CODE.len()].copy_from_slice(PROBE_CODE);
    image[IMAGE_SIZE - 16..IMAGE_SIZE - 16 + RESET_JUMP.len()].copy_from_slice(RESET_JUMP);
    image
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    /// The accelerator to use.
    pub accel: Accel,
    /// Why, for the user (`KVM booted the probe guest in 0.1s`, or why not).
    pub reason: String,
}

/// Chooses the accelerator: KVM when `/dev/kvm` can be opened and the probe guest boots
/// with it within `limit`, TCG otherwise. `work_dir` holds the probe's image.
pub fn choose_accel(work_dir: &Path, limit: Duration) -> ProbeResult {
    let tcg = |reason: String| ProbeResult {
        accel: Accel::Tcg,
        reason,
    };
    if let Err(e) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
    {
        return tcg(format!("cannot open /dev/kvm: {e}"));
    }
    match boot_probe(work_dir, "kvm", limit) {
        Ok(took) => ProbeResult {
            accel: Accel::Kvm,
            reason: format!("KVM booted the probe guest in {:.1}s", took.as_secs_f64()),
        },
        Err(why) => tcg(format!("KVM probe: {why}")),
    }
}

/// Like [`choose_accel`], but a result probed earlier since the host booted (by
/// sysrebuild or a `build-vm` script of this user) is used without probing again.
pub fn choose_accel_cached(work_dir: &Path, limit: Duration) -> ProbeResult {
    let cache = cache_file();
    let boot_id = current_boot_id();
    if let Some(boot_id) = &boot_id
        && let Some(found) = read_cache(&cache, boot_id)
    {
        return found;
    }
    let result = choose_accel(work_dir, limit);
    if let Some(boot_id) = &boot_id {
        // Only a cache: a failure to write it costs the next run a probe, nothing else.
        let _ = write_cache(&cache, boot_id, &result);
    }
    result
}

/// Where the probe's result is kept for this user.
fn cache_file() -> std::path::PathBuf {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(std::path::PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!(
        "sysrebuild-kvm-probe-{}",
        nix::unistd::getuid().as_raw()
    ))
}

fn current_boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The cached result, if the file is this user's and from this boot.
fn read_cache(path: &Path, boot_id: &str) -> Option<ProbeResult> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.uid() != nix::unistd::getuid().as_raw() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    if lines.next()? != boot_id {
        return None;
    }
    let accel = match lines.next()? {
        "kvm" => Accel::Kvm,
        "tcg" => Accel::Tcg,
        _ => return None,
    };
    let reason = lines.next().unwrap_or("").to_owned();
    Some(ProbeResult {
        accel,
        reason: format!(
            "{reason}; probed earlier since the host booted, kept in {}",
            path.display()
        ),
    })
}

fn write_cache(path: &Path, boot_id: &str, result: &ProbeResult) -> std::io::Result<()> {
    let accel = match result.accel {
        Accel::Kvm => "kvm",
        Accel::Tcg => "tcg",
    };
    let reason = result.reason.replace('\n', " ");
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, format!("{boot_id}\n{accel}\n{reason}\n"))?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Boots the probe guest with accelerator `accel`; returns how long it took, or why it
/// failed.
pub fn boot_probe(work_dir: &Path, accel: &str, limit: Duration) -> Result<Duration, String> {
    std::fs::create_dir_all(work_dir)
        .map_err(|e| format!("cannot create {}: {e}", work_dir.display()))?;
    let image = work_dir.join("kvm-probe.bin");
    std::fs::write(&image, probe_image())
        .map_err(|e| format!("cannot write {}: {e}", image.display()))?;
    let started = Instant::now();
    let mut child = Command::new("qemu-system-x86_64")
        .args([
            "-accel",
            accel,
            "-nodefaults",
            "-display",
            "none",
            "-m",
            "16",
        ])
        .args(["-serial", "stdio", "-no-reboot"])
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=1"])
        .arg("-bios")
        .arg(&image)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start qemu-system-x86_64: {e}"))?;
    let (tx, rx) = mpsc::channel();
    if let Some(mut out) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut chunk = [0u8; 64];
            while let Ok(n) = out.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&chunk[..n]);
                if seen.windows(2).any(|w| w == b"L\n") {
                    let _ = tx.send(());
                    return;
                }
            }
        });
    }
    let booted = rx.recv_timeout(limit).is_ok();
    let took = started.elapsed();
    let _ = child.kill();
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let _ = child.wait();
    if booted {
        return Ok(took);
    }
    let detail = stderr
        .lines()
        .filter(|l| !l.contains("warning:") && !l.contains("terminating on signal"))
        .collect::<Vec<_>>()
        .join("; ");
    if detail.is_empty() {
        Err(format!(
            "the probe guest did not boot within {:.0}s",
            limit.as_secs_f64()
        ))
    } else {
        Err(format!("the probe guest did not boot: {detail}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_result_holds_for_its_boot_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let result = ProbeResult {
            accel: Accel::Tcg,
            reason: "KVM probe: the probe guest did not boot within 10s".into(),
        };
        write_cache(&cache, "boot-1", &result).unwrap();
        let found = read_cache(&cache, "boot-1").expect("cached");
        assert_eq!(found.accel, Accel::Tcg);
        assert!(
            found
                .reason
                .starts_with("KVM probe: the probe guest did not boot")
        );
        assert!(read_cache(&cache, "boot-2").is_none());
        std::fs::write(&cache, "boot-1\nfast\n").unwrap();
        assert!(read_cache(&cache, "boot-1").is_none());
    }

    #[test]
    fn the_image_jumps_from_the_reset_vector_to_the_code() {
        let image = probe_image();
        assert_eq!(image.len(), 65536);
        assert_eq!(&image[0xfff0..0xfff5], &[0xea, 0, 0, 0, 0xf0]);
        assert_eq!(image[0], 0xfa, "the code starts with cli");
    }

    /// The probe must boot under TCG (always available) and say so: otherwise a working
    /// KVM would be refused too.
    #[test]
    fn the_probe_guest_boots_under_tcg() {
        if Command::new("qemu-system-x86_64")
            .arg("--version")
            .output()
            .is_err()
        {
            panic!("qemu-system-x86_64 is needed (scripts/deps.sh installs it)");
        }
        let dir = tempfile::tempdir().unwrap();
        let took = boot_probe(dir.path(), "tcg", Duration::from_secs(60)).unwrap();
        assert!(took < Duration::from_secs(60));
    }

    #[test]
    fn a_guest_that_never_boots_is_reported_with_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        // A QEMU that cannot start reports its own error.
        let err = boot_probe(dir.path(), "no-such-accel", Duration::from_secs(30)).unwrap_err();
        assert!(err.contains("did not boot"), "{err}");
    }
}
