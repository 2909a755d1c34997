//! The rounds' queries: a draft sealed in one transaction, rounds read back with their sealed
//! models, and a round moved one step forward with its audit entry.

use arena_core::round::{Round, RoundDraft, RoundState, SealedModel};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Type};

use super::{DRAWABLE, Dialect, SqlStore, Value, in_bytes};
use crate::store::catalogue::CatalogueTx;
use crate::store::draw::DrawSource;
use crate::store::rounds::{CandidateAnswer, RoundIndex, RoundRefused, seal_draft};
use crate::store::{DrawnBattle, NewAudit, StoreError, VoteCount, rows};
use arena_core::api::PromptView;

/// A round's own columns, in the order [`round_row`] reads them.
const ROUND_COLUMNS: &str = "id, name, state, audience, reveal, votes_per_person, opens_at_ms, \
     closes_at_ms, categories, prompts_sha256, created_at_ms";

type RoundRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    i64,
);

fn invalid(e: String) -> StoreError {
    StoreError::Other(anyhow::anyhow!(e))
}

/// A round from its row, its sealed models and its prompt count.
fn round_row(row: RoundRow, models: Vec<SealedModel>, prompts: i64) -> Result<Round, StoreError> {
    let (id, name, state, audience, reveal, votes, opens, closes, categories, seal, created) = row;
    Ok(Round {
        id: id.to_string(),
        name,
        state: state.parse().map_err(invalid)?,
        audience: audience.parse().map_err(invalid)?,
        reveal: reveal.parse().map_err(invalid)?,
        votes_per_person: u32::try_from(votes).unwrap_or(u32::MAX),
        opens_at_ms: opens,
        closes_at_ms: closes,
        categories: serde_json::from_str(&categories).map_err(|e| StoreError::Other(e.into()))?,
        models,
        prompts: u64::try_from(prompts).unwrap_or(0),
        prompts_sha256: seal,
        created_at_ms: created,
    })
}

