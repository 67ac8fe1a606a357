#!/usr/bin/env bash
# Organization-sweep benchmark against moto: starts moto's server on a free 127.0.0.1
# port, creates an organization of ACCOUNTS accounts (the management account and
# ACCOUNTS-1 created through the Organizations API), seeds every account with
# scripts/seed-moto.py --account (BUCKETS buckets, KEYS KMS keys, ROLES roles), then
# times `soc2scan scan --aws --org` over S3, KMS and IAM with /usr/bin/time -v: wall
# time, CPU, peak memory and API calls (from the JSON report and from moto's access
# log). Then, unless SKIP_PROWLER=1, Prowler's S3, KMS and IAM checks run per account
# with --role, 3 accounts at a time as its documentation suggests for organizations.
# Numbers only; nothing asserts on them. Stops moto on exit.
#
#   scripts/bench-org.sh [ACCOUNTS] [BUCKETS] [KEYS] [ROLES]     (defaults 50 100 50 100)
#
# Environment: SKIP_PROWLER=1 skips Prowler; KEEP=DIR keeps the reports, logs and
# timings in DIR; PROWLER_TIMEOUT (seconds, default 3600) bounds Prowler's loop;
# SOC2SCAN_ARGS adds arguments to the sweep (e.g. --max-concurrency 32).
# Needs target/release/soc2scan (built by the caller: this script does not build).
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-50}
buckets=${2:-100}
keys=${3:-50}
roles=${4:-100}
bin=target/release/soc2scan

[ -x "$bin" ] || { echo "bench-org: $bin not found; build it with cargo build --release" >&2; exit 2; }
"$bin" scan --help | grep -q -- '--org' \
  || { echo "bench-org: $bin has no --org; rebuild it" >&2; exit 2; }

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

requests() { grep -c '" [0-9][0-9][0-9] ' "$out/moto.log" || true; }

echo "creating an organization of $accounts accounts at $endpoint" >&2
.venv/bin/python - "$endpoint" "$accounts" >"$out/accounts.txt" <<'EOF'
import sys, boto3
endpoint, n = sys.argv[1], int(sys.argv[2])
assert endpoint.startswith("http://127.0.0.1:"), endpoint
orgs = boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
                    aws_access_key_id="testing", aws_secret_access_key="testing")
orgs.create_organization(FeatureSet="ALL")
for i in range(1, n):
    orgs.create_account(AccountName=f"bench-{i:03d}", Email=f"bench-{i:03d}@example.com")
ids = [a["Id"] for p in orgs.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
assert len(ids) == n, (len(ids), n)
print("\n".join(sorted(ids)))
EOF

echo "seeding each account: $buckets buckets, $keys KMS keys, $roles roles" >&2
seed_started=$(date +%s)
# Four seeders at once; each account's seed is deterministic (seed-moto.py).
xargs -P 4 -I{} sh -c '.venv/bin/python scripts/seed-moto.py --endpoint "$0" --account {} \
    --buckets "$1" --keys "$2" --roles "$3" --users 0 --threads 4 >"$4/seed.{}.json"' \
  "$endpoint" "$buckets" "$keys" "$roles" "$out" <"$out/accounts.txt"
seed_seconds=$(( $(date +%s) - seed_started ))

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

wall() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$1"
}
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
cpu_s() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$1"; }

echo "sweeping the organization with soc2scan" >&2
before=$(requests)
rc=0
# shellcheck disable=SC2086
/usr/bin/time -v -o "$out/time.soc2scan" "$bin" scan --aws --org --endpoint-url "$endpoint" \
  --region us-east-1 --services s3,kms,iam --format json -o "$out/report.json" \
  --timings --allow-incomplete --fail-on none ${SOC2SCAN_ARGS:-} 2>"$out/stderr.soc2scan" || rc=$?
soc2scan_requests=$(( $(requests) - before ))

summary=$(python3 - "$out/report.json" <<'EOF'
import collections, json, sys
r = json.load(open(sys.argv[1]))
live = r["stats"]["live"]
accounts = live.get("accounts", [])
gaps = collections.Counter(d["gap"]["error_class"] for d in r["diagnostics"] if d.get("gap"))
print(f"accounts:    {len(accounts)} swept, {live['resources']} resources, "
      f"{live['api_calls']} API calls ({live['api_calls'] / max(len(accounts), 1):.0f} per account), "
      f"{live['gaps']} gaps {dict(gaps)}")
print(f"results:     {r['summary']['results']} {r['summary']['by_status']}")
per = sorted(a["api_calls"] for a in accounts)
if per:
    print(f"per account: API calls min {per[0]}, median {per[len(per) // 2]}, max {per[-1]}")
EOF
)

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
    echo "running Prowler per account with --role, 3 at a time" >&2
    before=$(requests)
    rc_p=0
    # boto3 sends every client, STS included, to AWS_ENDPOINT_URL.
    AWS_ENDPOINT_URL="$endpoint" HOME="$out/prowler-home" \
      /usr/bin/time -v -o "$out/time.prowler" timeout "${PROWLER_TIMEOUT:-3600}" \
      xargs -P 3 -I{} sh -c '.venv-prowler/bin/prowler aws \
          --role "arn:aws:iam::{}:role/OrganizationAccountAccessRole" \
          --service s3 kms iam --region us-east-1 --output-formats json-ocsf \
          --output-directory "$0/prowler" --output-filename "bench-{}" \
          --no-banner --ignore-exit-code-3 >"$0/stdout.prowler.{}" 2>"$0/stderr.prowler.{}"' \
        "$out" <"$out/accounts.txt" || rc_p=$?
    prowler_requests=$(( $(requests) - before ))
    findings=$(python3 - "$out/prowler" <<'EOF'
import collections, glob, json, sys
c, files = collections.Counter(), 0
for f in glob.glob(f"{sys.argv[1]}/bench-*.ocsf.json"):
    try:
        items = json.load(open(f))
    except Exception:
        continue
    files += 1
    c.update(x.get("status_code") for x in items)
print(f"{sum(c.values())} findings {dict(c)} from {files} account reports")
EOF
)
    prowler_summary="exit $rc_p, wall $(wall "$out/time.prowler")s, CPU $(cpu_s "$out/time.prowler")s, peak RSS $(rss_mb "$out/time.prowler") MB (largest process), $prowler_requests requests in moto's log, $findings"
  fi
fi

echo
echo "== organization sweep against moto ($endpoint) =="
echo "machine:     $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "seeded:      $accounts accounts x ($buckets buckets, $keys KMS keys, $roles roles) in ${seed_seconds}s"
echo "command:     $bin scan --aws --org --endpoint-url $endpoint --region us-east-1 --services s3,kms,iam --format json -o report.json --timings --allow-incomplete --fail-on none ${SOC2SCAN_ARGS:-}"
echo "soc2scan:    exit $rc, wall $(wall "$out/time.soc2scan")s, CPU $(cpu_s "$out/time.soc2scan")s, peak RSS $(rss_mb "$out/time.soc2scan") MB, $soc2scan_requests requests in moto's log"
grep -h '^aws:\|^timings:' "$out/stderr.soc2scan" | sed 's/^/             /' || true
echo "$summary"
echo "prowler:     $prowler_summary"
[ -z "${KEEP:-}" ] || echo "kept:        $out"
