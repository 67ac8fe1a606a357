"""moto's server with ListBuckets paged as S3 pages it, for the benchmarks.

moto 5.2.5 cuts ListBuckets at `max-buckets` and returns no continuation token, so a
client that pages as AWS recommends (soc2scan asks for 1,000 buckets at a time) sees
only the first page: a sweep of 5,000 seeded buckets would measure 1,000. Here the
buckets come in name order, a page ends with a `ContinuationToken` when more remain,
and `continuation-token` resumes after it, as S3 does. Everything else is moto as it
is. Used by scripts/moto-server.sh (benchmarks); the tests start plain moto.

    .venv/bin/python scripts/moto-paged-server.py -H 127.0.0.1 -p PORT
"""

import sys

from moto.core.responses import ActionResult
from moto.s3.responses import S3Response
from moto.server import main

# What moto's own ListBuckets answer names as the owner.
OWNER = {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"}


def all_buckets(self):
    self.data["Action"] = "ListAllMyBuckets"
    self._authenticate_and_authorize_s3_action()
    max_buckets = self._get_param("max-buckets")
    after = self._get_param("continuation-token")
    buckets = sorted(
        self.backend.list_buckets(
            prefix=self._get_param("prefix"),
            bucket_region=self._get_param("bucket-region"),
            max_buckets=None,
        ),
        key=lambda b: b.name,
    )
    if after:
        buckets = [b for b in buckets if b.name > after]
    page = buckets[: int(max_buckets)] if max_buckets else buckets
    result = {
        "Owner": OWNER,
        "Buckets": [
            {"Name": b.name, "CreationDate": b.creation_date_ISO8601} for b in page
        ],
    }
    if len(page) < len(buckets):
        result["ContinuationToken"] = page[-1].name
    self.data["Action"] = "ListBuckets"
    return self.serialized(ActionResult(result))


S3Response.all_buckets = all_buckets

if __name__ == "__main__":
    sys.exit(main())
