#!/usr/bin/env bash
# Prepares the local AWS emulator the live tests run against: moto's server in
# .venv (gitignored). Idempotent: returns at once when the pinned version is there.
# The tests start `.venv/bin/moto_server` on 127.0.0.1 themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the tests assert exact inventories, and moto's quirks (see DESIGN.md,
# Known pitfalls) change between releases.
MOTO_VERSION="5.2.5"
VENV=.venv
STAMP="$VENV/.moto-$MOTO_VERSION"

if [[ -x "$VENV/bin/moto_server" && -f "$STAMP" ]]; then
    exit 0
fi

PYTHON="${PYTHON:-python3}"
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION"
rm -f "$VENV"/.moto-*
touch "$STAMP"
echo "moto $MOTO_VERSION installed in $VENV" >&2
