#!/usr/bin/env bash
# Install the venv (if needed) and run the bovine<->bovine self-test.
# usage: selftest.sh [--keep]     (--keep leaves the peers' workdirs in /tmp)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${BOVINE_VENV:-$(cd "$HERE/../.." && pwd)/.peers/bovine-venv}"
"$HERE/setup.sh" "$VENV"
exec "$VENV/bin/python" "$HERE/selftest.py" "$@"
