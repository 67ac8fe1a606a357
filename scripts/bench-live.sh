#!/usr/bin/env bash
# Live-sweep benchmark against moto: starts moto's server on a free 127.0.0.1 port,
# seeds it (scripts/seed-moto.py), times `soc2scan scan --aws` over S3, KMS and IAM
# with /usr/bin/time -v, counts the API calls (from the JSON report and from moto's
# access log), sweeps each service alone for the calls per service, then times
# Prowler's S3, KMS and IAM checks against the same endpoint. Numbers only; nothing
# asserts on them. Stops moto (and anything else it started) on exit.
#
#   scripts/bench-live.sh [BUCKETS] [KEYS] [ROLES]      (defaults 1000 300 500)
#
# Environment: SKIP_PROWLER=1 skips Prowler; KEEP=DIR keeps the reports, logs and
# timings in DIR; PROWLER_TIMEOUT (seconds, default 3600) bounds Prowler's run.
# Needs target/release/soc2scan (built by the caller: this script does not build), or
# another build of the default (aws) configuration given as BIN=path.
set -euo pipefail
cd "$(dirname "$0")/.."
buckets=${1:-1000}
keys=${2:-300}
roles=${3:-500}
bin=${BIN:-target/release/soc2scan}

[ -x "$bin" ] || { echo "bench-live: $bin not found; build it with cargo build --release" >&2; exit 2; }
"$bin" scan --help | grep -q -- '--endpoint-url' \
  || { echo "bench-live: $bin has no --endpoint-url; rebuild it" >&2; exit 2; }

if [ -n "${KEEP:-}" ]; then out=$KEEP; mkdir -p "$out"; else out=$(mktemp -d); fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. scripts/moto-server.sh
moto_server_start "$out/moto.log"
pids+=("$MOTO_PID")
endpoint=$MOTO_ENDPOINT

# Requests moto has logged so far (one access-log line per request).
requests() { grep -c '" [0-9][0-9][0-9] ' "$out/moto.log" || true; }

echo "seeding $endpoint: $buckets buckets, $keys KMS keys, $roles roles, 20 users" >&2
.venv/bin/python scripts/seed-moto.py --endpoint "$endpoint" \
  --buckets "$buckets" --keys "$keys" --roles "$roles" >"$out/seed.json"

# Only these credentials and this endpoint: no profile, no instance metadata.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

# time -v's wall clock as seconds.
wall() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$1"
}
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
cpu() { awk -F': ' '/Percent of CPU/ { print $2 }' "$1"; }

sweep() { # NAME SERVICES
  local before after rc=0
  before=$(requests)
  /usr/bin/time -v -o "$out/time.$1" "$bin" scan --aws --endpoint-url "$endpoint" \
    --region us-east-1 --services "$2" --format json -o "$out/report.$1.json" \
    --timings --allow-incomplete --fail-on none 2>"$out/stderr.$1" || rc=$?
  after=$(requests)
  echo "$rc" >"$out/rc.$1"
  echo $((after - before)) >"$out/requests.$1"
}

echo "sweeping s3,kms,iam with soc2scan" >&2
sweep all s3,kms,iam
for svc in s3 kms iam; do sweep "$svc" "$svc"; done

python3 - "$out" <<'EOF' >"$out/soc2scan.txt"
import collections, json, sys
out = sys.argv[1]
seed = json.load(open(f"{out}/seed.json"))
def load(name):
    try:
        return json.load(open(f"{out}/report.{name}.json"))
    except Exception as e:
        return {"error": str(e)}
r = load("all")
if "error" in r:
    print(f"report:      unreadable ({r['error']})")
    sys.exit()
live = r.get("stats", {}).get("live") or {}
resources = live.get("resources")
calls = live.get("api_calls")
print(f"results:     {r['summary']['results']} {r['summary']['by_status']}")
print(f"failures:    {r['summary']['failures_by_severity']}")
print(f"live:        {live if live else 'stats.live absent from the JSON report'}")
seeded = seed["buckets"] + seed["keys"] + seed["roles"] + seed["users"]
if calls is not None and resources:
    print(f"calls:       {calls} ({calls / resources:.2f} per live resource, "
          f"{calls / seeded:.2f} per seeded bucket/key/role/user)")
