//! The SQLite store: the arena on one machine with no database server to run.
//!
//! Queries are plain SQL checked by the tests (not at compile time, so building needs no
//! database). WAL mode lets readers go on while a vote is written; `synchronous = FULL` makes a
//! vote durable (fsync of the log) before it is acknowledged, so a 200 survives a power cut, not
//! only a crash of the process (its cost is measured in BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use arena_core::api::{ModelRef, PromptView, PublicBattle, RevealedModels};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::catalogue::{self, CatalogueTx};
use super::rows;
use super::{
    AuditVote, DrawnBattle, ExcludedCount, ImportReport, LeakedAnswer, NewVote, Store, StoreError,
    StoredVote, VoteCount,
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

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: Option<PathBuf>,
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
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool, path })
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
const DRAWABLE: &str = "(a.identity_leak IS NULL OR a.leak_allowed = 1)";

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
}

#[async_trait]
impl Store for SqliteStore {
    async fn import(&self, set: &BattleSet) -> Result<ImportReport, StoreError> {
        // IMMEDIATE takes the write lock up front, so a concurrent vote waits instead of failing.
        let mut tx = SqliteCatalogue(self.pool.begin_with("BEGIN IMMEDIATE").await?);
        let report = catalogue::import_into(&mut tx, set).await?;
        tx.0.commit().await?;
        Ok(report)
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
        let prompt = sqlx::query(&format!(
            "SELECT p.id, p.category, p.text FROM prompts p \
             WHERE (?1 IS NULL OR p.category = ?1) \
               AND (SELECT COUNT(*) FROM answers a WHERE a.prompt_id = p.id AND {DRAWABLE}) >= 2 \
             ORDER BY random() LIMIT 1"
        ))
        .bind(category)
        .fetch_optional(&self.pool)
        .await?;
        let Some(prompt) = prompt else {
            return Ok(None);
        };
        let prompt = PromptView {
            id: prompt.try_get(0)?,
            category: prompt.try_get(1)?,
            text: prompt.try_get(2)?,
        };
        // Two different models, in random order: which one is A is decided here.
        let rows = sqlx::query(&format!(
            "SELECT model_id, text FROM answers a WHERE prompt_id = ? AND {DRAWABLE} \
             ORDER BY random() LIMIT 2"
        ))
        .bind(&prompt.id)
        .fetch_all(&self.pool)
        .await?;
        let [a, b] = rows.as_slice() else {
            return Ok(None);
        };
        Ok(Some(DrawnBattle {
            model_a: a.try_get(0)?,
            answer_a: a.try_get(1)?,
            model_b: b.try_get(0)?,
            answer_b: b.try_get(1)?,
            prompt,
        }))
    }

