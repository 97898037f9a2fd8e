//! The smallest real guest the driver can talk to: Debian's kernel from the archive and a
//! busybox initramfs whose init loads the virtio modules, configures the test network from
//! the driver's kernel parameters and runs the backdoor on `/dev/hvc0`.
//!
//! The kernel package is fetched once with `apt-get download` into
//! `$CARGO_TARGET_TMPDIR/vm-guest` and unpacked with the project's own `.deb` reader; only
//! the kernel image and the modules the guest needs (with their `depends=` closure, read
//! from each module's `.modinfo`) are kept. The initramfs is written with
//! `sysrebuild::vmtest::cpio`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sysrebuild::debfile::DebFile;
use sysrebuild::vmtest::cpio::CpioWriter;

/// A bootable guest.
pub struct Guest {
    /// The kernel image.
    pub kernel: PathBuf,
    /// The busybox initramfs.
    pub initrd: PathBuf,
}

/// The modules the guest loads (their dependencies come along).
const WANTED_MODULES: &[&str] = &["virtio_pci", "virtio_console", "virtio_net"];

/// The line the guest's init prints on the serial console once it is configured.
pub const RC_DONE: &str = "sysrebuild-test-guest: rc done";

/// Runs once before the backdoor: mounts, modules, network, host names.
const RC: &str = r#"#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp /run
mount -t tmpfs tmpfs /tmp
for m in $(cat /etc/modules.order); do insmod "/lib/modules/$m.ko"; done
ip link set lo up
echo "127.0.0.1 localhost" > /etc/hosts
for p in $(cat /proc/cmdline); do
  case "$p" in
    sysrebuild.vm.ip=*) addr="${p#*=}" ;;
    sysrebuild.vm.hosts=*) hosts="${p#*=}" ;;
  esac
done
if [ -n "$addr" ]; then
  own="${addr%/*}"
  mac=$(printf '52:54:00:12:01:%02x' "${own##*.}")
  # The network device appears asynchronously after virtio_net is loaded.
  i=0
  while [ -z "$dev" ] && [ $i -lt 100 ]; do
    for d in /sys/class/net/*; do
      [ "$(cat "$d/address")" = "$mac" ] && dev="${d##*/}"
    done
    [ -z "$dev" ] && sleep 0.1
    i=$((i + 1))
  done
  ip addr add "$addr" dev "$dev"
  ip link set "$dev" up
  for h in $(echo "$hosts" | tr ',' ' '); do
    echo "${h%%=*} ${h#*=}" >> /etc/hosts
    [ "${h%%=*}" = "$own" ] && hostname "${h#*=}"
  done
fi
echo "sysrebuild-test-guest: rc done"
"#;

/// The backdoor (see vm-tests/README.md). The console's device node appears only once
/// virtio_console has seen the host's port, some time after the module is loaded: until
/// then `/dev/hvc0` does not exist and a write would create a plain file in place of it.
/// The tty driver resets the console's settings when its last descriptor closes, so the
/// console stays open (as stdin, stdout, stderr) from `stty` to the shell.
const BACKDOOR: &str = r#"#!/bin/sh
while [ ! -c /dev/hvc0 ]; do sleep 0.1; done
exec < /dev/hvc0 > /dev/hvc0 2>&1
stty raw -echo
echo "sysrebuild-backdoor: ready"
exec sh /dev/hvc0
"#;

const INITTAB: &str = "::sysinit:/etc/rc\n\
::respawn:/bin/backdoor\n\
::ctrlaltdel:/bin/reboot\n\
::shutdown:/bin/umount -a -r\n";

/// The guest, made on first use.
pub fn guest() -> &'static Guest {
    static GUEST: OnceLock<Guest> = OnceLock::new();
    GUEST.get_or_init(make_guest)
}

fn make_guest() -> Guest {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vm-guest");
    fs::create_dir_all(&cache).expect("create the guest cache");
    let package = kernel_package();
    let unpacked = cache.join(&package);
    if !unpacked.join("done").exists() {
        let deb = download(&package, &cache);
        let _ = fs::remove_dir_all(&unpacked);
        fs::create_dir_all(unpacked.join("modules")).expect("create the kernel cache");
        unpack_kernel(&deb, &unpacked);
        fs::write(unpacked.join("done"), "").expect("mark the kernel cache");
    }
    let initrd = cache.join(format!("{package}.initrd"));
    write_initrd(&unpacked, &initrd);
    Guest {
        kernel: unpacked.join("vmlinuz"),
        initrd,
    }
}

/// The versioned kernel package `linux-image-amd64` depends on.
fn kernel_package() -> String {
    let out = Command::new("apt-cache")
        .args(["depends", "linux-image-amd64"])
        .output()
        .expect("run apt-cache");
    assert!(out.status.success(), "apt-cache depends linux-image-amd64");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Depends: "))
        .find(|p| p.starts_with("linux-image-") && p.as_bytes()[12].is_ascii_digit())
        .expect("linux-image-amd64 depends on a versioned kernel package")
        .to_owned()
}

fn download(package: &str, cache: &Path) -> PathBuf {
    let tmp = cache.join("download");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).expect("download dir");
    let out = Command::new("apt-get")
        .args(["download", "-q", package])
        .current_dir(&tmp)
        .output()
        .expect("run apt-get");
    assert!(
        out.status.success(),
        "apt-get download {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deb = fs::read_dir(&tmp)
        .expect("download dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a downloaded .deb");
    let kept = cache.join(format!("{package}.deb"));
    fs::rename(deb, &kept).expect("keep the .deb");
    kept
}

