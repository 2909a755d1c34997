//! The panel's queries: batches of codes made and counted, a code redeemed once, panelists read
//! and revoked; every operator's change logged in its own transaction.

use arena_core::panel::{
    Batch, BatchRequest, DIMENSIONS, Margin, QuotaCell, QuotaDimension, Quotas, levels,
};
use arena_core::round::RoundState;
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::rounds::locked_state;
use super::{Dialect, SqlStore, Value};
use crate::store::catalogue::CatalogueTx;
use crate::store::panel::{JoinRefused, NewPanelist, PanelRefused, PanelistStanding};
use crate::store::{NewAudit, StoreError};

const BATCH_COLUMNS: &str = "b.id, b.round_id, b.cell, b.size, b.created_at_ms, \
     (SELECT COUNT(*) FROM invitations i WHERE i.batch_id = b.id AND i.state = 'redeemed'), \
     (SELECT COUNT(*) FROM invitations i WHERE i.batch_id = b.id AND i.state = 'revoked'), \
     b.recovery, \
     (SELECT CAST(COALESCE(SUM(i.recoveries), 0) AS BIGINT) FROM invitations i \
      WHERE i.batch_id = b.id)";

type BatchRow = (i64, i64, String, i64, i64, i64, i64, i64, i64);

fn batch(row: BatchRow) -> Batch {
    let (id, round, cell, size, created, redeemed, revoked, recovery, recovered) = row;
    Batch {
        recovery: recovery != 0,
        recovered: recovered.max(0) as u64,
        id: id.to_string(),
        round_id: round.to_string(),
        cell,
        size: size.max(0) as u64,
        redeemed: redeemed.max(0) as u64,
        revoked: revoked.max(0) as u64,
        created_at_ms: created,
    }
}

/// Codes stored per statement when a batch is made.
const CHUNK: usize = 200;

