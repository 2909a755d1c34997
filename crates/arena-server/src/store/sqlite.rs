//! The SQLite store: the arena on one machine with no database server to run.
//!
//! Queries are plain SQL checked by the tests (not at compile time, so building needs no
//! database). WAL mode lets readers go on while a vote is written; `synchronous = FULL` makes a
//! vote durable (fsync of the log) before it is acknowledged, so a 200 survives a power cut, not
//! only a crash of the process (its cost is measured in BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use arena_core::admin::{AuditEntry, Licence, ModelUpdate, RegistryModel};
use arena_core::api::{ModelRef, PublicBattle, RevealedModels, SnapshotSummary};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor, Row, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::catalogue::{self, CatalogueTx};
use super::draw::{DrawIndex, DrawSource, DrawableAnswer};
use super::rows;
use super::{
    AuditVote, CAP_WINDOW_HOURS, DailyCaps, DrawnBattle, ExcludedCount, FlagRow, FlaggedVoter,
    HeldAnswerRow, ImportOptions, ImportReport, LiveBattle, NewAudit, NewSnapshot, NewVote,
    ReasonCount, ReasonsUpdate, Recorded, Store, StoreError, StoredVote, VoteCount, address_key,
    group_flagged, parse_overrides, tally_hour, voter_key,
};
use super::{CategoryWeight, category_list};

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

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: Option<PathBuf>,
    draws: Arc<DrawIndex>,
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

/// What the writer did with a vote (the caller adds the models' names).
enum Written {
    Stored { not_counted: Vec<String> },
    Duplicate(Box<StoredVote>),
}

impl SqliteStore {
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
        Ok(SqliteStore {
            pool,
            path,
            draws: Arc::default(),
            votes,
        })
    }

    /// The pool, for operator tooling and tests that look at rows directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// `sqlite::memory:`, `sqlite://:memory:`, `sqlite:file:x?mode=memory` and the like.
fn is_in_memory(url: &str) -> bool {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.trim_start_matches('/');
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    name.is_empty() || name == ":memory:" || query.split('&').any(|kv| kv == "mode=memory")
}

/// An answer may be drawn unless it names its model and no operator allowed it.
const DRAWABLE: &str = "(a.identity_leak IS NULL OR a.leak_allowed = 1) AND a.live = 0 \
     AND a.model_id IN (SELECT id FROM models WHERE status = 'active')";

