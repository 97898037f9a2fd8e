#!/usr/bin/env bash
# Runs the whole test suite: unit tests, CLI tests and the differential tests against Nix.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
install_system_deps
cargo build --release --locked
cargo test --release --locked --all-targets
