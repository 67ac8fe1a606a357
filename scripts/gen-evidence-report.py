#!/usr/bin/env python3
"""Write a synthetic JSON report (schema soc2scan/report/v2) for ledger benchmarks.

    python3 scripts/gen-evidence-report.py --day D [--results N] [--churn F] -o FILE

Day D of a nightly series over one Terraform root and one AWS account-region: N
results (default 10,000), of which a share F (default 0.01) changes every day, picked
deterministically, so day D's report is the same on every machine. Only the fields
`evidence import` reads are written, plus the summary counters.
"""
import argparse
import datetime
import json
import random

SOURCES = [
    {
        "key": "terraform:https://git.example.com/acme/infra//envs/prod",
        "kind": "terraform",
        "repository": "https://git.example.com/acme/infra",
        "root": "envs/prod",
        "commit": None,
        "branch": "main",
        "dirty": False,
        "account": None,
        "region": None,
        "services": [],
    },
    {
        "key": "aws:123456789012/eu-west-1",
        "kind": "aws",
        "repository": None,
        "root": None,
        "commit": None,
        "branch": None,
        "dirty": None,
        "account": "123456789012",
        "region": "eu-west-1",
        "services": ["dynamodb", "ec2", "elbv2", "kms", "rds", "s3", "sns", "sqs"],
    },
]
RULES = ["ENC%03d" % i for i in range(1, 9)] + ["IAM%03d" % i for i in range(1, 10)] + ["KMS%03d" % i for i in range(1, 6)] + ["TLS%03d" % i for i in range(1, 5)]
CONTROLS = ["CC6.1", "CC6.6", "CC6.7", "CC7.2", "C1.1"]
SEVERITIES = ["low", "medium", "high", "critical"]


def versions(day, n, churn):
    """How many times each result changed up to `day`."""
    v = [0] * n
    per_day = int(n * churn)
    for d in range(1, day + 1):
        for i in random.Random(d).sample(range(n), per_day):
            v[i] += 1
    return v


def result(i, version):
    source = SOURCES[i % 2]
    rule = RULES[i % len(RULES)]
    status = ["pass", "pass", "pass", "fail", "unknown"][(i + version) % 5]
    if source["kind"] == "terraform":
        resource = 'module.app["svc%d"].aws_s3_bucket.data%d' % (i % 97, i)
        location = {"file": "modules/app/storage.tf", "start_line": 10 + i % 400 + version, "end_line": 30 + i % 400 + version, "start_column": 1, "end_column": 2}
        origin = None
    else:
        resource = "arn:aws:s3:::acme-prod-data-%d" % i
        location = None
        origin = {"account": "123456789012", "region": "eu-west-1", "arn": resource, "operation": "GetBucketEncryption"}
    r = {
        "rule_id": rule,
        "rule_name": "rule-%s" % rule.lower(),
        "status": status,
        "severity": SEVERITIES[i % 4],
        "controls": [CONTROLS[i % 5], CONTROLS[(i + 2) % 5]],
        "resource": resource,
        "resource_type": "aws_s3_bucket",
        "message": "Bucket %s has no default encryption with a customer-managed KMS key (check %d)" % (resource, version),
        "fingerprint": "%016x" % (i * 2654435761 % (1 << 64)),
        "source": source["kind"],
        "source_key": source["key"],
        "environment": {"name": "production", "production": True, "because": "tag env=prod", "conflicts": []},
        "classification": "confidential" if i % 3 == 0 else None,
    }
    if location:
        r["location"] = location
    if origin:
        r["origin"] = origin
    if status == "fail" and i % 10 == 3:
        r["status"] = "suppressed"
        r["suppression"] = {"kind": "config", "source": ".soc2scan.toml", "reason": "accepted risk: legacy bucket, ticket SEC-%d" % i, "until": "2027-06-30"}
    return r


def report(day, n, churn):
    start = datetime.datetime(2026, 1, 1, 2, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=day)
    results = [result(i, v) for i, v in enumerate(versions(day, n, churn))]
    sources = []
    for s in SOURCES:
        mine = [r for r in results if r["source_key"] == s["key"]]
        sources.append(dict(s, rules=RULES, resources=len(mine), unknowns=sum(r["status"] == "unknown" for r in mine), gaps=[]))
    return {
        "schema": "soc2scan/report/v2",
        "tool": {"name": "soc2scan", "version": "0.1.0", "information_uri": "https://github.com/soc2scan/soc2scan"},
        "started_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finished_at": (start + datetime.timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "invocation": {"host": "ci-runner-7", "ci": {"provider": "github-actions", "run_id": str(9000000 + day), "run_url": None, "job": "nightly", "repository": "acme/infra", "git_ref": "refs/heads/main", "actor": "scheduler"}},
        "catalogue_digest": "%064x" % 1,
        "config_digest": "%064x" % 2,
        "configuration": {"rules": [{"id": r, "enabled": True, "severity": "high", "controls": [CONTROLS[k % 5]]} for k, r in enumerate(RULES)]},
        "scanned_paths": ["envs/prod"],
        "sources": sources,
        "incomplete": False,
        "results": results,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--day", type=int, required=True)
    p.add_argument("--results", type=int, default=10000)
    p.add_argument("--churn", type=float, default=0.01)
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args()
    with open(a.output, "w", encoding="utf-8") as f:
        json.dump(report(a.day, a.results, a.churn), f)


if __name__ == "__main__":
    main()
