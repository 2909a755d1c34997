//! What an import changes: the arena's rule, written once above the stores.
//!
//! An import adds what is new, renames models and rewrites prompts and answers whose text
//! changed, counts each kind of change, trims categories, and judges every new or changed answer
//! for identity leaks (an operator's earlier permission was for the old text). A store only
//! offers the reads and writes below inside one transaction of its own ([`CatalogueTx`]); it
//! decides nothing.

use arena_core::battle_set::BattleSet;
use async_trait::async_trait;

use arena_core::admin::{ModelCard, ModelStatus, ModelUpdate, RegistryModel};

use arena_core::api::SnapshotSummary;

use super::{ImportReport, NewAudit, NewSnapshot, StoreError};

/// The reads and writes an import needs, all inside one transaction.
#[async_trait]
pub trait CatalogueTx: Send {
    async fn model_name(&mut self, id: &str) -> Result<Option<String>, StoreError>;
    async fn put_model(&mut self, id: &str, name: &str, exists: bool) -> Result<(), StoreError>;
    /// Adds a model named by its id unless it exists; true if it was added.
    async fn add_model_if_missing(&mut self, id: &str) -> Result<bool, StoreError>;
    /// The prompt's category and text.
    async fn prompt(&mut self, id: &str) -> Result<Option<(String, String)>, StoreError>;
    async fn put_prompt(
        &mut self,
        id: &str,
        category: &str,
        text: &str,
        exists: bool,
    ) -> Result<(), StoreError>;
    async fn answer_text(
        &mut self,
        prompt: &str,
        model: &str,
    ) -> Result<Option<String>, StoreError>;
    /// Writes an answer with its identity-leak verdict; a rewritten answer loses any earlier
    /// permission to be drawn.
    async fn put_answer(
        &mut self,
        prompt: &str,
        model: &str,
        text: &str,
        leak: Option<&str>,
        exists: bool,
    ) -> Result<(), StoreError>;
    /// A model with its registry fields.
    async fn registry_model(&mut self, id: &str) -> Result<Option<RegistryModel>, StoreError>;
    /// Writes a model's registry fields.
    async fn put_registry(&mut self, id: &str, update: &ModelUpdate) -> Result<(), StoreError>;
    /// Adds an entry to the audit log.
    async fn append_audit(&mut self, audit: &NewAudit) -> Result<(), StoreError>;
    /// Stores a snapshot; its id.
    async fn insert_snapshot(&mut self, snapshot: &NewSnapshot) -> Result<i64, StoreError>;
}

/// Applies `set` through `tx` and reports what changed; `progress` hears `(done, total)` items
/// (models, prompts, answers) after each prompt and at the end.
pub async fn import_into(
    tx: &mut dyn CatalogueTx,
    set: &BattleSet,
    progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
) -> Result<ImportReport, StoreError> {
    let total = (set.models.len()
        + set
            .prompts
            .iter()
            .map(|p| 1 + p.answers.len())
            .sum::<usize>()) as u64;
    let mut done = 0u64;
    let tell = |done: u64| {
        if let Some(f) = progress {
            f(done, total)
        }
    };
    let mut report = ImportReport::default();
    for m in &set.models {
        match tx.model_name(&m.id).await? {
            None => {
                tx.put_model(&m.id, &m.name, false).await?;
                report.models_added += 1;
            }
            Some(name) if name != m.name => {
                tx.put_model(&m.id, &m.name, true).await?;
                report.models_renamed += 1;
            }
            Some(_) => {}
        }
    }
    done += set.models.len() as u64;
    tell(done);
    for id in set.undeclared_models() {
        if tx.add_model_if_missing(id).await? {
            report.models_added += 1;
        }
    }
    for p in &set.prompts {
        let category = p.category.trim();
        match tx.prompt(&p.id).await? {
            None => {
                tx.put_prompt(&p.id, category, &p.prompt, false).await?;
                report.prompts_added += 1;
            }
            Some((old_category, old_text)) => {
                if old_category != category || old_text != p.prompt {
                    tx.put_prompt(&p.id, category, &p.prompt, true).await?;
                    report.prompts_changed += 1;
                }
            }
        }
        for a in &p.answers {
            let leak = arena_core::identity_leak::find(&a.text).map(|l| l.term);
            match tx.answer_text(&p.id, &a.model).await? {
                None => {
                    tx.put_answer(&p.id, &a.model, &a.text, leak.as_deref(), false)
                        .await?;
                    report.answers_added += 1;
                }
                Some(text) if text != a.text => {
                    tx.put_answer(&p.id, &a.model, &a.text, leak.as_deref(), true)
                        .await?;
                    report.answers_changed += 1;
                }
                Some(_) => {}
            }
        }
        done += 1 + p.answers.len() as u64;
        tell(done);
    }
    tell(total);
    Ok(report)
}

/// Writes `audit` (its detail gaining `report`) for an import that was not a dry run.
pub async fn log_import(
    tx: &mut dyn CatalogueTx,
    audit: Option<NewAudit>,
    report: &ImportReport,
) -> Result<(), StoreError> {
    if let Some(mut audit) = audit {
        if let serde_json::Value::Object(detail) = &mut audit.detail {
            detail.insert(
                "report".into(),
                serde_json::to_value(report).map_err(|e| StoreError::Other(e.into()))?,
            );
        }
        tx.append_audit(&audit).await?;
    }
    Ok(())
}

/// The registry fields of a model as the audit log shows them.
fn registry_fields(name: &str, card: &ModelCard, status: ModelStatus) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "organisation": card.organisation,
        "licence": card.licence,
        "size": card.size,
        "url": card.url,
        "status": status,
    })
}

/// Replaces a model's registry fields and logs before and after; `None` if there is no such
/// model. `update` must be normalised ([`ModelUpdate::normalised`]).
pub async fn update_model(
    tx: &mut dyn CatalogueTx,
    id: &str,
    update: &ModelUpdate,
    mut audit: NewAudit,
) -> Result<Option<RegistryModel>, StoreError> {
    let Some(before) = tx.registry_model(id).await? else {
        return Ok(None);
    };
    tx.put_registry(id, update).await?;
    let after = RegistryModel {
        name: update.name.clone(),
        card: update.card(),
        status: update.status,
        ..before.clone()
    };
    audit.detail = serde_json::json!({
        "before": registry_fields(&before.name, &before.card, before.status),
        "after": registry_fields(&after.name, &after.card, after.status),
    });
    tx.append_audit(&audit).await?;
    Ok(Some(after))
}

/// Stores a snapshot and logs it (its id as the subject).
pub async fn publish_snapshot(
    tx: &mut dyn CatalogueTx,
    snapshot: &NewSnapshot,
    mut audit: NewAudit,
) -> Result<SnapshotSummary, StoreError> {
    let id = tx.insert_snapshot(snapshot).await?;
    audit.subject = id.to_string();
    audit.detail = serde_json::json!({
        "title": snapshot.title,
        "total_votes": snapshot.total_votes,
        "models": snapshot.models,
        "battles_sha256": snapshot.battles_sha256,
    });
    tx.append_audit(&audit).await?;
    Ok(SnapshotSummary {
        id: id.to_string(),
        title: snapshot.title.clone(),
        published_at_ms: snapshot.published_at_ms,
        total_votes: snapshot.total_votes,
        models: snapshot.models,
        battles_sha256: snapshot.battles_sha256.clone(),
    })
}
