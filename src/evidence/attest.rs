//! `evidence export --format intoto`: the auditor's report as an in-toto Statement
//! (v1) in a DSSE envelope signed with Ed25519, the attestation format that
//! cosign, in-toto and SLSA tooling verify. The subject is the JSON report's digest,
//! so the attestation pins exactly what the auditor was given.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// DSSE payload type of an in-toto Statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// What the predicate holds: the window, the ledger checkpoint it was read at and
/// each control's summary.
pub const PREDICATE_TYPE: &str =
    "https://github.com/soc2scan/soc2scan/attestation/evidence-report/v1";

#[derive(Debug, Error)]
pub enum AttestError {
    #[error("the envelope is not DSSE JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the envelope's payload is not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("payload type is {0:?}, expected {PAYLOAD_TYPE:?}")]
    PayloadType(String),
    #[error("no signature by key {0}")]
    NoSignature(String),
    #[error("the signature by key {0} does not verify")]
    BadSignature(String),
}

#[derive(Serialize, Deserialize)]
pub struct Envelope {
    #[serde(rename = "payloadType")]
    pub payload_type: String,
    /// Base64 of the Statement's JSON.
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Serialize, Deserialize)]
pub struct EnvelopeSignature {
    pub keyid: String,
    pub sig: String,
}

/// The key id: SHA-256 (hex) of the raw 32-byte public key.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// DSSE's pre-authentication encoding: what is actually signed, so that the payload
/// type cannot be swapped under a valid signature.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A signed envelope around a Statement whose subject is `subject` (name and bytes).
pub fn envelope(
    subject_name: &str,
    subject: &[u8],
    predicate: serde_json::Value,
    key: &SigningKey,
) -> String {
    let statement = serde_json::json!({
        "_type": STATEMENT_TYPE,
        "subject": [{
            "name": subject_name,
            "digest": { "sha256": hex::encode(Sha256::digest(subject)) },
        }],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    });
    // A `Value` of strings, numbers and objects always serialises.
    let payload = serde_json::to_vec(&statement).unwrap_or_default();
    let sig = key.sign(&pae(PAYLOAD_TYPE, &payload));
    let env = Envelope {
        payload_type: PAYLOAD_TYPE.into(),
        payload: BASE64.encode(&payload),
        signatures: vec![EnvelopeSignature {
            keyid: key_id(&key.verifying_key()),
            sig: BASE64.encode(sig.to_bytes()),
        }],
    };
    let mut out = serde_json::to_string_pretty(&env).unwrap_or_default();
    out.push('\n');
    out
}

/// Check an envelope's signature by `key` and return its Statement.
pub fn verify(envelope: &str, key: &VerifyingKey) -> Result<serde_json::Value, AttestError> {
    let env: Envelope = serde_json::from_str(envelope)?;
    if env.payload_type != PAYLOAD_TYPE {
        return Err(AttestError::PayloadType(env.payload_type));
    }
    let payload = BASE64.decode(&env.payload)?;
    let id = key_id(key);
    let sig = env
        .signatures
        .iter()
        .find(|s| s.keyid == id)
        .ok_or_else(|| AttestError::NoSignature(id.clone()))?;
    let bytes = BASE64.decode(&sig.sig)?;
    let sig = Signature::from_slice(&bytes).map_err(|_| AttestError::BadSignature(id.clone()))?;
    key.verify(&pae(&env.payload_type, &payload), &sig)
        .map_err(|_| AttestError::BadSignature(id))?;
    Ok(serde_json::from_slice(&payload)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn pae_matches_the_dsse_specification_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn a_signed_statement_names_the_report_digest_and_verifies() {
        let report = b"{\"controls\":[]}\n";
        let env = envelope(
            "report.json",
            report,
            serde_json::json!({"from": "2026-01-01"}),
            &key(1),
        );
        let statement = verify(&env, &key(1).verifying_key()).expect("verifies");
        assert_eq!(statement["_type"], STATEMENT_TYPE);
        assert_eq!(
            statement["subject"][0]["digest"]["sha256"],
            hex::encode(Sha256::digest(report))
        );
        assert_eq!(statement["predicate"]["from"], "2026-01-01");
    }

    #[test]
    fn another_key_or_an_altered_payload_fails() {
        let env = envelope("r.json", b"{}", serde_json::json!({}), &key(1));
        assert!(matches!(
            verify(&env, &key(2).verifying_key()),
            Err(AttestError::NoSignature(_))
        ));
        let mut parsed: Envelope = serde_json::from_str(&env).expect("json");
        let mut payload = BASE64.decode(&parsed.payload).expect("b64");
        payload[10] ^= 1;
        parsed.payload = BASE64.encode(payload);
        let altered = serde_json::to_string(&parsed).expect("json");
        assert!(matches!(
            verify(&altered, &key(1).verifying_key()),
            Err(AttestError::BadSignature(_))
        ));
    }
}
