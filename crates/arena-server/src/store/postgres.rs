//! The PostgreSQL store: one database behind several stateless servers.
//!
//! The same [`Store`] as SQLite, in PostgreSQL's dialect, with its own migrations
//! (`migrations/postgres`). What an import changes is decided in `catalogue.rs`, rows become the
//! arena's types in `rows.rs`; this file only speaks SQL. A vote is acknowledged after its
//! transaction is committed with PostgreSQL's default `synchronous_commit = on`, so a 200
//! survives a crash of the database server too. Text is ordered byte by byte (`COLLATE "C"`), as
//! SQLite does, so every server and both stores list counts and models in the same order.

use std::time::Duration;

use arena_core::api::{ModelRef, PromptView, PublicBattle, RevealedModels};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};

use super::catalogue::{self, CatalogueTx};
use super::rows;
use super::{
    AuditVote, DrawnBattle, ExcludedCount, ImportReport, LeakedAnswer, NewVote, Store, StoreError,
    StoredVote, VoteCount,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// An answer may be drawn unless it names its model and no operator allowed it.
const DRAWABLE: &str = "(a.identity_leak IS NULL OR a.leak_allowed)";

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `postgres://user:password@host:port/database` and migrates it. Several
    /// servers may do this at once: sqlx takes an advisory lock around migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // A database that does not answer is an error within seconds, not a hung request.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PgStore { pool })
    }

    /// The pool, for operator tooling and tests that look at rows directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// An import's reads and writes inside one PostgreSQL transaction.
