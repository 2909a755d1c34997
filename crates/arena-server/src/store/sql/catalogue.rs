//! The catalogue's queries: models, prompts and answers (an import, the registry, held answers,
//! live battles, category weights), the draw's reads and the operators' snapshots and log.

use arena_core::admin::{Licence, ModelUpdate, RegistryModel};
use arena_core::api::{ModelRef, SnapshotSummary};
use arena_core::battle_set::BattleSet;
use async_trait::async_trait;
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Transaction, Type};

use super::{DRAWABLE, Dialect, SqlStore, Value};
use crate::store::catalogue::{self, CatalogueTx};
use crate::store::draw::{DrawSource, DrawableAnswer};
use crate::store::{
    CategoryWeight, ImportOptions, ImportReport, LiveBattle, NewAudit, NewSnapshot, StoreError,
    category_list, rows,
};

/// An import's (or an operator's change's) reads and writes inside one transaction.
pub(super) struct Catalogue<D: Dialect>(pub(super) Transaction<'static, D>);

/// Every draw is made from the catalogue as it was at this version: each change adds one.
const NEXT_VERSION: &str = "UPDATE catalogue_version SET version = version + 1";

#[async_trait]
impl<D: Dialect> CatalogueTx for Catalogue<D>
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
        let done = sqlx::query(
            "INSERT INTO models (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .execute(&mut *self.0)
        .await?;
        Ok(D::affected(&done) > 0)
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
        let sql = format!("{} WHERE m.id = $1{}", rows::REGISTRY, D::lock_rows("m"));
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

impl<D: Dialect> SqlStore<D>
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
    /// A transaction for a change of the catalogue (or the operators' records).
    pub(super) async fn change(&self) -> Result<Catalogue<D>, StoreError> {
        Ok(Catalogue(self.pool.begin_with(D::BEGIN_WRITE).await?))
    }

    /// A change that draws must see: the next version, committed, and the draw index rebuilt.
    async fn commit_drawn(&self, mut tx: Catalogue<D>, changed: bool) -> Result<(), StoreError> {
        if changed {
            sqlx::query(NEXT_VERSION).execute(&mut *tx.0).await?;
        }
        tx.0.commit().await?;
        self.draws.invalidate();
        Ok(())
    }

    pub(super) async fn import_catalogue(
        &self,
        set: &BattleSet,
        options: ImportOptions<'_>,
    ) -> Result<ImportReport, StoreError> {
        let mut tx = self.change().await?;
        // One import at a time across every server; votes go on meanwhile.
        D::lock_imports(&mut tx.0).await?;
        let report = catalogue::import_into(&mut tx, set, options.progress).await?;
        if options.dry_run {
            tx.0.rollback().await?;
            return Ok(report);
        }
        catalogue::log_import(&mut tx, options.audit, &report).await?;
        self.commit_drawn(tx, report.changed_anything()).await?;
        Ok(report)
    }

    pub(super) async fn update_registry(
        &self,
        id: &str,
        update: &ModelUpdate,
        audit: NewAudit,
    ) -> Result<Option<RegistryModel>, StoreError> {
        let mut tx = self.change().await?;
        let updated = catalogue::update_model(&mut tx, id, update, audit).await?;
        self.commit_drawn(tx, updated.is_some()).await?;
        Ok(updated)
    }

    pub(super) async fn publish(
        &self,
        snapshot: &NewSnapshot,
        audit: NewAudit,
    ) -> Result<SnapshotSummary, StoreError> {
        let mut tx = self.change().await?;
        let summary = catalogue::publish_snapshot(&mut tx, snapshot, audit).await?;
        tx.0.commit().await?;
        Ok(summary)
    }

    pub(super) async fn allow_held(
        &self,
        prompt_id: &str,
        model_id: &str,
        allowed: bool,
        audit: Option<NewAudit>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.change().await?;
        let done = sqlx::query(
            "UPDATE answers SET leak_allowed = $3 \
             WHERE prompt_id = $1 AND model_id = $2 AND identity_leak IS NOT NULL",
        )
        .bind(prompt_id)
        .bind(model_id)
        .bind(allowed)
        .execute(&mut *tx.0)
        .await?;
        let changed = D::affected(&done) > 0;
        if changed && let Some(audit) = audit {
            tx.append_audit(&audit).await?;
        }
        self.commit_drawn(tx, changed).await?;
        Ok(changed)
    }

    pub(super) async fn register(&self, models: &[ModelRef]) -> Result<u64, StoreError> {
        let mut tx = self.change().await?;
        let mut added = 0;
        for m in models {
            let done = sqlx::query(
                "INSERT INTO models (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&m.id)
            .bind(&m.name)
            .execute(&mut *tx.0)
            .await?;
            added += D::affected(&done);
        }
        self.commit_drawn(tx, added > 0).await?;
        Ok(added)
    }

    pub(super) async fn store_live(&self, battle: &LiveBattle) -> Result<(), StoreError> {
        let mut tx = self.change().await?;
        sqlx::query("INSERT INTO prompts (id, category, text) VALUES ($1, $2, $3)")
            .bind(&battle.prompt_id)
            .bind(&battle.category)
            .bind(&battle.prompt)
            .execute(&mut *tx.0)
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
            .execute(&mut *tx.0)
            .await?;
        }
        tx.0.commit().await?;
        Ok(())
    }

    pub(super) async fn categories_with_weights(&self) -> Result<Vec<CategoryWeight>, StoreError> {
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

    pub(super) async fn weigh_category(
        &self,
        category: &str,
        weight: f64,
        mut audit: NewAudit,
    ) -> Result<Option<CategoryWeight>, StoreError> {
        let mut tx = self.change().await?;
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
        audit.detail = serde_json::json!({
            "before": { "weight": before.unwrap_or(1.0) },
            "after": { "weight": weight },
        });
        tx.append_audit(&audit).await?;
        self.commit_drawn(tx, true).await?;
        Ok(self
            .categories_with_weights()
            .await?
            .into_iter()
            .find(|c| c.category == category))
    }
}

#[async_trait]
impl<D: Dialect> DrawSource for SqlStore<D>
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
