#!/bin/sh
# sysrebuild stage 1: runs from the initrd (busybox). Loads kernel modules, finds and
# mounts the root file system (and the other file systems needed for boot) under
# /mnt-root, then hands over to stage 2 (`init=` on the kernel command line).
export PATH=/bin

fail() {
    echo "stage 1: error: $*"
    if [ -n "$shellOnFail" ]; then
        echo "stage 1: starting a shell (boot.shell_on_fail)"
        exec setsid sh -c 'exec sh </dev/console >/dev/console 2>&1'
    fi
    echo "stage 1: add boot.shell_on_fail to the kernel command line for a shell; rebooting in 10 s"
    sleep 10
    reboot -f
}

mkdir -p /proc /sys /dev /run /tmp /mnt-root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs -o mode=0755 devtmpfs /dev || fail "cannot mount /dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
echo "<<< sysrebuild stage 1 >>>"

init=/sbin/init
for o in $(cat /proc/cmdline); do
    case "$o" in
        init=*) init="${o#init=}" ;;
        boot.shell_on_fail) shellOnFail=1 ;;
        boot.debug1) debug1=1 ;;
    esac
done
[ -n "$debug1" ] && { echo "stage 1: boot.debug1: starting a shell"; setsid sh -c 'exec sh </dev/console >/dev/console 2>&1'; }

for m in @kernelModules@; do
    modprobe "$m" || echo "stage 1: warning: cannot load kernel module $m"
done
# Drivers that might be needed for the root device; absent hardware makes them idle.
for m in @availableKernelModules@; do
    modprobe -q "$m" 2>/dev/null
done

# `/dev/disk/by-label/X` and `by-uuid` need udev, which stage 1 does not run: findfs.
resolveDevice() {
    case "$1" in
        /dev/disk/by-label/*) findfs "LABEL=${1#/dev/disk/by-label/}" 2>/dev/null ;;
        /dev/disk/by-uuid/*) findfs "UUID=${1#/dev/disk/by-uuid/}" 2>/dev/null ;;
        LABEL=* | UUID=*) findfs "$1" 2>/dev/null ;;
        *) echo "$1" ;;
    esac
}

waitDevice() {
    i=0
    while :; do
        dev="$(resolveDevice "$1")"
        [ -n "$dev" ] && [ -e "$dev" ] && { echo "$dev"; return 0; }
        i=$((i + 1))
        [ "$i" -ge 200 ] && return 1
        [ "$i" -eq 20 ] && echo "stage 1: waiting for device $1 ..." >&2
        sleep 0.1
    done
}

# mountFs DEVICE MOUNTPOINT FSTYPE OPTIONS AUTOFORMAT
mountFs() {
    device="$1"; target="/mnt-root$2"; fsType="$3"; options="$4"; autoFormat="$5"
    mkdir -p "$target"
    case "$fsType" in
        tmpfs | 9p | virtiofs | nfs | nfs4 | none)
            mount -t "$fsType" -o "$options" "$device" "$target" || fail "cannot mount $device on $2 ($fsType)"
            return ;;
    esac
    dev="$(waitDevice "$device")" || fail "the device $device for $2 did not appear"
    if ! mount -t "$fsType" -o "$options" "$dev" "$target" 2>/dev/null; then
        if [ "$autoFormat" = 1 ]; then
            echo "stage 1: formatting $dev as $fsType for $2"
            # busybox's mke2fs makes ext2, which the ext4 driver mounts as ext4.
            case "$fsType" in
                ext2 | ext3 | ext4) mke2fs -F "$dev" >/dev/null 2>&1 || fail "cannot format $dev" ;;
                *) "mkfs.$fsType" "$dev" >/dev/null 2>&1 || fail "cannot format $dev as $fsType" ;;
            esac
            mount -t "$fsType" -o "$options" "$dev" "$target" || mount -o "$options" "$dev" "$target" \
                || fail "cannot mount $dev on $2 after formatting it"
        else
            fail "cannot mount $dev on $2 ($fsType, options $options)"
        fi
    fi
}

@mountCommands@

[ -e "/mnt-root$init" ] || [ -L "/mnt-root$init" ] || fail "stage 2 ($init) is not on the root file system"

mkdir -p /mnt-root/proc /mnt-root/sys /mnt-root/dev /mnt-root/run
mount --move /proc /mnt-root/proc
mount --move /sys /mnt-root/sys
mount --move /dev /mnt-root/dev
mount --move /run /mnt-root/run
exec switch_root /mnt-root "$init"