struct PgCatalogue(sqlx::Transaction<'static, sqlx::Postgres>);

#[async_trait]
impl CatalogueTx for PgCatalogue {
    async fn model_name(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM models WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await?)
    }

    async fn put_model(&mut self, id: &str, name: &str, exists: bool) -> Result<(), StoreError> {
        let sql = if exists {
            "UPDATE models SET name = $2 WHERE id = $1"
        } else {
            "INSERT INTO models (id, name) VALUES ($1, $2)"
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
                "INSERT INTO models (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING",
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
            sqlx::query_as("SELECT category, text FROM prompts WHERE id = $1")
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
            "UPDATE prompts SET category = $2, text = $3 WHERE id = $1"
        } else {
            "INSERT INTO prompts (id, category, text) VALUES ($1, $2, $3)"
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
            sqlx::query_scalar("SELECT text FROM answers WHERE prompt_id = $1 AND model_id = $2")
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
            "UPDATE answers SET text = $3, identity_leak = $4, leak_allowed = FALSE \
             WHERE prompt_id = $1 AND model_id = $2"
        } else {
            "INSERT INTO answers (prompt_id, model_id, text, identity_leak) VALUES ($1, $2, $3, $4)"
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
impl Store for PgStore {
    async fn import(&self, set: &BattleSet) -> Result<ImportReport, StoreError> {
        let mut tx = PgCatalogue(self.pool.begin().await?);
        // One import at a time across every server; votes go on meanwhile.
        sqlx::query("SELECT pg_advisory_xact_lock(7413001)")
            .execute(&mut *tx.0)
            .await?;
        let report = catalogue::import_into(&mut tx, set).await?;
        tx.0.commit().await?;
        Ok(report)
    }

    async fn battle_ready_prompts(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT prompt_id FROM answers a WHERE {DRAWABLE} \
             GROUP BY prompt_id HAVING COUNT(*) >= 2) ready"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    async fn draw_battle(&self, category: Option<&str>) -> Result<Option<DrawnBattle>, StoreError> {
        let prompt = sqlx::query(&format!(
            "SELECT p.id, p.category, p.text FROM prompts p \
             WHERE ($1::TEXT IS NULL OR p.category = $1) \
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
        let rows = sqlx::query(&format!(
            "SELECT model_id, text FROM answers a WHERE prompt_id = $1 AND {DRAWABLE} \
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
        let row = sqlx::query(
            "SELECT p.category, ma.name, mb.name FROM prompts p \
             JOIN answers aa ON aa.prompt_id = p.id AND aa.model_id = $2 \
             JOIN models ma ON ma.id = aa.model_id \
             JOIN answers ab ON ab.prompt_id = p.id AND ab.model_id = $3 \
             JOIN models mb ON mb.id = ab.model_id \
             WHERE p.id = $1",
        )
        .bind(&vote.prompt_id)
        .bind(&vote.model_a)
        .bind(&vote.model_b)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::BattleGone)?;
        let category: String = row.try_get(0)?;
        let inserted = sqlx::query(
            "INSERT INTO votes (battle_id, prompt_id, category, model_a, model_b, choice, voter_id, \
                                issued_at_ms, voted_at_ms, elapsed_ms, address_hash, flags, \
                                min_read_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (battle_id) DO NOTHING",
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
        Ok(RevealedModels {
            a: ModelRef {
                id: vote.model_a.clone(),
                name: row.try_get(1)?,
            },
            b: ModelRef {
                id: vote.model_b.clone(),
                name: row.try_get(2)?,
            },
        })
    }

    async fn stored_vote(&self, battle_id: &str) -> Result<Option<StoredVote>, StoreError> {
        let row = sqlx::query(
            "SELECT v.choice, v.model_a, ma.name, v.model_b, mb.name FROM votes v \
             JOIN models ma ON ma.id = v.model_a JOIN models mb ON mb.id = v.model_b \
             WHERE v.battle_id = $1",
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
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM votes \
                 WHERE voter_id = $1 AND voted_at_ms >= $3 AND flags = ''), \
               (SELECT COUNT(*) FROM votes \
                 WHERE address_hash = ANY($2) AND voted_at_ms >= $3 AND flags = '')",
        )
        .bind(voter_id)
        .bind(address_hashes)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        let (v, a): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        Ok((v.max(0) as u64, a.max(0) as u64))
    }

    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, flags \
             FROM votes WHERE voted_at_ms >= $1 ORDER BY voted_at_ms, battle_id COLLATE \"C\"",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit_vote).collect()
    }

    async fn flag_votes(&self, battle_ids: &[String], reason: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE votes SET flags = CASE WHEN flags = '' THEN $1 ELSE flags || ',' || $1 END \
             WHERE battle_id = ANY($2) AND NOT (',' || flags || ',' LIKE '%,' || $1 || ',%')",
        )
        .bind(reason)
        .bind(battle_ids)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn first_votes_of_voters_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT voter_id, MIN(voted_at_ms) FROM votes WHERE voter_id IN \
             (SELECT DISTINCT voter_id FROM votes WHERE voted_at_ms >= $1) GROUP BY voter_id",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn excluded_counts(&self) -> Result<Vec<ExcludedCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, split_part(flags, ',', 1), COUNT(*) \
             FROM votes WHERE flags <> '' GROUP BY 1, 2 \
             ORDER BY category COLLATE \"C\", split_part(flags, ',', 1) COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::excluded_count).collect()
    }

    async fn address_key(&self, day: i64) -> Result<[u8; 32], StoreError> {
        let fresh: [u8; 32] = rand::random();
        sqlx::query(
            "INSERT INTO address_keys (day, key) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
        )
        .bind(day)
        .bind(fresh.as_slice())
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM address_keys WHERE day < $1")
            .bind(day - 1)
            .execute(&self.pool)
            .await?;
        let key: Vec<u8> = sqlx::query_scalar("SELECT key FROM address_keys WHERE day = $1")
            .bind(day)
            .fetch_one(&self.pool)
            .await?;
        key.try_into()
            .map_err(|_| StoreError::Other(anyhow::anyhow!("an address key is not 32 bytes")))
    }

    async fn forget_addresses(&self, before_ms: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE votes SET address_hash = NULL \
             WHERE address_hash IS NOT NULL AND voted_at_ms < $1",
        )
        .bind(before_ms)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn leaked_answers(&self) -> Result<Vec<LeakedAnswer>, StoreError> {
        Ok(sqlx::query_as::<_, (String, String, String, bool)>(
            "SELECT prompt_id, model_id, identity_leak, leak_allowed FROM answers \
             WHERE identity_leak IS NOT NULL \
             ORDER BY prompt_id COLLATE \"C\", model_id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(prompt_id, model_id, term, allowed)| LeakedAnswer {
            prompt_id,
            model_id,
            term,
            allowed,
        })
        .collect())
    }

    async fn allow_leaked_answer(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE answers SET leak_allowed = $3 \
             WHERE prompt_id = $1 AND model_id = $2 AND identity_leak IS NOT NULL",
        )
        .bind(prompt_id)
        .bind(model_id)
        .bind(allowed)
        .execute(&self.pool)
        .await?
        .rows_affected()
            > 0)
    }

    async fn models(&self) -> Result<Vec<ModelRef>, StoreError> {
        Ok(sqlx::query_as::<_, (String, String)>(
            "SELECT id, name FROM models ORDER BY id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(id, name)| ModelRef { id, name })
        .collect())
    }

    async fn categories(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT category FROM prompts GROUP BY category ORDER BY category COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn vote_counts(&self) -> Result<Vec<VoteCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, model_a, model_b, choice, COUNT(*) FROM votes WHERE flags = '' \
             GROUP BY category, model_a, model_b, choice \
             ORDER BY category COLLATE \"C\", model_a COLLATE \"C\", model_b COLLATE \"C\", \
                      choice COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, prompt_id, category, model_a, model_b, choice, voted_at_ms \
             FROM votes WHERE flags = '' ORDER BY voted_at_ms, battle_id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::public_battle).collect()
    }
}