/// An import's reads and writes inside one SQLite transaction.
struct SqliteCatalogue(sqlx::Transaction<'static, sqlx::Sqlite>);

#[async_trait]
impl CatalogueTx for SqliteCatalogue {
    async fn model_name(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM models WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await?)
    }

    async fn put_model(&mut self, id: &str, name: &str, exists: bool) -> Result<(), StoreError> {
        let sql = if exists {
            "UPDATE models SET name = ?2 WHERE id = ?1"
        } else {
            "INSERT INTO models (id, name) VALUES (?1, ?2)"
        };
        sqlx::query(sql)
            .bind(id)
            .bind(name)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn add_model_if_missing(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(
            sqlx::query(
                "INSERT INTO models (id, name) VALUES (?1, ?1) ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .execute(&mut *self.0)
            .await?
            .rows_affected()
                > 0,
        )
    }

    async fn prompt(&mut self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT category, text FROM prompts WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *self.0)
                .await?,
        )
    }

    async fn put_prompt(
        &mut self,
        id: &str,
        category: &str,
        text: &str,
        exists: bool,
    ) -> Result<(), StoreError> {
        let sql = if exists {
            "UPDATE prompts SET category = ?2, text = ?3 WHERE id = ?1"
        } else {
            "INSERT INTO prompts (id, category, text) VALUES (?1, ?2, ?3)"
        };
        sqlx::query(sql)
            .bind(id)
            .bind(category)
            .bind(text)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn answer_text(
        &mut self,
        prompt: &str,
        model: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT text FROM answers WHERE prompt_id = ? AND model_id = ?")
                .bind(prompt)
                .bind(model)
                .fetch_optional(&mut *self.0)
                .await?,
        )
    }

    async fn put_answer(
        &mut self,
        prompt: &str,
        model: &str,
        text: &str,
        leak: Option<&str>,
        exists: bool,
    ) -> Result<(), StoreError> {
        let sql = if exists {
            "UPDATE answers SET text = ?3, identity_leak = ?4, leak_allowed = 0 \
             WHERE prompt_id = ?1 AND model_id = ?2"
        } else {
            "INSERT INTO answers (prompt_id, model_id, text, identity_leak) VALUES (?1, ?2, ?3, ?4)"
        };
        sqlx::query(sql)
            .bind(prompt)
            .bind(model)
            .bind(text)
            .bind(leak)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn registry_model(&mut self, id: &str) -> Result<Option<RegistryModel>, StoreError> {
        let sql = format!("{} WHERE m.id = $1", rows::REGISTRY);
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await?;
        row.as_ref().map(rows::registry_model).transpose()
    }

    async fn put_registry(&mut self, id: &str, update: &ModelUpdate) -> Result<(), StoreError> {
        sqlx::query(rows::PUT_REGISTRY)
            .bind(id)
            .bind(&update.name)
            .bind(&update.organisation)
            .bind(update.licence.map(Licence::as_str))
            .bind(&update.size)
            .bind(&update.url)
            .bind(update.status.as_str())
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn append_audit(&mut self, audit: &NewAudit) -> Result<(), StoreError> {
        sqlx::query(rows::APPEND_AUDIT)
            .bind(audit.at_ms)
            .bind(&audit.operator)
            .bind(&audit.action)
            .bind(&audit.subject)
            .bind(audit.detail.to_string())
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_snapshot(&mut self, snapshot: &NewSnapshot) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(rows::INSERT_SNAPSHOT)
            .bind(&snapshot.title)
            .bind(snapshot.published_at_ms)
            .bind(&snapshot.operator)
            .bind(i64::try_from(snapshot.total_votes).unwrap_or(i64::MAX))
            .bind(i64::try_from(snapshot.models).unwrap_or(i64::MAX))
            .bind(&snapshot.tables)
            .bind(&snapshot.battles)
            .bind(&snapshot.battles_sha256)
            .fetch_one(&mut *self.0)
            .await?)
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn import_with(
        &self,
        set: &BattleSet,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, StoreError> {
        // IMMEDIATE takes the write lock up front, so a concurrent vote waits instead of failing.
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let report = catalogue::import_into(&mut tx, set, options.progress).await?;
        if options.dry_run {
            tx.0.rollback().await?;
            return Ok(report);
        }
        catalogue::log_import(&mut tx, options.audit, &report).await?;
        if report.changed_anything() {
            sqlx::query("UPDATE catalogue_version SET version = version + 1")
                .execute(&mut *tx.0)
                .await?;
        }
        tx.0.commit().await?;
        self.draws.invalidate();
        Ok(report)
    }

    async fn registry(&self) -> Result<Vec<RegistryModel>, StoreError> {
        let sql = format!("{} ORDER BY m.id", rows::REGISTRY);
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(rows::registry_model).collect()
    }

    async fn update_model(
        &self,
        id: &str,
        update: &ModelUpdate,
        audit: NewAudit,
    ) -> Result<Option<RegistryModel>, StoreError> {
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let updated = catalogue::update_model(&mut tx, id, update, audit).await?;
        if updated.is_some() {
            sqlx::query("UPDATE catalogue_version SET version = version + 1")
                .execute(&mut *tx.0)
                .await?;
        }
        tx.0.commit().await?;
        self.draws.invalidate();
        Ok(updated)
    }

    async fn audit_log(
        &self,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(rows::AUDIT_LOG)
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::audit_entry).collect()
    }

    async fn publish_snapshot(
        &self,
        snapshot: &NewSnapshot,
        audit: NewAudit,
    ) -> Result<SnapshotSummary, StoreError> {
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let summary = catalogue::publish_snapshot(&mut tx, snapshot, audit).await?;
        tx.0.commit().await?;
        Ok(summary)
    }

    async fn snapshots(&self) -> Result<Vec<SnapshotSummary>, StoreError> {
        let sql = format!("{} ORDER BY id DESC", rows::SNAPSHOTS);
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(rows::snapshot_summary).collect()
    }

    async fn snapshot_tables(
        &self,
        id: i64,
    ) -> Result<Option<(SnapshotSummary, String)>, StoreError> {
        let row = sqlx::query(rows::SNAPSHOT_TABLES)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((rows::snapshot_summary(&r)?, r.try_get(6)?)))
            .transpose()
    }

    async fn snapshot_battles(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT battles FROM snapshots WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    fn set_pairing(&self, plan: Option<Arc<super::draw::PairPlan>>) {
        self.draws.set_plan(plan);
    }

    async fn with_cards(&self, models: RevealedModels) -> Result<RevealedModels, StoreError> {
        self.draws.with_cards(self, models).await
    }

    async fn battle_ready_prompts(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT prompt_id FROM answers a WHERE {DRAWABLE} \
             GROUP BY prompt_id HAVING COUNT(*) >= 2)"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    async fn draw_battle(&self, category: Option<&str>) -> Result<Option<DrawnBattle>, StoreError> {
        self.draws.draw(self, category).await
    }

    async fn record_vote(
        &self,
        vote: &NewVote,
        caps: Option<&DailyCaps>,
    ) -> Result<Recorded, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = VoteJob {
            vote: vote.clone(),
            caps: caps.cloned(),
            reply,
        };
        let written = match &self.votes {
            Some(writer) => {
                let stopped = || StoreError::Other(anyhow::anyhow!("the vote writer has stopped"));
                writer.send(job).await.map_err(|_| stopped())?;
                answer.await.map_err(|_| stopped())??
            }
            None => {
                // In memory: one connection, one vote per transaction.
                let mut conn = self.pool.acquire().await?;
                let mut results = write_batch(&mut conn, std::slice::from_ref(&job)).await?;
                results.pop().unwrap_or(Err(StoreError::BattleGone))?
            }
        };
        match written {
            Written::Duplicate(earlier) => Ok(Recorded::Duplicate(*earlier)),
            Written::Stored { not_counted } => {
                let models = self
                    .draws
                    .reveal(self, &vote.model_a, &vote.model_b)
                    .await?;
                Ok(Recorded::Stored {
                    models,
                    not_counted,
                })
            }
        }
    }

    async fn models(&self) -> Result<Vec<ModelRef>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM models ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(ModelRef::named(r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn categories(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT category FROM prompts ORDER BY category")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn vote_counts(&self) -> Result<Vec<VoteCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, model_a, model_b, choice, count FROM vote_cells WHERE count > 0 \
             ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.battle_id, v.prompt_id, v.category, v.model_a, v.model_b, v.choice, \
                    v.voted_at_ms, v.reasons, p.text, aa.text, ab.text \
             FROM votes v \
             LEFT JOIN answers aa ON aa.prompt_id = v.prompt_id AND aa.model_id = v.model_a \
                                 AND aa.live = 1 \
             LEFT JOIN answers ab ON ab.prompt_id = v.prompt_id AND ab.model_id = v.model_b \
                                 AND ab.live = 1 \
             LEFT JOIN prompts p ON p.id = v.prompt_id AND aa.prompt_id IS NOT NULL \
             WHERE v.flags = '' ORDER BY v.voted_at_ms, v.battle_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::public_battle).collect()
    }

    async fn stored_vote(&self, battle_id: &str) -> Result<Option<StoredVote>, StoreError> {
        let row = sqlx::query(STORED_VOTE)
            .bind(battle_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::stored_vote).transpose()
    }

    async fn set_reasons(
        &self,
        battle_id: &str,
        reasons: i64,
        voted_since_ms: i64,
    ) -> Result<ReasonsUpdate, StoreError> {
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE votes SET reasons = ? WHERE battle_id = ? AND voted_at_ms >= ? \
             RETURNING voted_at_ms",
        )
        .bind(reasons)
        .bind(battle_id)
        .bind(voted_since_ms)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(voted_at_ms) = updated {
            return Ok(ReasonsUpdate::Saved { voted_at_ms });
        }
        let voted: Option<i64> =
            sqlx::query_scalar("SELECT voted_at_ms FROM votes WHERE battle_id = ?")
                .bind(battle_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match voted {
            Some(voted_at_ms) => ReasonsUpdate::Closed { voted_at_ms },
            None => ReasonsUpdate::NoVote,
        })
    }

    async fn reason_counts(&self) -> Result<Vec<ReasonCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, model_a, model_b, choice, reasons, COUNT(*) FROM votes \
             WHERE reasons <> 0 AND flags = '' GROUP BY category, model_a, model_b, choice, reasons \
             ORDER BY 1, 2, 3, 4, 5",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::reason_count).collect()
    }

    async fn tallies(
        &self,
        voter_id: &str,
        address_hashes: &[String; 2],
        now_ms: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut conn = self.pool.acquire().await?;
        tallied(&mut conn, voter_id, address_hashes, now_ms).await
    }

    async fn prune_tallies(&self, before_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM vote_tallies WHERE hour < ?")
            .bind(tally_hour(before_ms))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    fn shared(&self) -> bool {
        false
    }

    async fn lead_recomputation(
        &self,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE leaderboard_lease SET holder = ?1, until_ms = ?2 + ?3 \
             WHERE id = 1 AND (holder = ?1 OR until_ms < ?2)",
        )
        .bind(holder)
        .bind(now_ms)
        .bind(lease_ms)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn latest_vote_ms(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(voted_at_ms) FROM votes")
                .fetch_one(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }

    async fn publish_tables(&self, computed_at_ms: i64, body: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO leaderboard_published (id, computed_at_ms, body) VALUES (1, ?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET computed_at_ms = EXCLUDED.computed_at_ms, body = EXCLUDED.body",
        )
        .bind(computed_at_ms)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn published_tables(&self, served_ms: i64) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT computed_at_ms, body FROM leaderboard_published WHERE id = 1 AND computed_at_ms <> ?1",
        )
        .bind(served_ms)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn backup(&self, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "{} exists; a backup never overwrites a file",
                to.display()
            )));
        }
        // One read transaction: the copy is the database at one moment, votes go on meanwhile.
        sqlx::query("VACUUM INTO ?")
            .bind(to.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    async fn close(&self) -> Result<(), StoreError> {
        if self.path.is_some() {
            // Everything in the write-ahead log into the database file, and the log emptied.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        self.pool.close().await;
        Ok(())
    }

    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, flags, \
                    prompt_id \
             FROM votes WHERE voted_at_ms >= ? ORDER BY voted_at_ms, battle_id",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit_vote).collect()
    }

    async fn flag_votes(&self, battle_ids: &[String], reason: &str) -> Result<u64, StoreError> {
        let mut changed = 0;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for id in battle_ids {
            changed += sqlx::query(
                "UPDATE votes SET flags = CASE WHEN flags = '' THEN ?1 ELSE flags || ',' || ?1 END \
                 WHERE battle_id = ?2 AND ',' || flags || ',' NOT LIKE '%,' || ?1 || ',%' \
                 AND NOT EXISTS (SELECT 1 FROM flag_overrides o \
                                 WHERE o.voter_id = votes.voter_id AND o.reason = ?1 \
                                 AND instr(o.battles, '\"' || votes.battle_id || '\"') > 0)",
            )
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn first_votes_of_voters_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT voter_id, MIN(voted_at_ms) FROM votes WHERE voter_id IN \
             (SELECT DISTINCT voter_id FROM votes WHERE voted_at_ms >= ?) GROUP BY voter_id",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn excluded_counts(&self) -> Result<Vec<ExcludedCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, reason, count FROM excluded_cells WHERE count > 0 ORDER BY 1, 2",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::excluded_count).collect()
    }

    async fn address_key(&self, day: i64) -> Result<[u8; 32], StoreError> {
        let fresh: [u8; 32] = rand::random();
        sqlx::query(
            "INSERT INTO address_keys (day, key) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
        )
        .bind(day)
        .bind(fresh.as_slice())
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM address_keys WHERE day < ?")
            .bind(day - 1)
            .execute(&self.pool)
            .await?;
        let key: Vec<u8> = sqlx::query_scalar("SELECT key FROM address_keys WHERE day = ?")
            .bind(day)
            .fetch_one(&self.pool)
            .await?;
        key.try_into()
            .map_err(|_| StoreError::Other(anyhow::anyhow!("an address key is not 32 bytes")))
    }

    async fn forget_addresses(&self, before_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE votes SET address_hash = NULL \
             WHERE address_hash IS NOT NULL AND voted_at_ms < ?",
        )
        .bind(before_ms)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn held_answers(&self) -> Result<Vec<HeldAnswerRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT prompt_id, model_id, identity_leak, leak_allowed, text FROM answers \
             WHERE identity_leak IS NOT NULL ORDER BY prompt_id, model_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HeldAnswerRow {
                    prompt_id: r.try_get(0)?,
                    model_id: r.try_get(1)?,
                    term: r.try_get(2)?,
                    allowed: r.try_get::<i64, _>(3)? != 0,
                    text: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn allow_held_answer_logged(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
        audit: Option<NewAudit>,
    ) -> Result<bool, StoreError> {
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let changed = sqlx::query(
            "UPDATE answers SET leak_allowed = ? \
             WHERE prompt_id = ? AND model_id = ? AND identity_leak IS NOT NULL",
        )
        .bind(i64::from(allowed))
        .bind(prompt_id)
        .bind(model_id)
        .execute(&mut *tx.0)
        .await?
        .rows_affected()
            > 0;
        if changed {
            sqlx::query("UPDATE catalogue_version SET version = version + 1")
                .execute(&mut *tx.0)
                .await?;
            if let Some(audit) = audit {
                tx.append_audit(&audit).await?;
            }
        }
        tx.0.commit().await?;
        self.draws.invalidate();
        Ok(changed)
    }

    async fn flagged_voters(&self) -> Result<Vec<FlaggedVoter>, StoreError> {
        let flagged = sqlx::query(rows::FLAGGED_ROWS)
            .fetch_all(&self.pool)
            .await?;
        let flagged: Vec<FlagRow> = flagged
            .iter()
            .map(rows::flag_row)
            .collect::<Result<_, _>>()?;
        let overrides: Vec<(String, String, String)> =
            sqlx::query_as("SELECT voter_id, reason, battles FROM flag_overrides")
                .fetch_all(&self.pool)
                .await?;
        let counted = sqlx::query(rows::OVERRIDDEN_VOTERS_ROWS)
            .fetch_all(&self.pool)
            .await?;
        let counted: Vec<FlagRow> = counted
            .iter()
            .map(rows::flag_row)
            .collect::<Result<_, _>>()?;
        Ok(group_flagged(
            &flagged,
            &parse_overrides(overrides)?,
            &counted,
        ))
    }

    async fn review_flag(
        &self,
        voter: &str,
        reason: &str,
        counted: bool,
        mut audit: NewAudit,
    ) -> Result<Option<u64>, StoreError> {
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let battles: Vec<String> = if counted {
            sqlx::query_scalar(
                "SELECT battle_id FROM votes WHERE voter_id = ?1 \
                 AND ',' || flags || ',' LIKE '%,' || ?2 || ',%' ORDER BY battle_id",
            )
            .bind(voter)
            .bind(reason)
            .fetch_all(&mut *tx.0)
            .await?
        } else {
            let kept: Option<String> = sqlx::query_scalar(
                "SELECT battles FROM flag_overrides WHERE voter_id = ? AND reason = ?",
            )
            .bind(voter)
            .bind(reason)
            .fetch_optional(&mut *tx.0)
            .await?;
            match kept {
                Some(json) => {
                    serde_json::from_str(&json).map_err(|e| StoreError::Other(e.into()))?
                }
                None => return Ok(None),
            }
        };
        if counted && battles.is_empty() {
            return Ok(None);
        }
        let mut changed = 0;
        for id in &battles {
            let sql = if counted {
                "UPDATE votes SET flags = trim(replace(',' || flags || ',', ',' || ?1 || ',', ','), ',') \
                 WHERE battle_id = ?2 AND ',' || flags || ',' LIKE '%,' || ?1 || ',%'"
            } else {
                "UPDATE votes SET flags = CASE WHEN flags = '' THEN ?1 ELSE flags || ',' || ?1 END \
                 WHERE battle_id = ?2 AND ',' || flags || ',' NOT LIKE '%,' || ?1 || ',%'"
            };
            changed += sqlx::query(sql)
                .bind(reason)
                .bind(id)
                .execute(&mut *tx.0)
                .await?
                .rows_affected();
        }
        if counted {
            // Votes counted at an earlier review of this voter stay counted: one list of both.
            let earlier: Option<String> = sqlx::query_scalar(
                "SELECT battles FROM flag_overrides WHERE voter_id = ? AND reason = ?",
            )
            .bind(voter)
            .bind(reason)
            .fetch_optional(&mut *tx.0)
            .await?;
            let mut all: Vec<String> = match earlier {
                Some(json) => {
                    serde_json::from_str(&json).map_err(|e| StoreError::Other(e.into()))?
                }
                None => Vec::new(),
            };
            all.extend(battles.iter().cloned());
            all.sort();
            all.dedup();
            sqlx::query(
                "INSERT INTO flag_overrides (voter_id, reason, battles, at_ms, operator) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (voter_id, reason) DO UPDATE SET \
                 battles = excluded.battles, at_ms = excluded.at_ms, operator = excluded.operator",
            )
            .bind(voter)
            .bind(reason)
            .bind(serde_json::to_string(&all).map_err(|e| StoreError::Other(e.into()))?)
            .bind(audit.at_ms)
            .bind(&audit.operator)
            .execute(&mut *tx.0)
            .await?;
        } else {
            sqlx::query("DELETE FROM flag_overrides WHERE voter_id = ? AND reason = ?")
                .bind(voter)
                .bind(reason)
                .execute(&mut *tx.0)
                .await?;
        }
        audit.detail = serde_json::json!({
            "reason": reason,
            "counted": counted,
            "votes": changed,
            "battles": battles,
        });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        Ok(Some(changed))
    }

    async fn category_weights_admin(&self) -> Result<Vec<CategoryWeight>, StoreError> {
        let prompts: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT p.category, COUNT(*) FROM prompts p WHERE p.id IN \
             (SELECT prompt_id FROM answers a WHERE {DRAWABLE} GROUP BY prompt_id \
              HAVING COUNT(*) >= 2) GROUP BY p.category"
        ))
        .fetch_all(&self.pool)
        .await?;
        let weights = self.category_weights().await?;
        Ok(category_list(prompts, weights))
    }

    async fn set_category_weight(
        &self,
        category: &str,
        weight: f64,
        mut audit: NewAudit,
    ) -> Result<Option<CategoryWeight>, StoreError> {
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let prompts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prompts WHERE category = ?")
            .bind(category)
            .fetch_one(&mut *tx.0)
            .await?;
        if prompts == 0 {
            return Ok(None);
        }
        let before: Option<f64> =
            sqlx::query_scalar("SELECT weight FROM category_weights WHERE category = ?")
                .bind(category)
                .fetch_optional(&mut *tx.0)
                .await?;
        sqlx::query("DELETE FROM category_weights WHERE category = ?")
            .bind(category)
            .execute(&mut *tx.0)
            .await?;
        if weight != 1.0 {
            sqlx::query("INSERT INTO category_weights (category, weight) VALUES (?, ?)")
                .bind(category)
                .bind(weight)
                .execute(&mut *tx.0)
                .await?;
        }
        sqlx::query("UPDATE catalogue_version SET version = version + 1")
            .execute(&mut *tx.0)
            .await?;
        audit.detail = serde_json::json!({
            "before": { "weight": before.unwrap_or(1.0) },
            "after": { "weight": weight },
        });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        self.draws.invalidate();
        Ok(self
            .category_weights_admin()
            .await?
            .into_iter()
            .find(|c| c.category == category))
    }

    async fn register_models(&self, models: &[ModelRef]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut added = 0;
        for m in models {
            added +=
                sqlx::query("INSERT INTO models (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING")
                    .bind(&m.id)
                    .bind(&m.name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
        }
        if added > 0 {
            sqlx::query("UPDATE catalogue_version SET version = version + 1")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.draws.invalidate();
        Ok(added)
    }

    async fn store_live_battle(&self, battle: &LiveBattle) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO prompts (id, category, text) VALUES (?, ?, ?)")
            .bind(&battle.prompt_id)
            .bind(&battle.category)
            .bind(&battle.prompt)
            .execute(&mut *tx)
            .await?;
        for (model, answer) in [
            (&battle.model_a, &battle.answer_a),
            (&battle.model_b, &battle.answer_b),
        ] {
            sqlx::query(
                "INSERT INTO answers (prompt_id, model_id, text, live) VALUES (?, ?, ?, 1)",
            )
            .bind(&battle.prompt_id)
            .bind(model)
            .bind(answer)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl DrawSource for SqliteStore {
    async fn catalogue_version(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT version FROM catalogue_version WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn category_weights(&self) -> Result<Vec<(String, f64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT category, weight FROM category_weights")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn model_refs(&self) -> Result<Vec<ModelRef>, StoreError> {
        let rows = sqlx::query(rows::MODEL_REFS).fetch_all(&self.pool).await?;
        rows.iter().map(rows::model_ref).collect()
    }

    async fn battle_texts(
        &self,
        prompt: &str,
        a: &str,
        b: &str,
    ) -> Result<Option<(String, String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.category, p.text, aa.text, ab.text FROM prompts p \
                 JOIN answers aa ON aa.prompt_id = p.id AND aa.model_id = ?2 \
                 JOIN answers ab ON ab.prompt_id = p.id AND ab.model_id = ?3 WHERE p.id = ?1",
        )
        .bind(prompt)
        .bind(a)
        .bind(b)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn drawable_answers(&self) -> Result<Vec<DrawableAnswer>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.prompt_id, p.category, a.model_id FROM answers a \
             JOIN prompts p ON p.id = a.prompt_id WHERE {DRAWABLE}"
        ))
        .fetch_all(&self.pool)
        .await?)
    }
}

