//! `evidence verify`: recompute every result hash, every leaf, the chain and every
//! checkpoint from the stored rows, and name the first run that does not hold.

use super::checkpoint::{self, Checkpoint, SignatureProblem};
use super::encoding::{self, Hash, ZERO};
use super::store::millis;
use super::{Ledger, LedgerError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::VerifyingKey;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The outcome of verifying a ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Runs in the log.
    pub size: u64,
    /// The log position of the last run read (equal to `size` unless runs were
    /// removed): a reader of the same file that saw more runs saw later appends.
    pub last_seq: u64,
    /// The head recomputed from the runs as stored.
    pub head: Hash,
    /// The latest stored checkpoint.
    pub checkpoint: Option<Checkpoint>,
    /// With a public key: checkpoints signed by it. Every signature there must hold,
    /// and the latest checkpoint must carry one, since its head covers every run
    /// before it.
    pub signed: Option<u64>,
    /// The first thing that does not hold, in log order.
    pub problem: Option<Problem>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.problem.is_none()
    }

    /// One sentence for people (`evidence verify`, the auditor's report): the first
    /// problem, or what was recomputed.
    pub fn statement(&self) -> String {
        match &self.problem {
            Some(problem) => format!("NOT intact: {problem}"),
            None => format!(
                "intact: {} runs, head {}; {}",
                self.size,
                B64.encode(self.head),
                self.signatures()
            ),
        }
    }

    /// What the signature check covered.
    pub fn signatures(&self) -> String {
        match self.signed {
            Some(n) => format!(
                "{n} of {} checkpoints signed by the given key, the latest among them",
                self.size
            ),
            None => "signatures not checked (no public key given)".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The run's record, one of its results, or its checkpoint differs from what was
    /// appended.
    Altered,
    /// A run is missing from the log.
    Removed,
    /// A run sits at another position than the one it was appended at.
    Reordered,
    /// The checkpoint's signature does not verify with the given public key.
    BadSignature,
}

impl ProblemKind {
    fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Altered => "altered",
            ProblemKind::Removed => "removed",
            ProblemKind::Reordered => "reordered",
            ProblemKind::BadSignature => "bad signature",
        }
    }
}

/// The first run that does not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The log position of the run.
    pub seq: u64,
    /// The run found there (none when it was removed).
    pub run_id: Option<String>,
    pub kind: ProblemKind,
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "run {}", self.seq)?;
        if let Some(id) = &self.run_id {
            write!(f, " ({id})")?;
        }
        write!(f, " {}: {}", self.kind.as_str(), self.detail)
    }
}

/// A stored result row, rehashed.
struct Row {
    id: i64,
    /// Its content no longer matches the hash it was stored under.
    changed: bool,
    /// The position of its recomputed hash among all rows' hashes, so that a run's
    /// hashes sort as small integers.
    rank: u32,
    body: String,
}

/// Every stored result row, rehashed, in id order.
struct Rows {
    rows: Vec<Row>,
    /// The recomputed hashes in ascending order; `rank` indexes it.
    sorted: Vec<Hash>,
}

impl Rows {
    fn get(&self, id: i64) -> Option<&Row> {
        let i = self.rows.binary_search_by_key(&id, |r| r.id).ok()?;
        self.rows.get(i)
    }
}

/// What a run's own content says, recomputed once per run (in parallel) before the
/// chain is walked in order.
struct Recomputed {
    leaf: Result<Hash, String>,
    started_ms: Option<i64>,
    run_id: Option<String>,
}

/// A stored run as read for verification.
struct StoredRun {
    seq: i64,
    run_id: String,
    recorded_at: String,
    started_ms: i64,
    record: String,
    members: Vec<u8>,
    leaf: Vec<u8>,
    head: Vec<u8>,
}

impl Ledger {
    /// Recompute everything and report the first run that does not hold. With `key`,
    /// checkpoint signatures are checked against it.
    pub fn verify(&self, key: Option<&VerifyingKey>) -> Result<Verification, LedgerError> {
        let rows = self.rehash_rows()?;
        let checkpoints = self.stored_checkpoints()?;
        let runs = self.stored_runs()?;
        let origin = self.origin()?;
        let check = RunVerifier {
            rows: &rows,
            checkpoints: &checkpoints,
            origin: &origin,
            key,
            runs: runs.len() as u64,
        };
        let recomputed: Vec<Recomputed> = runs.par_iter().map(|r| check.recompute(r)).collect();
        let mut head = ZERO;
        let mut signed = 0u64;
        let mut expected = 1i64;
        let mut problem = None;
        for (run, own) in runs.iter().zip(&recomputed) {
            match check.run(run, own, expected, &head) {
                Ok((next, was_signed)) => {
                    head = next;
                    signed += u64::from(was_signed);
                    expected += 1;
                }
                Err(p) => {
                    problem = Some(p);
                    break;
                }
            }
        }
        if problem.is_none() {
            problem = check.tail(expected - 1, signed);
        }
        Ok(Verification {
            size: runs.len() as u64,
            last_seq: runs.last().map_or(0, |r| r.seq.max(0) as u64),
            head,
            checkpoint: self.checkpoint()?,
            signed: key.map(|_| signed),
            problem,
        })
    }

