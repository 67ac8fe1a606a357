#!/usr/bin/env bash
# pre-commit entry point: scan the directories that hold the staged Terraform files.
# Terraform's unit is the module directory, so each staged file's directory is
# scanned whole (module calls and split resources span files).
set -euo pipefail
[ "$#" -gt 0 ] || exit 0
dirs=$(for f in "$@"; do dirname "$f"; done | sort -u)
# shellcheck disable=SC2086
exec soc2scan scan $dirs --fail-on "${SOC2SCAN_FAIL_ON:-high}" --allow-incomplete
