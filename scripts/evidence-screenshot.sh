#!/usr/bin/env bash
# Regenerates docs/evidence-report.png: the HTML evidence report of the seeded
# half-year (tests/evidence/scenario.rs) as headless Chromium draws it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/chromium.sh
SOC2SCAN_SCREENSHOT="$PWD/docs/evidence-report.png" \
    cargo test --test tests -- evidence::chromium::html_report_renders_in_chromium_with_every_cell --exact
ls -l docs/evidence-report.png
