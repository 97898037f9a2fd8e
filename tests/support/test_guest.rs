//! A minimal real guest for the VM driver's tests: Debian's current bookworm kernel
//! (fetched once with `apt-get download`, cached under target/tmp) and an initramfs built
//! here from the host's static busybox. Its `/init` loads the virtio modules, configures
//! eth0 and /etc/hosts from the driver's `sysrebuild.vm.*` kernel parameters, and hands over
//! to busybox init, which runs the backdoor shell on /dev/hvc0 (and powers off or reboots on
//! request). `systemctl is-active` and `journalctl -u` are small stand-ins reading
//! /run/units/UNIT, so `wait_for_unit` can be tested without systemd.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sysrebuild::vmtest::cpio::CpioWriter;

/// The kernel and initrd of the test guest.
pub struct TestGuest {
    /// The kernel image.
    pub kernel: PathBuf,
    /// The initramfs (an uncompressed newc cpio archive).
    pub initrd: PathBuf,
}

/// The modules to load, in dependency order (Debian builds virtio as modules).
const MODULES: &[&str] = &[
    "drivers/virtio/virtio_ring.ko",
    "drivers/virtio/virtio.ko",
    "drivers/virtio/virtio_pci_modern_dev.ko",
    "drivers/virtio/virtio_pci_legacy_dev.ko",
    "drivers/virtio/virtio_pci.ko",
    "drivers/char/virtio_console.ko",
    "net/core/failover.ko",
    "drivers/net/net_failover.ko",
    "drivers/net/virtio_net.ko",
];

const INIT: &str = r#"#!/bin/sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
for m in MODULE_LIST; do insmod /lib/modules/$m.ko; done
for p in $(cat /proc/cmdline); do
  case "$p" in
    sysrebuild.vm.ip=*) ip="${p#*=}" ;;
    sysrebuild.vm.hosts=*) hosts="${p#*=}" ;;
  esac
done
echo "127.0.0.1 localhost" > /etc/hosts
for h in $(echo "$hosts" | tr , ' '); do
  echo "${h%%=*} ${h#*=}" >> /etc/hosts
  [ "${ip%/*}" = "${h%%=*}" ] && hostname "${h#*=}"
done
ip link set lo up
if [ -n "$ip" ]; then ip link set eth0 up && ip addr add "$ip" dev eth0; fi
echo "test guest: init done on $(hostname)"
exec /sbin/init
"#;

const INITTAB: &str =
    "::sysinit:/bin/true\nhvc0::respawn:/bin/sh /backdoor\n::shutdown:/bin/sync\n";

// A shell reading its script from the console is not interactive: no prompt, no echo.
const BACKDOOR: &str =
    "stty raw -echo\necho 'sysrebuild-backdoor: ready'\nexec /bin/sh /dev/hvc0\n";

const SYSTEMCTL: &str = r#"#!/bin/sh
# Test stand-in: `systemctl is-active UNIT` prints /run/units/UNIT (default: inactive).
[ "$1" = is-active ] || exit 1
state=$(cat "/run/units/$2" 2>/dev/null || echo inactive)
echo "$state"
[ "$state" = active ]
"#;

const JOURNALCTL: &str = "#!/bin/sh\necho \"journal of $2: it broke\"\n";

/// The guest, built once per test process.
pub fn test_guest() -> &'static TestGuest {
    static GUEST: OnceLock<TestGuest> = OnceLock::new();
    GUEST.get_or_init(|| build().unwrap_or_else(|e| panic!("cannot prepare the test guest: {e}")))
}

fn build() -> Result<TestGuest, String> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vm-test-guest");
    std::fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
    let version = kernel_package()?;
    let root = cache.join(&version);
    if !root.join("done").exists() {
        fetch_kernel(&version, &cache, &root)?;
    }
    let boot = root.join("boot");
    let kernel = std::fs::read_dir(&boot)
        .map_err(|e| format!("{}: {e}", boot.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .ok_or("no vmlinuz in the kernel package")?;
    let modules_root = std::fs::read_dir(root.join("lib/modules"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .next()
        .ok_or("no modules in the kernel package")?
        .join("kernel");
    let initrd = cache.join(format!("initrd-{version}-{}.cpio", std::process::id()));
    write_initramfs(&initrd, &modules_root)?;
    Ok(TestGuest { kernel, initrd })
}

/// The bookworm kernel package `linux-image-amd64` depends on.
fn kernel_package() -> Result<String, String> {
    let out = Command::new("apt-cache")
        .args(["depends", "linux-image-amd64"])
        .output()
        .map_err(|e| format!("apt-cache: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Depends: "))
        .find(|p| p.starts_with("linux-image-"))
        .map(str::to_owned)
        .ok_or_else(|| "apt-cache names no kernel for linux-image-amd64".into())
}

fn fetch_kernel(package: &str, cache: &Path, root: &Path) -> Result<(), String> {
    let download = cache.join("download");
    let _ = std::fs::remove_dir_all(&download);
    std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    let status = Command::new("apt-get")
        .args(["download", package])
        .current_dir(&download)
        .status()
        .map_err(|e| format!("apt-get: {e}"))?;
    if !status.success() {
        return Err(format!("apt-get download {package} failed"));
    }
    let deb = std::fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .ok_or("apt-get download left no .deb")?;
    let _ = std::fs::remove_dir_all(root);
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root)
        .status()
        .map_err(|e| format!("dpkg-deb: {e}"))?;
    if !status.success() {
        return Err("dpkg-deb -x failed".into());
    }
    let _ = std::fs::remove_dir_all(&download);
    std::fs::write(root.join("done"), "").map_err(|e| e.to_string())
}

fn write_initramfs(path: &Path, modules_root: &Path) -> Result<(), String> {
    let err = |e: std::io::Error| format!("writing {}: {e}", path.display());
    let busybox = std::fs::read("/bin/busybox").map_err(|e| format!("/bin/busybox: {e}"))?;
    let mut w = CpioWriter::new(Vec::new());
    for dir in [
        "bin",
        "sbin",
        "usr",
        "usr/bin",
        "usr/sbin",
        "etc",
        "proc",
        "sys",
        "dev",
        "run",
        "tmp",
        "root",
        "lib",
        "lib/modules",
    ] {
        w.directory(dir, 0o755).map_err(err)?;
    }
    w.file("bin/busybox", 0o755, &busybox).map_err(err)?;
    w.symlink("bin/sh", "busybox").map_err(err)?;
    let mut names = Vec::new();
    for module in MODULES {
        let data = std::fs::read(modules_root.join(module))
            .map_err(|e| format!("{}: {e}", modules_root.join(module).display()))?;
        let name = Path::new(module)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        w.file(&format!("lib/modules/{name}.ko"), 0o644, &data)
            .map_err(err)?;
        names.push(name);
    }
    w.file(
        "init",
        0o755,
        INIT.replace("MODULE_LIST", &names.join(" ")).as_bytes(),
    )
    .map_err(err)?;
    w.file("etc/inittab", 0o644, INITTAB.as_bytes())
        .map_err(err)?;
    w.file("backdoor", 0o755, BACKDOOR.as_bytes())
        .map_err(err)?;
    w.file("usr/bin/systemctl", 0o755, SYSTEMCTL.as_bytes())
        .map_err(err)?;
    w.file("usr/bin/journalctl", 0o755, JOURNALCTL.as_bytes())
        .map_err(err)?;
    let data = w.finish().map_err(err)?;
    std::fs::write(path, data).map_err(err)
}
