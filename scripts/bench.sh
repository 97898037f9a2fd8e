#!/usr/bin/env bash
# Runs the benchmarks (see scripts/bench.py); build first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
python3 scripts/bench.py "$@"
if ls /var/lib/apt/lists/*_dists_bookworm_main_binary-*_Packages* >/dev/null 2>&1; then
  bash scripts/bench-pkgs.sh
fi
