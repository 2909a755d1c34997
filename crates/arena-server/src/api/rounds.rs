//! Evaluation rounds (`arena_core::round`).
//!
//! Public, open to every site (a round's sealed models and prompts are what anyone checks the
//! published results against):
//! - `GET /api/v1/rounds` → every round that has opened, newest first;
//! - `GET /api/v1/rounds/{id}` → one (a draft is not there).
//!
//! Operators (`/api/v1/admin/rounds`, logged like every change):
//! - `POST` a [`RoundDraft`] → 201 and the draft, its prompts and answers sealed;
//! - `GET` → every round, drafts too; `GET /{id}` → one;
//! - `PUT /{id}/state` `{"state": "open" | "closed" | "published"}` → one step forward, or 409
//!   `round_state` naming the state it is in.

use arena_core::round::{Round, RoundDraft, RoundTransition};
use axum::extract::State;
use axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use axum::http::{HeaderValue, StatusCode};
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
