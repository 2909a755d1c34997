//! `GET /api/v1/leaderboard` and `GET /api/v1/leaderboard/counts`, served from memory.
//!
//! The counts are what the table was computed from, so anyone can recompute it. Both are
//! serialised straight from the shared snapshot; a request copies nothing.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::{CategoryQuery, QueryParams};
use crate::AppState;

pub async fn get_leaderboard(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Response {
    let table = state.leaderboards.table(query.category());
    Json(&table.response).into_response()
}

pub async fn get_counts(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Response {
    let table = state.leaderboards.table(query.category());
    Json(&table.counts).into_response()
}
