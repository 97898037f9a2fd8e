# Shared by setup.sh and test.sh: installs the Debian packages the project needs.
# nix-bin is only the test oracle (differential tests); sysrebuild never calls it.
# busybox-static gives the builder tests a static /bin/busybox to use as /bin/sh inside
# the build sandbox (--sandbox-path /bin/sh=/bin/busybox) and the VM driver's test guest.
# apt's lists (apt-get update) are the package index tests/pkgs.rs resolves from.
# qemu-system-x86 and ovmf run VM tests; the driver's tests (tests/vm_driver.rs) fetch a
# Debian kernel with apt-get download and unpack it with sysrebuild's own .deb reader.
install_system_deps() {
  local need=()
  command -v nix-instantiate >/dev/null 2>&1 || need+=(nix-bin)
  command -v cc >/dev/null 2>&1 || need+=(build-essential)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
  [ -d /usr/share/OVMF ] || need+=(ovmf)
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # tests/debs.rs pins real packages from apt's lists and fetches them with
  # `apt-get download`: the lists must be there.
  if [ ${#need[@]} -gt 0 ] || ! apt-cache show --no-all-versions hello >/dev/null 2>&1; then
    $sudo apt-get update -qq
  fi
  if [ ${#need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
  fi
  # tests/pkgs.rs resolves the core of a system from apt's own package lists.
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    local sudo2=""
    [ "$(id -u)" -eq 0 ] || sudo2="sudo"
    $sudo2 apt-get update -qq
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found; install Rust with https://rustup.rs first" >&2
    return 1
  fi
}
