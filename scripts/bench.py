#!/usr/bin/env python3
"""Benchmarks sysrebuild against Nix 2.8 side by side, in one run.

For each workload, both tools run the same command N times, alternating; the best wall time
and the peak resident memory of each are reported with their ratios. Timing is a benchmark,
never a test: figures drift between machines, ratios measured in one run do not.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"




def measure(cmd, env, runs):
    best, peak, output = None, 0, None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"error: {' '.join(cmd)} failed")
        best = elapsed if best is None else min(best, elapsed)
        peak = max(peak, usage.ru_maxrss)
        output = out
    return best, peak, output


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sysrebuild", default=str(ROOT / "target/release/sysrebuild"))
    parser.add_argument("--modules-only", action="store_true", help="only the module-system workloads")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="sysrebuild-bench-"))
    env = dict(os.environ, NIX_STATE_DIR=str(tmp / "state"), NIX_PATH="")
    nix = ["nix-instantiate", "--eval", "--strict", "--store", str(tmp / "store")]
    ours = [args.sysrebuild, "eval", "--strict"]

    workloads = [(f.stem, [str(f)]) for f in sorted((SHARED / "evalbench").glob("*.nix"))]

    if args.modules_only:
        bench_modules(args, tmp)
        return

    print(f"{'workload':<12} {'sysrebuild':>12} {'nix 2.8':>12} {'speed-up':>9} {'mem ours':>10} {'mem nix':>10} {'mem ratio':>9}")
    for name, extra in workloads:
        t_ours, m_ours, out_ours = measure(ours + extra, env, args.runs)
        t_nix, m_nix, out_nix = measure(nix + extra, env, args.runs)
        same = "" if out_ours == out_nix else "  (OUTPUTS DIFFER)"
        print(
            f"{name:<12} {t_ours:>11.3f}s {t_nix:>11.3f}s {t_nix / t_ours:>8.2f}x "
            f"{m_ours / 1024:>8.1f}Mi {m_nix / 1024:>8.1f}Mi {m_ours / m_nix:>9.2f}{same}"
        )
    bench_modules(args, tmp)


# Module-system workloads (N modules x M options) from gen-modbench.py. There is no Nix
# reference here (it needs nixpkgs' lib), so only sysrebuild's figures are printed; the
# reference in shared/bench/README.md is Nix 2.8 with nixpkgs' lib.
MODULE_SIZES = [(100, 100), (300, 100), (1000, 100)]


def bench_modules(args, tmp):
    lib = f"import {ROOT / 'lib'}"
    print()
    print(f"{'modules':<14} {'options':>8} {'sysrebuild':>12} {'peak mem':>10}")
    for n, m in MODULE_SIZES:
        out = tmp / f"mod-{n}x{m}"
        subprocess.run([sys.executable, str(SHARED / "gen-modbench.py"), str(out), str(n), str(m)],
                       check=True, stdout=subprocess.DEVNULL)
        cmd = [args.sysrebuild, "eval", "--strict", "--json", "-E",
               f"import {out}/bench.nix {{ lib = {lib}; }}"]
        t, mem, _ = measure(cmd, dict(os.environ), args.runs)
        print(f"{f'{n}x{m}':<14} {n * m:>8} {t:>11.3f}s {mem / 1024:>8.1f}Mi")
    # Submodule values: one module evaluation each (users.users.<name>,
    # systemd.services.<name>).
    print()
    print(f"{'submodule values':<17} {'sysrebuild':>12} {'peak mem':>10}")
    for n in (20000,):
        cmd = [args.sysrebuild, "eval", "--strict", "--json", "--arg", "n", str(n),
               str(ROOT / "scripts" / "bench" / "submodule-values.nix")]
        t, mem, _ = measure(cmd, dict(os.environ), args.runs)
        print(f"{n:<17} {t:>11.3f}s {mem / 1024:>8.1f}Mi")


if __name__ == "__main__":
    main()
