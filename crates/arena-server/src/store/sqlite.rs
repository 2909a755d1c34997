//! What only the SQLite store does: the arena on one machine with no database server to run.
//!
//! Every query both stores share is in `sql/`; this file opens the file (WAL, so readers go on
//! while a vote is written; `synchronous = FULL`, so a vote is durable, the log fsynced, before
//! it is acknowledged and a 200 survives a power cut, not only a crash of the process: its cost
//! is in BENCHMARKS.md), writes votes through one group-committing writer, marks votes one by
//! one in a write transaction, backs up with `VACUUM INTO` and checkpoints the log on close.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use arena_core::api::RevealedModels;
use arena_core::{Flag, Flags};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor, Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::sql::{Dialect, SqlStore, stored};
use super::{
    CAP_WINDOW_HOURS, DailyCaps, NewVote, Recorded, StoreError, StoredVote, address_key, tally_hour,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// What a vote answered with 200 survives (`ARENA_SQLITE_SYNCHRONOUS`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// A power cut: the log is on disk (fsync) before the answer. The default.
    #[default]
    Full,
    /// A crash of the process only; a power cut may lose the last votes. For benchmarks.
    Normal,
}

/// The SQLite store.
pub type SqliteStore = SqlStore<Sqlite>;

/// What the SQLite store keeps besides its pool.
#[derive(Clone, Debug)]
pub struct Own {
    path: Option<PathBuf>,
    /// The one writer of votes (group commit); `None` for an in-memory database, whose one
    /// connection is the pool's.
    votes: Option<mpsc::Sender<VoteJob>>,
}

/// Votes committed together at most: one fsync for all of them.
const MAX_BATCH: usize = 256;

struct VoteJob {
    vote: NewVote,
    caps: Option<DailyCaps>,
    reply: oneshot::Sender<Result<Written, StoreError>>,
}

impl std::fmt::Debug for VoteJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoteJob")
            .field("battle_id", &self.vote.battle_id)
            .finish()
    }
}

/// What the writer did with a vote (the caller adds the models' names).
enum Written {
    Stored { not_counted: Flags },
    Duplicate(Box<StoredVote>),
}

impl SqlStore<Sqlite> {
    /// Opens (creating the file and its folder if needed) and migrates the database at `url`,
    /// e.g. `sqlite://data/arena.db` or `sqlite::memory:`, with durable votes.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(url, Durability::Full).await
    }

    /// Like [`connect`](Self::connect), choosing what an acknowledged vote survives.
    pub async fn connect_with(url: &str, durability: Durability) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            })
            .foreign_keys(true)
            // Long enough for a vote to wait out a large import (which holds the write lock).
            .busy_timeout(Duration::from_secs(30));
        // sqlx renames `:memory:` to a shared-cache name such as `file:sqlx-in-memory-0`, so ask
        // the URL, not the file name, whether this is a file at all.
        let path = (!is_in_memory(url)).then(|| options.get_filename().to_path_buf());
        if let Some(dir) = path.as_deref().and_then(Path::parent)
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        // An in-memory database lives as long as its one connection.
        let max = if path.is_some() { 8 } else { 1 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(if path.is_some() { 0 } else { 1 })
            .idle_timeout(path.is_some().then_some(Duration::from_secs(600)))
            .max_lifetime(path.is_some().then_some(Duration::from_secs(3600)))
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let votes = match path {
            Some(_) => {
                let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
                let conn = options.connect().await?;
                tokio::spawn(vote_writer(conn, options, rx));
                Some(tx)
            }
            None => None,
        };
        Ok(SqlStore::new(pool, Own { path, votes }))
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.own.path.as_deref()
    }
}

/// `sqlite::memory:`, `sqlite://:memory:`, `sqlite:file:x?mode=memory` and the like.
fn is_in_memory(url: &str) -> bool {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.trim_start_matches('/');
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    name.is_empty() || name == ":memory:" || query.split('&').any(|kv| kv == "mode=memory")
}

#[async_trait]
impl Dialect for Sqlite {
    const BYTES: &'static str = "";
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const SHARED: bool = false;
    type Own = Own;

    fn lock_rows(_table: &str) -> String {
        String::new()
    }

    fn affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    async fn lock_imports(_conn: &mut SqliteConnection) -> Result<(), StoreError> {
        Ok(())
    }

