#!/usr/bin/env python3
"""Summarise a soc2scan JSON report: results per rule and status, how the judged
resources got their environment, and diagnostics by code.

    soc2scan scan DIR -f json -o report.json --fail-on none --allow-incomplete
    python3 scripts/report-stats.py report.json
"""
import collections
import json
import sys


def main(path):
    with open(path) as f:
        report = json.load(f)
    results = report["results"]
    per_rule = collections.defaultdict(collections.Counter)
    for r in results:
        per_rule[r["rule_id"]][r["status"]] += 1
    print(f"{'rule':8} {'fail':>6} {'pass':>6} {'unknown':>8} {'suppr':>6}")
    for rule in sorted(per_rule):
        c = per_rule[rule]
        print(f"{rule:8} {c['fail']:>6} {c['pass']:>6} {c['unknown']:>8} {c['suppressed']:>6}")
    total = collections.Counter(r["status"] for r in results)
    print(f"{'total':8} {total['fail']:>6} {total['pass']:>6} {total['unknown']:>8} {total['suppressed']:>6}")

    # One entry per judged resource (address within its root, or ARN).
    resources = {}
    for r in results:
        key = (r.get("root_module"), r["resource"], (r.get("location") or {}).get("file"))
        resources[key] = r.get("environment")
    sources = collections.Counter()
    names = collections.Counter()
    for env in resources.values():
        if env is None:
            sources["none"] += 1
            continue
        because = env["because"]
        kind = because.split(" ")[0]
        if because.startswith("config"):
            kind = "config"
        elif because.startswith("tag"):
            kind = "tag"
        elif because.startswith("path"):
            kind = "path"
        elif because.startswith("account"):
            kind = "account"
        if env.get("conflicts"):
            kind += " (ambiguous)"
        sources[kind] += 1
        names[env["name"]] += 1
    print(f"\njudged resources: {len(resources)}")
    for kind, n in sources.most_common():
        print(f"  environment from {kind}: {n}")
    for name, n in names.most_common():
        print(f"  in {name}: {n}")

    diags = collections.Counter(d["code"] for d in report["diagnostics"])
    print("\ndiagnostics:")
    for code, n in diags.most_common():
        print(f"  {code}: {n}")


if __name__ == "__main__":
    main(sys.argv[1])
