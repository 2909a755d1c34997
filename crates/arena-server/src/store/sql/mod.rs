//! Every query of the arena, written once for both databases.
//!
//! [`SqlStore`] is the store over any database with a [`Dialect`]: the few fragments in which
//! SQLite and PostgreSQL really differ (the order of text, how a write transaction starts, row
//! locks) and the few things each does its own way (storing a vote, marking votes, a backup,
//! closing). Parameters are written `$1`, `$2`, … which both understand. `sqlite.rs` and
//! `postgres.rs` hold only what is their database's own; rows become the arena's types in
//! `rows.rs`; what an import changes is decided in `catalogue.rs`.

mod catalogue;
mod dialect;
mod panel;
mod review;
mod rounds;
mod votes;

use std::fmt::Debug;
use std::path::Path;
use std::sync::Arc;

use arena_core::Flag;
use arena_core::admin::{AuditEntry, ModelUpdate, RegistryModel};
use arena_core::api::{ModelRef, PublicBattle, RevealedModels, SnapshotSummary};
use arena_core::battle_set::BattleSet;
use arena_core::round::{Round, RoundDraft, RoundState};
use async_trait::async_trait;
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::draw::DrawIndex;
use super::rounds::RoundDraws;
use super::rows;
use super::{
    AuditVote, CategoryWeight, DailyCaps, DrawnBattle, ExcludedCount, FlaggedVoter, HeldAnswerRow,
    ImportOptions, ImportReport, LiveBattle, NewAudit, NewSnapshot, NewVote, ReasonCount,
    ReasonsUpdate, Recorded, Store, StoreError, StoredVote, VoteCount, rounds::RoundRefused,
    tally_hour,
};

pub use dialect::{Dialect, Value};
pub use review::{FlagRow, group_flagged, parse_overrides};
pub(in crate::store) use votes::{stored, tallied};

/// The store over a database with a [`Dialect`]: `SqliteStore` and `PgStore`.
#[derive(Debug)]
pub struct SqlStore<D: Dialect> {
    pub(super) pool: Pool<D>,
    pub(super) draws: Arc<DrawIndex>,
    /// The sealed answers of the rounds this server drew from.
    pub(super) rounds: Arc<RoundDraws>,
    pub(super) own: D::Own,
}

// By hand: a derive would ask the database's marker type to be `Clone`.
impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
            draws: self.draws.clone(),
            rounds: self.rounds.clone(),
            own: self.own.clone(),
        }
    }
}

impl<D: Dialect> SqlStore<D> {
    pub(super) fn new(pool: Pool<D>, own: D::Own) -> Self {
        SqlStore {
            pool,
            draws: Arc::default(),
            rounds: Arc::default(),
            own,
        }
    }

    /// The pool, for operator tooling and tests that look at rows directly.
    pub fn pool(&self) -> &Pool<D> {
        &self.pool
    }
}

/// An answer may be drawn unless it names its model and no operator allowed it.
const DRAWABLE: &str = "(a.identity_leak IS NULL OR a.leak_allowed) AND NOT a.live \
     AND a.model_id IN (SELECT id FROM models WHERE status = 'active')";

/// The vote stored for a battle, with its models' names.
pub(super) const STORED_VOTE: &str = "SELECT v.choice, v.model_a, ma.name, v.model_b, mb.name, \
     v.flags FROM votes v \
     JOIN models ma ON ma.id = v.model_a JOIN models mb ON mb.id = v.model_b \
     WHERE v.battle_id = $1";

/// `ORDER BY` over text columns, in byte order.
fn in_bytes<D: Dialect>(columns: &[&str]) -> String {
    let columns: Vec<String> = columns.iter().map(|c| format!("{c}{}", D::BYTES)).collect();
    columns.join(", ")
}

