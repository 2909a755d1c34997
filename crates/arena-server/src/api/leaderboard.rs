//! `GET /api/v1/leaderboard` and `GET /api/v1/leaderboard/counts`, served from memory.
//!
//! The counts are what the table was computed from, so anyone can recompute it.

use arena_core::api::{CountsResponse, LeaderboardResponse};
use axum::Json;
use axum::extract::State;

use super::{CategoryQuery, QueryParams};
use crate::AppState;

pub async fn get_leaderboard(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Json<LeaderboardResponse> {
    Json(state.leaderboards.table(query.category()).response)
}

pub async fn get_counts(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<CategoryQuery>,
) -> Json<CountsResponse> {
    let table = state.leaderboards.table(query.category());
    Json(CountsResponse {
        computed_at_ms: table.response.computed_at_ms,
        category: table.response.category,
        counts: table.counts,
    })
}
