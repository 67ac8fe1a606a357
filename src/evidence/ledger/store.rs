//! Appending runs and reading them back.

use super::checkpoint::{self, Checkpoint};
use super::encoding::{self, Hash, RunHeader, ZERO};
use super::{Ledger, LedgerError};
use crate::evidence::record::{LedgerRun, ResultRecord, RunRecord};
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::SigningKey;
use rayon::prelude::*;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

/// A stored result by row id: its rank in the order runs list results, and the record.
type RankedRow = (i64, (usize, Arc<ResultRecord>));

/// What an append did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Appended {
    /// The run is now the log's run `seq`, covered by `checkpoint`.
    Added { seq: u64, checkpoint: Checkpoint },
    /// A run with the same id (the same report) is already the log's run `seq`;
    /// nothing was written.
    AlreadyPresent { seq: u64 },
}

/// Milliseconds since the epoch of an RFC 3339 time.
pub(super) fn millis(time: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.timestamp_millis())
}

impl Ledger {
    /// Append `run` in one transaction, with its checkpoint (signed when a key is
    /// given). Another process appending at the same time is waited for. A run
    /// already present is not appended again.
    pub fn append(
        &mut self,
        run: &RunRecord,
        key: Option<&SigningKey>,
    ) -> Result<Appended, LedgerError> {
        let run_error = |path: &std::path::Path, message: String| LedgerError::Run {
            path: path.to_owned(),
            run_id: run.run_id.clone(),
            message,
        };
        let started_ms = millis(&run.meta.started_at).ok_or_else(|| {
            run_error(
                &self.path,
                format!(
                    "started_at {:?} is not an RFC 3339 time",
                    run.meta.started_at
                ),
            )
        })?;
        let encoding_error =
            |e: serde_json::Error| run_error(&self.path, format!("cannot encode: {e}"));
        let rows = run
            .results
            .iter()
            .map(|r| encoding::result_row(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(encoding_error)?;
        let record = encoding::canonical(&RunHeader::of(run)).map_err(encoding_error)?;
        let header = serde_json::from_slice(&record).map_err(encoding_error)?;
        let record = String::from_utf8(record).map_err(|e| run_error(&self.path, e.to_string()))?;
        let origin = self.origin()?;
        let path = self.path.clone();
        let sqlite = |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        if let Some(seq) = tx
            .query_row(
                "SELECT seq FROM runs WHERE run_id = ?1",
                [&run.run_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(sqlite)?
        {
            return Ok(Appended::AlreadyPresent { seq: seq as u64 });
        }
        let (last, previous) = tx
            .query_row(
                "SELECT seq, head FROM runs ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()
            .map_err(sqlite)?
            .unwrap_or((0, ZERO.to_vec()));
        let previous: Hash = previous
            .try_into()
            .map_err(|_| LedgerError::damaged(&path, format!("run {last} has a malformed head")))?;
        let seq = last + 1;

        let mut ids = Vec::with_capacity(rows.len());
        let mut hashes = Vec::with_capacity(rows.len());
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO results (hash, body) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING")
                .map_err(sqlite)?;
            let mut find = tx
                .prepare_cached("SELECT id FROM results WHERE hash = ?1")
                .map_err(sqlite)?;
            for (hash, body) in &rows {
                let id = if insert.execute(params![&hash[..], body]).map_err(sqlite)? == 1 {
                    tx.last_insert_rowid()
                } else {
                    find.query_row([&hash[..]], |r| r.get(0)).map_err(sqlite)?
                };
                ids.push(id);
                hashes.push(*hash);
            }
        }
        hashes.sort_unstable();
        let members = encoding::encode_members(&mut ids);
        let recorded_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let leaf = encoding::leaf(header, &recorded_at, &hashes).map_err(encoding_error)?;
        let head = encoding::next_head(&previous, &leaf);
        tx.execute(
            "INSERT INTO runs (seq, run_id, recorded_at, started_ms, record, members, leaf, head)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                seq,
                run.run_id,
                recorded_at,
                started_ms,
                record,
                members,
                &leaf[..],
                &head[..]
            ],
        )
        .map_err(sqlite)?;
        let size = seq as u64;
        let checkpoint = Checkpoint {
            size,
            head,
            note: checkpoint::note(checkpoint::body(&origin, size, &head), key),
            time: recorded_at,
        };
        tx.execute(
            "INSERT INTO checkpoints (size, head, time, note) VALUES (?1, ?2, ?3, ?4)",
            params![seq, &head[..], checkpoint.time, checkpoint.note],
        )
        .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(Appended::Added {
            seq: size,
            checkpoint,
        })
    }

    /// The latest checkpoint, if any run was appended.
    pub fn checkpoint(&self) -> Result<Option<Checkpoint>, LedgerError> {
        self.conn
            .query_row(
                "SELECT size, head, time, note FROM checkpoints ORDER BY size DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.sqlite(e))?
            .map(|(size, head, time, note)| {
                Ok(Checkpoint {
                    size: size as u64,
                    head: head.try_into().map_err(|_| {
                        self.damaged(format!("checkpoint {size} has a malformed head"))
                    })?,
                    time,
                    note,
                })
            })
            .transpose()
    }

    /// Every run, in log order.
    pub fn runs_all(&self) -> Result<Vec<LedgerRun>, LedgerError> {
        self.runs(None, None)
    }

    /// The runs whose scan started in `[from, to)` (either bound open when `None`),
    /// in log order, read through an index. A report over days in another time zone
    /// passes that zone's day boundaries. Unchanged results are one shared `Arc`
    /// across runs.
    pub fn runs(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<LedgerRun>, LedgerError> {
        let from = from.map_or(i64::MIN, |t| t.timestamp_millis());
        let to = to.map_or(i64::MAX, |t| t.timestamp_millis());
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, recorded_at, record, members FROM runs
                 WHERE started_ms >= ?1 AND started_ms < ?2 ORDER BY seq",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map([from, to], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sqlite(e))?;
        let mut runs = Vec::with_capacity(rows.len());
        for (seq, recorded_at, record, members) in rows {
            let header: RunHeader = serde_json::from_str(&record)
                .map_err(|e| self.damaged(format!("run {seq}'s record: {e}")))?;
            let ids = encoding::decode_members(&members).ok_or_else(|| {
                self.damaged(format!("run {seq}'s list of results is unreadable"))
            })?;
            runs.push((seq, recorded_at, header, ids));
        }
        let rows = self.result_rows(runs.iter().flat_map(|r| r.3.iter().copied()))?;
        let row = |id: i64| {
            let i = rows.binary_search_by_key(&id, |(row_id, _)| *row_id).ok()?;
            rows.get(i).map(|(_, ranked)| ranked)
        };
        // Each run's results are picked and ordered on their own, in parallel; the
        // first damaged run in log order is the one reported.
        let picked: Vec<Result<LedgerRun, String>> = runs
            .into_par_iter()
            .map(|(seq, recorded_at, header, ids)| {
                let mut picked = ids
                    .iter()
                    .map(|&id| {
                        row(id).cloned().ok_or_else(|| {
                            format!("run {seq} references result row {id}, which is missing")
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                picked.sort_unstable_by_key(|(rank, _)| *rank);
                Ok(LedgerRun {
                    seq: seq as u64,
                    recorded_at,
                    record: RunRecord {
                        run_id: header.run_id,
                        meta: header.meta,
                        sources: header.sources,
                        results: picked.into_iter().map(|(_, r)| r).collect(),
                    },
                })
            })
            .collect();
        picked
            .into_iter()
            .map(|run| run.map_err(|problem| self.damaged(problem)))
            .collect()
    }

    /// The result rows with these ids, parsed once each (in parallel), with their
    /// rank in the order runs list results: (source, rule, fingerprint), then the
    /// whole record. Sorted by id.
    fn result_rows(&self, ids: impl Iterator<Item = i64>) -> Result<Vec<RankedRow>, LedgerError> {
        let mut wanted: Vec<i64> = ids.collect();
        wanted.sort_unstable();
        wanted.dedup();
        let (Some(&low), Some(&high)) = (wanted.first(), wanted.last()) else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM results WHERE id BETWEEN ?1 AND ?2")
            .map_err(|e| self.sqlite(e))?;
        let mut query = stmt.query([low, high]).map_err(|e| self.sqlite(e))?;
        let mut bodies = Vec::with_capacity(wanted.len());
        while let Some(row) = query.next().map_err(|e| self.sqlite(e))? {
            let id: i64 = row.get(0).map_err(|e| self.sqlite(e))?;
            if wanted.binary_search(&id).is_err() {
                continue;
            }
            let body: String = row.get(1).map_err(|e| self.sqlite(e))?;
            bodies.push((id, body));
        }
        let parsed: Vec<Result<(i64, Arc<ResultRecord>), String>> = bodies
            .into_par_iter()
            .map(|(id, body)| {
                serde_json::from_str(&body)
                    .map(|record| (id, Arc::new(record)))
                    .map_err(|e| format!("result row {id}: {e}"))
            })
            .collect();
        let mut found = parsed
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|problem| self.damaged(problem))?;
        found.par_sort_by(|(_, a), (_, b)| {
            (&a.source, &a.rule_id, &a.fingerprint)
                .cmp(&(&b.source, &b.rule_id, &b.fingerprint))
                .then_with(|| a.cmp(b))
        });
        let mut ranked: Vec<RankedRow> = found
            .into_iter()
            .enumerate()
            .map(|(rank, (id, record))| (id, (rank, record)))
            .collect();
        ranked.sort_unstable_by_key(|(id, _)| *id);
        Ok(ranked)
    }
}
