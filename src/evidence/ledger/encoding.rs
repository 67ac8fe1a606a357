//! The ledger's canonical encoding: what is hashed, byte for byte.
//!
//! docs/evidence.md ("Encoding and verification") describes the same thing for a third
//! party, and scripts/verify-ledger.py reimplements it; a change here is a change of
//! the ledger format and needs a schema migration.

use crate::evidence::record::{ResultRecord, RunMeta, RunRecord};
use crate::provenance::SourceRecord;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Names the leaf layout inside every leaf, so a later layout cannot be mistaken for
/// this one.
pub const LEAF_FORMAT: &str = "soc2scan/ledger-run/v1";

/// The canonical (RFC 8785) JSON of a value. Everything the ledger hashes is made of
/// structs with fixed ASCII field names, strings and non-negative integers: no floats
/// and no maps with arbitrary keys, so the canonical form is also what Python's
/// `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes.
pub fn canonical<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_jcs::to_vec(value)
}

pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// A result row as stored: its canonical JSON and the SHA-256 of exactly those bytes.
pub fn result_row(result: &ResultRecord) -> Result<(Hash, String), serde_json::Error> {
    let body = canonical(result)?;
    let hash = sha256(&body);
    // serde_json writes UTF-8 only.
    let body = String::from_utf8(body).map_err(serde::ser::Error::custom)?;
    Ok((hash, body))
}

/// The run minus its results: what the `runs.record` column holds, canonical.
#[derive(Serialize, Deserialize)]
pub struct RunHeader {
    pub run_id: String,
    pub meta: RunMeta,
    pub sources: Vec<SourceRecord>,
}

impl RunHeader {
    pub fn of(run: &RunRecord) -> RunHeader {
        RunHeader {
            run_id: run.run_id.clone(),
            meta: run.meta.clone(),
            sources: run.sources.clone(),
        }
    }
}

/// Leaf *n*: SHA-256 of the canonical JSON of the stored run header (an object) with
/// three members added: `format` ([`LEAF_FORMAT`]), `recorded_at` (when the ledger
/// appended the run) and `results` (the lowercase hex SHA-256 of every result row the
/// run references, sorted, one entry per reference).
///
/// `header` is the parsed `runs.record` column, so appending and verifying hash the
/// same thing the same way. `sorted` must yield the hashes in ascending order.
///
/// The top-level object is written member by member straight into the hash, in the
/// key order [`canonical`] uses (code points, as Python's `sort_keys` too), each
/// member's value canonical; `results` is
/// written directly, since lowercase hex needs no escaping. The bytes are exactly
/// the canonical JSON of the whole object, without building a year of hex strings
/// as JSON values (it was most of `evidence verify`'s time).
pub fn leaf<'a>(
    mut header: Map<String, Value>,
    recorded_at: &str,
    sorted: impl IntoIterator<Item = &'a Hash>,
) -> Result<Hash, serde_json::Error> {
    header.insert("format".into(), Value::from(LEAF_FORMAT));
    header.insert("recorded_at".into(), Value::from(recorded_at));
    // A placeholder that gives `results` its place among the keys.
    header.insert("results".into(), Value::Null);
    let mut members: Vec<(&String, &Value)> = header.iter().collect();
    members.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Sha256::new();
    out.update(b"{");
    let mut sorted = Some(sorted);
    for (i, (key, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.update(b",");
        }
        out.update(canonical(key)?);
        out.update(b":");
        match (key.as_str(), sorted.take()) {
            ("results", Some(hashes)) => hex_array(&mut out, hashes),
            (_, rest) => {
                sorted = rest;
                out.update(canonical(value)?);
            }
        }
    }
    out.update(b"}");
    Ok(out.finalize().into())
}

/// `["<hex>","<hex>",...]` into the hash, through one reused buffer (a year's ledger
/// has millions of result hashes; one string each took most of `evidence verify`).
fn hex_array<'a>(out: &mut Sha256, hashes: impl IntoIterator<Item = &'a Hash>) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut digits = [0u8; 64];
    buf.push(b'[');
    for (i, hash) in hashes.into_iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'"');
        hex::encode_to_slice(hash, &mut digits).expect("64 digits for 32 bytes");
        buf.extend_from_slice(&digits);
        buf.push(b'"');
        if buf.len() > 60 * 1024 {
            out.update(&buf);
            buf.clear();
        }
    }
    buf.push(b']');
    out.update(&buf);
}

