#!/bin/sh
# Fills fuzz/corpus/eval (gitignored) with the small .nix files of the differential tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/corpus/eval"
mkdir -p "$dest"
find "$here/../tests/differential/eval" -name '*.nix' -size -4k | while read -r f; do
    cp "$f" "$dest/$(echo "$f" | sed 's|.*/eval/||; s|/|_|g')"
done
echo "$(ls "$dest" | wc -l) files in $dest"
