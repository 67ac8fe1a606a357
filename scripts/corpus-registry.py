#!/usr/bin/env python3
"""A Terraform module registry on 127.0.0.1 serving the corpus's terraform-aws-modules.

Each `../shared/corpus/terraform-aws-NAME` directory is served as
`terraform-aws-modules/NAME/aws`, so that `soc2scan scan --download-modules` can resolve
the registry calls the corpus makes without network access. Every version a caller's
constraint may ask for is offered (MAJOR.MINOR.0 and MAJOR.MINOR.99 for majors 0-30 and
minors 0-60), and each one downloads the same package, the corpus snapshot: this
measures how many calls resolve and what is judged inside them, not version fidelity.

Usage:
    scripts/corpus-registry.py [CORPUS] [PORT]   # defaults ../shared/corpus, 8765

then, in another shell (the CLI configuration points registry.terraform.io here):
    printf 'host "registry.terraform.io" {\\n  services = {\\n    "modules.v1" = "http://127.0.0.1:8765/api/modules/"\\n  }\\n}\\n' > /tmp/terraformrc
    TF_CLI_CONFIG_FILE=/tmp/terraformrc XDG_CACHE_HOME=/tmp/registry-cache \\
        soc2scan scan ../shared/corpus --download-modules -f json -o r.json \\
        --allow-incomplete --fail-on none
"""

import io
import json
import sys
import tarfile
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus").resolve()
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 8765
PREFIX = "terraform-aws-"
VERSIONS = [
    {"version": f"{major}.{minor}.{patch}"}
    for major in range(31)
    for minor in range(61)
    for patch in (0, 99)
]


def package_dir(name: str):
    d = CORPUS / f"{PREFIX}{name}"
    return d if d.is_dir() else None


@lru_cache(maxsize=None)
def archive(name: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(package_dir(name), arcname=".")
    return buf.getvalue()


class Registry(BaseHTTPRequestHandler):
    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/.well-known/terraform.json":
            body = json.dumps({"modules.v1": "/api/modules/"}).encode()
            return self.send(200, body, [("Content-Type", "application/json")])
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "archive" and parts[1].endswith(".tar.gz"):
            name = parts[1][: -len(".tar.gz")]
            if package_dir(name):
                return self.send(200, archive(name))
        # api/modules/terraform-aws-modules/NAME/aws/(versions | VERSION/download)
        if parts[:3] == ["api", "modules", "terraform-aws-modules"] and len(parts) >= 6:
            name, provider, rest = parts[3], parts[4], parts[5:]
            if provider == "aws" and package_dir(name):
                if rest == ["versions"]:
                    body = json.dumps({"modules": [{"versions": VERSIONS}]}).encode()
                    return self.send(200, body, [("Content-Type", "application/json")])
                if len(rest) == 2 and rest[1] == "download":
                    return self.send(204, headers=[("X-Terraform-Get", f"/archive/{name}.tar.gz")])
        self.send(404)

    def log_message(self, *_):
        pass


if __name__ == "__main__":
    served = sorted(p.name[len(PREFIX):] for p in CORPUS.glob(f"{PREFIX}*") if p.is_dir())
    print(f"serving {len(served)} modules on 127.0.0.1:{PORT}: {', '.join(served)}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", PORT), Registry).serve_forever()
