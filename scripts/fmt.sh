#!/usr/bin/env bash
# Format the crate: `cargo fmt`, plus the modules build.rs declares (rule, model and
# adapter files), which `cargo fmt` cannot see because it walks the module tree from
# source.
# `scripts/fmt.sh --check` only reports, as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
check=()
[ "${1:-}" = "--check" ] && check=(--check)
cargo fmt --all -- "${check[@]}"
# Every Rust file under src/, tracked or new: rustfmt reads rustfmt.toml's edition.
git ls-files -z --cached --others --exclude-standard -- 'src/*.rs' \
  | xargs -0 -r rustfmt "${check[@]}"
