//! Evaluation rounds (`arena_core::round`).
//!
//! Public, open to every site (a round's sealed models and prompts are what anyone checks the
//! published results against):
//! - `GET /api/v1/rounds` → every round that has opened, newest first;
//! - `GET /api/v1/rounds/{id}` → one (a draft is not there);
//! - `GET /api/v1/rounds/{id}/results` → its tables ([`RoundResults`]), once it closed (409
//!   `round_state` before);
//! - `GET /api/v1/rounds/{id}/votes.jsonl` → its counted votes ([`arena_core::round::RoundVote`],
//!   JSON Lines: a panelist's with their pseudonym and profile, never the code), once its
//!   results are published (409 before); operators read them at any time.
//!
//! A round's battles are drawn by `GET /api/v1/battle?round={id}` and voted like any other
//! (the token carries the round): see [`taking_votes`].
//!
//! Operators (`/api/v1/admin/rounds`, logged like every change):
//! - `POST` a [`RoundDraft`] → 201 and the draft, its prompts and answers sealed;
//! - `GET` → every round, drafts too; `GET /{id}` → one; `GET /{id}/results` → its tables,
//!   while it is open too;
//! - `PUT /{id}/state` `{"state": "open" | "closed" | "published"}` → one step forward, or 409
//!   `round_state` naming the state it is in.

use arena_core::round::{
    Audience, Round, RoundDraft, RoundResults, RoundState, RoundTable, RoundTransition,
};
use axum::extract::State;
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use tower_http::set_header::SetResponseHeaderLayer;

use super::{AppState, JsonBody, PathId};
use crate::error::ApiError;
use crate::operator::Operator;
use crate::store::{NewAudit, RoundRefused};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/{id}", get(one))
        .route("/{id}/results", get(results))
        .route("/{id}/votes.jsonl", get(votes))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(SetResponseHeaderLayer::overriding(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
}

/// Under `/api/v1/admin/rounds`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(admin_list).post(create))
        .route("/{id}", get(admin_one))
        .route("/{id}/results", get(admin_results))
        .route("/{id}/votes.jsonl", get(admin_votes))
        .route("/{id}/state", put(step))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(state.store.rounds(false).await?))
}

async fn one(State(state): State<AppState>, id: PathId) -> Result<Json<Round>, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    round
        .filter(|r| r.state != arena_core::round::RoundState::Draft)
        .map(Json)
        .ok_or(ApiError::NotFound)
}

async fn results(
    State(state): State<AppState>,
    id: PathId,
) -> Result<Json<RoundResults>, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    let round = round
        .filter(|r| r.state != RoundState::Draft)
        .ok_or(ApiError::NotFound)?;
    if round.state == RoundState::Open {
        // Its table while it runs would tell the panel how the models stand.
        return Err(ApiError::RoundState { from: round.state });
    }
    tables(&state, round).await.map(Json)
}

async fn admin_results(
    _: Operator,
    State(state): State<AppState>,
    id: PathId,
) -> Result<Json<RoundResults>, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    tables(&state, round.ok_or(ApiError::NotFound)?)
        .await
        .map(Json)
}

async fn votes(State(state): State<AppState>, id: PathId) -> Result<Response, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    let round = round
        .filter(|r| r.state != RoundState::Draft)
        .ok_or(ApiError::NotFound)?;
    if round.state != RoundState::Published {
        return Err(ApiError::RoundState { from: round.state });
    }
    votes_file(&state, &round).await
}

async fn admin_votes(
    _: Operator,
    State(state): State<AppState>,
    id: PathId,
) -> Result<Response, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    votes_file(&state, &round.ok_or(ApiError::NotFound)?).await
}

/// A round's counted votes as JSON Lines.
async fn votes_file(state: &AppState, round: &Round) -> Result<Response, ApiError> {
    let id: i64 = round.id.parse().map_err(|_| ApiError::NotFound)?;
    let mut out = String::new();
    for vote in state.store.round_votes(id).await? {
        out += &serde_json::to_string(&vote).map_err(|e| ApiError::Internal(e.into()))?;
        out.push('\n');
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/jsonl; charset=utf-8"),
    );
    Ok(response)
}

