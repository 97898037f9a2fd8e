#!/usr/bin/env bash
# The package-universe benchmark: resolving and instantiating the core of a bootable
# system (linux-image-amd64, systemd, systemd-sysv, dbus, udev, util-linux, e2fsprogs,
# bash, coreutils, kmod, openssh-server, nginx) with the index already in the store.
# Needs apt's bookworm lists (apt-get update). Build first (scripts/bench.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/target/release/sysrebuild"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
measure() { # label, command…: prints wall and CPU seconds
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %U s user + %S s sys, %M KB peak" "$@" >/dev/null
}
measure "pkgs update (apt lists -> store)" "$bin" pkgs update --store store --suite bookworm
cat > core.nix <<'NIX'
let pkgs = import <sysrebuild/pkgs> { lock = ./sysrebuild.lock; }; in
with pkgs; [ linux-image-amd64 systemd systemd-sysv dbus udev util-linux e2fsprogs bash
  coreutils kmod openssh-server nginx ]
NIX
count=$("$bin" eval --store store --strict -E 'let pkgs = import <sysrebuild/pkgs> { lock = ./sysrebuild.lock; }; in builtins.length (builtins.genericClosure { startSet = map (p: { key = p.pname; pkg = p; }) (import ./core.nix); operator = x: map (p: { key = p.pname; pkg = p; }) x.pkg.depends; })')
echo "core set closure: $count packages"
for i in 1 2 3; do
  measure "resolve + derivation paths (eval, run $i)" "$bin" eval --store store --strict -E 'map (p: p.drvPath) (import ./core.nix)'
done
measure "instantiate (writes $((count * 2)) .drv files)" "$bin" instantiate --store store core.nix
measure "instantiate again (all valid)" "$bin" instantiate --store store core.nix
