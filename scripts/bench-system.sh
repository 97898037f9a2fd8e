#!/usr/bin/env bash
# The system benchmark (issue 6): targets
#   - evaluating examples/server.nix with every module of the library loaded, down to the
#     toplevel's derivation path: < 300 ms;
#   - rebuilding an unchanged configuration (`sysrebuild build -f`, everything valid): < 1 s.
# The store (default /tmp/sysrebuild-bench-system, or $BENCH_STORE) is kept between runs:
# the first run builds the system (fetching the .debs), which is not measured.
# Prints the median of RUNS (default 7) runs of each.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
cargo build --release --locked
bin="$repo/target/release/sysrebuild"
work="${BENCH_STORE:-/tmp/sysrebuild-bench-system}"
runs="${RUNS:-7}"
mkdir -p "$work"
cd "$work"
[ -f sysrebuild.lock ] || "$bin" pkgs update --store "$work/store" --suite bookworm >/dev/null

# median_ms COMMAND…: runs it $runs times, prints the median wall time in milliseconds.
median_ms() {
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

config="$repo/examples/server.nix"
expr="(import <sysrebuild/modules/system.nix> { configuration = $config; }).toplevel.drvPath"
export SYSREBUILD_STORE="$work/store"   # where the lock's index is
"$bin" eval -E "$expr" >/dev/null   # fails loudly if it does not evaluate
eval_ms=$(median_ms "$bin" eval -E "$expr")

echo "building $config once (not measured) …" >&2
"$bin" build -f "$config" --store "$work/store" -j 4 -o "$work/result" >/dev/null
rebuild_ms=$(median_ms "$bin" build -f "$config" --store "$work/store" -o "$work/result")

verdict() { if [ "$1" -lt "$2" ]; then echo "ok"; else echo "OVER TARGET"; fi; }
printf 'evaluate examples/server.nix (every module, toplevel drvPath): %5d ms  (target < 300 ms: %s)\n' \
    "$eval_ms" "$(verdict "$eval_ms" 300)"
printf 'rebuild an unchanged configuration (build -f):                 %5d ms  (target < 1000 ms: %s)\n' \
    "$rebuild_ms" "$(verdict "$rebuild_ms" 1000)"
