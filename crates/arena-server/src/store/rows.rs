//! Rows into the arena's types, once for every store: the column order of each query is the
//! field order here, and a value the database holds that the arena cannot read (a choice it does
//! not know) is an error, never a guess.

use std::str::FromStr;

use arena_core::api::PublicBattle;
use arena_core::{Choice, Flag, Flags};
use sqlx::{ColumnIndex, Decode, Row, Type};

use super::{AuditVote, ExcludedCount, ReasonCount, StoreError, VoteCount};

pub fn choice(text: &str) -> Result<Choice, StoreError> {
    Choice::from_str(text).map_err(|e| StoreError::Other(e.into()))
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

/// `category, model_a, model_b, choice, COUNT(*)`
pub fn reason_count<'r, R>(r: &'r R) -> Result<ReasonCount, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ReasonCount {
        category: r.try_get(0)?,
        model_a: r.try_get(1)?,
        model_b: r.try_get(2)?,
        choice: choice(&r.try_get::<String, _>(3)?)?,
        reasons: r.try_get(4)?,
        count: count(r.try_get(5)?),
    })
}

pub fn vote_count<'r, R>(r: &'r R) -> Result<VoteCount, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(VoteCount {
        category: r.try_get(0)?,
        model_a: r.try_get(1)?,
        model_b: r.try_get(2)?,
        choice: choice(&r.try_get::<String, _>(3)?)?,
        count: count(r.try_get(4)?),
    })
}

/// `battle_id, prompt_id, category, model_a, model_b, choice, voted_at_ms, reasons`, then a live
/// battle's prompt and answers (nulls for the imported prompts)
pub fn public_battle<'r, R>(r: &'r R) -> Result<PublicBattle, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let voted_at_ms: i64 = r.try_get(6)?;
    Ok(PublicBattle {
        battle_id: r.try_get(0)?,
        question_id: r.try_get(1)?,
        category: r.try_get(2)?,
        model_a: r.try_get(3)?,
        model_b: r.try_get(4)?,
        winner: choice(&r.try_get::<String, _>(5)?)?
            .arena_winner()
            .to_owned(),
        tstamp: voted_at_ms as f64 / 1000.0,
        reasons: arena_core::reason::Reason::from_mask(r.try_get(7)?),
        live: match (
            r.try_get::<Option<String>, _>(8)?,
            r.try_get::<Option<String>, _>(9)?,
            r.try_get::<Option<String>, _>(10)?,
        ) {
            (Some(prompt), Some(answer_a), Some(answer_b)) => Some(arena_core::api::LiveTexts {
                prompt,
                answer_a,
                answer_b,
            }),
            _ => None,
        },
    })
}

/// `battle_id, voter_id, address_hash, model_a, model_b, choice, voted_at_ms, flags`
pub fn audit_vote<'r, R>(r: &'r R) -> Result<AuditVote, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(AuditVote {
        battle_id: r.try_get(0)?,
        voter_id: r.try_get(1)?,
        address_hash: r.try_get(2)?,
        model_a: r.try_get(3)?,
        model_b: r.try_get(4)?,
        choice: choice(&r.try_get::<String, _>(5)?)?,
        voted_at_ms: r.try_get(6)?,
        flags: Flags::from_bits(r.try_get(7)?),
        prompt_id: r.try_get(8)?,
    })
}

/// `category, first flag's bit, COUNT(*)`; the flag as its code (a bit this build does not
/// know as `flag_<bit>`).
pub fn excluded_count<'r, R>(r: &'r R) -> Result<ExcludedCount, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let bit: i64 = r.try_get(1)?;
    Ok(ExcludedCount {
        category: r.try_get(0)?,
        reason: Flag::from_bit(bit).map_or_else(|| format!("flag_{bit}"), |f| f.code().to_owned()),
        count: count(r.try_get(2)?),
    })
}

/// `choice, model_a, name of a, model_b, name of b`
pub fn stored_vote<'r, R>(r: &'r R) -> Result<super::StoredVote, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    use arena_core::api::{ModelRef, RevealedModels};
    Ok(super::StoredVote {
        choice: choice(&r.try_get::<String, _>(0)?)?,
        models: RevealedModels {
            a: ModelRef::named(r.try_get(1)?, r.try_get(2)?),
            b: ModelRef::named(r.try_get(3)?, r.try_get(4)?),
        },
        flags: Flags::from_bits(r.try_get(5)?),
    })
}

/// A card from its four optional columns; `None` when nothing is known.
fn card(
    organisation: Option<String>,
    licence: Option<String>,
    size: Option<String>,
    url: Option<String>,
) -> Result<arena_core::admin::ModelCard, StoreError> {
    let licence = licence
        .map(|l| {
            arena_core::admin::Licence::parse(&l)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("unknown licence {l:?}")))
        })
        .transpose()?;
    Ok(arena_core::admin::ModelCard {
        organisation,
        licence,
        size,
        url,
    })
}

