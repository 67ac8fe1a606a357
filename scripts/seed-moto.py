#!/usr/bin/env python3
"""Seeds a moto server on 127.0.0.1 with an account to sweep: S3 buckets, KMS keys,
IAM roles and a few IAM users, in a deterministic mix of good and bad settings.

    .venv/bin/python scripts/seed-moto.py --endpoint http://127.0.0.1:PORT \
        [--buckets 1000] [--keys 300] [--roles 500] [--users 20] [--threads 8] \
        [--account 123456789012]

--account seeds another account of the same server (moto acts in the account of an
assumed role's credentials), with the account id in its bucket names so that the
accounts of an organization do not collide.

Run it with the interpreter of `.venv` (made by scripts/moto-venv.sh), which has boto3.
Every choice derives from the resource's index, so two runs against fresh servers seed
the same account (moto picks the key ids; aliases and names are fixed). Prints what
it seeded, as JSON, on stdout. Refuses any endpoint that is not on loopback.
"""

import argparse
import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

ACCOUNT = "123456789012"  # moto's default account; --account changes it
BUCKET_PREFIX = "bench-bucket-"
OTHER_ACCOUNT = "210987654321"  # a third party trusted by some roles and buckets
REGION = "us-east-1"

counts = Counter()
counts_lock = threading.Lock()


def count(*keys):
    with counts_lock:
        for k in keys:
            counts[k] += 1


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


# ----- KMS ------------------------------------------------------------------------


