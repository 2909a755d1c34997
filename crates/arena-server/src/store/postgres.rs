//! The PostgreSQL store: one database behind several stateless servers.
//!
//! The same [`Store`] as SQLite, in PostgreSQL's dialect, with its own migrations
//! (`migrations/postgres`). What an import changes is decided in `catalogue.rs`, rows become the
//! arena's types in `rows.rs`; this file only speaks SQL. A vote is acknowledged after its
//! transaction is committed with PostgreSQL's default `synchronous_commit = on`, so a 200
//! survives a crash of the database server too. Text is ordered byte by byte (`COLLATE "C"`), as
//! SQLite does, so every server and both stores list counts and models in the same order.

use std::sync::Arc;
use std::time::Duration;

use arena_core::admin::{AuditEntry, Licence, ModelUpdate, RegistryModel};
use arena_core::api::{ModelRef, PublicBattle, RevealedModels, SnapshotSummary};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Row};

use super::catalogue::{self, CatalogueTx};
use super::draw::{DrawIndex, DrawSource, DrawableAnswer};
use super::rows;
use super::{
    AuditVote, CAP_WINDOW_HOURS, DailyCaps, DrawnBattle, ExcludedCount, FlagRow, FlaggedVoter,
    HeldAnswerRow, ImportOptions, ImportReport, LiveBattle, NewAudit, NewSnapshot, NewVote,
    ReasonCount, ReasonsUpdate, Recorded, Store, StoreError, StoredVote, VoteCount, address_key,
    cap_flags, group_flagged, parse_overrides, tally_hour, voter_key,
};
use super::{CategoryWeight, category_list};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// An answer may be drawn unless it names its model and no operator allowed it.
const DRAWABLE: &str = "(a.identity_leak IS NULL OR a.leak_allowed) AND NOT a.live \
     AND a.model_id IN (SELECT id FROM models WHERE status = 'active')";

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    /// For `pg_dump` (backups); never printed.
    url: String,
    draws: Arc<DrawIndex>,
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
        Ok(PgStore {
            pool,
            url: url.to_owned(),
            draws: Arc::default(),
        })
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

    async fn registry_model(&mut self, id: &str) -> Result<Option<RegistryModel>, StoreError> {
        // Locked until the change commits, so two operators' changes log true "before"s.
        let sql = format!("{} WHERE m.id = $1 FOR UPDATE OF m", rows::REGISTRY);
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
impl Store for PgStore {
    async fn import_with(
        &self,
        set: &BattleSet,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, StoreError> {
        let mut tx = PgCatalogue(self.pool.begin().await?);
        // One import at a time across every server; votes go on meanwhile.
        sqlx::query("SELECT pg_advisory_xact_lock(7413001)")
            .execute(&mut *tx.0)
            .await?;
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
        let mut tx = PgCatalogue(self.pool.begin().await?);
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
        let mut tx = PgCatalogue(self.pool.begin().await?);
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
             GROUP BY prompt_id HAVING COUNT(*) >= 2) ready"
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
        // PostgreSQL commits concurrent transactions with one flush of its log (group commit of
        // its own), so each vote is simply its own transaction.
        let mut tx = self.pool.begin().await?;
        let result = write_vote(&mut tx, vote, caps).await;
        if matches!(result, Ok(Recorded::Stored { .. })) {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        result
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
            "UPDATE votes SET reasons = $1 WHERE battle_id = $2 AND voted_at_ms >= $3 \
             RETURNING voted_at_ms",
        )
        .bind(reasons as i32)
        .bind(battle_id)
        .bind(voted_since_ms)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(voted_at_ms) = updated {
            return Ok(ReasonsUpdate::Saved { voted_at_ms });
        }
        let voted: Option<i64> =
            sqlx::query_scalar("SELECT voted_at_ms FROM votes WHERE battle_id = $1")
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
            "SELECT category, model_a, model_b, choice, reasons::BIGINT, COUNT(*)::BIGINT FROM votes \
             WHERE reasons <> 0 AND flags = '' GROUP BY category, model_a, model_b, choice, reasons \
             ORDER BY category COLLATE \"C\", model_a COLLATE \"C\", model_b COLLATE \"C\", choice COLLATE \"C\", reasons",
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
        Ok(sqlx::query("DELETE FROM vote_tallies WHERE hour < $1")
            .bind(tally_hour(before_ms))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    fn shared(&self) -> bool {
        true
    }

    async fn lead_recomputation(
        &self,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE leaderboard_lease SET holder = $1, until_ms = $2 + $3 \
             WHERE id = 1 AND (holder = $1 OR until_ms < $2)",
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
            "INSERT INTO leaderboard_published (id, computed_at_ms, body) VALUES (1, $1, $2) \
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
            "SELECT computed_at_ms, body FROM leaderboard_published WHERE id = 1 AND computed_at_ms <> $1",
        )
        .bind(served_ms)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn backup(&self, to: &std::path::Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "{} exists; a backup never overwrites a file",
                to.display()
            )));
        }
        // pg_dump reads in one repeatable-read snapshot: consistent while votes go on. Restore
        // with `pg_restore -d postgres://.../new_database FILE`.
        let out = tokio::process::Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--file")
            .arg(to)
            .arg("--dbname")
            .arg(&self.url)
            .output()
            .await
            .map_err(|e| {
                StoreError::Other(anyhow::anyhow!(
                    "cannot run pg_dump (Debian: postgresql-client): {e}"
                ))
            })?;
        if !out.status.success() {
            return Err(StoreError::Other(anyhow::anyhow!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.pool.close().await;
        Ok(())
    }

    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError> {
        let rows = sqlx::query(
            "SELECT battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, flags, \
                    prompt_id \
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
             WHERE battle_id = ANY($2) AND NOT (',' || flags || ',' LIKE '%,' || $1 || ',%') \
             AND NOT EXISTS (SELECT 1 FROM flag_overrides o \
                             WHERE o.voter_id = votes.voter_id AND o.reason = $1 \
                             AND position('\"' || votes.battle_id || '\"' in o.battles) > 0)",
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
            "SELECT category, reason, count FROM excluded_cells WHERE count > 0 \
             ORDER BY category COLLATE \"C\", reason COLLATE \"C\"",
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

    async fn held_answers(&self) -> Result<Vec<HeldAnswerRow>, StoreError> {
        Ok(sqlx::query_as::<_, (String, String, String, bool, String)>(
            "SELECT prompt_id, model_id, identity_leak, leak_allowed, text FROM answers \
             WHERE identity_leak IS NOT NULL \
             ORDER BY prompt_id COLLATE \"C\", model_id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(prompt_id, model_id, term, allowed, text)| HeldAnswerRow {
            prompt_id,
            model_id,
            term,
            allowed,
            text,
        })
        .collect())
    }

    async fn allow_held_answer_logged(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
        audit: Option<NewAudit>,
    ) -> Result<bool, StoreError> {
        let mut tx = PgCatalogue(self.pool.begin().await?);
        let changed = sqlx::query(
            "UPDATE answers SET leak_allowed = $3 \
             WHERE prompt_id = $1 AND model_id = $2 AND identity_leak IS NOT NULL",
        )
        .bind(prompt_id)
        .bind(model_id)
        .bind(allowed)
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

    async fn models(&self) -> Result<Vec<ModelRef>, StoreError> {
        Ok(sqlx::query_as::<_, (String, String)>(
            "SELECT id, name FROM models ORDER BY id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(id, name)| ModelRef::named(id, name))
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
            "SELECT category, model_a, model_b, choice, count FROM vote_cells WHERE count > 0 \
             ORDER BY category COLLATE \"C\", model_a COLLATE \"C\", model_b COLLATE \"C\", \
                      choice COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.battle_id, v.prompt_id, v.category, v.model_a, v.model_b, v.choice, \
                    v.voted_at_ms, v.reasons::BIGINT, p.text, aa.text, ab.text \
             FROM votes v \
             LEFT JOIN answers aa ON aa.prompt_id = v.prompt_id AND aa.model_id = v.model_a \
                                 AND aa.live \
             LEFT JOIN answers ab ON ab.prompt_id = v.prompt_id AND ab.model_id = v.model_b \
                                 AND ab.live \
             LEFT JOIN prompts p ON p.id = v.prompt_id AND aa.prompt_id IS NOT NULL \
             WHERE v.flags = '' ORDER BY v.voted_at_ms, v.battle_id COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::public_battle).collect()
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
        let mut tx = PgCatalogue(self.pool.begin().await?);
        let battles: Vec<String> = if counted {
            sqlx::query_scalar(
                "SELECT battle_id FROM votes WHERE voter_id = $1 \
                 AND ',' || flags || ',' LIKE '%,' || $2 || ',%' ORDER BY battle_id COLLATE \"C\" \
                 FOR UPDATE",
            )
            .bind(voter)
            .bind(reason)
            .fetch_all(&mut *tx.0)
            .await?
        } else {
            let kept: Option<String> = sqlx::query_scalar(
                "SELECT battles FROM flag_overrides WHERE voter_id = $1 AND reason = $2 FOR UPDATE",
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
                "UPDATE votes SET flags = trim(both ',' from replace(',' || flags || ',', ',' || $1 || ',', ',')) \
                 WHERE battle_id = $2 AND ',' || flags || ',' LIKE '%,' || $1 || ',%'"
            } else {
                "UPDATE votes SET flags = CASE WHEN flags = '' THEN $1 ELSE flags || ',' || $1 END \
                 WHERE battle_id = $2 AND ',' || flags || ',' NOT LIKE '%,' || $1 || ',%'"
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
                "SELECT battles FROM flag_overrides WHERE voter_id = $1 AND reason = $2 FOR UPDATE",
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
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (voter_id, reason) DO UPDATE SET \
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
            sqlx::query("DELETE FROM flag_overrides WHERE voter_id = $1 AND reason = $2")
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
        let mut tx = PgCatalogue(self.pool.begin().await?);
        let prompts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prompts WHERE category = $1")
            .bind(category)
            .fetch_one(&mut *tx.0)
            .await?;
        if prompts == 0 {
            return Ok(None);
        }
        let before: Option<f64> =
            sqlx::query_scalar("SELECT weight FROM category_weights WHERE category = $1")
                .bind(category)
                .fetch_optional(&mut *tx.0)
                .await?;
        sqlx::query("DELETE FROM category_weights WHERE category = $1")
            .bind(category)
            .execute(&mut *tx.0)
            .await?;
        if weight != 1.0 {
            sqlx::query("INSERT INTO category_weights (category, weight) VALUES ($1, $2)")
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
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for m in models {
            added += sqlx::query(
                "INSERT INTO models (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            )
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO prompts (id, category, text) VALUES ($1, $2, $3)")
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
                "INSERT INTO answers (prompt_id, model_id, text, live) VALUES ($1, $2, $3, TRUE)",
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
impl DrawSource for PgStore {
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
                 JOIN answers aa ON aa.prompt_id = p.id AND aa.model_id = $2 \
                 JOIN answers ab ON ab.prompt_id = p.id AND ab.model_id = $3 WHERE p.id = $1",
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
     WHERE v.battle_id = $1";

/// Counted votes of a voter and of an address's two hashes in the caps' window.
async fn tallied(
    conn: &mut PgConnection,
    voter_id: &str,
    address_hashes: &[String; 2],
    now_ms: i64,
) -> Result<(u64, u64), StoreError> {
    let since = tally_hour(now_ms) - CAP_WINDOW_HOURS + 1;
    let (by_voter, by_address): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(count) FILTER (WHERE key = $1), 0)::BIGINT, \
                COALESCE(SUM(count) FILTER (WHERE key <> $1), 0)::BIGINT \
         FROM vote_tallies WHERE key IN ($1, $2, $3) AND hour >= $4",
    )
    .bind(voter_key(voter_id))
    .bind(address_key(&address_hashes[0]))
    .bind(address_key(&address_hashes[1]))
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((by_voter.max(0) as u64, by_address.max(0) as u64))
}

/// One vote in its own transaction: the battle must still exist; the caps are counted first
/// (the upsert locks this hour's tally rows, so concurrent votes of one voter or address, on
/// any server, are checked one after the other), then the vote is stored once and the triggers
/// move it into its cell. The caller commits only a stored vote.
async fn write_vote(
    conn: &mut PgConnection,
    vote: &NewVote,
    caps: Option<&DailyCaps>,
) -> Result<Recorded, StoreError> {
    let row = sqlx::query(
        "SELECT p.category, ma.name, mb.name FROM prompts p \
         JOIN answers aa ON aa.prompt_id = p.id AND aa.model_id = $2 \
         JOIN models ma ON ma.id = aa.model_id \
         JOIN answers ab ON ab.prompt_id = p.id AND ab.model_id = $3 \
         JOIN models mb ON mb.id = ab.model_id WHERE p.id = $1",
    )
    .bind(&vote.prompt_id)
    .bind(&vote.model_a)
    .bind(&vote.model_b)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return match stored(conn, &vote.battle_id).await? {
            Some(earlier) => Ok(Recorded::Duplicate(earlier)),
            None => Err(StoreError::BattleGone),
        };
    };
    let category: String = row.try_get(0)?;
    let mut flags = vote.flags.clone();
    if let Some(caps) = caps {
        let counted = flags.is_empty();
        if counted {
            // Lock and count this vote first; take it back below if a cap says no.
            tally(conn, vote, caps, 1).await?;
        }
        let (by_voter, by_address) =
            tallied(conn, &vote.voter_id, &caps.address_hashes, vote.voted_at_ms).await?;
        let mine = u64::from(counted);
        let over = cap_flags(
            caps,
            by_voter.saturating_sub(mine),
            by_address.saturating_sub(mine),
        );
        if counted && !over.is_empty() {
            tally(conn, vote, caps, -1).await?;
        }
        flags.extend(over);
    }
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
    .bind(flags.join(","))
    .bind(vote.min_read_ms)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return match stored(conn, &vote.battle_id).await? {
            Some(earlier) => Ok(Recorded::Duplicate(earlier)),
            None => Err(StoreError::Other(anyhow::anyhow!(
                "a vote conflicted and then was not there"
            ))),
        };
    }
    Ok(Recorded::Stored {
        models: RevealedModels {
            a: ModelRef::named(vote.model_a.clone(), row.try_get(1)?),
            b: ModelRef::named(vote.model_b.clone(), row.try_get(2)?),
        },
        not_counted: flags,
    })
}

/// Adds `delta` to this hour's tallies of the vote's voter and address.
async fn tally(
    conn: &mut PgConnection,
    vote: &NewVote,
    caps: &DailyCaps,
    delta: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO vote_tallies (key, hour, count) VALUES ($1, $3, $4), ($2, $3, $4) \
         ON CONFLICT (key, hour) DO UPDATE SET count = vote_tallies.count + EXCLUDED.count",
    )
    .bind(voter_key(&vote.voter_id))
    .bind(address_key(&caps.address_hashes[0]))
    .bind(tally_hour(vote.voted_at_ms))
    .bind(delta)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn stored(
    conn: &mut PgConnection,
    battle_id: &str,
) -> Result<Option<StoredVote>, StoreError> {
    let row = sqlx::query(STORED_VOTE)
        .bind(battle_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(rows::stored_vote).transpose()
}