for svc in ("s3", "kms", "iam"):
    s = load(svc)
    sl = (s.get("stats") or {}).get("live") or {}
    n = open(f"{out}/requests.{svc}").read().strip()
    per = {"s3": seed["buckets"], "kms": seed["keys"], "iam": seed["roles"] + seed["users"]}[svc]
    c = sl.get("api_calls")
    print(f"  {svc:4}       {c} calls reported, {n} requests in moto's log, "
          f"{sl.get('resources')} resources, "
          f"{(c if c is not None else int(n)) / per:.2f} calls per seeded {svc} resource")
rules = collections.Counter((x["rule_id"], x["status"]) for x in r["results"])
print("by rule:     " + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in sorted(rules.items())))
diags = collections.Counter((d["level"], d["code"]) for d in r.get("diagnostics", []))
print(f"diagnostics: {dict(diags) if diags else 'none'}")
for d in r.get("diagnostics", [])[:5]:
    print(f"  {d['level']} {d['code']}: {d['message'][:200]}")
EOF

# ----- Prowler ----------------------------------------------------------------------
prowler_summary="skipped (SKIP_PROWLER=1)"
if [ "${SKIP_PROWLER:-}" != 1 ]; then
  if [ ! -x .venv-prowler/bin/prowler ]; then
    echo "installing Prowler into .venv-prowler" >&2
    python3 -m venv .venv-prowler
    .venv-prowler/bin/python -m pip install --quiet --disable-pip-version-check prowler \
      >"$out/prowler-install.log" 2>&1 || true
  fi
  if [ ! -x .venv-prowler/bin/prowler ]; then
    prowler_summary="not installed: $(tail -3 "$out/prowler-install.log" | tr '\n' ' ')"
  else
    echo "running Prowler (s3, kms, iam) against $endpoint" >&2
    before=$(requests)
    rc=0
    # boto3 (>= 1.28) sends every client to AWS_ENDPOINT_URL, so all of Prowler's AWS
    # calls go to moto. HOME keeps its state out of the user's home.
    AWS_ENDPOINT_URL="$endpoint" HOME="$out/prowler-home" \
      /usr/bin/time -v -o "$out/time.prowler" \
      timeout "${PROWLER_TIMEOUT:-3600}" .venv-prowler/bin/prowler aws \
        --service s3 kms iam --region us-east-1 \
        --output-formats json-ocsf --output-directory "$out/prowler" --output-filename bench \
        --no-banner --ignore-exit-code-3 \
      >"$out/stdout.prowler" 2>"$out/stderr.prowler" || rc=$?
    after=$(requests)
    findings=$(python3 -c "
import json, collections, sys
try:
    f = json.load(open('$out/prowler/bench.ocsf.json'))
except Exception as e:
    print('none (no OCSF output)'); sys.exit()
c = collections.Counter(x.get('status_code') for x in f)
print(len(f), dict(c))")
    prowler_summary="exit $rc, wall $(wall "$out/time.prowler")s, peak RSS $(rss_mb "$out/time.prowler") MB, CPU $(cpu "$out/time.prowler"), $((after - before)) requests in moto's log, findings: $findings"
    if [ "$rc" != 0 ] || [[ "$findings" == none* ]]; then
      prowler_summary+=$'\n'"  error excerpt:"$'\n'"$(grep -h -i -E 'error|exception|traceback|critical' "$out/stderr.prowler" "$out/stdout.prowler" | head -15 | cut -c1-300 | sed 's/^/    /')"
    fi
  fi
fi

echo
echo "== live sweep against moto ($endpoint) =="
echo "machine:     $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "seeded:      $(python3 -c "import json; s = json.load(open('$out/seed.json')); print(f\"{s['buckets']} buckets, {s['keys']} KMS keys, {s['roles']} roles, {s['users']} users, {s['access_keys']} access keys in {s['seconds']}s\")")"
echo "command:     $bin scan --aws --endpoint-url $endpoint --region us-east-1 --services s3,kms,iam --format json -o report.json --timings --allow-incomplete --fail-on none"
echo "soc2scan:    exit $(cat "$out/rc.all"), wall $(wall "$out/time.all")s, peak RSS $(rss_mb "$out/time.all") MB, CPU $(cpu "$out/time.all"), $(cat "$out/requests.all") requests in moto's log"
grep -h '^aws:\|^timings:' "$out/stderr.all" | sed 's/^/             /' || true
cat "$out/soc2scan.txt"
for svc in s3 kms iam; do
  echo "  $svc alone: exit $(cat "$out/rc.$svc"), wall $(wall "$out/time.$svc")s, peak RSS $(rss_mb "$out/time.$svc") MB"
done
echo "prowler:     $prowler_summary"
[ -z "${KEEP:-}" ] || echo "kept:        $out"
