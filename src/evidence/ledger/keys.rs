//! Ed25519 key files: the private key as PKCS#8 PEM, the public key as SPKI PEM
//! (`FILE.pub`), the forms OpenSSL and most signing tools read.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not an Ed25519 {what} key in PEM ({detail})", path.display())]
    Format {
        path: PathBuf,
        what: &'static str,
        detail: String,
    },
    #[error("{} exists; pass --force to overwrite it", path.display())]
    Exists { path: PathBuf },
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

/// The public key file next to a private key file.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

pub fn load_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    let text = read(path)?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| KeyError::Format {
        path: path.to_owned(),
        what: "private (PKCS#8)",
        detail: e.to_string(),
    })
}

pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read(path)?;
    VerifyingKey::from_public_key_pem(&text).map_err(|e| KeyError::Format {
        path: path.to_owned(),
        what: "public (SPKI)",
        detail: e.to_string(),
    })
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_owned(),
        source,
    })
}

/// A new key pair, written to `private` (mode 0600) and `private.pub`. Each file is
/// written to a temporary file beside it and renamed, so neither is ever
/// half-written; without `force` an existing file is left alone.
pub fn generate(private: &Path, force: bool) -> Result<VerifyingKey, KeyError> {
    let public = public_path(private);
    if !force {
        for p in [private, public.as_path()] {
            if p.exists() {
                return Err(KeyError::Exists { path: p.to_owned() });
            }
        }
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let format = |path: &Path, what: &'static str, e: &dyn std::fmt::Display| KeyError::Format {
        path: path.to_owned(),
        what,
        detail: e.to_string(),
    };
    let private_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| format(private, "private (PKCS#8)", &e))?;
    let public_pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| format(&public, "public (SPKI)", &e))?;
    write_new(private, private_pem.as_bytes(), force)?;
    write_new(&public, public_pem.as_bytes(), force)?;
    Ok(key.verifying_key())
}

/// Write through a temporary file in the same directory (created 0600), then rename.
fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), KeyError> {
    let io = |source: std::io::Error| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let persisted = if force {
        tmp.persist(path).map(|_| ())
    } else {
        tmp.persist_noclobber(path).map(|_| ())
    };
    persisted.map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => KeyError::Exists {
            path: path.to_owned(),
        },
        _ => io(e.error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_load_back_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let public = generate(&path, false).unwrap();
        assert_eq!(load_signing_key(&path).unwrap().verifying_key(), public);
        assert_eq!(load_verifying_key(&public_path(&path)).unwrap(), public);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            generate(&path, false),
            Err(KeyError::Exists { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let replaced = generate(&path, true).unwrap();
        assert_ne!(replaced, public);
        assert!(matches!(
            load_signing_key(&public_path(&path)),
            Err(KeyError::Format { .. })
        ));
    }
}