/// Head *n* = SHA-256(head *n-1* ‖ leaf *n*); head 0 is [`ZERO`].
pub fn next_head(previous: &Hash, leaf: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(previous);
    h.update(leaf);
    h.finalize().into()
}

/// Head 0: the empty log.
pub const ZERO: Hash = [0; 32];

/// The result rows a run references, as the `runs.members` column holds them: row ids
/// sorted ascending (repeats kept), each written as the LEB128 varint of its
/// difference from the previous id (the first from 0). Unchanged results keep their
/// row, so consecutive runs reference mostly the same, densely numbered rows and most
/// differences take one byte. This is an index: the leaf commits to the rows' hashes.
pub fn encode_members(ids: &mut [i64]) -> Vec<u8> {
    ids.sort_unstable();
    let mut out = Vec::with_capacity(ids.len() + 8);
    let mut previous = 0i64;
    for &id in ids.iter() {
        // Row ids are positive and sorted, so every difference is >= 0.
        let mut delta = id.saturating_sub(previous).max(0) as u64;
        previous = id;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

/// Inverse of [`encode_members`]; `None` when the bytes are not a well-formed list.
pub fn decode_members(bytes: &[u8]) -> Option<Vec<i64>> {
    let mut ids = Vec::with_capacity(bytes.len());
    let mut previous = 0i64;
    let mut delta = 0u64;
    let mut shift = 0u32;
    for &b in bytes {
        if shift > 56 {
            return None;
        }
        delta |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            previous = previous.checked_add(i64::try_from(delta).ok()?)?;
            ids.push(previous);
            delta = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_round_trip_with_repeats_and_large_gaps() {
        let mut ids = vec![300, 1, 2, 2, 1 << 40, 128, 127];
        let bytes = encode_members(&mut ids);
        assert_eq!(
            decode_members(&bytes),
            Some(vec![1, 2, 2, 127, 128, 300, 1 << 40])
        );
        // Dense ids cost one byte each.
        let mut dense: Vec<i64> = (1..=1000).collect();
        assert_eq!(encode_members(&mut dense).len(), 1000);
    }

    #[test]
    fn truncated_members_are_rejected() {
        let bytes = encode_members(&mut [1 << 20]);
        assert_eq!(decode_members(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode_members(&[0xff; 12]), None);
    }

    #[test]
    fn head_chains_previous_and_leaf() {
        let leaf = sha256(b"leaf");
        let mut both = ZERO.to_vec();
        both.extend_from_slice(&leaf);
        assert_eq!(next_head(&ZERO, &leaf), sha256(&both));
    }

    /// The streamed leaf is the SHA-256 of the whole object's canonical JSON,
    /// including header keys that sort before, between and after the added ones.
    #[test]
    fn leaf_is_the_hash_of_the_canonical_object() {
        let header = serde_json::json!({
            "run_id": "r", "meta": {"é": 1, "b": [true]}, "sources": [],
            "a": "first", "rf": "between results and run_id", "\u{e000}": "x", "😀": "y"
        });
        let Value::Object(header) = header else {
            unreachable!()
        };
        let hashes = [sha256(b"1"), sha256(b"2")];
        let mut whole = header.clone();
        whole.insert("format".into(), Value::from(LEAF_FORMAT));
        whole.insert(
            "recorded_at".into(),
            Value::from("2026-01-01T00:00:00.000Z"),
        );
        whole.insert("results".into(), hashes.iter().map(hex::encode).collect());
        assert_eq!(
            leaf(header, "2026-01-01T00:00:00.000Z", &hashes).unwrap(),
            sha256(&canonical(&whole).unwrap())
        );
    }

    #[test]
    fn canonical_json_escapes_as_rfc_8785_and_python_do() {
        let v = serde_json::json!({"b": "q\"\\\u{1}\n\u{7f}\u{2028}é😀", "a": [1, 20]});
        let text = String::from_utf8(canonical(&v).unwrap()).unwrap();
        assert_eq!(
            text,
            "{\"a\":[1,20],\"b\":\"q\\\"\\\\\\u0001\\n\u{7f}\u{2028}é😀\"}"
        );
    }
}
