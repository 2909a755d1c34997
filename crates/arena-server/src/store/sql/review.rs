//! The review of flagged votes: who was flagged for what, and an operator's decision to count
//! a voter's votes after all (or to take that back), logged with the battles it touched.

use std::collections::BTreeMap;

use arena_core::{Choice, Flag, Flags};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::{Dialect, SqlStore, Value, in_bytes};
use crate::store::catalogue::CatalogueTx;
use crate::store::{FlaggedVoter, NewAudit, StoreError, rows};

/// A vote as the review of flags reads it: voter, flags, model A, model B, choice, time; and,
/// for votes an operator counts after review, the reason reviewed.
#[derive(Clone, Debug)]
pub struct FlagRow {
    pub battle_id: String,
    pub voter_id: String,
    pub flags: Flags,
    pub model_a: String,
    pub model_b: String,
    pub choice: Choice,
    pub voted_at_ms: i64,
}

/// `(voter, reason, battles as JSON)` rows of `flag_overrides`, the battles parsed.
pub fn parse_overrides(
    rows: Vec<(String, String, String)>,
) -> Result<Vec<(String, String, Vec<String>)>, StoreError> {
    rows.into_iter()
        .map(|(voter, reason, battles)| {
            let battles =
                serde_json::from_str(&battles).map_err(|e| StoreError::Other(e.into()))?;
            Ok((voter, reason, battles))
        })
        .collect()
}

/// Groups flagged votes by voter and reviewable reason, and the votes counted after review by
/// their override (voter, reason, battle ids), into the review's list, most recent first.
pub fn group_flagged(
    flagged: &[FlagRow],
    overridden: &[(String, String, Vec<String>)],
    counted_votes: &[FlagRow],
) -> Vec<FlaggedVoter> {
    struct Group {
        votes: u64,
        first_ms: i64,
        last_ms: i64,
        chosen: BTreeMap<String, u64>,
    }
    fn add(group: &mut Group, row: &FlagRow) {
        group.votes += 1;
        group.first_ms = group.first_ms.min(row.voted_at_ms);
        group.last_ms = group.last_ms.max(row.voted_at_ms);
        let chosen = match row.choice {
            Choice::A => Some(&row.model_a),
            Choice::B => Some(&row.model_b),
            _ => None,
        };
        if let Some(model) = chosen {
            *group.chosen.entry(model.clone()).or_default() += 1;
        }
    }
    let new_group = || Group {
        votes: 0,
        first_ms: i64::MAX,
        last_ms: i64::MIN,
        chosen: BTreeMap::new(),
    };
    let mut groups: BTreeMap<(String, String, bool), Group> = BTreeMap::new();
    for row in flagged {
        for flag in row.flags.iter().filter(|f| f.reviewable()) {
            let key = (row.voter_id.clone(), flag.code().to_owned(), false);
            add(groups.entry(key).or_insert_with(new_group), row);
        }
    }
    let by_battle: BTreeMap<&str, &FlagRow> = counted_votes
        .iter()
        .map(|r| (r.battle_id.as_str(), r))
        .collect();
    for (voter, reason, battles) in overridden {
        let group = groups
            .entry((voter.clone(), reason.clone(), true))
            .or_insert_with(new_group);
        for id in battles {
            if let Some(row) = by_battle.get(id.as_str()) {
                add(group, row);
            }
        }
        if group.votes == 0 {
            group.first_ms = 0;
            group.last_ms = 0;
        }
    }
    let mut list: Vec<FlaggedVoter> = groups
        .into_iter()
        .map(|((voter, reason, counted), g)| {
            let mut chosen: Vec<arena_core::admin::ModelTally> = g
                .chosen
                .into_iter()
                .map(|(model, count)| arena_core::admin::ModelTally { model, count })
                .collect();
            chosen.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.model.cmp(&b.model)));
            FlaggedVoter {
                voter,
                reason,
                votes: g.votes,
                first_ms: g.first_ms,
                last_ms: g.last_ms,
                chosen,
                counted,
            }
        })
        .collect();
    list.sort_by(|a, b| {
        b.last_ms
            .cmp(&a.last_ms)
            .then_with(|| a.voter.cmp(&b.voter))
            .then_with(|| a.reason.cmp(&b.reason))
    });
    list
}

