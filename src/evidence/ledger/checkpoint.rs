//! Checkpoints: (size, head, time) after each append, as a C2SP signed note
//! (<https://c2sp.org/signed-note>, body as in <https://c2sp.org/tlog-checkpoint>):
//!
//! ```text
//! soc2scan/ledger/<32 hex digits>      origin: this ledger, fixed at creation
//! 42                                   size: runs in the log
//! <base64 of head 42>                  head
//!
//! — soc2scan-evidence <base64(key id ‖ Ed25519 signature over the three lines)>
//! ```
//!
//! An unsigned checkpoint is the body alone. The format lets other signed-note tools
//! read and verify a checkpoint given the `vkey` that `evidence keygen` prints.

use super::encoding::{sha256, Hash};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// The key name in signature lines.
pub const KEY_NAME: &str = "soc2scan-evidence";

/// The signed-note signature type for Ed25519.
const ED25519: u8 = 0x01;

/// A checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Runs in the log when it was taken.
    pub size: u64,
    pub head: Hash,
    /// RFC 3339, UTC: when the run of this size was appended.
    pub time: String,
    /// The note: body, then a blank line and signature lines when signed.
    pub note: String,
}

impl Checkpoint {
    pub fn signed(&self) -> bool {
        self.note.contains("\n\n")
    }
}

pub fn origin_for(id: &[u8]) -> String {
    format!("soc2scan/ledger/{}", hex::encode(id))
}

/// The note body: origin, size and base64 head, one per line.
pub fn body(origin: &str, size: u64, head: &Hash) -> String {
    format!("{origin}\n{size}\n{}\n", B64.encode(head))
}

/// The signed-note key id: the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ key).
fn key_id(key: &VerifyingKey) -> [u8; 4] {
    let mut data = Vec::with_capacity(KEY_NAME.len() + 34);
    data.extend_from_slice(KEY_NAME.as_bytes());
    data.push(b'\n');
    data.push(ED25519);
    data.extend_from_slice(key.as_bytes());
    let h = sha256(&data);
    [h[0], h[1], h[2], h[3]]
}

/// The key in the signed-note verifier format (`name+keyid+base64(0x01 ‖ key)`),
/// for tools that verify notes.
pub fn vkey(key: &VerifyingKey) -> String {
    let mut raw = vec![ED25519];
    raw.extend_from_slice(key.as_bytes());
    format!(
        "{KEY_NAME}+{}+{}",
        hex::encode(key_id(key)),
        B64.encode(raw)
    )
}

/// The note for `body`, signed when a key is given.
pub fn note(body: String, key: Option<&SigningKey>) -> String {
    match key {
        None => body,
        Some(key) => {
            let signature = key.sign(body.as_bytes());
            let mut blob = key_id(&key.verifying_key()).to_vec();
            blob.extend_from_slice(&signature.to_bytes());
            format!("{body}\n\u{2014} {KEY_NAME} {}\n", B64.encode(blob))
        }
    }
}

/// Why a checkpoint's signature does not hold.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureProblem {
    Unsigned,
    /// Signed, but by another key (or with another name).
    OtherKey,
    /// The key's signature line is there but the signature is wrong.
    Invalid,
    Malformed,
}

impl SignatureProblem {
    pub fn describe(&self) -> &'static str {
        match self {
            SignatureProblem::Unsigned => "is not signed",
            SignatureProblem::OtherKey => "is signed by another key, not the given public key",
            SignatureProblem::Invalid => {
                "has a signature that does not verify with the given public key"
            }
            SignatureProblem::Malformed => "has a malformed signature line",
        }
    }
}

/// Check that `note` is `body` signed by `key`. Other signatures are allowed
/// alongside, as in any signed note.
pub fn check_signature(note: &str, body: &str, key: &VerifyingKey) -> Result<(), SignatureProblem> {
    let Some(lines) = note
        .strip_prefix(body)
        .and_then(|rest| rest.strip_prefix('\n'))
    else {
        return Err(SignatureProblem::Unsigned);
    };
    let id = key_id(key);
    let mut found = false;
    for line in lines.lines() {
        let Some((name, sig)) = line
            .strip_prefix("\u{2014} ")
            .and_then(|l| l.split_once(' '))
        else {
            return Err(SignatureProblem::Malformed);
        };
        let blob = B64.decode(sig).map_err(|_| SignatureProblem::Malformed)?;
        if name != KEY_NAME || blob.len() != 68 || blob[..4] != id {
            continue;
        }
        found = true;
        let signature =
            Signature::from_slice(&blob[4..]).map_err(|_| SignatureProblem::Malformed)?;
        if key.verify(body.as_bytes(), &signature).is_ok() {
            return Ok(());
        }
    }
    Err(if found {
        SignatureProblem::Invalid
    } else {
        SignatureProblem::OtherKey
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_signed_note_verifies_with_its_key_only() {
        let body = body("soc2scan/ledger/00", 3, &[7; 32]);
        assert_eq!(
            body,
            "soc2scan/ledger/00\n3\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
        );
        let signed = note(body.clone(), Some(&key(1)));
        assert!(signed.starts_with(&format!("{body}\n\u{2014} soc2scan-evidence ")));
        assert_eq!(
            check_signature(&signed, &body, &key(1).verifying_key()),
            Ok(())
        );
        assert_eq!(
            check_signature(&signed, &body, &key(2).verifying_key()),
            Err(SignatureProblem::OtherKey)
        );
        assert_eq!(
            check_signature(&body, &body, &key(1).verifying_key()),
            Err(SignatureProblem::Unsigned)
        );
        let other_body = self::body("soc2scan/ledger/00", 4, &[7; 32]);
        let forged = signed.replacen(&body, &other_body, 1);
        assert_eq!(
            check_signature(&forged, &other_body, &key(1).verifying_key()),
            Err(SignatureProblem::Invalid)
        );
    }

    #[test]
    fn vkey_names_the_key_id_of_signature_lines() {
        let k = key(1).verifying_key();
        let v = vkey(&k);
        let id = v.split('+').nth(1).unwrap().to_string();
        assert_eq!(id, hex::encode(key_id(&k)));
    }
}