/// A column of `panelists` a quota dimension reads (a fixed list: never text from a request).
fn profile_column(dimension: &str) -> Option<&'static str> {
    match dimension {
        "age" => Some("age_band"),
        "sex" => Some("sex"),
        "region" => Some("region"),
        "ai_use" => Some("ai_use"),
        _ => None,
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
    /// Makes a batch of `request.count` codes for `round`; `code_sha256(batch, position)` is
    /// what each code is stored as.
    pub(super) async fn make_batch(
        &self,
        round: i64,
        request: &BatchRequest,
        code_sha256: &(dyn Fn(i64, u32) -> String + Send + Sync),
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<Result<Batch, PanelRefused>, StoreError> {
        let mut tx = self.change().await?;
        let Some(from) = locked_state::<D>(&mut tx, round).await? else {
            return Ok(Err(PanelRefused::NotFound));
        };
        if !matches!(from, RoundState::Draft | RoundState::Open) {
            return Ok(Err(PanelRefused::RoundState { from }));
        }
        let cell = request.cell.trim();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitation_batches (round_id, cell, size, created_at_ms, recovery) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(round)
        .bind(cell)
        .bind(i64::from(request.count))
        .bind(now_ms)
        .bind(i64::from(request.recovery))
        .fetch_one(&mut *tx.0)
        .await?;
        let positions: Vec<u32> = (0..request.count).collect();
        for chunk in positions.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, $1, ${}, 'unused')", 2 * i + 2, 2 * i + 3))
                .collect();
            let sql = format!(
                "INSERT INTO invitations (code_sha256, batch_id, position, state) VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(id);
            for position in chunk {
                query = query
                    .bind(code_sha256(id, *position))
                    .bind(i64::from(*position));
            }
            query.execute(&mut *tx.0).await?;
        }
        audit.subject = id.to_string();
        audit.detail = serde_json::json!({
            "round": round,
            "size": request.count,
            "cell": cell,
            "recovery": request.recovery,
        });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        let made = self.batch_by_id(id).await?;
        made.map(Ok)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("batch {id} vanished")))
    }

    pub(super) async fn batch_by_id(&self, id: i64) -> Result<Option<Batch>, StoreError> {
        let row: Option<BatchRow> = sqlx::query_as(&format!(
            "SELECT {BATCH_COLUMNS} FROM invitation_batches b WHERE b.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(batch))
    }

    pub(super) async fn batches_of(&self, round: i64) -> Result<Vec<Batch>, StoreError> {
        let rows: Vec<BatchRow> = sqlx::query_as(&format!(
            "SELECT {BATCH_COLUMNS} FROM invitation_batches b WHERE b.round_id = $1 \
             ORDER BY b.id DESC"
        ))
        .bind(round)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(batch).collect())
    }

    /// Revokes an unused code; `None` when there is no such code. A redeemed code whose batch
    /// allows recovery loses it (a lost or copied card then brings no one back); its panelist
    /// stays, revoked only by pseudonym.
    pub(super) async fn revoke_unused(
        &self,
        code_sha256: &str,
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<Result<Batch, PanelRefused>, StoreError> {
        let mut tx = self.change().await?;
        let found: Option<(String, i64, Option<String>)> = sqlx::query_as(&format!(
            "SELECT state, batch_id, recovery FROM invitations WHERE code_sha256 = $1{}",
            D::lock_rows("invitations")
        ))
        .bind(code_sha256)
        .fetch_optional(&mut *tx.0)
        .await?;
        let Some((state, batch_id, recovery)) = found else {
            return Ok(Err(PanelRefused::NotFound));
        };
        match state.as_str() {
            "redeemed" if recovery.is_some() => {
                sqlx::query("UPDATE invitations SET recovery = NULL WHERE code_sha256 = $1")
                    .bind(code_sha256)
                    .execute(&mut *tx.0)
                    .await?;
                audit.subject = batch_id.to_string();
                audit.detail = serde_json::json!({ "recovery_ended": true });
                tx.append_audit(&audit).await?;
            }
            "redeemed" => return Ok(Err(PanelRefused::Redeemed)),
            "revoked" => {}
            _ => {
                sqlx::query(
                    "UPDATE invitations SET state = 'revoked', changed_at_ms = $1 \
                     WHERE code_sha256 = $2",
                )
                .bind(now_ms)
                .bind(code_sha256)
                .execute(&mut *tx.0)
                .await?;
                audit.subject = batch_id.to_string();
                tx.append_audit(&audit).await?;
            }
        }
        tx.0.commit().await?;
        let batch = self.batch_by_id(batch_id).await?;
        batch
            .map(Ok)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("batch {batch_id} vanished")))
    }

    /// Redeems a code once for `panelist`, if its round is open at `panelist.joined_at_ms`.
    pub(super) async fn redeem_code(
        &self,
        code_sha256: &str,
        panelist: &NewPanelist,
    ) -> Result<Result<i64, JoinRefused>, StoreError> {
        let mut tx = self.change().await?;
        type Found = (String, i64, i64, String, i64, i64, i64, Option<String>);
        let found: Option<Found> = sqlx::query_as(&format!(
            "SELECT i.state, b.id, r.id, r.state, r.opens_at_ms, r.closes_at_ms, b.recovery, \
                    i.recovery \
             FROM invitations i JOIN invitation_batches b ON b.id = i.batch_id \
             JOIN rounds r ON r.id = b.round_id WHERE i.code_sha256 = $1{}",
            D::lock_rows("i")
        ))
        .bind(code_sha256)
        .fetch_optional(&mut *tx.0)
        .await?;
        let Some((state, batch_id, round, round_state, opens, closes, recovery, sealed)) = found
        else {
            return Ok(Err(JoinRefused::Unknown));
        };
        match (state.as_str(), sealed) {
            ("redeemed", Some(sealed)) if recovery != 0 => {
                return Ok(Err(JoinRefused::Recoverable(sealed)));
            }
            ("redeemed", _) => return Ok(Err(JoinRefused::Redeemed)),
            ("revoked", _) => return Ok(Err(JoinRefused::Revoked)),
            _ => {}
        }
        let now = panelist.joined_at_ms;
        if round_state != RoundState::Open.code() || now < opens || now >= closes {
            return Ok(Err(JoinRefused::RoundNotOpen));
        }
        let changed = sqlx::query(
            // No time on the code's row: the panelist's `joined_at_ms` would otherwise name the
            // code that became them.
            "UPDATE invitations SET state = 'redeemed', recovery = $1 \
             WHERE code_sha256 = $2 AND state = 'unused'",
        )
        .bind((recovery != 0).then_some(panelist.recovery.as_str()))
        .bind(code_sha256)
        .execute(&mut *tx.0)
        .await?;
        if D::affected(&changed) != 1 {
            return Ok(Err(JoinRefused::Redeemed));
        }
        let p = &panelist.profile;
        sqlx::query(
            "INSERT INTO panelists (id, round_id, batch_id, age_band, sex, region, ai_use, \
                                    joined_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&panelist.id)
        .bind(round)
        .bind(batch_id)
        .bind(p.age.map(|a| a.code()))
        .bind(p.sex.map(|s| s.code()))
        .bind(p.region.as_deref())
        .bind(p.ai_use.map(|a| a.code()))
        .bind(now)
        .execute(&mut *tx.0)
        .await?;
        tx.0.commit().await?;
        Ok(Ok(round))
    }

    /// A used code of a batch that allows recovery brings back `panelist` (the pseudonym its
    /// row keeps, unmasked by the caller): counted on the code, refused if an operator revoked
    /// the panelist or the round takes no panelist now.
    pub(super) async fn recover_panelist(
        &self,
        code_sha256: &str,
        panelist: &str,
        now_ms: i64,
    ) -> Result<Result<i64, JoinRefused>, StoreError> {
        let mut tx = self.change().await?;
        let found: Option<(i64, Option<i64>, String, i64, i64)> = sqlx::query_as(
            "SELECT p.round_id, p.revoked_at_ms, r.state, r.opens_at_ms, r.closes_at_ms \
             FROM panelists p JOIN rounds r ON r.id = p.round_id WHERE p.id = $1",
        )
        .bind(panelist)
        .fetch_optional(&mut *tx.0)
        .await?;
        let Some((round, revoked, round_state, opens, closes)) = found else {
            return Ok(Err(JoinRefused::Redeemed));
        };
        if revoked.is_some() {
            return Ok(Err(JoinRefused::Revoked));
        }
        if round_state != RoundState::Open.code() || now_ms < opens || now_ms >= closes {
            return Ok(Err(JoinRefused::RoundNotOpen));
        }
        sqlx::query(
            "UPDATE invitations SET recoveries = recoveries + 1 WHERE code_sha256 = $1 \
             AND state = 'redeemed'",
        )
        .bind(code_sha256)
        .execute(&mut *tx.0)
        .await?;
        tx.0.commit().await?;
        Ok(Ok(round))
    }

    pub(super) async fn panelist_standing(
        &self,
        id: &str,
    ) -> Result<Option<PanelistStanding>, StoreError> {
        let row: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT round_id, revoked_at_ms FROM panelists WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(round_id, revoked)| PanelistStanding {
            round_id,
            revoked: revoked.is_some(),
        }))
    }

    /// Revokes a panelist (their credential draws no more battles); false when there is none.
    pub(super) async fn revoke_member(
        &self,
        id: &str,
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<bool, StoreError> {
        let mut tx = self.change().await?;
        let changed = sqlx::query(
            "UPDATE panelists SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx.0)
        .await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT round_id FROM panelists WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx.0)
                .await?;
        if D::affected(&changed) == 1 {
            audit.subject = id.to_owned();
            tx.append_audit(&audit).await?;
        }
        tx.0.commit().await?;
        Ok(exists.is_some())
    }

    /// Replaces a round's target and margins, logged with `audit`.
    pub(super) async fn put_quotas(
        &self,
        round: i64,
        target: u32,
        margins: &[Margin],
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<Result<(), PanelRefused>, StoreError> {
        let mut tx = self.change().await?;
        let Some(from) = locked_state::<D>(&mut tx, round).await? else {
            return Ok(Err(PanelRefused::NotFound));
        };
        if from == RoundState::Published {
            return Ok(Err(PanelRefused::RoundState { from }));
        }
        sqlx::query("DELETE FROM round_margins WHERE round_id = $1")
            .bind(round)
            .execute(&mut *tx.0)
            .await?;
        for m in margins {
            sqlx::query(
                "INSERT INTO round_margins (round_id, dimension, level, share) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(round)
            .bind(m.dimension.as_str())
            .bind(m.level.as_str())
            .bind(m.share)
            .execute(&mut *tx.0)
            .await?;
        }
        sqlx::query(
            "INSERT INTO round_quotas (round_id, target, updated_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (round_id) DO UPDATE SET target = $2, updated_at_ms = $3",
        )
        .bind(round)
        .bind(i64::from(target))
        .bind(now_ms)
        .execute(&mut *tx.0)
        .await?;
        audit.subject = round.to_string();
        audit.detail = serde_json::json!({ "target": target, "margins": margins.len() });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        Ok(Ok(()))
    }

    /// A round's quotas against its panel as it stands: every level of every dimension, with
    /// its share (0 where no margin was given), its target, its panelists and their counted
    /// votes, and those who preferred not to say.
    pub(super) async fn quotas_of(&self, round: i64) -> Result<Quotas, StoreError> {
        let target: Option<i64> =
            sqlx::query_scalar("SELECT target FROM round_quotas WHERE round_id = $1")
                .bind(round)
                .fetch_optional(&self.pool)
                .await?;
        let target = u32::try_from(target.unwrap_or(0)).unwrap_or(0);
        let margins: Vec<(String, String, f64)> =
            sqlx::query_as("SELECT dimension, level, share FROM round_margins WHERE round_id = $1")
                .bind(round)
                .fetch_all(&self.pool)
                .await?;
        let mut dimensions = Vec::new();
        let (mut all_panelists, mut all_votes) = (0, 0);
        for dimension in DIMENSIONS {
            let Some(column) = profile_column(dimension) else {
                continue;
            };
            let counts: Vec<(Option<String>, i64, i64)> = sqlx::query_as(&format!(
                "SELECT p.{column}, COUNT(DISTINCT p.id), COUNT(v.battle_id) FROM panelists p \
                 LEFT JOIN votes v ON v.round_id = p.round_id AND v.voter_id = p.id \
                                  AND v.panel = 1 AND v.flags = 0 \
                 WHERE p.round_id = $1 GROUP BY p.{column}"
            ))
            .bind(round)
            .fetch_all(&self.pool)
            .await?;
            let count = |level: Option<&str>| {
                counts
                    .iter()
                    .find(|(l, _, _)| l.as_deref() == level)
                    .map_or((0, 0), |(_, p, v)| ((*p).max(0) as u64, (*v).max(0) as u64))
            };
            let cells = levels(dimension)
                .into_iter()
                .map(|level| {
                    let share = margins
                        .iter()
                        .find(|(d, l, _)| d == dimension && l == level)
                        .map_or(0.0, |(_, _, s)| *s);
                    let (panelists, votes) = count(Some(level));
                    QuotaCell {
                        level: level.to_owned(),
                        share,
                        target: share * f64::from(target),
                        panelists,
                        votes,
                    }
                })
                .collect();
            let (unstated_panelists, unstated_votes) = count(None);
            if dimension == DIMENSIONS[0] {
                all_panelists = counts.iter().map(|(_, p, _)| (*p).max(0) as u64).sum();
                all_votes = counts.iter().map(|(_, _, v)| (*v).max(0) as u64).sum();
            }
            dimensions.push(QuotaDimension {
                dimension: dimension.to_owned(),
                cells,
                unstated_panelists,
                unstated_votes,
                without_margins: !margins.iter().any(|(d, _, _)| d == dimension),
            });
        }
        Ok(Quotas {
            target,
            panelists: all_panelists,
            votes: all_votes,
            dimensions,
            margins: {
                // In the order the page lists them: dimension, then level.
                let place = |d: &str, l: &str| {
                    let levels = levels(d);
                    (
                        DIMENSIONS.iter().position(|x| *x == d),
                        levels.iter().position(|x| *x == l),
                    )
                };
                let mut sorted = margins;
                sorted.sort_by_key(|(d, l, _)| place(d, l));
                sorted
            }
            .into_iter()
            .map(|(dimension, level, share)| Margin {
                dimension,
                level,
                share,
            })
            .collect(),
        })
    }

    /// Revokes every unused code of a round's batches for `cell` (its quota is full); how many.
    pub(super) async fn close_cell_codes(
        &self,
        round: i64,
        cell: &str,
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<u64, StoreError> {
        let mut tx = self.change().await?;
        let changed = sqlx::query(
            "UPDATE invitations SET state = 'revoked', changed_at_ms = $1 \
             WHERE state = 'unused' AND batch_id IN \
                 (SELECT id FROM invitation_batches WHERE round_id = $2 AND cell = $3)",
        )
        .bind(now_ms)
        .bind(round)
        .bind(cell)
        .execute(&mut *tx.0)
        .await?;
        let closed = D::affected(&changed);
        audit.subject = round.to_string();
        audit.detail = serde_json::json!({ "cell": cell, "revoked": closed });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        Ok(closed)
    }
}