/// `id, name, organisation, licence, size, url` (see [`MODEL_REFS`])
pub fn model_ref<'r, R>(r: &'r R) -> Result<arena_core::api::ModelRef, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let card = card(r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)?;
    Ok(arena_core::api::ModelRef {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        card: (!card.is_empty()).then_some(card),
    })
}

/// Every model with what citizens may learn of it at the reveal.
pub const MODEL_REFS: &str = "SELECT id, name, organisation, licence, size, url FROM models";

/// Models with their registry fields and answers (live ones not counted: a model answering only
/// live battles cannot be drawn, so the pairing plan leaves it out); append a `WHERE` on `m.id` or an `ORDER BY`.
pub const REGISTRY: &str = "SELECT m.id, m.name, m.organisation, m.licence, m.size, m.url, \
     m.status, (SELECT COUNT(*) FROM answers a WHERE a.model_id = m.id AND NOT a.live) \
     FROM models m";

/// A row of [`REGISTRY`].
pub fn registry_model<'r, R>(r: &'r R) -> Result<arena_core::admin::RegistryModel, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let status: String = r.try_get(6)?;
    Ok(arena_core::admin::RegistryModel {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        card: card(r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)?,
        status: arena_core::admin::ModelStatus::parse(&status)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("unknown status {status:?}")))?,
        answers: count(r.try_get(7)?),
    })
}

/// The audit log, newest first; binds: the id to stay below, the most rows.
pub const AUDIT_LOG: &str = "SELECT id, at_ms, operator, action, subject, detail \
     FROM operator_audit WHERE id < $1 ORDER BY id DESC LIMIT $2";

/// A row of [`AUDIT_LOG`].
pub fn audit_entry<'r, R>(r: &'r R) -> Result<arena_core::admin::AuditEntry, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let detail: String = r.try_get(5)?;
    Ok(arena_core::admin::AuditEntry {
        id: r.try_get(0)?,
        at_ms: r.try_get(1)?,
        operator: r.try_get(2)?,
        action: r.try_get(3)?,
        subject: r.try_get(4)?,
        detail: serde_json::from_str(&detail).map_err(|e| StoreError::Other(e.into()))?,
    })
}

/// Adds an audit entry; binds in the column order.
pub const APPEND_AUDIT: &str = "INSERT INTO operator_audit (at_ms, operator, action, subject, \
     detail) VALUES ($1, $2, $3, $4, $5)";

/// Writes the registry fields; binds: id, name, organisation, licence, size, url, status.
pub const PUT_REGISTRY: &str = "UPDATE models SET name = $2, organisation = $3, licence = $4, \
     size = $5, url = $6, status = $7 WHERE id = $1";

/// Snapshots as listed; append a `WHERE` or `ORDER BY`.
pub const SNAPSHOTS: &str = "SELECT id, title, published_at_ms, total_votes, models, battles_sha256 \
     FROM snapshots";

/// A snapshot as listed, then its tables; binds: the id.
pub const SNAPSHOT_TABLES: &str = "SELECT id, title, published_at_ms, total_votes, models, \
     battles_sha256, tables FROM snapshots WHERE id = $1";

/// A row of [`SNAPSHOTS`] (or the first columns of [`SNAPSHOT_TABLES`]).
pub fn snapshot_summary<'r, R>(r: &'r R) -> Result<arena_core::api::SnapshotSummary, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(arena_core::api::SnapshotSummary {
        id: r.try_get::<i64, _>(0)?.to_string(),
        title: r.try_get(1)?,
        published_at_ms: r.try_get(2)?,
        total_votes: count(r.try_get(3)?),
        models: count(r.try_get(4)?),
        battles_sha256: r.try_get(5)?,
    })
}

/// Stores a snapshot; binds in the column order; returns its id.
pub const INSERT_SNAPSHOT: &str = "INSERT INTO snapshots (title, published_at_ms, operator, \
     total_votes, models, tables, battles, battles_sha256) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/// `battle_id, voter_id, flags, model_a, model_b, choice, voted_at_ms`
pub fn flag_row<'r, R>(r: &'r R) -> Result<super::FlagRow, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(super::FlagRow {
        battle_id: r.try_get(0)?,
        voter_id: r.try_get(1)?,
        flags: Flags::from_bits(r.try_get(2)?),
        model_a: r.try_get(3)?,
        model_b: r.try_get(4)?,
        choice: choice(&r.try_get::<String, _>(5)?)?,
        voted_at_ms: r.try_get(6)?,
    })
}

/// The votes of voters an operator reviewed (their overridden votes are among them).
pub const OVERRIDDEN_VOTERS_ROWS: &str = "SELECT battle_id, voter_id, flags, model_a, model_b, choice, voted_at_ms \
     FROM votes WHERE voter_id IN (SELECT voter_id FROM flag_overrides)";
