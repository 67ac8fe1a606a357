#!/usr/bin/env bash
# Benchmark: release build (Terraform only, as the corpus needs no AWS), then scan
# ../shared/corpus and print wall time, CPU, peak memory, files, resources and
# throughput. Numbers only; nothing asserts on them.
#   scripts/bench.sh [CORPUS_DIR] [RUNS]
#   BIN=path   time another build instead (no cargo build), e.g. an older commit's
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
runs=${2:-5}
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --no-default-features --quiet
fi
bin=${BIN:-target/release/soc2scan}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f '%e %M %P %U %S' -o "$out/time.$i" \
    "$bin" scan "$corpus" --format json -o "$out/report.json" --allow-incomplete --fail-on none --timings \
    2>"$out/stderr.$i" || true
done
# Median wall time and peak RSS over the runs.
walls=$(for i in $(seq 1 "$runs"); do cut -d' ' -f1 "$out/time.$i"; done | sort -n)
rss=$(for i in $(seq 1 "$runs"); do cut -d' ' -f2 "$out/time.$i"; done | sort -n)
cpu=$(for i in $(seq 1 "$runs"); do cut -d' ' -f3 "$out/time.$i"; done | tr -d '%' | sort -n)
secs=$(for i in $(seq 1 "$runs"); do awk '{ printf "%.2f\n", $4 + $5 }' "$out/time.$i"; done | sort -n)
mid=$(( (runs + 1) / 2 ))
wall=$(echo "$walls" | sed -n "${mid}p")
peak=$(echo "$rss" | tail -1)
cpum=$(echo "$cpu" | sed -n "${mid}p")
scanned=$(grep '^scanned:' "$out/stderr.1" || true)
timings=$(grep '^timings:' "$out/stderr.1" || true)
bytes=$(find "$corpus" -name '*.tf' -o -name '*.tfvars' | xargs cat | wc -c)
echo "corpus:      $corpus ($(find "$corpus" -name '*.tf' | wc -l) .tf files, $(awk "BEGIN{printf \"%.1f\", $bytes/1e6}") MB)"
echo "runs:        $runs"
echo "wall:        median ${wall}s (all: $(echo $walls | tr '\n' ' '))"
echo "peak memory: $(awk "BEGIN{printf \"%.0f\", $peak/1024}") MB (max RSS over runs)"
echo "cpu:         median ${cpum}% (200% = both cores busy), median $(echo "$secs" | sed -n "${mid}p") CPU-s (user + sys; all: $(echo $secs | tr '\n' ' '))"
echo "throughput:  $(awk "BEGIN{printf \"%.1f\", $bytes/1e6/$wall}") MB/s"
echo "$scanned"
echo "$timings"
echo "results:     $(python3 -c "import json,sys,collections; r=json.load(open('$out/report.json')); c=collections.Counter(x['status'] for x in r.get('results', r.get('findings', []))); print(dict(sorted(c.items())))")"