/// The flagged votes the review reads (votes with a reviewable flag: `$1` is
/// [`Flags::REVIEWABLE`]), newest first.
const FLAGGED_ROWS: &str = "SELECT battle_id, voter_id, flags, model_a, model_b, choice, \
     voted_at_ms FROM votes WHERE flags <> 0 AND flags & $1 <> 0 \
     ORDER BY voted_at_ms DESC LIMIT 50000";

/// The battles an override lists, as stored (JSON).
fn battle_list(json: Option<String>) -> Result<Vec<String>, StoreError> {
    match json {
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Other(e.into())),
        None => Ok(Vec::new()),
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
    pub(super) async fn flagged(&self) -> Result<Vec<FlaggedVoter>, StoreError> {
        let flagged = sqlx::query(FLAGGED_ROWS)
            .bind(Flags::REVIEWABLE.bits())
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

    pub(super) async fn review(
        &self,
        voter: &str,
        reason: Flag,
        counted: bool,
        mut audit: NewAudit,
    ) -> Result<Option<u64>, StoreError> {
        let mut tx = self.change().await?;
        let code = reason.code();
        let kept_sql = format!(
            "SELECT battles FROM flag_overrides WHERE voter_id = $1 AND reason = $2{}",
            D::lock_rows("flag_overrides")
        );
        let battles: Vec<String> = if counted {
            sqlx::query_scalar(&format!(
                "SELECT battle_id FROM votes WHERE voter_id = $1 \
                 AND flags & $2 <> 0 ORDER BY {}{}",
                in_bytes::<D>(&["battle_id"]),
                D::lock_rows("votes")
            ))
            .bind(voter)
            .bind(reason.bit())
            .fetch_all(&mut *tx.0)
            .await?
        } else {
            let kept: Option<String> = sqlx::query_scalar(&kept_sql)
                .bind(voter)
                .bind(code)
                .fetch_optional(&mut *tx.0)
                .await?;
            match kept {
                Some(json) => battle_list(Some(json))?,
                None => return Ok(None),
            }
        };
        if counted && battles.is_empty() {
            return Ok(None);
        }
        let mut changed = 0;
        for id in &battles {
            let sql = if counted {
                "UPDATE votes SET flags = flags & ~$1 WHERE battle_id = $2 AND flags & $1 <> 0"
            } else {
                "UPDATE votes SET flags = flags | $1 WHERE battle_id = $2 AND flags & $1 = 0"
            };
            let done = sqlx::query(sql)
                .bind(reason.bit())
                .bind(id)
                .execute(&mut *tx.0)
                .await?;
            changed += D::affected(&done);
        }
        if counted {
            // Votes counted at an earlier review of this voter stay counted: one list of both.
            let earlier: Option<String> = sqlx::query_scalar(&kept_sql)
                .bind(voter)
                .bind(code)
                .fetch_optional(&mut *tx.0)
                .await?;
            let mut all = battle_list(earlier)?;
            all.extend(battles.iter().cloned());
            all.sort();
            all.dedup();
            sqlx::query(
                "INSERT INTO flag_overrides (voter_id, reason, battles, at_ms, operator) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (voter_id, reason) DO UPDATE SET \
                 battles = excluded.battles, at_ms = excluded.at_ms, operator = excluded.operator",
            )
            .bind(voter)
            .bind(code)
            .bind(serde_json::to_string(&all).map_err(|e| StoreError::Other(e.into()))?)
            .bind(audit.at_ms)
            .bind(&audit.operator)
            .execute(&mut *tx.0)
            .await?;
        } else {
            sqlx::query("DELETE FROM flag_overrides WHERE voter_id = $1 AND reason = $2")
                .bind(voter)
                .bind(code)
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
}