/// Copies the kernel image and the wanted modules' closure out of the package, and writes
/// their load order (dependencies first) to `modules.order`.
fn unpack_kernel(deb: &Path, dir: &Path) {
    // First pass: every module's dependencies.
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    each_member(deb, |path, data| {
        if let Some(name) = module_name(path) {
            depends.insert(name, module_depends(data));
        }
        false
    });
    let order = load_order(&depends);
    let needed: BTreeSet<&str> = order.iter().map(String::as_str).collect();
    // Second pass: the kernel and the needed modules.
    let mut kernel_found = false;
    each_member(deb, |path, data| {
        let file = path.rsplit('/').next().unwrap_or(path);
        if path.starts_with("./boot/vmlinuz-") || path.starts_with("boot/vmlinuz-") {
            fs::write(dir.join("vmlinuz"), data).expect("write the kernel");
            kernel_found = true;
        } else if let Some(name) = module_name(path)
            && needed.contains(name.as_str())
        {
            fs::write(dir.join("modules").join(file), data).expect("write a module");
        }
        false
    });
    assert!(kernel_found, "{} has no /boot/vmlinuz-*", deb.display());
    fs::write(dir.join("modules.order"), order.join("\n") + "\n").expect("write the order");
}

/// Calls `f` with each regular file of the package's data (path, contents) whose path is
/// the kernel or a module.
fn each_member(deb: &Path, mut f: impl FnMut(&str, &[u8]) -> bool) {
    let mut file = DebFile::open(deb).expect("open the kernel .deb");
    let data = file.data_tar().expect("the kernel's data.tar");
    let mut archive = tar::Archive::new(data);
    for entry in archive.entries().expect("read data.tar") {
        let mut entry = entry.expect("a data.tar entry");
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        if !(path.contains("boot/vmlinuz-") || path.ends_with(".ko")) {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read an entry");
        if f(&path, &bytes) {
            return;
        }
    }
}

/// `virtio_net` for `…/kernel/drivers/net/virtio_net.ko`.
fn module_name(path: &str) -> Option<String> {
    let file = path.rsplit('/').next()?;
    file.strip_suffix(".ko").map(str::to_owned)
}

/// The `depends=` entry of a module's `.modinfo` section (NUL-separated `key=value`s).
fn module_depends(data: &[u8]) -> Vec<String> {
    let key = b"\0depends=";
    let Some(start) = data.windows(key.len()).position(|w| w == key) else {
        return Vec::new();
    };
    let value = &data[start + key.len()..];
    let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
    String::from_utf8_lossy(&value[..end])
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('-', "_"))
        .collect()
}

/// The wanted modules and everything they depend on, dependencies first.
fn load_order(depends: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    fn visit(
        name: &str,
        depends: &BTreeMap<String, Vec<String>>,
        order: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(name.to_owned()) {
            return;
        }
        let deps = depends
            .get(name)
            .unwrap_or_else(|| panic!("the kernel package has no module {name}"));
        for dep in deps {
            visit(dep, depends, order, seen);
        }
        order.push(name.to_owned());
    }
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for name in WANTED_MODULES {
        visit(name, depends, &mut order, &mut seen);
    }
    order
}

fn write_initrd(kernel_dir: &Path, initrd: &Path) {
    let busybox = fs::read("/bin/busybox").expect("read /bin/busybox (busybox-static)");
    let mut cpio = CpioWriter::new(Vec::new());
    for d in [
        "bin",
        "dev",
        "etc",
        "lib",
        "lib/modules",
        "proc",
        "sys",
        "root",
        "tmp",
    ] {
        cpio.directory(d, 0o755).expect("cpio");
    }
    cpio.file("bin/busybox", 0o755, &busybox).expect("cpio");
    for applet in applets() {
        if applet != "busybox" {
            cpio.symlink(&format!("bin/{applet}"), "busybox")
                .expect("cpio");
        }
    }
    cpio.symlink("init", "bin/busybox").expect("cpio");
    cpio.file("etc/rc", 0o755, RC.as_bytes()).expect("cpio");
    cpio.file("etc/inittab", 0o644, INITTAB.as_bytes())
        .expect("cpio");
    cpio.file("bin/backdoor", 0o755, BACKDOOR.as_bytes())
        .expect("cpio");
    let order = fs::read_to_string(kernel_dir.join("modules.order")).expect("module order");
    cpio.file("etc/modules.order", 0o644, order.as_bytes())
        .expect("cpio");
    for name in order.lines() {
        let data =
            fs::read(kernel_dir.join("modules").join(format!("{name}.ko"))).expect("read a module");
        cpio.file(&format!("lib/modules/{name}.ko"), 0o644, &data)
            .expect("cpio");
    }
    let bytes = cpio.finish().expect("cpio");
    let tmp = initrd.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes).expect("write the initrd");
    fs::rename(&tmp, initrd).expect("move the initrd");
}

/// The applets of the host's static busybox.
fn applets() -> Vec<String> {
    let out = Command::new("/bin/busybox")
        .arg("--list")
        .output()
        .expect("run busybox --list");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty() && !l.contains('/'))
        .map(str::to_owned)
        .collect()
}
