#!/usr/bin/env bash
# Runs the store and builder benchmark (see scripts/bench_store.py); builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
exec python3 scripts/bench_store.py "$@"
