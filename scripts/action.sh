#!/usr/bin/env bash
# The scan step of the GitHub Action (action.yml), kept in a file so that it can be
# tested as it runs (tests/action.rs fakes the GITHUB_* environment).
#
# Reads the action's inputs from INPUT_* variables, runs soc2scan once for every
# output (table in the log, annotations, SARIF, the job summary), and records the
# exit code in $GITHUB_OUTPUT instead of failing: the SARIF upload runs first, and
# the action's last step fails the job with that code.
set -euo pipefail

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: this script runs inside GitHub Actions}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"

out_dir="$RUNNER_TEMP/soc2scan"
mkdir -p "$out_dir"
sarif="$out_dir/results.sarif"
summary="$out_dir/summary.md"
annotations="$out_dir/annotations.txt"
rm -f "$sarif" "$summary" "$annotations"

# Paths: whitespace- or newline-separated, as YAML block scalars give them.
read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
[ "${#paths[@]}" -gt 0 ] || paths=(.)

args=(scan "${paths[@]}"
  --fail-on "${INPUT_FAIL_ON:-high}"
  --sarif-category "${INPUT_SARIF_CATEGORY:-soc2scan/}"
  --format table
  --format "markdown=$summary")

if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
  args+=(--link-base "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA")
fi
if [ "${INPUT_UPLOAD_SARIF:-false}" = "true" ]; then
  args+=(--format "sarif=$sarif")
fi
if [ "${INPUT_ANNOTATIONS:-true}" = "true" ]; then
  args+=(--format "github=$annotations")
fi
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi

# diff-base: the input, else the pull request's base branch. A shallow checkout
# lacks it; one commit of it is enough (soc2scan reads the base tree, not history).
base="${INPUT_DIFF_BASE:-}"
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  base="origin/$GITHUB_BASE_REF"
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    git fetch --no-tags --depth=1 origin \
      "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF"
  fi
fi
if [ -n "$base" ]; then
  args+=(--diff-base "$base")
fi

# extra-args: split like a shell would split words (quotes group), without eval.
if [ -n "${INPUT_EXTRA_ARGS:-}" ]; then
  mapfile -d '' extra < <(printf '%s' "$INPUT_EXTRA_ARGS" | xargs printf '%s\0')
  args+=("${extra[@]}")
fi

echo "soc2scan ${args[*]}"
code=0
soc2scan "${args[@]}" || code=$?

# Workflow commands only count on stdout.
if [ -s "$annotations" ]; then
  cat "$annotations"
fi
if [ -s "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
fi
{
  echo "exit-code=$code"
  if [ -s "$sarif" ]; then
    echo "sarif-file=$sarif"
  fi
} >>"$GITHUB_OUTPUT"
