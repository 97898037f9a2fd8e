#!/usr/bin/env bash
# Runs the benchmarks (see scripts/bench.py); build first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
exec python3 scripts/bench.py "$@"
