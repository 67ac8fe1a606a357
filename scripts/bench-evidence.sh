#!/usr/bin/env bash
# Evidence ledger benchmarks (docs/benchmarks.md, "Evidence ledger"): a year of nightly
# runs of RESULTS results (default 10,000) with CHURN daily churn (default 1%),
# imported one report a night with `evidence import`; then
#   - appending one run: the first night (empty ledger) and the last (a year in),
#   - the ledger's size after the year,
#   - `evidence verify` over the year,
#   - `evidence report` over the year, when this build has it.
# Reports come from scripts/gen-evidence-report.py (deterministic), kept in
# WORKDIR/reports for reruns. Wall time and peak memory from /usr/bin/time -v.
# Usage: bash scripts/bench-evidence.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${DAYS:-365}
RESULTS=${RESULTS:-10000}
CHURN=${CHURN:-0.01}
WORK=${1:-$(mktemp -d)}
mkdir -p "$WORK"
LEDGER="$WORK/evidence.db"
rm -f "$LEDGER"

cargo build --release --no-default-features --quiet
BIN=target/release/soc2scan

# Day N's report, generated once into $WORK/reports (deterministic, so a rerun reuses it).
report() {
    local path
    path=$(printf '%s/reports/day-%03d.json' "$WORK" "$1")
    if [ ! -s "$path" ]; then
        mkdir -p "$WORK/reports"
        python3 scripts/gen-evidence-report.py --day "$1" --results "$RESULTS" --churn "$CHURN" -o "$path.tmp"
        mv "$path.tmp" "$path"
    fi
    echo "$path"
}

# Wall clock (s) and peak RSS (MB) of a command, from /usr/bin/time -v.
measure() {
    local label=$1
    shift
    local rc=0 wall rss
    /usr/bin/time -v "$@" >"$WORK/out.txt" 2>"$WORK/time.txt" || rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$WORK/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
    printf '%-42s %8.2f s %6s MB%s\n' "$label" "$wall" "$rss" "$([ $rc = 0 ] || echo " (exit $rc)")"
}

first=$(report 0)
echo "report: $(du -h "$first" | cut -f1), $RESULTS results"
measure "import night 1 (empty ledger)" "$BIN" evidence import --ledger "$LEDGER" "$first"

# The nights between, generating the next report while importing this one.
report 1 >/dev/null
for day in $(seq 1 $((DAYS - 2))); do
    report $((day + 1)) >/dev/null &
    "$BIN" evidence import --ledger "$LEDGER" "$(report "$day")" 2>/dev/null
    wait
done
measure "import night $DAYS (a year in)" "$BIN" evidence import --ledger "$LEDGER" "$(report $((DAYS - 1)))"

awk -v label="ledger after $DAYS nights" -v size="$(stat -c %s "$LEDGER")" \
    'BEGIN { printf "%-42s %8.1f MB\n", label, size / 1e6 }'
measure "evidence verify" "$BIN" evidence verify --ledger "$LEDGER"
head -n 1 "$WORK/out.txt"
if "$BIN" evidence report --help >/dev/null 2>&1; then
    measure "evidence report (html, the year)" "$BIN" evidence report --ledger "$LEDGER" \
        --from 2026-01-01 --to 2026-12-31 --format html -o "$WORK/report.html"
fi
echo "ledger: $LEDGER"
