#!/usr/bin/env bash
# Install (or reuse) axe-core, pinned in package.json, into a cache directory outside the
# checkout. Idempotent and safe to run concurrently (flock).
#
# usage: setup.sh DIR    (then DIR/node_modules/axe-core/axe.min.js)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$1"
STAMP="$(sha256sum "$HERE/package.json" | cut -d' ' -f1)"

mkdir -p "$DIR"
exec 9>"$DIR.lock"
flock 9
if [[ ! -f "$DIR/.axe-stamp" || "$(cat "$DIR/.axe-stamp")" != "$STAMP" \
      || ! -f "$DIR/node_modules/axe-core/axe.min.js" ]]; then
    echo "setup.sh: installing axe-core into $DIR" >&2
    cp "$HERE/package.json" "$DIR/"
    (cd "$DIR" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
    echo "$STAMP" > "$DIR/.axe-stamp"
fi
