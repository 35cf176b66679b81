#!/usr/bin/env bash
# Install (or reuse) the Fedify peer's npm packages in a cache directory outside the checkout,
# keyed by the lockfile, and copy the peer's scripts beside them. Idempotent: with an
# unchanged lockfile it only refreshes the scripts. Safe to run concurrently (flock).
#
# usage: setup.sh DIR    (the peer then runs as `node DIR/peer.mjs` from DIR)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$1"
STAMP="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"

mkdir -p "$DIR"
exec 9>"$DIR.lock"
flock 9
if [[ ! -f "$DIR/.fedify-peer-stamp" || "$(cat "$DIR/.fedify-peer-stamp")" != "$STAMP" ]]; then
    echo "setup.sh: installing the Fedify peer's packages into $DIR" >&2
    cp "$HERE/package.json" "$HERE/package-lock.json" "$DIR/"
    (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$STAMP" > "$DIR/.fedify-peer-stamp"
fi
cp "$HERE"/*.mjs "$DIR/"
