#!/bin/sh
# Runs the sysrebuild system @toplevel@ (host @hostName@) in QEMU; made by
# `sysrebuild build-vm`. Environment:
#   NIX_DISK_IMAGE       the root disk (default @diskImage@), created on first start
#                        (raw; an existing qcow2 image is used as qcow2)
#   QEMU_OPTS            more QEMU options (split on spaces)
#   QEMU_KERNEL_PARAMS   more kernel parameters
#   QEMU_ACCEL           kvm or tcg, instead of probing KVM
#   USE_TMPDIR=1         keep temporary files under $TMPDIR
set -e

# This script lives in <store>/<hash>-run-@hostName@-vm/bin: <store> holds the store's
# files, also when the store is relocated (`--store DIR` keeps them in DIR/nix/store).
self="$(readlink -f "$0")"
store="${self%/*/bin/*}"
storeDir=@storeDir@
inStore() { echo "$store/${1#"$storeDir"/}"; }

qemu="${QEMU_BINARY:-@qemuBinary@}"
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "run-@hostName@-vm: $qemu is not installed (Debian: apt-get install qemu-system-x86)" >&2
    exit 1
fi

tmp="${TMPDIR:-/tmp}"
if [ "$USE_TMPDIR" != 1 ]; then tmp="$(mktemp -d "${TMPDIR:-/tmp}/run-@hostName@-vm.XXXXXX")"; fi

# KVM only when a small guest (this kernel, without a root, panicking at once) gets
# through its boot under it within a time limit: some hosts have a /dev/kvm on which
# guests hang.
probeKvm() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    command -v timeout >/dev/null 2>&1 || return 1
    log="$tmp/kvm-probe.log"
    timeout 10 "$qemu" -accel kvm -m 256 -nodefaults -display none -no-reboot \
        -serial "file:$log" -kernel "$(inStore @kernel@)" \
        -append "console=ttyS0 panic=-1 root=/dev/nonexistent" >/dev/null 2>&1 || return 1
    grep -q "Kernel panic" "$log" 2>/dev/null
}
# The answer holds until the host reboots: it is kept (with `sysrebuild vm-test`'s, same
# file and format: boot id, kvm or tcg, reason) for this user.
if [ -d "$XDG_RUNTIME_DIR" ]; then probeDir="$XDG_RUNTIME_DIR"; else probeDir="${TMPDIR:-/tmp}"; fi
probeCache="$probeDir/sysrebuild-kvm-probe-$(id -u)"
bootId="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || true)"
cachedAccel() {
    [ -n "$bootId" ] && [ -f "$probeCache" ] && [ ! -L "$probeCache" ] && [ -O "$probeCache" ] || return 1
    [ "$(sed -n 1p "$probeCache")" = "$bootId" ] || return 1
    case "$(sed -n 2p "$probeCache")" in
        kvm) echo kvm ;;
        tcg) echo tcg ;;
        *) return 1 ;;
    esac
}
accel="$QEMU_ACCEL"
if [ -z "$accel" ]; then
    if accel="$(cachedAccel)"; then
        :
    else
        if probeKvm; then
            accel=kvm reason="KVM booted the kernel within 10 s"
        else
            accel=tcg reason="KVM did not boot the kernel within 10 s (or /dev/kvm is not usable)"
        fi
        if [ -n "$bootId" ]; then
            printf '%s\n%s\n%s\n' "$bootId" "$accel" "$reason" > "$probeCache.$$" 2>/dev/null \
                && mv -f "$probeCache.$$" "$probeCache" 2>/dev/null || rm -f "$probeCache.$$"
        fi
    fi
fi
rm -f "$tmp/kvm-probe.log"
cpu=max
[ "$accel" = kvm ] && cpu=host

# A new disk is a sparse raw file holding an ext4 file system with a journal (so that a
# VM killed at any time keeps a consistent disk), made with the host's mkfs.ext4.
# Without one it stays empty and stage 1 formats it (busybox: ext2, no journal).
disk="${NIX_DISK_IMAGE:-@diskImage@}"
if [ ! -e "$disk" ]; then
    truncate -s @diskSize@M "$disk"
    mkfs=""
    for m in mkfs.ext4 /usr/sbin/mkfs.ext4 /sbin/mkfs.ext4; do
        command -v "$m" >/dev/null 2>&1 && { mkfs="$m"; break; }
    done
    if [ -n "$mkfs" ]; then
        "$mkfs" -q -F -L root "$disk"
    fi
fi
format=raw
[ "$(head -c 3 "$disk")" = QFI ] && format=qcow2

# shellcheck disable=SC2086 # QEMU_OPTS and the options are split on spaces on purpose.
exec "$qemu" -name @hostName@ -machine q35 -accel "$accel" -cpu "$cpu" \
    -m @memorySize@ -smp @cores@ \
    -nodefaults -display none -vga std -serial mon:stdio \
    -device virtio-rng-pci \
    -drive "file=$disk,format=$format,if=virtio,cache=writeback,werror=report" \
    -fsdev "local,id=store,path=$store,security_model=none,readonly=on" \
    -device "virtio-9p-pci,fsdev=store,mount_tag=nix-store" \
    -netdev "@netdev@" -device virtio-net-pci,netdev=user.0 \
    -kernel "$(inStore @kernel@)" -initrd "$(inStore @initrd@)" \
    -append "init=@toplevel@/init @kernelParams@ $QEMU_KERNEL_PARAMS" \
    @qemuOptions@ $QEMU_OPTS