    async fn record_vote(
        store: &SqliteStore,
        vote: &NewVote,
        caps: Option<&DailyCaps>,
    ) -> Result<Recorded, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = VoteJob {
            vote: vote.clone(),
            caps: caps.cloned(),
            reply,
        };
        let written = match &store.own.votes {
            Some(writer) => {
                let stopped = || StoreError::Other(anyhow::anyhow!("the vote writer has stopped"));
                writer.send(job).await.map_err(|_| stopped())?;
                answer.await.map_err(|_| stopped())??
            }
            None => {
                // In memory: one connection, one vote per transaction.
                let mut conn = store.pool.acquire().await?;
                let mut results = write_batch(&mut conn, std::slice::from_ref(&job)).await?;
                results.pop().unwrap_or(Err(StoreError::BattleGone))?
            }
        };
        match written {
            Written::Duplicate(earlier) => Ok(Recorded::Duplicate(*earlier)),
            Written::Stored { not_counted } => {
                let models: RevealedModels = store
                    .draws
                    .reveal(store, &vote.model_a, &vote.model_b)
                    .await?;
                Ok(Recorded::Stored {
                    models,
                    not_counted,
                })
            }
        }
    }

    async fn flag_votes(
        store: &SqliteStore,
        battle_ids: &[String],
        flag: Flag,
    ) -> Result<u64, StoreError> {
        let mut changed = 0;
        let mut tx = store.pool.begin_with(Self::BEGIN_WRITE).await?;
        for id in battle_ids {
            changed += sqlx::query(
                "UPDATE votes SET flags = flags | $1 WHERE battle_id = $2 AND flags & $1 = 0 \
                 AND NOT EXISTS (SELECT 1 FROM flag_overrides o \
                                 WHERE o.voter_id = votes.voter_id AND o.reason = $3 \
                                 AND instr(o.battles, '\"' || votes.battle_id || '\"') > 0)",
            )
            .bind(flag.bit())
            .bind(id)
            .bind(flag.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn backup(store: &SqliteStore, to: &Path) -> Result<(), StoreError> {
        // One read transaction: the copy is the database at one moment, votes go on meanwhile.
        sqlx::query("VACUUM INTO $1")
            .bind(to.to_string_lossy().into_owned())
            .execute(&store.pool)
            .await?;
        Ok(())
    }

    async fn before_close(store: &SqliteStore) -> Result<(), StoreError> {
        if store.own.path.is_some() {
            // Everything in the write-ahead log into the database file, and the log emptied.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&store.pool)
                .await?;
        }
        Ok(())
    }
}

/// One vote in one statement (the writer's hot path: every statement is a round trip to the
/// connection's thread). The vote is stored if its prompt and both answers still exist, with
/// the daily caps' flags decided from the tallies inside the writer's transaction; the triggers
/// then add it to its cell and, when it counts, to this hour's tally of its voter. A counted
/// vote under caps takes one more statement, for the tally of its address's network (the row
/// holds a finer hash), and a counted vote in a round one more, for its voter's round tally
/// (the round's cap is read in the first, so votes of one voter are checked one after the
/// other: the writer is alone). Nothing is stored for a duplicate or a battle that is gone; then one
/// more read tells which.
async fn write_vote(
    conn: &mut SqliteConnection,
    vote: &NewVote,
    caps: Option<&DailyCaps>,
) -> Result<Written, StoreError> {
    let since = tally_hour(vote.voted_at_ms) - CAP_WINDOW_HOURS + 1;
    let none = DailyCaps {
        voter: u64::MAX,
        address: u64::MAX,
        address_hashes: [String::new(), String::new()],
    };
    let caps_on = caps.is_some();
    let caps = caps.unwrap_or(&none);
    let cap = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let flags: Option<i64> = sqlx::query_scalar(
        "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                            issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, \
                            min_read_ms, round_id, panel) \
         SELECT ?1, p.id, p.category, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
                ?11 \
                  | CASE WHEN ?21 IS NOT NULL AND (SELECT COALESCE(MAX(count), 0) FROM round_tallies \
                                                   WHERE round_id = ?21 AND voter_id = ?6) >= ?22 \
                         THEN ?23 ELSE 0 END \
                  | CASE WHEN ?12 AND (SELECT COALESCE(SUM(count), 0) FROM vote_tallies \
                                       WHERE key = 'v:' || ?6 AND hour >= ?13) >= ?14 \
                         THEN ?19 ELSE 0 END \
                  | CASE WHEN ?12 AND (SELECT COALESCE(SUM(count), 0) FROM vote_tallies \
                                       WHERE key IN ('a:' || ?15, 'a:' || ?16) AND hour >= ?13) >= ?17 \
                         THEN ?20 ELSE 0 END, \
                ?18, ?21, ?24 \
         FROM prompts p \
         WHERE p.id = ?2 \
           AND EXISTS (SELECT 1 FROM answers WHERE prompt_id = ?2 AND model_id = ?3) \
           AND EXISTS (SELECT 1 FROM answers WHERE prompt_id = ?2 AND model_id = ?4) \
         ON CONFLICT (battle_id) DO NOTHING \
         RETURNING flags",
    )
    .bind(&vote.battle_id)
    .bind(&vote.prompt_id)
    .bind(&vote.model_a)
    .bind(&vote.model_b)
    .bind(vote.choice.as_str())
    .bind(&vote.voter_id)
    .bind(vote.issued_at_ms)
    .bind(vote.voted_at_ms)
    .bind((vote.voted_at_ms - vote.issued_at_ms).max(0))
    .bind(&vote.address_hash)
    .bind(vote.flags.bits())
    .bind(caps_on)
    .bind(since)
    .bind(cap(caps.voter))
    .bind(&caps.address_hashes[0])
    .bind(&caps.address_hashes[1])
    .bind(cap(caps.address))
    .bind(vote.min_read_ms)
    .bind(Flag::VoterDailyCap.bit())
    .bind(Flag::AddressDailyCap.bit())
    .bind(vote.round.map(|r| r.id))
    .bind(vote.round.map_or(0, |r| i64::from(r.cap)))
    .bind(Flag::RoundCap.bit())
    .bind(i64::from(vote.round.is_some_and(|r| r.panel)))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(flags) = flags.map(Flags::from_bits) {
        if let (true, Some(round)) = (flags.is_empty(), vote.round) {
            sqlx::query(
                "INSERT INTO round_tallies VALUES (?, ?, 1) \
                 ON CONFLICT (round_id, voter_id) DO UPDATE SET count = count + 1",
            )
            .bind(round.id)
            .bind(&vote.voter_id)
            .execute(&mut *conn)
            .await?;
        }
        if flags.is_empty() && caps_on {
            sqlx::query(
                "INSERT INTO vote_tallies VALUES (?, ?, 1) \
                 ON CONFLICT (key, hour) DO UPDATE SET count = count + 1",
            )
            .bind(address_key(&caps.address_hashes[0]))
            .bind(tally_hour(vote.voted_at_ms))
            .execute(&mut *conn)
            .await?;
        }
        return Ok(Written::Stored { not_counted: flags });
    }
    match stored::<Sqlite>(conn, &vote.battle_id).await? {
        Some(earlier) => Ok(Written::Duplicate(Box::new(earlier))),
        None => Err(StoreError::BattleGone),
    }
}

/// Votes in one transaction: each is one statement, atomic on its own (a duplicate or a battle
/// that is gone leaves nothing behind), and they commit together with one fsync. `Err` when the
/// transaction itself failed: then none of them was stored.
async fn write_batch(
    conn: &mut SqliteConnection,
    jobs: &[VoteJob],
) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
    conn.execute("BEGIN IMMEDIATE").await?;
    let mut results = Vec::with_capacity(jobs.len());
    let mut failed = None;
    for job in jobs {
        let result = write_vote(conn, &job.vote, job.caps.as_ref()).await;
        if let Err(StoreError::Database(e)) = &result {
            // The transaction may be unusable after a database error: give up on all of it.
            failed = Some(e.to_string());
            break;
        }
        results.push(result);
    }
    let committed = match failed {
        None => conn.execute("COMMIT").await.map(|_| ()),
        Some(e) => Err(sqlx::Error::Protocol(e)),
    };
    match committed {
        Ok(()) => Ok(results),
        Err(e) => {
            let _ = conn.execute("ROLLBACK").await;
            Err(e.into())
        }
    }
}

/// The vote writer: takes every vote waiting (up to [`MAX_BATCH`]) and commits them together,
/// so a burst of votes costs one fsync, not one each. A vote is answered only after its
/// transaction committed.
async fn vote_writer(
    mut conn: SqliteConnection,
    options: SqliteConnectOptions,
    mut jobs: mpsc::Receiver<VoteJob>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        metrics::histogram!("arena_vote_batch_size").record(batch.len() as f64);
        match write_batch(&mut conn, &batch).await {
            Ok(results) => {
                for (job, result) in batch.drain(..).zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                let message = e.to_string();
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(StoreError::Other(anyhow::anyhow!(
                        "the vote was not stored: {message}"
                    ))));
                }
                // Start again on a new connection, in case this one is broken.
                match options.connect().await {
                    Ok(fresh) => conn = fresh,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot reopen the vote writer's connection")
                    }
                }
            }
        }
    }
    let _ = conn.close().await;
}