/// A round's tables, from its own counted votes.
async fn tables(state: &AppState, round: Round) -> Result<RoundResults, ApiError> {
    let id: i64 = round.id.parse().map_err(|_| ApiError::NotFound)?;
    let names: std::collections::BTreeMap<String, String> = round
        .models
        .iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    let now = crate::clock::now_ms();
    let table = |panel: bool| {
        let names = names.clone();
        async move {
            let counts = state.store.round_vote_counts(id, panel).await?;
            let table = state
                .leaderboards
                .table_of(counts, names, now)
                .await
                .map_err(ApiError::Internal)?;
            Ok::<_, ApiError>(RoundTable {
                table: table.response,
                counts: table.counts,
            })
        }
    };
    let public = table(false).await?;
    let panel = match round.audience {
        Audience::Public => None,
        Audience::Panel | Audience::Both => Some(table(true).await?),
    };
    Ok(RoundResults {
        round,
        public,
        panel,
    })
}

/// The round `id` if it takes battles and votes now: open and inside its window (who may vote in
/// it, its audience says: see `battle.rs`). A draft is not found; a round that closed (or whose
/// closing time passed) is 410.
pub(super) async fn taking_votes(
    state: &AppState,
    id: i64,
    now_ms: i64,
) -> Result<Round, ApiError> {
    let round = state.store.round(id).await?;
    let round = round
        .filter(|r| r.state != RoundState::Draft)
        .ok_or(ApiError::NotFound)?;
    if round.state != RoundState::Open || now_ms >= round.closes_at_ms {
        return Err(ApiError::RoundClosed);
    }
    if now_ms < round.opens_at_ms {
        return Err(ApiError::RoundNotOpen);
    }
    Ok(round)
}

async fn admin_list(
    _: Operator,
    State(state): State<AppState>,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(state.store.rounds(true).await?))
}

async fn admin_one(
    _: Operator,
    State(state): State<AppState>,
    id: PathId,
) -> Result<Json<Round>, ApiError> {
    let round = state.store.round(id.row_id()?).await?;
    round.map(Json).ok_or(ApiError::NotFound)
}

async fn create(
    operator: Operator,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<RoundDraft>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    if let Some(problem) = draft.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let now = crate::clock::now_ms();
    let audit = NewAudit {
        at_ms: now,
        operator: operator.label,
        action: "round.create".into(),
        subject: String::new(),
        detail: serde_json::Value::Null,
    };
    match state.store.create_round(&draft, now, audit).await? {
        Ok(round) => Ok((StatusCode::CREATED, Json(round))),
        Err(refused) => Err(refusal(refused)),
    }
}

async fn step(
    operator: Operator,
    State(state): State<AppState>,
    id: PathId,
    JsonBody(transition): JsonBody<RoundTransition>,
) -> Result<Json<Round>, ApiError> {
    let id = id.row_id()?;
    let audit = NewAudit {
        at_ms: crate::clock::now_ms(),
        operator: operator.label,
        action: format!("round.{}", transition.state.code()),
        subject: id.to_string(),
        detail: serde_json::Value::Null,
    };
    match state.store.move_round(id, transition.state, audit).await? {
        Ok(round) => Ok(Json(round)),
        Err(refused) => Err(refusal(refused)),
    }
}

/// What the operator is told when the store refused.
fn refusal(refused: RoundRefused) -> ApiError {
    match refused {
        RoundRefused::NotFound => ApiError::NotFound,
        RoundRefused::UnknownModels(ids) => {
            ApiError::bad_request(format!("models not in the registry: {}", ids.join(", ")))
        }
        RoundRefused::NoPrompts => ApiError::bad_request(
            "no prompt in the round's categories is answered by two of its models",
        ),
        RoundRefused::Moved { from } => ApiError::RoundState { from },
    }
}
