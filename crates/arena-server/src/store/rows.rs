//! Rows into the arena's types, once for every store: the column order of each query is the
//! field order here, and a value the database holds that the arena cannot read (a choice it does
//! not know) is an error, never a guess.

use std::str::FromStr;

use arena_core::Choice;
use arena_core::api::PublicBattle;
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

/// `battle_id, prompt_id, category, model_a, model_b, choice, voted_at_ms, reasons`
pub fn public_battle<'r, R>(r: &'r R) -> Result<PublicBattle, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
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
        flags: r.try_get(7)?,
    })
}

/// `category, first reason, COUNT(*)`
pub fn excluded_count<'r, R>(r: &'r R) -> Result<ExcludedCount, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ExcludedCount {
        category: r.try_get(0)?,
        reason: r.try_get(1)?,
        count: count(r.try_get(2)?),
    })
}

/// `choice, model_a, name of a, model_b, name of b`
pub fn stored_vote<'r, R>(r: &'r R) -> Result<super::StoredVote, StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    use arena_core::api::{ModelRef, RevealedModels};
    Ok(super::StoredVote {
        choice: choice(&r.try_get::<String, _>(0)?)?,
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
}