/// The vote stored for a battle, with its models' names.
const STORED_VOTE: &str = "SELECT v.choice, v.model_a, ma.name, v.model_b, mb.name, v.flags FROM votes v \
     JOIN models ma ON ma.id = v.model_a JOIN models mb ON mb.id = v.model_b \
     WHERE v.battle_id = ?";

/// Counted votes of a voter and of an address's two hashes in the caps' window.
async fn tallied(
    conn: &mut SqliteConnection,
    voter_id: &str,
    address_hashes: &[String; 2],
    now_ms: i64,
) -> Result<(u64, u64), StoreError> {
    let since = tally_hour(now_ms) - CAP_WINDOW_HOURS + 1;
    let by_voter: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM vote_tallies WHERE key = ? AND hour >= ?",
    )
    .bind(voter_key(voter_id))
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let by_address: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM vote_tallies WHERE key IN (?, ?) AND hour >= ?",
    )
    .bind(address_key(&address_hashes[0]))
    .bind(address_key(&address_hashes[1]))
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((by_voter.max(0) as u64, by_address.max(0) as u64))
}

/// One vote in one statement (the writer's hot path: every statement is a round trip to the
/// connection's thread). The vote is stored if its prompt and both answers still exist, with
/// the daily caps' flags decided from the tallies inside the writer's transaction; the triggers
/// then add it to its cell and, when it counts, to this hour's tally of its voter. A counted
/// vote under caps takes one more statement, for the tally of its address's network (the row
/// holds a finer hash). Nothing is stored for a duplicate or a battle that is gone; then one
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
    let flags: Option<String> = sqlx::query_scalar(
        "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                            issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, \
                            min_read_ms) \
         SELECT ?1, p.id, p.category, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
                ltrim(?11 \
                  || CASE WHEN ?12 AND (SELECT COALESCE(SUM(count), 0) FROM vote_tallies \
                                        WHERE key = 'v:' || ?6 AND hour >= ?13) >= ?14 \
                          THEN ',voter_daily_cap' ELSE '' END \
                  || CASE WHEN ?12 AND (SELECT COALESCE(SUM(count), 0) FROM vote_tallies \
                                        WHERE key IN ('a:' || ?15, 'a:' || ?16) AND hour >= ?13) >= ?17 \
                          THEN ',address_daily_cap' ELSE '' END, ','), \
                ?18 \
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
    .bind(vote.flags.join(","))
    .bind(caps_on)
    .bind(since)
    .bind(cap(caps.voter))
    .bind(&caps.address_hashes[0])
    .bind(&caps.address_hashes[1])
    .bind(cap(caps.address))
    .bind(vote.min_read_ms)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(flags) = flags {
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
        return Ok(Written::Stored {
            not_counted: split_flags(&flags),
        });
    }
    match stored(conn, &vote.battle_id).await? {
        Some(earlier) => Ok(Written::Duplicate(Box::new(earlier))),
        None => Err(StoreError::BattleGone),
    }
}

fn split_flags(flags: &str) -> Vec<String> {
    flags
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn stored(
    conn: &mut SqliteConnection,
    battle_id: &str,
) -> Result<Option<StoredVote>, StoreError> {
    let row = sqlx::query(STORED_VOTE)
        .bind(battle_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(rows::stored_vote).transpose()
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
