#!/usr/bin/env bash
# Create (or reuse) the Python venv for the bovine peer and install the pinned
# requirements into it. Idempotent: a stamp (hash of requirements.txt, this
# script and the interpreter version) makes a second run with unchanged
# inputs return immediately. Safe to run concurrently (flock).
#
# usage: setup.sh [VENV_DIR]   (default: <repo>/federation-tests/.peers/bovine-venv)
# env:   PYTHON=python3.11     interpreter used to create the venv (>= 3.11)
# prints nothing on the fast path; the venv's python is $VENV_DIR/bin/python
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${1:-$(cd "$HERE/../.." && pwd)/.peers/bovine-venv}"
PY="${PYTHON:-python3}"
REQ="$HERE/requirements.txt"
STAMP_FILE="$VENV/.bovine-peer-stamp"

compute_stamp() {
    {
        cat "$REQ" "$HERE/setup.sh"
        "$PY" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

STAMP="$(compute_stamp)"
if [[ -x "$VENV/bin/python" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$STAMP" ]]; then
    exit 0
fi

"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "setup.sh: bovine needs Python >= 3.11 (got $("$PY" --version 2>&1)); set PYTHON=" >&2
    exit 1
}

mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
# another process may have finished the install while we waited
if [[ -x "$VENV/bin/python" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$STAMP" ]]; then
    exit 0
fi

echo "setup.sh: installing bovine peer venv into $VENV" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ" >&2
# import check from a scratch dir: importing bovine creates ./bovine_jsonld_cache.sqlite
CHECK_DIR="$(mktemp -d)"
(cd "$CHECK_DIR" && "$VENV/bin/python" -c 'import bovine_herd, bovine, bovine_store, bovine_process, hypercorn, quart, aiohttp')
rm -rf "$CHECK_DIR"
echo "$STAMP" > "$STAMP_FILE"