    async fn record_vote(&self, vote: &NewVote) -> Result<RevealedModels, StoreError> {
        // Reads first, then one INSERT in autocommit: a deferred transaction that reads and then
        // writes can fail with SQLITE_BUSY when votes race, whatever the busy timeout.
        let category: Option<String> =
            sqlx::query_scalar("SELECT category FROM prompts WHERE id = ?")
                .bind(&vote.prompt_id)
                .fetch_optional(&self.pool)
                .await?;
        let category = category.ok_or(StoreError::BattleGone)?;
        let mut revealed = Vec::with_capacity(2);
        for model in [&vote.model_a, &vote.model_b] {
            let name: Option<String> = sqlx::query_scalar(
                "SELECT m.name FROM answers a JOIN models m ON m.id = a.model_id \
                 WHERE a.prompt_id = ? AND a.model_id = ?",
            )
            .bind(&vote.prompt_id)
            .bind(model)
            .fetch_optional(&self.pool)
            .await?;
            let name = name.ok_or(StoreError::BattleGone)?;
            revealed.push(ModelRef {
                id: model.clone(),
                name,
            });
        }
        let inserted = sqlx::query(
            "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                                issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, \
                                min_read_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (battle_id) DO NOTHING",
        )
        .bind(&vote.battle_id)
        .bind(&vote.prompt_id)
        .bind(&category)
        .bind(&vote.model_a)
        .bind(&vote.model_b)
        .bind(vote.choice.as_str())
        .bind(&vote.voter_id)
        .bind(vote.issued_at_ms)
        .bind(vote.voted_at_ms)
        .bind((vote.voted_at_ms - vote.issued_at_ms).max(0))
        .bind(&vote.address_hash)
        .bind(vote.flags.join(","))
        .bind(vote.min_read_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::DuplicateVote);
        }
        let b = revealed.pop().ok_or(StoreError::BattleGone)?;
        let a = revealed.pop().ok_or(StoreError::BattleGone)?;
        Ok(RevealedModels { a, b })
    }

    async fn models(&self) -> Result<Vec<ModelRef>, StoreError> {
        let rows = sqlx::query("SELECT id, name FROM models ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ModelRef {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                })
            })
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
            "SELECT category, model_a, model_b, choice, COUNT(*) FROM votes WHERE flags = '' \
             GROUP BY category, model_a, model_b, choice ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, prompt_id, category, model_a, model_b, choice, voted_at_ms \
             FROM votes WHERE flags = '' ORDER BY voted_at_ms, battle_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::public_battle).collect()
    }

    async fn stored_vote(&self, battle_id: &str) -> Result<Option<StoredVote>, StoreError> {
        let row = sqlx::query(
            "SELECT v.choice, v.model_a, ma.name, v.model_b, mb.name FROM votes v \
             JOIN models ma ON ma.id = v.model_a JOIN models mb ON mb.id = v.model_b \
             WHERE v.battle_id = ?",
        )
        .bind(battle_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StoredVote {
                choice: rows::choice(&r.try_get::<String, _>(0)?)?,
                models: RevealedModels {
                    a: ModelRef {
                        id: r.try_get(1)?,
                        name: r.try_get(2)?,
                    },
                    b: ModelRef {
                        id: r.try_get(3)?,
                        name: r.try_get(4)?,
                    },
                },
            })
        })
        .transpose()
    }

    async fn counted_since(
        &self,
        voter_id: &str,
        address_hashes: &[String],
        since_ms: i64,
    ) -> Result<(u64, u64), StoreError> {
        let by_voter: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM votes WHERE voter_id = ? AND voted_at_ms >= ? AND flags = ''",
        )
        .bind(voter_id)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        let mut by_address: i64 = 0;
        for hash in address_hashes {
            by_address += sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM votes \
                 WHERE address_hash = ? AND voted_at_ms >= ? AND flags = ''",
            )
            .bind(hash)
            .bind(since_ms)
            .fetch_one(&self.pool)
            .await?;
        }
        Ok((by_voter.max(0) as u64, by_address.max(0) as u64))
    }

    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, flags \
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
                 WHERE battle_id = ?2 AND ',' || flags || ',' NOT LIKE '%,' || ?1 || ',%'",
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
            "SELECT category, CASE WHEN instr(flags, ',') > 0 \
                                   THEN substr(flags, 1, instr(flags, ',') - 1) ELSE flags END, \
                    COUNT(*) \
             FROM votes WHERE flags <> '' GROUP BY 1, 2 ORDER BY 1, 2",
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

    async fn leaked_answers(&self) -> Result<Vec<LeakedAnswer>, StoreError> {
        let rows = sqlx::query(
            "SELECT prompt_id, model_id, identity_leak, leak_allowed FROM answers \
             WHERE identity_leak IS NOT NULL ORDER BY prompt_id, model_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LeakedAnswer {
                    prompt_id: r.try_get(0)?,
                    model_id: r.try_get(1)?,
                    term: r.try_get(2)?,
                    allowed: r.try_get::<i64, _>(3)? != 0,
                })
            })
            .collect()
    }

    async fn allow_leaked_answer(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE answers SET leak_allowed = ? \
             WHERE prompt_id = ? AND model_id = ? AND identity_leak IS NOT NULL",
        )
        .bind(i64::from(allowed))
        .bind(prompt_id)
        .bind(model_id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }
}