// Each generic `impl` over a dialect repeats the bounds below (Rust does not carry a trait's
// `where` clauses to its users): what the shared queries need of a database. Keep them alike.
#[async_trait]
impl<D: Dialect> Store for SqlStore<D>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> &'q [u8]: Encode<'q, D> + Type<D>,
    String: Value<D>,
    i64: Value<D>,
    f64: Value<D>,
    bool: Value<D>,
    Vec<u8>: Value<D>,
    Option<String>: Value<D>,
    Option<i64>: Value<D>,
    for<'q> Option<&'q str>: Encode<'q, D> + Type<D>,
    usize: ColumnIndex<D::Row>,
    for<'a> &'a str: ColumnIndex<D::Row>,
{
    async fn import_with(
        &self,
        set: &BattleSet,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, StoreError> {
        self.import_catalogue(set, options).await
    }

    async fn registry(&self) -> Result<Vec<RegistryModel>, StoreError> {
        let sql = format!("{} ORDER BY {}", rows::REGISTRY, in_bytes::<D>(&["m.id"]));
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(rows::registry_model).collect()
    }

    async fn update_model(
        &self,
        id: &str,
        update: &ModelUpdate,
        audit: NewAudit,
    ) -> Result<Option<RegistryModel>, StoreError> {
        self.update_registry(id, update, audit).await
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
        self.publish(snapshot, audit).await
    }

    async fn snapshots(&self) -> Result<Vec<SnapshotSummary>, StoreError> {
        let sql = format!("{} ORDER BY id DESC", rows::SNAPSHOTS);
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(rows::snapshot_summary).collect()
    }

    async fn create_round(
        &self,
        draft: &RoundDraft,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError> {
        self.seal_round(draft, now_ms, audit).await
    }

    async fn rounds(&self, drafts: bool) -> Result<Vec<Round>, StoreError> {
        self.list_rounds(drafts).await
    }

    async fn round(&self, id: i64) -> Result<Option<Round>, StoreError> {
        self.round_by_id(id).await
    }

    async fn move_round(
        &self,
        id: i64,
        to: RoundState,
        audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError> {
        self.step_round(id, to, audit).await
    }

    async fn due_rounds(&self, now_ms: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM rounds WHERE state = 'open' AND closes_at_ms <= $1 ORDER BY id",
        )
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_batch(
        &self,
        round: i64,
        request: &arena_core::panel::BatchRequest,
        code_sha256: &(dyn Fn(i64, u32) -> String + Send + Sync),
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<arena_core::panel::Batch, super::panel::PanelRefused>, StoreError> {
        self.make_batch(round, request, code_sha256, now_ms, audit)
            .await
    }

    async fn batch(&self, id: i64) -> Result<Option<arena_core::panel::Batch>, StoreError> {
        self.batch_by_id(id).await
    }

    async fn batches(&self, round: i64) -> Result<Vec<arena_core::panel::Batch>, StoreError> {
        self.batches_of(round).await
    }

    async fn revoke_code(
        &self,
        code_sha256: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<arena_core::panel::Batch, super::panel::PanelRefused>, StoreError> {
        self.revoke_unused(code_sha256, now_ms, audit).await
    }

    async fn redeem(
        &self,
        code_sha256: &str,
        panelist: &super::panel::NewPanelist,
    ) -> Result<Result<i64, super::panel::JoinRefused>, StoreError> {
        self.redeem_code(code_sha256, panelist).await
    }

    async fn recover(
        &self,
        code_sha256: &str,
        panelist: &str,
        now_ms: i64,
    ) -> Result<Result<i64, super::panel::JoinRefused>, StoreError> {
        self.recover_panelist(code_sha256, panelist, now_ms).await
    }

    async fn panelist(
        &self,
        id: &str,
    ) -> Result<Option<super::panel::PanelistStanding>, StoreError> {
        self.panelist_standing(id).await
    }

    async fn revoke_panelist(
        &self,
        id: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<bool, StoreError> {
        self.revoke_member(id, now_ms, audit).await
    }

    async fn set_quotas(
        &self,
        round: i64,
        target: u32,
        margins: &[arena_core::panel::Margin],
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<Result<(), super::panel::PanelRefused>, StoreError> {
        self.put_quotas(round, target, margins, now_ms, audit).await
    }

    async fn quotas(&self, round: i64) -> Result<arena_core::panel::Quotas, StoreError> {
        self.quotas_of(round).await
    }

    async fn close_cell(
        &self,
        round: i64,
        cell: &str,
        now_ms: i64,
        audit: NewAudit,
    ) -> Result<u64, StoreError> {
        self.close_cell_codes(round, cell, now_ms, audit).await
    }

    async fn round_votes(
        &self,
        round: i64,
    ) -> Result<Vec<arena_core::round::RoundVote>, StoreError> {
        self.votes_of(round).await
    }

    async fn draw_in_round(&self, round: i64) -> Result<Option<DrawnBattle>, StoreError> {
        self.draw_in(round).await
    }

    async fn round_votes_of(&self, round: i64, voter_id: &str) -> Result<u64, StoreError> {
        self.votes_in(round, voter_id).await
    }

    async fn round_vote_counts(
        &self,
        round: i64,
        panel: bool,
    ) -> Result<Vec<VoteCount>, StoreError> {
        self.cells_of(round, panel).await
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
        D::record_vote(self, vote, caps).await
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
        .bind(reasons)
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
        let rows = sqlx::query(&format!(
            "SELECT category, model_a, model_b, choice, CAST(reasons AS BIGINT), COUNT(*) \
             FROM votes WHERE reasons <> 0 AND flags = 0 AND round_id IS NULL \
             GROUP BY category, model_a, model_b, choice, reasons ORDER BY {}, reasons",
            in_bytes::<D>(&["category", "model_a", "model_b", "choice"])
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::reason_count).collect()
    }

    async fn votes_since(&self, since_ms: i64) -> Result<Vec<AuditVote>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, \
                    flags, prompt_id \
             FROM votes WHERE voted_at_ms >= $1 AND round_id IS NULL ORDER BY voted_at_ms, {}",
            in_bytes::<D>(&["battle_id"])
        ))
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit_vote).collect()
    }

    async fn flag_votes(&self, battle_ids: &[String], flag: Flag) -> Result<u64, StoreError> {
        D::flag_votes(self, battle_ids, flag).await
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
        let rows = sqlx::query("SELECT category, flag, count FROM excluded_cells WHERE count > 0")
            .fetch_all(&self.pool)
            .await?;
        let mut counts: Vec<ExcludedCount> = rows
            .iter()
            .map(rows::excluded_count)
            .collect::<Result<_, _>>()?;
        // By category, then reason code, in byte order (the cells are keyed by bit).
        counts.sort_by(|a, b| {
            (a.category.as_bytes(), &a.reason).cmp(&(b.category.as_bytes(), &b.reason))
        });
        Ok(counts)
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
        let done = sqlx::query(
            "UPDATE votes SET address_hash = NULL \
             WHERE address_hash IS NOT NULL AND voted_at_ms < $1",
        )
        .bind(before_ms)
        .execute(&self.pool)
        .await?;
        Ok(D::affected(&done))
    }

    async fn prune_tallies(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM vote_tallies WHERE hour < $1")
            .bind(tally_hour(before_ms))
            .execute(&self.pool)
            .await?;
        Ok(D::affected(&done))
    }

    async fn tallies(
        &self,
        voter_id: &str,
        address_hashes: &[String; 2],
        now_ms: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut conn = self.pool.acquire().await?;
        tallied::<D>(&mut conn, voter_id, address_hashes, now_ms).await
    }

    async fn held_answers(&self) -> Result<Vec<HeldAnswerRow>, StoreError> {
        Ok(
            sqlx::query_as::<_, (String, String, String, bool, String)>(&format!(
                "SELECT prompt_id, model_id, identity_leak, leak_allowed, text FROM answers \
             WHERE identity_leak IS NOT NULL ORDER BY {}",
                in_bytes::<D>(&["prompt_id", "model_id"])
            ))
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
            .collect(),
        )
    }

    async fn allow_held_answer_logged(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
        audit: Option<NewAudit>,
    ) -> Result<bool, StoreError> {
        self.allow_held(prompt_id, model_id, allowed, audit).await
    }

    async fn register_models(&self, models: &[ModelRef]) -> Result<u64, StoreError> {
        self.register(models).await
    }

    async fn store_live_battle(&self, battle: &LiveBattle) -> Result<(), StoreError> {
        self.store_live(battle).await
    }

    async fn flagged_voters(&self) -> Result<Vec<FlaggedVoter>, StoreError> {
        self.flagged().await
    }

    async fn review_flag(
        &self,
        voter: &str,
        reason: Flag,
        counted: bool,
        audit: NewAudit,
    ) -> Result<Option<u64>, StoreError> {
        self.review(voter, reason, counted, audit).await
    }

    async fn category_weights_admin(&self) -> Result<Vec<CategoryWeight>, StoreError> {
        self.categories_with_weights().await
    }

    async fn set_category_weight(
        &self,
        category: &str,
        weight: f64,
        audit: NewAudit,
    ) -> Result<Option<CategoryWeight>, StoreError> {
        self.weigh_category(category, weight, audit).await
    }

    async fn models(&self) -> Result<Vec<ModelRef>, StoreError> {
        Ok(sqlx::query_as::<_, (String, String)>(&format!(
            "SELECT id, name FROM models ORDER BY {}",
            in_bytes::<D>(&["id"])
        ))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(id, name)| ModelRef::named(id, name))
        .collect())
    }

    async fn categories(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT category FROM prompts GROUP BY category ORDER BY {}",
            in_bytes::<D>(&["category"])
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn vote_counts(&self) -> Result<Vec<VoteCount>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT category, model_a, model_b, choice, count FROM vote_cells WHERE count > 0 \
             ORDER BY {}",
            in_bytes::<D>(&["category", "model_a", "model_b", "choice"])
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }

    async fn public_battles(&self) -> Result<Vec<PublicBattle>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT v.battle_id, v.prompt_id, v.category, v.model_a, v.model_b, v.choice, \
                    v.voted_at_ms, CAST(v.reasons AS BIGINT), p.text, aa.text, ab.text \
             FROM votes v \
             LEFT JOIN answers aa ON aa.prompt_id = v.prompt_id AND aa.model_id = v.model_a \
                                 AND aa.live \
             LEFT JOIN answers ab ON ab.prompt_id = v.prompt_id AND ab.model_id = v.model_b \
                                 AND ab.live \
             LEFT JOIN prompts p ON p.id = v.prompt_id AND aa.prompt_id IS NOT NULL \
             WHERE v.flags = 0 AND v.round_id IS NULL ORDER BY v.voted_at_ms, {}",
            in_bytes::<D>(&["v.battle_id"])
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::public_battle).collect()
    }

    fn shared(&self) -> bool {
        D::SHARED
    }

    async fn lead_recomputation(
        &self,
        holder: &str,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE leaderboard_lease SET holder = $1, until_ms = $2 + $3 \
             WHERE id = 1 AND (holder = $1 OR until_ms < $2)",
        )
        .bind(holder)
        .bind(now_ms)
        .bind(lease_ms)
        .execute(&self.pool)
        .await?;
        Ok(D::affected(&done) == 1)
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
             ON CONFLICT (id) DO UPDATE SET computed_at_ms = EXCLUDED.computed_at_ms, \
             body = EXCLUDED.body",
        )
        .bind(computed_at_ms)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn published_tables(&self, served_ms: i64) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT computed_at_ms, body FROM leaderboard_published \
             WHERE id = 1 AND computed_at_ms <> $1",
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
        D::backup(self, to).await
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    async fn close(&self) -> Result<(), StoreError> {
        D::before_close(self).await?;
        self.pool.close().await;
        Ok(())
    }
}
