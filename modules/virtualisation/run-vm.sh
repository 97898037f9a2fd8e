#!/bin/sh
# Runs the sysrebuild system @toplevel@ (host @hostName@) in QEMU; made by
# `sysrebuild build-vm`. Environment:
#   NIX_DISK_IMAGE       the root disk (default @diskImage@), created on first start
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
    timeout 20 "$qemu" -accel kvm -m 256 -nodefaults -display none -no-reboot \
        -serial "file:$log" -kernel "$(inStore @kernel@)" \
        -append "console=ttyS0 panic=-1 root=/dev/nonexistent" >/dev/null 2>&1 || return 1
    grep -q "Kernel panic" "$log" 2>/dev/null
}
accel="$QEMU_ACCEL"
if [ -z "$accel" ]; then
    if probeKvm; then accel=kvm; else accel=tcg; fi
fi
rm -f "$tmp/kvm-probe.log"
cpu=max
[ "$accel" = kvm ] && cpu=host

# A new disk is a sparse raw file (qcow2 through qemu-img when it is installed); stage 1
# formats it.
disk="${NIX_DISK_IMAGE:-@diskImage@}"
if [ ! -e "$disk" ]; then
    if command -v qemu-img >/dev/null 2>&1; then
        qemu-img create -q -f qcow2 "$disk" @diskSize@M
    else
        truncate -s @diskSize@M "$disk"
    fi
fi
format=raw
[ "$(head -c 3 "$disk")" = QFI ] && format=qcow2

# shellcheck disable=SC2086 # QEMU_OPTS and the options are split on spaces on purpose.
exec "$qemu" -name @hostName@ -machine q35 -accel "$accel" -cpu "$cpu" \
    -m @memorySize@ -smp @cores@ \
    -nodefaults -display none -vga std -serial stdio \
    -device virtio-rng-pci \
    -drive "file=$disk,format=$format,if=virtio,cache=writeback,werror=report" \
    -fsdev "local,id=store,path=$store,security_model=none,readonly=on" \
    -device "virtio-9p-pci,fsdev=store,mount_tag=nix-store" \
    -netdev "@netdev@" -device virtio-net-pci,netdev=user.0 \
    -kernel "$(inStore @kernel@)" -initrd "$(inStore @initrd@)" \
    -append "init=@toplevel@/init @kernelParams@ $QEMU_KERNEL_PARAMS" \
    @qemuOptions@ $QEMU_OPTS
