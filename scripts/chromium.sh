#!/usr/bin/env bash
# Installs the browser the HTML evidence report is tested in (tests/evidence/
# chromium.rs): Debian's `chromium`. Idempotent: returns at once when it is there.
# Installs only in CI (CI=true); elsewhere it says how, and the test says it skipped.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ "${CI:-}" != "true" ]]; then
    echo "chromium is not installed; the HTML report test will skip (apt-get install -y chromium)" >&2
    exit 0
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
echo "chromium installed" >&2
