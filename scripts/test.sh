#!/usr/bin/env bash
# The whole test suite, as the README gives it: prepares the local AWS emulator
# (moto, in .venv) that the live tests start on 127.0.0.1 and, in CI, the browser
# the HTML evidence report is checked in, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/moto-venv.sh
bash scripts/chromium.sh
cargo test --all-targets "$@"