    /// Every result row, its body hashed again (in parallel) and compared with the
    /// hash it was stored under.
    fn rehash_rows(&self) -> Result<Rows, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, hash, body FROM results ORDER BY id")
            .map_err(|e| self.sqlite(e))?;
        let stored = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sqlite(e))?;
        let hashed: Vec<(Row, Hash)> = stored
            .into_par_iter()
            .map(|(id, stored, body)| {
                let hash = encoding::sha256(body.as_bytes());
                let row = Row {
                    id,
                    changed: stored != hash,
                    rank: 0,
                    body,
                };
                (row, hash)
            })
            .collect();
        let mut order: Vec<usize> = (0..hashed.len()).collect();
        order.par_sort_unstable_by_key(|&i| hashed[i].1);
        let sorted = order.iter().map(|&i| hashed[i].1).collect();
        let mut rows: Vec<Row> = hashed.into_iter().map(|(row, _)| row).collect();
        for (rank, &i) in order.iter().enumerate() {
            rows[i].rank = rank as u32;
        }
        Ok(Rows { rows, sorted })
    }

    fn stored_checkpoints(&self) -> Result<BTreeMap<i64, Checkpoint>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT size, head, time, note FROM checkpoints")
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map([], |r| {
                let size: i64 = r.get(0)?;
                let head: Vec<u8> = r.get(1)?;
                Ok((
                    size,
                    Checkpoint {
                        size: size.max(0) as u64,
                        // A malformed head matches nothing and is reported as altered.
                        head: head.try_into().unwrap_or([0xff; 32]),
                        time: r.get(2)?,
                        note: r.get(3)?,
                    },
                ))
            })
            .map_err(|e| self.sqlite(e))?
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(|e| self.sqlite(e));
        rows
    }

    fn stored_runs(&self) -> Result<Vec<StoredRun>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, run_id, recorded_at, started_ms, record, members, leaf, head
                 FROM runs ORDER BY seq",
            )
            .map_err(|e| self.sqlite(e))?;
        let runs = stmt
            .query_map([], |r| {
                Ok(StoredRun {
                    seq: r.get(0)?,
                    run_id: r.get(1)?,
                    recorded_at: r.get(2)?,
                    started_ms: r.get(3)?,
                    record: r.get(4)?,
                    members: r.get(5)?,
                    leaf: r.get(6)?,
                    head: r.get(7)?,
                })
            })
            .map_err(|e| self.sqlite(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sqlite(e));
        runs
    }
}

/// What one run is checked against.
struct RunVerifier<'a> {
    rows: &'a Rows,
    checkpoints: &'a BTreeMap<i64, Checkpoint>,
    origin: &'a str,
    key: Option<&'a VerifyingKey>,
    /// Runs in the log.
    runs: u64,
}

