//! The evidence ledger: an SQLite file holding every recorded run as a leaf of an
//! append-only hash chain, with a checkpoint (optionally Ed25519-signed) after each
//! append.
//!
//! Results are content-addressed: a result unchanged since an earlier run is stored
//! once and referenced again, so a year of nightly 10,000-result runs stays small.
//! Anything stored that no leaf covers is an index or a cache that `verify`
//! recomputes; it is never evidence. The encoding is in docs/evidence.md
//! ("Encoding and verification").

mod checkpoint;
mod encoding;
pub mod keys;
mod schema;
mod store;
mod verify;

pub use checkpoint::{vkey, Checkpoint};
pub use encoding::Hash;
pub use store::Appended;
pub use verify::{Problem, ProblemKind, Verification};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// How long an append waits for another process's append to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Error)]
pub enum LedgerError {
    #[error("{}: {}", path.display(), describe(source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: no such ledger", path.display())]
    Missing { path: PathBuf },
    #[error("{}: not a soc2scan evidence ledger", path.display())]
    Foreign { path: PathBuf },
    #[error(
        "{}: written by a newer soc2scan (ledger schema {found}; this version reads up to {}); use that version or a newer one",
        path.display(),
        schema::VERSION
    )]
    Newer { path: PathBuf, found: i64 },
    #[error(
        "{}: ledger schema {found} is older than this soc2scan's ({}); open it for writing once (`soc2scan evidence import`) to migrate it",
        path.display(),
        schema::VERSION
    )]
    Older { path: PathBuf, found: i64 },
    #[error("{}: cannot write: the file is read-only", path.display())]
    ReadOnly { path: PathBuf },
    #[error("{}: run {run_id}: {message}", path.display())]
    Run {
        path: PathBuf,
        run_id: String,
        message: String,
    },
    #[error("{}: stored data is damaged ({detail}); `soc2scan evidence verify` names the run", path.display())]
    Damaged { path: PathBuf, detail: String },
}

impl LedgerError {
    fn damaged(path: &Path, detail: impl Into<String>) -> LedgerError {
        LedgerError::Damaged {
            path: path.to_owned(),
            detail: detail.into(),
        }
    }
}

/// SQLite's error, as a sentence about the file.
fn describe(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => "cannot write: the file or its directory is read-only".into(),
        Some(ErrorCode::CannotOpen) => {
            "cannot open or write (missing directory, or the file or its directory is not writable)"
                .into()
        }
        Some(ErrorCode::DiskFull) => "cannot write: the disk is full".into(),
        Some(ErrorCode::PermissionDenied) => "permission denied".into(),
        Some(ErrorCode::NotADatabase) => {
            "not an SQLite file, so not a soc2scan evidence ledger".into()
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "locked by another process for more than {} s",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(ErrorCode::SystemIoFailure) => format!("I/O error (is the disk full?): {e}"),
        _ => e.to_string(),
    }
}

/// An open ledger file.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

impl Ledger {
    /// Open the ledger at `path` for appending, creating it when missing and
    /// migrating an older schema.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let ledger = Self::connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        // SQLite silently opens a write-protected file read-only.
        if ledger
            .conn
            .is_readonly(rusqlite::DatabaseName::Main)
            .unwrap_or(false)
        {
            return Err(LedgerError::ReadOnly { path: ledger.path });
        }
        ledger.prepare(true)
    }

    /// Open an existing ledger for reading only: `verify` and reports, which must
    /// work on a read-only copy.
    pub fn open_read_only(path: &Path) -> Result<Ledger, LedgerError> {
        if !path.is_file() {
            return Err(LedgerError::Missing {
                path: path.to_owned(),
            });
        }
        Self::connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?.prepare(false)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Ledger, LedgerError> {
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|source| LedgerError::Sqlite {
                path: path.to_owned(),
                source,
            })?;
        let ledger = Ledger {
            conn,
            path: path.to_owned(),
        };
        ledger
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| ledger.sqlite(e))?;
        Ok(ledger)
    }

    fn prepare(mut self, writable: bool) -> Result<Ledger, LedgerError> {
        let state = schema::prepare(&mut self.conn, writable).map_err(|e| self.sqlite(e))?;
        let path = self.path.clone();
        match state {
            schema::State::Current => Ok(self),
            schema::State::Newer(found) => Err(LedgerError::Newer { path, found }),
            schema::State::Older(found) => Err(LedgerError::Older { path, found }),
            schema::State::Foreign => Err(LedgerError::Foreign { path }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sqlite(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn damaged(&self, detail: impl Into<String>) -> LedgerError {
        LedgerError::damaged(&self.path, detail)
    }

    /// This ledger's origin line (fixed at creation; every checkpoint names it).
    fn origin(&self) -> Result<String, LedgerError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'origin'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sqlite(e))?
            .unwrap_or_default())
    }
}
