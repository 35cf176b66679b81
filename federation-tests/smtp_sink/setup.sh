#!/usr/bin/env bash
# Create (or reuse) the Python venv the SMTP sink of the web tests runs in, with the pinned aiosmtpd.
# Idempotent: a stamp (hash of requirements.txt, this script and the interpreter version)
# makes a second run with unchanged inputs return at once. Safe to run concurrently (flock).
#
# usage: setup.sh VENV_DIR
# env:   PYTHON=python3   interpreter used to create the venv
# prints nothing on the fast path; the venv's python is $VENV_DIR/bin/python
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${1:?usage: setup.sh VENV_DIR}"
PY="${PYTHON:-python3}"
REQ="$HERE/requirements.txt"
STAMP_FILE="$VENV/.smtp-sink-stamp"

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

mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if [[ -x "$VENV/bin/python" && -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$STAMP" ]]; then
    exit 0
fi

echo "setup.sh: installing the SMTP sink venv into $VENV" >&2
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ" >&2
"$VENV/bin/python" -c 'import aiosmtpd.controller'
echo "$STAMP" > "$STAMP_FILE"