impl RunVerifier<'_> {
    /// Check the run expected at position `expected`, given the head before it; its
    /// head, and whether its checkpoint is signed by the key.
    fn run(
        &self,
        run: &StoredRun,
        own: &Recomputed,
        expected: i64,
        previous: &Hash,
    ) -> Result<(Hash, bool), Problem> {
        let problem = |seq: i64, kind, detail: String| Problem {
            seq: seq.max(0) as u64,
            run_id: Some(run.run_id.clone()),
            kind,
            detail,
        };
        if run.seq > expected {
            return Err(Problem {
                seq: expected as u64,
                run_id: None,
                kind: ProblemKind::Removed,
                detail: format!("the log goes from run {} to run {}", expected - 1, run.seq),
            });
        }
        if run.seq < expected {
            return Err(problem(
                run.seq,
                ProblemKind::Reordered,
                "its position is not a valid log position".into(),
            ));
        }
        let altered = |detail: String| problem(run.seq, ProblemKind::Altered, detail);
        let leaf = own.leaf.clone().map_err(altered)?;
        let head = encoding::next_head(previous, &leaf);
        let Some(cp) = self.checkpoints.get(&run.seq) else {
            return Err(problem(
                run.seq,
                ProblemKind::Removed,
                format!("checkpoint {} is missing", run.seq),
            ));
        };
        if cp.head != head {
            return Err(self.diagnose(run, &leaf, &head));
        }
        let derived = [
            (run.leaf.as_slice() == leaf.as_slice(), "its stored leaf"),
            (run.head.as_slice() == head.as_slice(), "its stored head"),
            (cp.time == run.recorded_at, "its checkpoint's time"),
            (
                own.started_ms == Some(run.started_ms),
                "its start-time index",
            ),
            (
                own.run_id.as_deref() == Some(run.run_id.as_str()),
                "its run id column",
            ),
        ];
        if let Some((_, what)) = derived.iter().find(|(ok, _)| !ok) {
            return Err(altered(format!(
                "{what} differs from the value recomputed from the run"
            )));
        }
        let body = checkpoint::body(self.origin, run.seq as u64, &head);
        if !cp.note.starts_with(&body) {
            return Err(altered(format!(
                "checkpoint {}'s note differs from the log (origin, size or head)",
                run.seq
            )));
        }
        let mut signed = false;
        if let Some(key) = self.key {
            match checkpoint::check_signature(&cp.note, &body, key) {
                Ok(()) => signed = true,
                Err(SignatureProblem::Unsigned) => {}
                Err(p) => {
                    return Err(problem(
                        run.seq,
                        ProblemKind::BadSignature,
                        format!("checkpoint {} {}", run.seq, p.describe()),
                    ))
                }
            }
        }
        Ok((head, signed))
    }

    /// After the last run: no checkpoint beyond the log, and with a key the latest
    /// checkpoint signed.
    fn tail(&self, last: i64, signed: u64) -> Option<Problem> {
        if let Some((&size, _)) = self.checkpoints.range(last + 1..).next() {
            return Some(Problem {
                seq: (last + 1) as u64,
                run_id: None,
                kind: ProblemKind::Removed,
                detail: format!("checkpoint {size} exists but the log ends at run {last}"),
            });
        }
        let key = self.key?;
        let cp = self.checkpoints.get(&last)?;
        let body = checkpoint::body(self.origin, cp.size, &cp.head);
        (checkpoint::check_signature(&cp.note, &body, key).is_err()).then(|| Problem {
            seq: last as u64,
            run_id: None,
            kind: ProblemKind::BadSignature,
            detail: format!(
                "the latest checkpoint ({last}) is not signed, so the given key vouches for no run after the {signed} signed checkpoints"
            ),
        })
    }

    /// The run's leaf, recomputed from its record and the rows it references, and
    /// the values its indexed columns must hold.
    fn recompute(&self, run: &StoredRun) -> Recomputed {
        let header: Result<Map<String, Value>, String> = serde_json::from_str(&run.record)
            .map_err(|e| format!("its record is not a JSON object: {e}"));
        let field = |name: &str| {
            let header = header.as_ref().ok()?;
            let value = match name {
                "started_at" => header.get("meta")?.get("started_at")?,
                _ => header.get(name)?,
            };
            Some(value.as_str()?.to_owned())
        };
        let started_ms = field("started_at").as_deref().and_then(millis);
        let run_id = field("run_id");
        let leaf = header.and_then(|header| {
            let ranks = self.ranks(run)?;
            encoding::leaf(
                header,
                &run.recorded_at,
                ranks.iter().map(|&r| &self.rows.sorted[r as usize]),
            )
            .map_err(|e| format!("its record cannot be encoded: {e}"))
        });
        Recomputed {
            leaf,
            started_ms,
            run_id,
        }
    }

    /// The ranks of the hashes of the rows the run references, ascending.
    fn ranks(&self, run: &StoredRun) -> Result<Vec<u32>, String> {
        let ids =
            encoding::decode_members(&run.members).ok_or("its list of results is unreadable")?;
        let mut ranks = Vec::with_capacity(ids.len());
        for id in ids {
            let row = self
                .rows
                .get(id)
                .ok_or_else(|| format!("it references result row {id}, which is missing"))?;
            if row.changed {
                return Err(format!(
                    "result row {id} was changed ({})",
                    describe_row(&row.body)
                ));
            }
            ranks.push(row.rank);
        }
        ranks.sort_unstable();
        Ok(ranks)
    }

    /// Why the chain breaks at `run`, whose recomputed leaf does not lead to its
    /// checkpoint's head: the run came from elsewhere in the log, or its checkpoint
    /// or its content changed.
    fn diagnose(&self, run: &StoredRun, leaf: &Hash, head: &Hash) -> Problem {
        let (kind, detail) = if let Some(original) = self.position_of(leaf) {
            let complete = self.checkpoints.keys().next_back().copied() == Some(self.runs as i64);
            if original > run.seq && !complete {
                (
                    ProblemKind::Removed,
                    format!("a run is missing before it: it was appended as run {original}"),
                )
            } else {
                (
                    ProblemKind::Reordered,
                    format!("it was appended as run {original}"),
                )
            }
        } else if run.leaf.as_slice() == leaf.as_slice() && run.head.as_slice() == head.as_slice() {
            (
                ProblemKind::Altered,
                format!("checkpoint {}'s head differs from the log's", run.seq),
            )
        } else {
            (
                ProblemKind::Altered,
                format!(
                    "its record or results differ from what checkpoint {} covers",
                    run.seq
                ),
            )
        };
        Problem {
            seq: run.seq.max(0) as u64,
            run_id: Some(run.run_id.clone()),
            kind,
            detail,
        }
    }

    /// The log position whose checkpoint this leaf leads to, from the checkpoint
    /// before it.
    fn position_of(&self, leaf: &Hash) -> Option<i64> {
        self.checkpoints.iter().find_map(|(&size, cp)| {
            let previous = if size == 1 {
                ZERO
            } else {
                self.checkpoints.get(&(size - 1))?.head
            };
            (encoding::next_head(&previous, leaf) == cp.head).then_some(size)
        })
    }
}

/// The rule and resource of a stored result, for a message.
fn describe_row(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    format!("{} on {}", field("rule_id"), field("resource"))
}
