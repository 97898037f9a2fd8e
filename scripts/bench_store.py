#!/usr/bin/env python3
"""Benchmarks the store and the builder against Nix 2.8 side by side (issue 3).

Workloads, each run by sysrebuild and by nix-build / nix-store on their own relocated
stores in a temporary directory:

- cold build of a graph of N trivial derivations (chains of 50 with fan-ins), the
  builder being busybox's sh writing $out (both sandboxed, `/bin/sh` = busybox);
- no-op rebuild of the same graph (everything valid: evaluation, instantiation and
  validity checks only; target under 200 ms);
- closure query (`--requisites`) of a root whose closure has 10,000 paths (target
  under 50 ms);
- garbage collection of 10,000 dead paths (each run on a fresh copy of the store).

Timings are best-of-N wall times (cold build and GC: one run each, on fresh stores).
This is a benchmark, never a test.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GRAPH = r"""
let
  mk = name: deps: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "echo ${toString deps} > $out" ];
    PATH = "/bin";
  };
  n = @N@;
  rem = a: b: a - (a / b) * b;
  deps = i:
    (if rem i 50 != 0 then [ (builtins.elemAt ds (i - 1)) ] else [ ])
    ++ (if i >= 100 && rem i 7 == 0 then [ (builtins.elemAt ds (i - 100)) ] else [ ]);
  ds = builtins.genList (i: mk "d${toString i}" (deps i)) n;
in mk "top" ds
"""

# 10,000 text files, each referring to the one before and to one a third of the way
# back; the last one's closure is all of them. A derivation makes instantiation
# write them.
FILES = r"""
let
  n = @N@;
  fs = builtins.genList (i:
    if i == 0 then builtins.toFile "f0" "root"
    else builtins.toFile "f${toString i}" "${builtins.elemAt fs (i - 1)} ${builtins.elemAt fs (i / 3)}"
  ) n;
