#!/usr/bin/env bash
# Installs what sysrebuild needs on a fresh Debian or Ubuntu machine, builds it,
# and evaluates an example. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_system_deps
cargo build --release --locked
./target/release/sysrebuild eval --strict examples/hello.nix
