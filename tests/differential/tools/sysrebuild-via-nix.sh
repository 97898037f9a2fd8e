#!/usr/bin/env bash
# Harness self-test shim: a stand-in for the `sysrebuild` CLI that forwards to
# nix-instantiate. With it the differential test must pass except for the
# expected/ cases (builtins Nix 2.8 lacks), which proves the harness and the
# corpus are sound:
#
#   DIFFERENTIAL_SYSREBUILD=$PWD/tests/differential/tools/sysrebuild-via-nix.sh \
#     cargo test --test differential
set -u
cmd="$1"; shift
case "$cmd" in
  eval)
    store=$(mktemp -d)
    trap 'rm -rf "$store"' EXIT
    # `nix-instantiate --eval` is read-only: a derivation whose env holds
    # another's drvPath only evaluates once that .drv is in the store (the
    # harness evaluates drv cases against the store it instantiated into).
    # Mirror that for derivation cases by instantiating first.
    if [[ "$*" == */drv/* ]]; then
      inst=()
      for a in "$@"; do [[ "$a" == --strict || "$a" == --json ]] || inst+=("$a"); done
      nix-instantiate --store "$store" "${inst[@]}" >/dev/null 2>&1
    fi
    nix-instantiate --eval --store "$store" "$@" || exit 1
    ;;
  instantiate)
    exec nix-instantiate "$@"
    ;;
  *)
    echo "error: unknown command $cmd" >&2; exit 1 ;;
esac
