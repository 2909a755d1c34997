//! The SQLite store: the arena on one machine with no database server to run.
//!
//! Queries are plain SQL checked by the tests (not at compile time, so building needs no
//! database). WAL mode lets readers go on while a vote is written.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use arena_core::Choice;
use arena_core::api::{ModelRef, PromptView, PublicBattle, RevealedModels};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::{DrawnBattle, ImportReport, NewVote, Store, StoreError, VoteCount};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if needed) and migrates the database at `url`,
    /// e.g. `sqlite://data/arena.db` or `sqlite::memory:`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Long enough for a vote to wait out a large import (which holds the write lock).
            .busy_timeout(Duration::from_secs(30));
        let filename = options.get_filename();
        let path = (filename != Path::new(":memory:") && !filename.as_os_str().is_empty())
            .then(|| filename.to_path_buf());
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

fn parse_choice(text: &str) -> Result<Choice, StoreError> {
    Choice::from_str(text).map_err(|e| StoreError::Other(e.into()))
}

#[async_trait]
impl Store for SqliteStore {
    async fn import(&self, set: &BattleSet) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        // IMMEDIATE takes the write lock up front, so a concurrent vote waits instead of failing.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for m in &set.models {
            let existing: Option<String> =
                sqlx::query_scalar("SELECT name FROM models WHERE id = ?")
                    .bind(&m.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match existing {
                None => {
                    sqlx::query("INSERT INTO models (id, name) VALUES (?, ?)")
                        .bind(&m.id)
                        .bind(&m.name)
                        .execute(&mut *tx)
                        .await?;
                    report.models_added += 1;
                }
                Some(name) if name != m.name => {
                    sqlx::query("UPDATE models SET name = ? WHERE id = ?")
                        .bind(&m.name)
                        .bind(&m.id)
                        .execute(&mut *tx)
                        .await?;
                    report.models_renamed += 1;
                }
                Some(_) => {}
            }
        }
        for id in set.undeclared_models() {
            let added = sqlx::query(
                "INSERT INTO models (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            report.models_added += added;
        }
        for p in &set.prompts {
            let existing = sqlx::query("SELECT category, text FROM prompts WHERE id = ?")
                .bind(&p.id)
                .fetch_optional(&mut *tx)
                .await?;
            let category = p.category.trim();
            match existing {
                None => {
                    sqlx::query("INSERT INTO prompts (id, category, text) VALUES (?, ?, ?)")
                        .bind(&p.id)
                        .bind(category)
                        .bind(&p.prompt)
                        .execute(&mut *tx)
                        .await?;
                    report.prompts_added += 1;
                }
                Some(row) => {
                    let (old_category, old_text): (String, String) =
                        (row.try_get(0)?, row.try_get(1)?);
                    if old_category != category || old_text != p.prompt {
                        sqlx::query("UPDATE prompts SET category = ?, text = ? WHERE id = ?")
                            .bind(category)
                            .bind(&p.prompt)
                            .bind(&p.id)
                            .execute(&mut *tx)
                            .await?;
                        report.prompts_changed += 1;
                    }
                }
            }
            for a in &p.answers {
                let old: Option<String> = sqlx::query_scalar(
                    "SELECT text FROM answers WHERE prompt_id = ? AND model_id = ?",
                )
                .bind(&p.id)
                .bind(&a.model)
                .fetch_optional(&mut *tx)
                .await?;
                match old {
                    None => {
                        sqlx::query(
                            "INSERT INTO answers (prompt_id, model_id, text) VALUES (?, ?, ?)",
                        )
                        .bind(&p.id)
                        .bind(&a.model)
                        .bind(&a.text)
                        .execute(&mut *tx)
                        .await?;
                        report.answers_added += 1;
                    }
                    Some(text) if text != a.text => {
                        sqlx::query(
                            "UPDATE answers SET text = ? WHERE prompt_id = ? AND model_id = ?",
                        )
                        .bind(&a.text)
                        .bind(&p.id)
                        .bind(&a.model)
                        .execute(&mut *tx)
                        .await?;
                        report.answers_changed += 1;
                    }
                    Some(_) => {}
                }
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    async fn battle_ready_prompts(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT prompt_id FROM answers GROUP BY prompt_id HAVING COUNT(*) >= 2)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    async fn draw_battle(&self, category: Option<&str>) -> Result<Option<DrawnBattle>, StoreError> {
        let prompt = sqlx::query(
            "SELECT p.id, p.category, p.text FROM prompts p \
             WHERE (?1 IS NULL OR p.category = ?1) \
               AND (SELECT COUNT(*) FROM answers a WHERE a.prompt_id = p.id) >= 2 \
             ORDER BY random() LIMIT 1",
        )
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
        let rows = sqlx::query(
            "SELECT model_id, text FROM answers WHERE prompt_id = ? ORDER BY random() LIMIT 2",
        )
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
                                issued_at_ms, voted_at_ms, elapsed_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (battle_id) DO NOTHING",
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
            "SELECT category, model_a, model_b, choice, COUNT(*) FROM votes \
             GROUP BY category, model_a, model_b, choice ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let count: i64 = r.try_get(4)?;
                Ok(VoteCount {
                    category: r.try_get(0)?,
                    model_a: r.try_get(1)?,
                    model_b: r.try_get(2)?,
                    choice: parse_choice(&r.try_get::<String, _>(3)?)?,
                    count: count.max(0) as u64,
                })
            })
            .collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, prompt_id, category, model_a, model_b, choice, voted_at_ms \
             FROM votes ORDER BY voted_at_ms, battle_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let voted_at_ms: i64 = r.try_get(6)?;
                Ok(PublicBattle {
                    battle_id: r.try_get(0)?,
                    question_id: r.try_get(1)?,
                    category: r.try_get(2)?,
                    model_a: r.try_get(3)?,
                    model_b: r.try_get(4)?,
                    winner: parse_choice(&r.try_get::<String, _>(5)?)?
                        .arena_winner()
                        .to_owned(),
                    tstamp: voted_at_ms as f64 / 1000.0,
                })
            })
            .collect()
    }
}
