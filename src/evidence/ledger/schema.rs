//! The ledger's tables, and the migrations that bring an older ledger up to date.
//!
//! The schema version is SQLite's `user_version`; `application_id` marks the file as
//! a soc2scan ledger, so another SQLite file is never mistaken for an empty ledger.

use rusqlite::{Connection, TransactionBehavior};

/// "S2SL" (soc2scan ledger).
pub const APPLICATION_ID: i64 = 0x5332_534c;

/// One step of the schema: migration *i* brings version *i* to *i + 1*. Append only:
/// a released step is never edited, because ledgers written by it exist.
type Migration = fn(&rusqlite::Transaction) -> rusqlite::Result<()>;

const MIGRATIONS: &[Migration] = &[create_v1];

/// The version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1. Everything that is evidence is covered by a leaf; the other columns
/// (`results.hash`, `runs.run_id`, `runs.started_ms`, `runs.members`, `runs.leaf`,
/// `runs.head`, `checkpoints.head`, `checkpoints.time`) are derivable and
/// `evidence verify` checks them. docs/evidence.md describes each column.
fn create_v1(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE meta (
             key TEXT PRIMARY KEY,
             value TEXT NOT NULL
         ) WITHOUT ROWID;
         CREATE TABLE results (
             id INTEGER PRIMARY KEY,
             hash BLOB NOT NULL UNIQUE,
             body TEXT NOT NULL
         );
         CREATE TABLE runs (
             seq INTEGER PRIMARY KEY,
             run_id TEXT NOT NULL UNIQUE,
             recorded_at TEXT NOT NULL,
             started_ms INTEGER NOT NULL,
             record TEXT NOT NULL,
             members BLOB NOT NULL,
             leaf BLOB NOT NULL,
             head BLOB NOT NULL
         );
         CREATE INDEX runs_started ON runs (started_ms);
         CREATE TABLE checkpoints (
             size INTEGER PRIMARY KEY,
             head BLOB NOT NULL,
             time TEXT NOT NULL,
             note TEXT NOT NULL
         );",
    )?;
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id).map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(
            format!("no randomness for the ledger id: {e}").into(),
        )
    })?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('origin', ?1)",
        [super::checkpoint::origin_for(&id)],
    )?;
    Ok(())
}

/// What [`prepare`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum State {
    Current,
    /// Written by a newer soc2scan.
    Newer(i64),
    /// An SQLite file that is not a ledger.
    Foreign,
    /// An older ledger that a read-only open cannot migrate.
    Older(i64),
}

fn versions(conn: &Connection) -> rusqlite::Result<(i64, i64, i64)> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok((version, app, tables))
}

fn classify(version: i64, app: i64, tables: i64) -> Option<State> {
    if tables > 0 && app != APPLICATION_ID {
        Some(State::Foreign)
    } else if version > VERSION {
        Some(State::Newer(version))
    } else if version == VERSION && tables > 0 {
        Some(State::Current)
    } else {
        None
    }
}

/// Check the file's version and, when `writable`, create or migrate it. Migrating
/// happens inside one immediate transaction, so two processes opening a new ledger
/// at once create it once.
pub fn prepare(conn: &mut Connection, writable: bool) -> rusqlite::Result<State> {
    // One read transaction: another process may be creating the ledger meanwhile.
    let (version, app, tables) = versions(&*conn.transaction()?)?;
    if let Some(state) = classify(version, app, tables) {
        return Ok(state);
    }
    if !writable {
        return Ok(if tables == 0 {
            State::Foreign
        } else {
            State::Older(version)
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (version, app, tables) = versions(&tx)?;
    if let Some(state) = classify(version, app, tables) {
        return Ok(state);
    }
    for (from, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        step(&tx)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(State::Current)
}
