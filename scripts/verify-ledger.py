#!/usr/bin/env python3
"""Verify a soc2scan evidence ledger without soc2scan: Python 3 standard library only.

    python3 scripts/verify-ledger.py LEDGER.db

Recomputes every result row's hash, every run's leaf, the hash chain and every
checkpoint body, as docs/evidence.md ("Encoding and verification") describes. Exits 0
when the ledger is intact, 1 naming the first run that is not. Checkpoint signatures
(Ed25519) are not checked here: the standard library has no Ed25519; see the same
section for checking them with OpenSSL.
"""
import base64
import hashlib
import json
import sqlite3
import sys

LEAF_FORMAT = "soc2scan/ledger-run/v1"


def canonical(value):
    # RFC 8785 for the ledger's data: ASCII keys, integers only, no floats.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data):
    return hashlib.sha256(data).digest()


def decode_members(blob):
    """Row ids: LEB128 varints, each the difference from the previous id."""
    ids, previous, delta, shift = [], 0, 0, 0
    for byte in blob:
        delta |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            previous += delta
            ids.append(previous)
            delta, shift = 0, 0
    if shift:
        raise ValueError("truncated list of result rows")
    return ids


def verify(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    origin = (db.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone() or [""])[0]
    rows = {}
    for row_id, stored, body in db.execute("SELECT id, hash, body FROM results"):
        digest = sha256(body.encode("utf-8"))
        rows[row_id] = (digest, digest == bytes(stored))
    checkpoints = {size: (bytes(head), time, note) for size, head, time, note in db.execute("SELECT size, head, time, note FROM checkpoints")}
    head = bytes(32)
    seq = 0
    for seq_found, run_id, recorded_at, record, members in db.execute(
        "SELECT seq, run_id, recorded_at, record, members FROM runs ORDER BY seq"
    ):
        seq += 1
        if seq_found != seq:
            return "run %d removed: the log goes from run %d to run %d" % (seq, seq - 1, seq_found)
        hashes = []
        for row_id in decode_members(bytes(members)):
            if row_id not in rows:
                return "run %d (%s) altered: result row %d is missing" % (seq, run_id, row_id)
            digest, intact = rows[row_id]
            if not intact:
                return "run %d (%s) altered: result row %d was changed" % (seq, run_id, row_id)
            hashes.append(digest)
        leaf_doc = json.loads(record)
        leaf_doc["format"] = LEAF_FORMAT
        leaf_doc["recorded_at"] = recorded_at
        leaf_doc["results"] = sorted(h.hex() for h in hashes)
        leaf = sha256(canonical(leaf_doc))
        head = sha256(head + leaf)
        if seq not in checkpoints:
            return "run %d (%s): checkpoint %d is missing" % (seq, run_id, seq)
        cp_head, cp_time, note = checkpoints[seq]
        body = "%s\n%d\n%s\n" % (origin, seq, base64.b64encode(head).decode())
        if cp_head != head or not note.startswith(body):
            return "run %d (%s) altered, removed or reordered: the chain does not reach checkpoint %d" % (seq, run_id, seq)
        if cp_time != recorded_at:
            return "run %d (%s) altered: checkpoint time differs from the run's" % (seq, run_id)
    later = [size for size in checkpoints if size > seq]
    if later:
        return "run %d removed: checkpoint %d exists but the log ends at run %d" % (seq + 1, max(later), seq)
    print("%s: intact: %d runs, head %s" % (path, seq, base64.b64encode(head).decode()))
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    problem = verify(sys.argv[1])
    if problem:
        print("%s: NOT intact: %s" % (sys.argv[1], problem))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
