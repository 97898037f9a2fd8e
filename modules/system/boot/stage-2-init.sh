#!@shell@
# sysrebuild stage 2: runs on the real root as PID 1 (`init=` points here). Mounts the
# kernel file systems that stage 1 did not hand over, activates the system (the
# generation this script belongs to) and becomes systemd.
systemConfig=@systemConfig@
export PATH=@tools@/bin

echo "<<< sysrebuild stage 2 >>>"
mountIfNot() {
    grep -q "^[^ ]* $2 " /proc/mounts 2>/dev/null && return 0
    mkdir -p "$2"
    mount -t "$1" -o "$3" "$1" "$2"
}
mountIfNot proc /proc nosuid,nodev,noexec
mountIfNot sysfs /sys nosuid,nodev,noexec
mountIfNot devtmpfs /dev mode=0755,nosuid
mountIfNot tmpfs /run mode=0755,nosuid,nodev
mkdir -p /dev/pts /dev/shm
mountIfNot devpts /dev/pts mode=0620,gid=5,nosuid,noexec
mountIfNot tmpfs /dev/shm mode=1777,nosuid,nodev

# The root may be mounted read-only by the boot loader's `ro`.
mount -o remount,rw / 2>/dev/null

ln -sfn "$systemConfig" /run/booted-system
"$systemConfig/activate" || echo "stage 2: warning: activation reported errors (see above)"

exec "$systemConfig/systemd" "$@"