in derivation {
  name = "closure-root";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  last = builtins.elemAt fs (n - 1);
}
"""


def run(cmd, env=None, cwd=None):
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(map(str, cmd))} failed:\n{proc.stderr.decode()[-3000:]}")
    return elapsed, proc.stdout.decode()


def best(cmd, runs, env=None, cwd=None):
    times = []
    out = ""
    for _ in range(runs):
        t, out = run(cmd, env, cwd)
        times.append(t)
    return min(times), out


def row(name, ours, nix, target=None):
    ratio = f"{nix / ours:>8.2f}x" if ours and nix else f"{'-':>9}"
    nix_s = f"{nix:>10.3f}s" if nix is not None else f"{'-':>11}"
    goal = ""
    if target is not None:
        goal = f"  (target < {target * 1000:.0f} ms: {'met' if ours < target else 'MISSED'})"
    print(f"{name:<34} {ours:>10.3f}s {nix_s} {ratio}{goal}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--derivations", type=int, default=2000)
    parser.add_argument("--paths", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sysrebuild", default=str(ROOT / "target/release/sysrebuild"))
    parser.add_argument("--no-nix", action="store_true", help="only sysrebuild's figures")
    parser.add_argument("--skip-build", action="store_true",
                        help="skip the cold build and the no-op rebuild")
    parser.add_argument("--skip-closure", action="store_true",
                        help="skip instantiating the closure, the closure query and the GC")
    args = parser.parse_args()
    sr = args.sysrebuild
    have_nix = not args.no_nix and shutil.which("nix-build") is not None

    tmp = Path(tempfile.mkdtemp(prefix="sysrebuild-bench-store-"))
    try:
        bench(args, sr, have_nix, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def nix_env(tmp, store):
    home = tmp / "nix-home"
    home.mkdir(exist_ok=True)
    return dict(os.environ, HOME=str(home), NIX_CONF_DIR=str(home), NIX_PATH="",
                NIX_STATE_DIR=str(store / "nix/var/nix"), XDG_CACHE_HOME=str(home / "cache"))


def bench(args, sr, have_nix, tmp):
    graph = tmp / "graph.nix"
    graph.write_text(GRAPH.replace("@N@", str(args.derivations)))
    files = tmp / "files.nix"
    files.write_text(FILES.replace("@N@", str(args.paths)))
    ours_store, nix_store = tmp / "ours", tmp / "nix"
    env = dict(os.environ)
    env.pop("SYSREBUILD_STORE", None)
    nenv = nix_env(tmp, nix_store)
    jobs = str(args.jobs)

    ours_build = [sr, "build", "--store", str(ours_store), "--no-out-link", "-j", jobs,
                  "--sandbox-path", "/bin/sh=/bin/busybox", str(graph)]
    nix_build = ["nix-build", "--store", str(nix_store), "--no-out-link", "-j", jobs,
                 "--option", "substituters", "", "--option", "sandbox", "true",
                 "--option", "sandbox-paths", "/bin/sh=/bin/busybox", str(graph)]

    print(f"{args.derivations} derivations, {args.paths}-path closure, -j {jobs}; "
          f"best of {args.runs} where repeated")
    print(f"{'workload':<34} {'sysrebuild':>11} {'nix 2.8':>11} {'speed-up':>9}")

    if not args.skip_build:
        bench_build(args, ours_build, nix_build, env, nenv, have_nix)
    if not args.skip_closure:
        bench_closure(args, sr, have_nix, tmp, files, env)


def bench_build(args, ours_build, nix_build, env, nenv, have_nix):
    t_ours, out_ours = run(ours_build, env)
    t_nix = None
    if have_nix:
        t_nix, out_nix = run(nix_build, nenv)
        if out_nix.strip() != out_ours.strip():
            print(f"  (OUTPUT PATHS DIFFER: {out_ours.strip()} vs {out_nix.strip()})")
    row(f"cold build ({args.derivations + 1} drvs)", t_ours, t_nix)

    t_ours, _ = best(ours_build, args.runs, env)
    t_nix = best(nix_build, args.runs, nenv)[0] if have_nix else None
    row("no-op rebuild", t_ours, t_nix, target=0.2)


def bench_closure(args, sr, have_nix, tmp, files, env):
    # The closure: instantiate the files' derivation in both stores.
    q_ours, q_nix = tmp / "q-ours", tmp / "q-nix"
    qenv = nix_env(tmp, q_nix)
    t_ours, _ = run([sr, "instantiate", "--store", str(q_ours), str(files)], env)
    t_nix = run(["nix-instantiate", "--store", str(q_nix), str(files)], qenv)[0] if have_nix else None
    row(f"instantiate {args.paths} toFile paths", t_ours, t_nix)
    _, last = run([sr, "eval", "-E", f"(import {files}).last"], env)
    last = last.strip().strip('"') or None
    if last is None:
        sys.exit("error: cannot evaluate the closure root")
    t_ours, out = best([sr, "store", "--store", str(q_ours), "query", "--requisites", last], args.runs, env)
    count = len(out.split())
    t_nix = None
    if have_nix:
        t_nix, nout = best(["nix-store", "--store", str(q_nix), "--query", "--requisites", last], args.runs, qenv)
        if len(nout.split()) != count:
            print(f"  (CLOSURE SIZES DIFFER: {count} vs {len(nout.split())})")
    row(f"query --requisites ({count} paths)", t_ours, t_nix, target=0.05)

    # GC of the dead paths, on fresh copies.
    g_ours, g_nix = tmp / "g-ours", tmp / "g-nix"
    shutil.copytree(q_ours, g_ours, symlinks=True)
    t_ours, _ = run([sr, "store", "--store", str(g_ours), "gc"], env)
    left = len([p for p in (g_ours / "nix/store").iterdir() if not p.name.startswith(".")])
    t_nix = None
    if have_nix:
        shutil.copytree(q_nix, g_nix, symlinks=True)
        t_nix, _ = run(["nix-store", "--store", str(g_nix), "--gc"], nix_env(tmp, g_nix))
    row(f"gc of {count + 1} dead paths", t_ours, t_nix)
    if left:
        print(f"  ({left} entries left in sysrebuild's store after the GC)")


if __name__ == "__main__":
    main()