/// The state of round `id`, its row locked for the rest of `tx` (a change that depends on it
/// sees no other change in between); `None` when there is no such round.
pub(super) async fn locked_state<D: Dialect>(
    tx: &mut super::catalogue::Catalogue<D>,
    id: i64,
) -> Result<Option<RoundState>, StoreError>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    String: Value<D>,
    i64: Value<D>,
    usize: ColumnIndex<D::Row>,
{
    let state: Option<String> = sqlx::query_scalar(&format!(
        "SELECT state FROM rounds WHERE id = $1{}",
        D::lock_rows("rounds")
    ))
    .bind(id)
    .fetch_optional(&mut *tx.0)
    .await?;
    state.map(|s| s.parse().map_err(invalid)).transpose()
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
    pub(super) async fn seal_round(
        &self,
        draft: &RoundDraft,
        now_ms: i64,
        mut audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError> {
        let mut tx = self.change().await?;
        let mut unknown = Vec::new();
        for model in &draft.models {
            let known: Option<String> = sqlx::query_scalar("SELECT id FROM models WHERE id = $1")
                .bind(model)
                .fetch_optional(&mut *tx.0)
                .await?;
            if known.is_none() {
                unknown.push(model.clone());
            }
        }
        if !unknown.is_empty() {
            return Ok(Err(RoundRefused::UnknownModels(unknown)));
        }
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT a.prompt_id, p.category, p.text, a.model_id, a.text FROM answers a \
             JOIN prompts p ON p.id = a.prompt_id WHERE {DRAWABLE}"
        ))
        .fetch_all(&mut *tx.0)
        .await?;
        let candidates: Vec<CandidateAnswer> = rows
            .into_iter()
            .map(
                |(prompt_id, category, prompt, model_id, answer)| CandidateAnswer {
                    prompt_id,
                    category,
                    prompt,
                    model_id,
                    answer,
                },
            )
            .collect();
        let Some(sealed) = seal_draft(draft, &candidates) else {
            return Ok(Err(RoundRefused::NoPrompts));
        };
        let categories: Vec<&str> = draft.categories.iter().map(|c| c.trim()).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rounds (name, state, audience, reveal, votes_per_person, opens_at_ms, \
                                 closes_at_ms, categories, prompts_sha256, created_at_ms) \
             VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(draft.name.trim())
        .bind(draft.audience.code())
        .bind(draft.reveal.code())
        .bind(i64::from(draft.votes_per_person))
        .bind(draft.opens_at_ms)
        .bind(draft.closes_at_ms)
        .bind(serde_json::to_string(&categories).map_err(|e| StoreError::Other(e.into()))?)
        .bind(&sealed.prompts_sha256)
        .bind(now_ms)
        .fetch_one(&mut *tx.0)
        .await?;
        for (model, (sha, _)) in &sealed.models {
            let declared = match draft.declared.get(model) {
                Some(d) => Some(serde_json::to_string(d).map_err(|e| StoreError::Other(e.into()))?),
                None => None,
            };
            sqlx::query(
                "INSERT INTO round_models (round_id, model_id, answers_sha256, declared) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(model)
            .bind(sha)
            .bind(declared)
            .execute(&mut *tx.0)
            .await?;
        }
        for (prompt, sha) in &sealed.prompts {
            sqlx::query(
                "INSERT INTO round_prompts (round_id, prompt_id, sha256) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(prompt)
            .bind(sha)
            .execute(&mut *tx.0)
            .await?;
        }
        for (prompt, model, sha) in &sealed.answers {
            sqlx::query(
                "INSERT INTO round_answers (round_id, prompt_id, model_id, sha256) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(prompt)
            .bind(model)
            .bind(sha)
            .execute(&mut *tx.0)
            .await?;
        }
        audit.subject = id.to_string();
        audit.detail = serde_json::json!({
            "name": draft.name.trim(),
            "models": sealed.models.iter().map(|(m, (sha, n))| {
                serde_json::json!({"id": m, "answers": n, "answers_sha256": sha})
            }).collect::<Vec<_>>(),
            "prompts": sealed.prompts.len(),
            "prompts_sha256": sealed.prompts_sha256,
            "opens_at_ms": draft.opens_at_ms,
            "closes_at_ms": draft.closes_at_ms,
            "audience": draft.audience,
            "reveal": draft.reveal,
            "votes_per_person": draft.votes_per_person,
        });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        let round = self.round_by_id(id).await?;
        round
            .map(Ok)
            .ok_or_else(|| invalid(format!("round {id} vanished")))
    }

    /// Every round, newest first; drafts only when asked for (operators).
    pub(super) async fn list_rounds(&self, drafts: bool) -> Result<Vec<Round>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(if drafts {
            "SELECT id FROM rounds ORDER BY id DESC"
        } else {
            "SELECT id FROM rounds WHERE state <> 'draft' ORDER BY id DESC"
        })
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(round) = self.round_by_id(id).await? {
                out.push(round);
            }
        }
        Ok(out)
    }

    pub(super) async fn round_by_id(&self, id: i64) -> Result<Option<Round>, StoreError> {
        let row: Option<RoundRow> =
            sqlx::query_as(&format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let models: Vec<(String, String, String, i64, Option<String>)> = sqlx::query_as(&format!(
            "SELECT rm.model_id, m.name, rm.answers_sha256, \
                    (SELECT COUNT(*) FROM round_answers ra \
                     WHERE ra.round_id = rm.round_id AND ra.model_id = rm.model_id), \
                    rm.declared \
             FROM round_models rm JOIN models m ON m.id = rm.model_id \
             WHERE rm.round_id = $1 ORDER BY {}",
            in_bytes::<D>(&["rm.model_id"])
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let prompts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM round_prompts WHERE round_id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        let models = models
            .into_iter()
            .map(|(id, name, answers_sha256, answers, declared)| {
                Ok(SealedModel {
                    id,
                    name,
                    answers: u64::try_from(answers).unwrap_or(0),
                    answers_sha256,
                    declared: declared
                        .map(|d| serde_json::from_str(&d))
                        .transpose()
                        .map_err(|e| StoreError::Other(e.into()))?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        round_row(row, models, prompts).map(Some)
    }

    /// Moves a round one step forward to `to`, logged with `audit` in the same transaction.
    pub(super) async fn step_round(
        &self,
        id: i64,
        to: RoundState,
        mut audit: NewAudit,
    ) -> Result<Result<Round, RoundRefused>, StoreError> {
        let mut tx = self.change().await?;
        let Some(from) = locked_state::<D>(&mut tx, id).await? else {
            return Ok(Err(RoundRefused::NotFound));
        };
        if !from.can_become(to) {
            return Ok(Err(RoundRefused::Moved { from }));
        }
        sqlx::query("UPDATE rounds SET state = $1 WHERE id = $2")
            .bind(to.code())
            .bind(id)
            .execute(&mut *tx.0)
            .await?;
        audit.subject = id.to_string();
        audit.detail = serde_json::json!({ "from": from, "to": to });
        tx.append_audit(&audit).await?;
        tx.0.commit().await?;
        let round = self.round_by_id(id).await?;
        round
            .map(Ok)
            .ok_or_else(|| invalid(format!("round {id} vanished")))
    }

    /// A battle of an open round, from what it sealed (see [`RoundIndex`]); `None` when it can
    /// draw nothing whose texts are still the sealed ones.
    pub(super) async fn draw_in(&self, round: i64) -> Result<Option<DrawnBattle>, StoreError> {
        let index = match self.rounds.get(round) {
            Some(index) => index,
            None => {
                let prompts: Vec<(String, String)> = sqlx::query_as(
                    "SELECT prompt_id, sha256 FROM round_prompts WHERE round_id = $1",
                )
                .bind(round)
                .fetch_all(&self.pool)
                .await?;
                let answers: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT prompt_id, model_id, sha256 FROM round_answers WHERE round_id = $1",
                )
                .bind(round)
                .fetch_all(&self.pool)
                .await?;
                self.rounds.keep(round, RoundIndex::new(prompts, answers))
            }
        };
        if index.plan_due(std::time::Instant::now()) {
            // The round's own table, its panel's and the public's votes together. A failed
            // read keeps the plan as it was (the battle is still drawn).
            let mut counts = arena_core::rating::BattleCounts::default();
            let mut read = Ok(());
            for panel in [true, false] {
                match self.cells_of(round, panel).await {
                    Ok(cells) => {
                        for c in cells {
                            counts.add(&c.model_a, &c.model_b, c.choice, c.count);
                        }
                    }
                    Err(e) => read = Err(e),
                }
            }
            match read {
                Ok(()) => index.set_plan(&arena_core::rating::round_plan::round_plan(
                    index.models(),
                    &counts,
                )),
                Err(e) => tracing::warn!(round, error = %e, "a round's plan was not renewed"),
            }
        }
        for _ in 0..3 {
            let Some((prompt, a, b)) = index.pick() else {
                return Ok(None);
            };
            let Some((category, text, answer_a, answer_b)) =
                self.battle_texts(&prompt, &a, &b).await?
            else {
                continue;
            };
            if !index.sealed(&prompt, &text, [(&a, &answer_a), (&b, &answer_b)]) {
                tracing::error!(round, prompt, "a round's text changed after it was sealed");
                continue;
            }
            return Ok(Some(DrawnBattle {
                prompt: PromptView {
                    id: prompt,
                    category,
                    text,
                },
                model_a: a,
                model_b: b,
                answer_a,
                answer_b,
            }));
        }
        Ok(None)
    }

    /// A voter's counted votes in a round (what its votes-per-person cap counts).
    pub(super) async fn votes_in(&self, round: i64, voter_id: &str) -> Result<u64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT count FROM round_tallies WHERE round_id = $1 AND voter_id = $2",
        )
        .bind(round)
        .bind(voter_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// A round's counted votes of its panel (or of the public) per (model A, model B, choice);
    /// the category is the round's id.
    pub(super) async fn cells_of(
        &self,
        round: i64,
        panel: bool,
    ) -> Result<Vec<VoteCount>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT CAST(round_id AS TEXT), model_a, model_b, choice, COUNT(*) FROM votes \
             WHERE round_id = $1 AND panel = $2 AND flags = 0 \
             GROUP BY round_id, model_a, model_b, choice ORDER BY {}",
            in_bytes::<D>(&["model_a", "model_b", "choice"])
        ))
        .bind(round)
        .bind(i64::from(panel))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::vote_count).collect()
    }
}

/// A round's counted vote as its export reads it.
type RoundVoteRow = (
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
);

impl<D: Dialect> SqlStore<D>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    for<'q> D::Arguments<'q>: IntoArguments<'q, D>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    String: Value<D>,
    i64: Value<D>,
    Option<String>: Value<D>,
    usize: ColumnIndex<D::Row>,
{
    /// A round's counted votes, oldest first, each panelist's with their pseudonym and profile.
    pub(super) async fn votes_of(
        &self,
        round: i64,
    ) -> Result<Vec<arena_core::round::RoundVote>, StoreError> {
        let rows: Vec<RoundVoteRow> = sqlx::query_as(&format!(
            "SELECT v.battle_id, v.panel, v.voter_id, p.age_band, p.sex, p.region, p.ai_use, \
                    v.prompt_id, v.model_a, v.model_b, v.choice, v.voted_at_ms \
             FROM votes v LEFT JOIN panelists p ON v.panel = 1 AND p.id = v.voter_id \
             WHERE v.round_id = $1 AND v.flags = 0 ORDER BY v.voted_at_ms, {}",
            in_bytes::<D>(&["v.battle_id"])
        ))
        .bind(round)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let (
                    battle_id,
                    panel,
                    voter,
                    age,
                    sex,
                    region,
                    ai_use,
                    prompt_id,
                    a,
                    b,
                    choice,
                    at,
                ) = r;
                let panel = panel == 1;
                // Stored as the codes the profile's types read back.
                let code = |text: Option<String>| text.map(serde_json::Value::String);
                let profile = panel.then(|| arena_core::panel::Profile {
                    age: code(age).and_then(|a| serde_json::from_value(a).ok()),
                    sex: code(sex).and_then(|s| serde_json::from_value(s).ok()),
                    region,
                    ai_use: code(ai_use).and_then(|u| serde_json::from_value(u).ok()),
                });
                Ok(arena_core::round::RoundVote {
                    battle_id,
                    audience: if panel { "panel" } else { "public" }.to_owned(),
                    panelist: panel.then_some(voter),
                    profile,
                    prompt_id,
                    model_a: a,
                    model_b: b,
                    choice: choice
                        .parse()
                        .map_err(|e| StoreError::Other(anyhow::anyhow!("{e}")))?,
                    voted_at_ms: at,
                })
            })
            .collect()
    }
}
