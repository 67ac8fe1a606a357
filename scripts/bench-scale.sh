#!/usr/bin/env bash
# Scale benchmark (docs/benchmarks.md, "Scale: synthetic estates"): generate synthetic
# Terraform estates of 10k, 50k and 200k managed resources with scripts/gen-estate.py
# and scan each RUNS times (default 3) under /usr/bin/time -v with the Terraform-only
# release build:
#   soc2scan scan DIR --format json --fail-on none --timings >/dev/null
# then once more with -o report.json to read the scan's own counts (stats).
# Prints one table row per size: resources, files, roots, median wall, CPU (user+sys),
# peak RSS, per-resource costs and the phase timings of the median run.
#
# Usage: bash scripts/bench-scale.sh [WORKDIR] [RUNS]
#   SIZES="10000 50000 200000"  sizes (managed resources) to generate and scan
#   SEED=1                      generator seed
#   NO_BUILD=1                  use target/release/soc2scan as it is (no cargo build)
# Estates are kept in WORKDIR/estate-N and reused when already generated.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-$(mktemp -d)}
RUNS=${2:-3}
SIZES=${SIZES:-10000 50000 200000}
SEED=${SEED:-1}
mkdir -p "$WORK"

if [ -z "${NO_BUILD:-}" ]; then
    nice cargo build --release --no-default-features --quiet
fi
BIN=$PWD/target/release/soc2scan
[ -x "$BIN" ] || { echo "no $BIN" >&2; exit 2; }

echo "workdir: $WORK" >&2
echo "binary:  $BIN ($(stat -c %y "$BIN" | cut -d. -f1))" >&2
echo "before:  $(uptime)" >&2

for n in $SIZES; do
    dir=$WORK/estate-$n
    if ! grep -qx "resources=$n seed=$SEED" "$dir/.gen-estate" 2>/dev/null; then
        rm -rf "$dir"
        python3 scripts/gen-estate.py --resources "$n" --seed "$SEED" --out "$dir" >&2
    fi
    for i in $(seq 1 "$RUNS"); do
        rc=0
        /usr/bin/time -v -o "$WORK/time.$n.$i" \
            "$BIN" scan "$dir" --format json --fail-on none --timings \
            >/dev/null 2>"$WORK/stderr.$n.$i" || rc=$?
        echo "$rc" >"$WORK/rc.$n.$i"
        echo "  $n resources, run $i: exit $rc, $(grep -o 'total [0-9.]*s' "$WORK/stderr.$n.$i" || true)" >&2
    done
    rc=0
    "$BIN" scan "$dir" --format json -o "$WORK/report.$n.json" --fail-on none \
        2>"$WORK/stderr.$n.report" || rc=$?
    echo "$rc" >"$WORK/rc.$n.report"
done
echo "after:   $(uptime)" >&2

python3 - "$WORK" "$RUNS" $SIZES <<'EOF'
import json, re, statistics, sys

work, runs, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]


def time_v(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            t = line.rsplit(" ", 1)[1].split(":")
            out["wall"] = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
        elif line.startswith("User time"):
            out["user"] = float(line.rsplit(" ", 1)[1])
        elif line.startswith("System time"):
            out["sys"] = float(line.rsplit(" ", 1)[1])
        elif line.startswith("Maximum resident set size"):
            out["rss_kb"] = int(line.rsplit(" ", 1)[1])
    out["cpu"] = out["user"] + out["sys"]
    return out


def timings(path):
    for line in open(path):
        if line.startswith("timings:"):
            return {k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)s", line)}
    return {}


rows = []
for n in sizes:
    estate = json.load(open(f"{work}/estate-{n}/estate.json"))
    report = json.load(open(f"{work}/report.{n}.json"))
    stats = report["stats"]
    diags = {}
    for d in report["diagnostics"]:
        diags[d["code"]] = diags.get(d["code"], 0) + 1
    status = {}
    for r in report["results"]:
        status[r["status"]] = status.get(r["status"], 0) + 1
    ts = [time_v(f"{work}/time.{n}.{i}") for i in range(1, runs + 1)]
    ph = [timings(f"{work}/stderr.{n}.{i}") for i in range(1, runs + 1)]
    rcs = [open(f"{work}/rc.{n}.{i}").read().strip() for i in range(1, runs + 1)]
    order = sorted(range(runs), key=lambda i: ts[i]["wall"])
    mid = order[(runs - 1) // 2]
    res = stats["resources"]
    rows.append({
        "n": n, "estate": estate, "stats": stats, "diags": diags, "status": status,
        "wall": ts[mid]["wall"], "walls": [t["wall"] for t in ts],
        "cpu": statistics.median(t["cpu"] for t in ts),
        "rss": max(t["rss_kb"] for t in ts) / 1024,
        "phases": ph[mid], "rcs": rcs, "res": res,
    })

print()
print("| managed resources | scanned resources (incl. data) | files | MB | roots | module instances "
      "| wall (median) | CPU user+sys | peak RSS | wall/resource | CPU/resource | RSS/resource |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    e, s = r["estate"], r["stats"]
    print(f"| {e['resources']:,} | {s['resources']:,} | {s['files']:,} | {s['bytes'] / 1e6:.1f} "
          f"| {s['root_modules']:,} | {s['module_instances']:,} | {r['wall']:.2f} s | {r['cpu']:.2f} s "
          f"| {r['rss']:,.0f} MB | {r['wall'] / r['res'] * 1e6:.1f} µs | {r['cpu'] / r['res'] * 1e6:.1f} µs "
          f"| {r['rss'] * 1024 / r['res']:.1f} KB |")
print()
print("| managed resources | discover | parse | evaluate | adapt | rules | report | total |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    p = r["phases"]
    cols = " | ".join(f"{p.get(k, float('nan')):.3f} s" for k in
                      ("discover", "parse", "evaluate", "adapt", "rules", "report", "total"))
    print(f"| {r['estate']['resources']:,} | {cols} |")
print()
base = rows[0]
for r in rows:
    k = r["res"] / base["res"]
    print(f"{r['estate']['resources']:>7,} resources: x{k:.1f} resources -> wall x{r['wall'] / base['wall']:.1f}, "
          f"CPU x{r['cpu'] / base['cpu']:.1f}, RSS x{r['rss'] / base['rss']:.1f}; "
          f"walls {', '.join(f'{w:.2f}' for w in r['walls'])} s; exits {','.join(r['rcs'])}")
    e, s = r["estate"], r["stats"]
    match = "matches" if s["resources"] == e["instances"] else f"DIFFERS from the generator's {e['instances']}"
    print(f"         scan counted {s['resources']:,} resource instances ({match}), "
          f"{s['attributes']:,} attributes ({s['unknown_attributes']:,} unknown, "
          f"{s['unresolved_attributes']:,} unresolved), results {r['status']}, diagnostics {r['diags'] or 'none'}")
EOF