def key_policy(j, role_count):
    root = {
        "Sid": "EnableRoot",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    stmts = [root]
    if j % 50 == 0:
        # Anyone may use the key: the bad case.
        stmts.append({
            "Sid": "Everyone",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        })
    elif j % 20 == 10:
        # A third-party account may decrypt.
        stmts.append({
            "Sid": "CrossAccountDecrypt",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
        })
    else:
        role = f"arn:aws:iam::{ACCOUNT}:role/bench/bench-role-{j % max(role_count, 1):04d}"
        stmts.append({
            "Sid": "AppUse",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": role}},
        })
    return doc(stmts)


def seed_key(kms, j, role_count):
    asymmetric = j % 30 == 29
    args = {
        "Description": f"bench key {j:04d}",
        "Tags": [
            {"TagKey": "bench", "TagValue": "true"},
            {"TagKey": "env", "TagValue": "prod" if j % 3 == 0 else "dev"},
        ],
    }
    if asymmetric:
        args.update(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        count("keys_asymmetric")
    if j % 10 == 0:
        args["Policy"] = key_policy(j, role_count)
        count("keys_custom_policy")
        if j % 50 == 0:
            count("keys_policy_public")
        elif j % 20 == 10:
            count("keys_policy_cross_account")
    key = kms.create_key(**args)["KeyMetadata"]
    key_id = key["KeyId"]
    kms.create_alias(AliasName=f"alias/bench-key-{j:04d}", TargetKeyId=key_id)
    if not asymmetric and j % 2 == 0:
        kms.enable_key_rotation(KeyId=key_id)
        count("keys_rotation_on")
    if j % 25 == 3:
        kms.disable_key(KeyId=key_id)
        count("keys_disabled")
    count("keys")
    return j, key["Arn"]


# ----- S3 -------------------------------------------------------------------------


def bucket_policy(name, i):
    arn = f"arn:aws:s3:::{name}"
    if i % 5 == 0:
        return doc([{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }]), "secure_transport_deny"
    if i % 5 == 1:
        return doc([{
            "Sid": "PartnerRead",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [arn, f"{arn}/*"],
        }]), "cross_account_read"
    if i % 50 == 7:
        return doc([{
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{arn}/*",
        }]), "public_read"
    return None, None


def seed_bucket(s3, i, key_arns):
    name = f"{BUCKET_PREFIX}{i:05d}"
    s3.create_bucket(Bucket=name)
    count("buckets")

    if i % 4 == 0 and key_arns:
        key_arn = key_arns[i % len(key_arns)]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
                "BucketKeyEnabled": True,
            }]})
        count("buckets_sse_kms")
    elif i % 4 == 1:
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        count("buckets_sse_s3")

    if i % 3 == 0:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        count("buckets_versioning")

    policy, kind = bucket_policy(name, i)
    if policy:
        s3.put_bucket_policy(Bucket=name, Policy=policy)
        count("buckets_policy", f"buckets_policy_{kind}")

    if i % 2 == 0:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        count("buckets_pab_full")
    elif i % 10 == 1:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": False,
            "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
        count("buckets_pab_partial")

    if i % 100 == 3:
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
        count("buckets_acl_public_read")

    if i % 3 != 2:
        tags = [{"Key": "env", "Value": "prod" if i % 2 == 0 else "dev"},
                {"Key": "owner", "Value": f"team-{i % 7}"}]
        if i % 6 == 0:
            tags.append({"Key": "DataClassification", "Value": "confidential"})
            count("buckets_confidential")
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
        count("buckets_tagged")


# ----- IAM ------------------------------------------------------------------------


MANAGED = [
    ("bench-s3-read", [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": "*"}]),
    ("bench-kms-use", [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
                        "Resource": "*"}]),
    ("bench-logs-write", [{"Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": "*"}]),
    ("bench-admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
    ("bench-iam-passrole", [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]),
    ("bench-dynamo-rw", [{"Effect": "Allow", "Action": "dynamodb:*",
                          "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/app-*"}]),
]


def trust_policy(k):
    if k % 50 == 49:
        count("roles_trust_anyone")
        return doc([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}])
    kind = k % 4
    if kind == 0:
        count("roles_trust_service")
        return doc([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                     "Action": "sts:AssumeRole"}])
    if kind == 1:
        count("roles_trust_service")
        return doc([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                     "Action": "sts:AssumeRole"}])
    if kind == 2:
        stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "Action": "sts:AssumeRole"}
        if k % 8 == 2:
            stmt["Condition"] = {"StringEquals": {"sts:ExternalId": f"bench-ext-{k}"}}
            count("roles_trust_cross_account_external_id")
        else:
            count("roles_trust_cross_account_no_condition")
        return doc([stmt])
    count("roles_trust_service")
    return doc([{"Effect": "Allow",
                 "Principal": {"Service": ["ecs-tasks.amazonaws.com", "states.amazonaws.com"]},
                 "Action": "sts:AssumeRole"}])


def seed_role(iam, k, managed_arns, aws_admin):
    name = f"bench-role-{k:04d}"
    args = {"RoleName": name, "Path": "/bench/", "AssumeRolePolicyDocument": trust_policy(k),
            "Description": f"bench role {k:04d}"}
    if k % 3 == 0:
        args["Tags"] = [{"Key": "env", "Value": "prod" if k % 2 == 0 else "dev"}]
    iam.create_role(**args)
    count("roles")
    if k % 3 == 0:
        if k % 30 == 0:
            body = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
            count("roles_inline_admin")
        else:
            body = [{"Effect": "Allow", "Action": ["s3:GetObject"],
                     "Resource": f"arn:aws:s3:::{BUCKET_PREFIX}{k:05d}/*"}]
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=doc(body))
        count("roles_inline")
    if k % 2 == 0:
        arn = managed_arns[(k // 2) % len(managed_arns)]
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        count("roles_attached_customer")
        if arn.endswith("/bench-admin"):
            count("roles_attached_bench_admin")
    if k % 20 == 5 and aws_admin:
        iam.attach_role_policy(RoleName=name, PolicyArn=aws_admin)
        count("roles_attached_aws_admin")


def seed_user(iam, u, managed_arns):
    name = f"bench-user-{u:02d}"
    iam.create_user(UserName=name, Path="/bench/")
    count("users")
    keys = 2 if u % 5 == 0 else (1 if u % 2 == 0 else 0)
    for n in range(keys):
        key = iam.create_access_key(UserName=name)["AccessKey"]
        count("access_keys")
        if n == 1:
            iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"],
                                  Status="Inactive")
            count("access_keys_inactive")
    if u % 3 == 0:
        iam.create_login_profile(UserName=name, Password="Bench-Passw0rd!")
        count("users_console")
        if u % 6 == 0:
            serial = iam.create_virtual_mfa_device(
                VirtualMFADeviceName=f"{name}-mfa")["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                                  AuthenticationCode1="123456", AuthenticationCode2="654321")
            count("users_mfa")
    if u % 4 == 0:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=doc(
            [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]))
        count("users_inline")
    elif u % 4 == 1:
        iam.attach_user_policy(UserName=name, PolicyArn=managed_arns[u % len(managed_arns)])
        count("users_attached")


# ----- driver ---------------------------------------------------------------------


ALREADY = ("EntityAlreadyExists", "AlreadyExistsException", "BucketAlreadyOwnedByYou")


class Retrying:
    """A boto3 client whose calls are retried when moto fails with a 500. moto's
    server handles requests on threads but its backends are not thread-safe: under
    concurrent writes a lookup can fail with "dictionary changed size during
    iteration" (an HTML 500 page that botocore cannot even parse as an error). Those
    failures happen while looking up, before anything is written, so a retry is safe;
    a create that turns out to have been done already counts as done."""

    def __init__(self, client):
        self._client = client
        self.exceptions = client.exceptions

    def __getattr__(self, name):
        fn = getattr(self._client, name)

        def call(**kwargs):
            for attempt in range(8):
                try:
                    return fn(**kwargs)
                except ResponseParserError:
                    pass
                except ClientError as e:
                    status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                    if attempt > 0 and e.response.get("Error", {}).get("Code") in ALREADY:
                        return None
                    if status < 500:
                        raise
                count("moto_500_retried")
                time.sleep(0.05 * (attempt + 1))
            return fn(**kwargs)

        return call


def verify(s3, kms, iam, args):
    """What the server holds, counted back: the seed is deterministic only if these
    match what was asked for."""
    got = {"buckets": len(s3.list_buckets()["Buckets"])}
    got["keys"] = sum(len(p["Keys"]) for p in kms.get_paginator("list_keys").paginate())
    got["roles"] = sum(len(p["Roles"]) for p in
                       iam.get_paginator("list_roles").paginate(PathPrefix="/bench/"))
    got["users"] = sum(len(p["Users"]) for p in
                       iam.get_paginator("list_users").paginate(PathPrefix="/bench/"))
    want = {"buckets": args.buckets, "keys": args.keys, "roles": args.roles,
            "users": args.users}
    if got != want:
        sys.exit(f"seed-moto: the server holds {got}, expected {want}")


def run_all(pool, fn, items):
    """Runs fn over items on the pool; the results in item order. Raises the first error."""
    return [f.result() for f in [pool.submit(fn, x) for x in items]]


def main():
    global ACCOUNT, BUCKET_PREFIX
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="moto's URL, http://127.0.0.1:PORT")
    ap.add_argument("--buckets", type=int, default=1000)
    ap.add_argument("--keys", type=int, default=300)
    ap.add_argument("--roles", type=int, default=500)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--account", default=ACCOUNT,
                    help="the account to seed (default: moto's default account)")
    args = ap.parse_args()

    host = urlparse(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"seed-moto: refusing endpoint {args.endpoint!r}: only loopback is allowed")

    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    if args.account != ACCOUNT:
        sts = session.client("sts", endpoint_url=args.endpoint)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{args.account}:role/seed",
                                RoleSessionName="seed")["Credentials"]
        session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                        aws_secret_access_key=creds["SecretAccessKey"],
                                        aws_session_token=creds["SessionToken"],
                                        region_name=REGION)
        ACCOUNT = args.account
        BUCKET_PREFIX = f"bench-{args.account}-"
    conf = Config(max_pool_connections=max(args.threads * 2, 10),
                  retries={"max_attempts": 5, "mode": "standard"},
                  s3={"addressing_style": "path"})

    def client(name):
        return session.client(name, endpoint_url=args.endpoint, config=conf)

    s3, kms, iam = (Retrying(client(n)) for n in ("s3", "kms", "iam"))
    start = time.monotonic()

    # AWS-managed AdministratorAccess exists only when moto runs with
    # MOTO_IAM_LOAD_MANAGED_POLICIES=true; without it those attachments are skipped.
    aws_admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    try:
        iam.get_policy(PolicyArn=aws_admin)
    except iam.exceptions.NoSuchEntityException:
        print("seed-moto: AWS-managed policies not loaded; skipping AdministratorAccess "
              "attachments", file=sys.stderr)
        aws_admin = None

    managed_arns = [
        iam.create_policy(PolicyName=name, Path="/bench/",
                          PolicyDocument=doc(stmts))["Policy"]["Arn"]
        for name, stmts in MANAGED
    ]
    counts["managed_policies"] = len(managed_arns)

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        # Keys first: some buckets are encrypted with them.
        key_arns = [arn for _, arn in
                    run_all(pool, lambda j: seed_key(kms, j, args.roles), range(args.keys))]
        # Only enabled symmetric keys encrypt buckets.
        usable = [arn for j, arn in enumerate(key_arns) if j % 30 != 29 and j % 25 != 3]
        run_all(pool, lambda i: seed_bucket(s3, i, usable), range(args.buckets))
        run_all(pool, lambda k: seed_role(iam, k, managed_arns, aws_admin), range(args.roles))
        run_all(pool, lambda u: seed_user(iam, u, managed_arns), range(args.users))

    verify(s3._client, kms._client, iam._client, args)
    out = dict(sorted(counts.items()))
    out["seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
